#include "outputseditor.h"

#include "format.h"
#include "icons.h"
#include "projectdocument.h"
#include "secretdelegate.h"

#include <loadwizard/outputregistry.h>
#include <loadwizard/outputsinks.h>
#include <loadwizard/project.h>
#include <loadwizard/variables.h>

#include <QApplication>
#include <QBoxLayout>
#include <QComboBox>
#include <QCompleter>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QTableWidget>
#include <QThreadPool>

#include <algorithm>
#include <functional>
#include <memory>

namespace Loadwizard::Ui {

namespace {

QStringList kindNames()
{
    QStringList names;
    for (const OutputKind &kind : outputKinds())
        names << QString::fromUtf8(kind.name.data(), qsizetype(kind.name.size()));
    return names;
}

QString fromView(std::string_view text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

QString exampleTarget(const QString &kind)
{
    const OutputKind *known = findOutputKind(kind.toStdString());
    return known ? fromView(known->exampleTarget) : QString();
}

/// The engine's rule (docs/outputs.md, "No secrets in names"): the registry's secret flags.
bool isSecretKey(const QString &key)
{
    return Engine::isSecretOption(key.toStdString());
}

/// The registry's help is Markdown with code spans; tooltips and hints show them as <code>.
QString richText(std::string_view markdown)
{
    const QStringList parts = fromView(markdown).split(QLatin1Char('`'));
    QString out;
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const QString escaped = parts[i].toHtmlEscaped();
        out += i % 2 ? QStringLiteral("<code>%1</code>").arg(escaped) : escaped;
    }
    return out;
}

QString optionName(const OutputOption &option)
{
    return fromView(option.name) + (option.isPrefix ? QStringLiteral("NAME") : QString());
}

/// The option's default as a hint: its value, or what it is taken from.
QString defaultText(const OutputOption &option)
{
    if (!option.defaultValue.empty())
        return QStringLiteral("<code>%1</code>").arg(fromView(option.defaultValue).toHtmlEscaped());
    return richText(option.defaultNote);
}

QString optionToolTip(const OutputOption &option)
{
    QString tip = QStringLiteral("<b>%1</b>: %2")
                      .arg(optionName(option).toHtmlEscaped(), richText(option.help));
    if (const QString fallback = defaultText(option); !fallback.isEmpty())
        tip += OutputsEditor::tr(" (default %1)").arg(fallback);
    if (!option.values.empty()) {
        QStringList values;
        for (std::string_view value : option.values)
            values << QStringLiteral("<code>%1</code>").arg(fromView(value).toHtmlEscaped());
        tip += OutputsEditor::tr("; one of %1").arg(values.join(QStringLiteral(", ")));
    }
    return tip;
}

/// Completes option names with the documented ones of the output being edited.
class OptionKeyDelegate : public QStyledItemDelegate
{
public:
    OptionKeyDelegate(std::function<QStringList()> keys, QObject *parent)
        : QStyledItemDelegate(parent)
        , m_keys(std::move(keys))
    {}

    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &option,
                          const QModelIndex &index) const override
    {
        auto *editor = QStyledItemDelegate::createEditor(parent, option, index);
        if (auto *line = qobject_cast<QLineEdit *>(editor)) {
            auto *completer = new QCompleter(m_keys(), line);
            completer->setCaseSensitivity(Qt::CaseInsensitive);
            line->setCompleter(completer);
        }
        return editor;
    }

private:
    std::function<QStringList()> m_keys;
};

} // namespace

QList<std::pair<QString, QString>> OutputsEditor::documentedOptions(const QString &kind)
{
    QList<std::pair<QString, QString>> options;
    if (const OutputKind *known = findOutputKind(kind.toStdString())) {
        for (const OutputOption &option : known->options) {
            QString meaning = fromView(option.help).remove(QLatin1Char('`'));
            if (!option.defaultValue.empty())
                meaning += tr(" (default %1)").arg(fromView(option.defaultValue));
            options.append({optionName(option), meaning});
        }
    }
    return options;
}

QString OutputsEditor::withoutSecrets(QString message, const OutputConfig &config)
{
    QStringList secrets;
    const auto addSecret = [&secrets](const std::string &text, const std::string &field) {
        secrets << QString::fromStdString(text);
        if (auto expanded = expandVariables(text, field))
            secrets << QString::fromStdString(*expanded);
    };
    for (const auto &[key, value] : config.options) {
        if (isSecretKey(QString::fromStdString(key)))
            addSecret(value, key);
    }
    // URL user info: "scheme://user:password@host".
    const std::string &target = config.target;
    if (const auto scheme = target.find("://"); scheme != std::string::npos) {
        const auto end = target.find_first_of("/?#", scheme + 3);
        const auto at = target.rfind('@', end == std::string::npos ? target.size() : end);
        if (at != std::string::npos && at > scheme + 3) {
            const std::string userInfo = target.substr(scheme + 3, at - scheme - 3);
            addSecret(userInfo, "target");
            if (const auto colon = userInfo.find(':'); colon != std::string::npos)
                addSecret(userInfo.substr(colon + 1), "target");
        }
    }
    // Longest first, so a password inside the user info goes with it.
    std::sort(secrets.begin(), secrets.end(),
              [](const QString &a, const QString &b) { return a.size() > b.size(); });
    for (const QString &secret : secrets) {
        if (secret.size() >= 3)
            message.replace(secret, QStringLiteral("***"));
    }
    return message;
}

OutputsEditor::OutputsEditor(ProjectDocument *document, QWidget *parent)
    : QWidget(parent)
    , m_document(document)
    , m_list(new QListWidget(this))
    , m_addOutput(new QPushButton(tr("&Add output"), this))
    , m_removeOutput(new QPushButton(tr("Remove outp&ut"), this))
    , m_form(new QWidget(this))
    , m_kind(new QComboBox(m_form))
    , m_target(new QLineEdit(m_form))
    , m_options(new QTableWidget(0, 2, m_form))
    , m_addOption(new QPushButton(tr("Add o&ption"), m_form))
    , m_removeOption(new QPushButton(tr("Remove optio&n"), m_form))
    , m_optionHint(new QLabel(m_form))
    , m_problem(new QLabel(m_form))
    , m_test(new QPushButton(tr("Te&st connection"), m_form))
    , m_busy(new QProgressBar(m_form))
    , m_result(new QLabel(m_form))
{
    m_list->setAccessibleName(tr("Outputs"));
    m_list->setMinimumWidth(260);
    m_list->setStyleSheet(QStringLiteral("QListWidget::item { padding: 4px 2px; }"));
    m_addOutput->setIcon(Icons::icon(Icons::Glyph::Add));
    m_removeOutput->setIcon(Icons::icon(Icons::Glyph::Trash));

    m_kind->addItems(kindNames());
    m_kind->setAccessibleName(tr("Output kind"));
    m_target->setAccessibleName(tr("Output target"));
    m_target->setClearButtonEnabled(true);
    m_options->setHorizontalHeaderLabels({tr("Option"), tr("Value")});
    m_options->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_options->verticalHeader()->hide();
    m_options->verticalHeader()->setDefaultSectionSize(m_options->fontMetrics().height() + 12);
    m_options->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_options->setAccessibleName(tr("Output options"));
    // Room for a handful of options; the section's free space goes below the form.
    m_options->setMaximumHeight(m_options->verticalHeader()->defaultSectionSize() * 8 +
                                m_options->horizontalHeader()->sizeHint().height() + 4);
    m_options->setTabKeyNavigation(false); // Tab leaves the table; arrows move inside
    m_options->setItemDelegateForColumn(
        KeyColumn, new OptionKeyDelegate(
                       [this] {
                           QStringList keys;
                           for (const auto &option : documentedOptions(m_kind->currentText()))
                               keys << option.first;
                           return keys;
                       },
                       this));
    m_options->setItemDelegateForColumn(
        ValueColumn, new SecretDelegate(
                         [this](const QModelIndex &index) {
                             const auto *key = m_options->item(index.row(), KeyColumn);
                             return key && isSecretKey(key->text().trimmed());
                         },
                         this));
    m_optionHint->setWordWrap(true);
    m_optionHint->setForegroundRole(QPalette::PlaceholderText);
    m_optionHint->setTextFormat(Qt::RichText);
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #d64541;"));
    m_problem->hide();
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(120);
    m_busy->setMaximumHeight(m_test->sizeHint().height() / 2);
    m_busy->setTextVisible(false);
    m_busy->setAccessibleName(tr("Testing the connection"));
    m_busy->hide();
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_test->setIcon(Icons::icon(Icons::Glyph::Reload));
    m_test->setToolTip(tr("Connect to the output without writing data (a file output checks "
                          "that the file can be opened)"));

    auto *hint =
        new QLabel(tr("While a run is on, its per-second metrics (and, for some kinds, log "
                      "events) go to each output below, as with <code>--out KIND=TARGET</code> "
                      "on the command line. Put passwords and tokens in the environment: "
                      "<code>${INFLUX_TOKEN}</code> is kept as written and expanded when the "
                      "run starts."),
                   this);
    hint->setWordWrap(true);
    hint->setForegroundRole(QPalette::PlaceholderText);

    auto *listButtons = new QHBoxLayout;
    listButtons->addWidget(m_addOutput);
    listButtons->addWidget(m_removeOutput);
    listButtons->addStretch();
    auto *listColumn = new QVBoxLayout;
    listColumn->addWidget(m_list, 1);
    listColumn->addLayout(listButtons);

    auto *optionButtons = new QHBoxLayout;
    optionButtons->addWidget(m_addOption);
    optionButtons->addWidget(m_removeOption);
    optionButtons->addStretch();
    auto *testRow = new QHBoxLayout;
    testRow->addWidget(m_test);
    testRow->addWidget(m_busy);
    testRow->addWidget(m_result, 1);

    auto *form = new QFormLayout(m_form);
    form->setContentsMargins(0, 0, 0, 0);
    auto *kindLabel = new QLabel(tr("&Kind:"), m_form);
    kindLabel->setBuddy(m_kind);
    form->addRow(kindLabel, m_kind);
    auto *targetLabel = new QLabel(tr("&Target:"), m_form);
    targetLabel->setBuddy(m_target);
    form->addRow(targetLabel, m_target);
    auto *optionsLabel = new QLabel(tr("&Options:"), m_form);
    optionsLabel->setBuddy(m_options);
    form->addRow(optionsLabel, m_options);
    form->addRow(QString(), optionButtons);
    form->addRow(QString(), m_optionHint);
    form->addRow(QString(), m_problem);
    form->addRow(QString(), testRow);

    auto *columns = new QHBoxLayout;
    columns->addLayout(listColumn, 2);
    columns->addSpacing(12);
    auto *formColumn = new QVBoxLayout;
    formColumn->addWidget(m_form);
    formColumn->addStretch(1);
    columns->addLayout(formColumn, 3);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("<h3>Outputs</h3>"), this));
    layout->addWidget(hint);
    layout->addLayout(columns, 1);

    connect(m_list, &QListWidget::currentRowChanged, this, [this] {
        if (!m_refreshing) {
            ++m_testGeneration; // a test of the previous output no longer applies
            setTestState(false, true, QString());
            showCurrent();
        }
    });
    connect(m_addOutput, &QPushButton::clicked, this, &OutputsEditor::addOutput);
    connect(m_removeOutput, &QPushButton::clicked, this, &OutputsEditor::removeOutput);
    connect(m_addOption, &QPushButton::clicked, this, &OutputsEditor::addOption);
    connect(m_removeOption, &QPushButton::clicked, this, &OutputsEditor::removeOption);
    connect(m_test, &QPushButton::clicked, this, &OutputsEditor::testConnection);
    connect(m_kind, &QComboBox::currentIndexChanged, this, [this] {
        if (m_refreshing)
            return;
        OutputConfig config = configFromForm();
        // A target of the other kind's shape would only be an error: offer this kind's example.
        const int index = currentIndex();
        const auto &before = m_document->project().outputs[std::size_t(index)];
        if (config.target == exampleTarget(QString::fromStdString(before.kind)).toStdString())
            config.target = exampleTarget(m_kind->currentText()).toStdString();
        commit(config, tr("Change output kind"));
    });
    connect(m_target, &QLineEdit::textEdited, this, [this] {
        if (m_targetMergeKey == 0)
            m_targetMergeKey = ProjectDocument::newMergeKey();
        commit(configFromForm(), tr("Edit output target"), m_targetMergeKey);
    });
    connect(m_target, &QLineEdit::editingFinished, this, [this] { m_targetMergeKey = 0; });
    connect(m_options, &QTableWidget::cellChanged, this, [this](int row, int column) {
        if (m_refreshing)
            return;
        if (column == KeyColumn && !markUnknownOption(row))
            return; // kept on screen, marked, until it is a name the kind knows
        commit(configFromForm(), tr("Edit output option"));
    });
    connect(m_document, &ProjectDocument::projectChanged, this, &OutputsEditor::refresh);
    refresh();
}

OutputsEditor::~OutputsEditor()
{
    ++m_testGeneration; // a test still running reports to nobody
}

int OutputsEditor::currentIndex() const
{
    const int row = m_list->currentRow();
    return row >= 0 && row < static_cast<int>(m_document->project().outputs.size()) ? row : -1;
}

void OutputsEditor::refresh()
{
    const auto &outputs = m_document->project().outputs;
    m_refreshing = true;
    const int keep = m_list->currentRow();
    while (m_list->count() > static_cast<int>(outputs.size()))
        delete m_list->takeItem(m_list->count() - 1);
    for (int row = 0; row < static_cast<int>(outputs.size()); ++row) {
        const auto &output = outputs[std::size_t(row)];
        QStringList options;
        for (const auto &[key, value] : output.options) {
            options << QString::fromStdString(key) + QLatin1Char('=') +
                           (isSecretKey(QString::fromStdString(key)) &&
                                    value.find("${") == std::string::npos
                                ? QStringLiteral("***")
                                : QString::fromStdString(value));
        }
        QString text = QStringLiteral("%1  %2").arg(QString::fromStdString(output.kind),
                                                    QString::fromStdString(output.target));
        if (!options.isEmpty())
            text += QStringLiteral("\n    ") + options.join(QStringLiteral(", "));
        auto *item = m_list->item(row);
        if (!item)
            item = new QListWidgetItem(m_list);
        item->setText(text);
        item->setToolTip(text);
    }
    m_list->setCurrentRow(
        outputs.empty() ? -1 : std::clamp(keep, 0, static_cast<int>(outputs.size()) - 1));
    m_removeOutput->setEnabled(!outputs.empty());
    m_refreshing = false;
    showCurrent();
}

void OutputsEditor::showCurrent()
{
    const int index = currentIndex();
    m_form->setEnabled(index >= 0);
    m_refreshing = true;
    if (index < 0) {
        m_target->clear();
        m_options->setRowCount(0);
        m_optionHint->setText(tr("No outputs: add one to send metrics to InfluxDB, Graphite, "
                                 "Elasticsearch, Logstash or a file while the test runs."));
        m_problem->hide();
        m_refreshing = false;
        return;
    }
    const OutputConfig &config = m_document->project().outputs[std::size_t(index)];
    const QString kind = QString::fromStdString(config.kind);
    if (m_kind->findText(kind) < 0)
        m_kind->addItem(kind); // a kind this version does not know still shows as written
    m_kind->setCurrentText(kind);
    const QString target = QString::fromStdString(config.target);
    if (m_target->text() != target)
        m_target->setText(target);
    m_target->setPlaceholderText(exampleTarget(kind));

    m_options->setRowCount(static_cast<int>(config.options.size()));
    int row = 0;
    const OutputKind *known = findOutputKind(config.kind);
    for (const auto &[key, value] : config.options) {
        const QString name = QString::fromStdString(key);
        for (int column : {KeyColumn, ValueColumn}) {
            if (!m_options->item(row, column))
                m_options->setItem(row, column, new QTableWidgetItem);
        }
        m_options->item(row, KeyColumn)->setText(name);
        m_options->item(row, ValueColumn)->setText(QString::fromStdString(value));
        const OutputOption *option = known ? known->option(key) : nullptr;
        const QString meaning = option ? optionToolTip(*option) : QString();
        m_options->item(row, KeyColumn)->setToolTip(meaning);
        m_options->item(row, ValueColumn)->setToolTip(meaning);
        ++row;
    }
    m_removeOption->setEnabled(!config.options.empty());

    // Names and defaults here; each option's help is its row's tooltip.
    QStringList names;
    for (const OutputOption &option : known ? known->options : std::vector<OutputOption>()) {
        QString name = QStringLiteral("<code>%1</code>").arg(optionName(option).toHtmlEscaped());
        if (!option.defaultValue.empty())
            name += QStringLiteral("=<code>%1</code>")
                        .arg(fromView(option.defaultValue).toHtmlEscaped());
        names << name;
    }
    m_optionHint->setText(
        tr("Options of %1: %2").arg(kind.toHtmlEscaped(), names.join(QStringLiteral(", "))));
    m_optionHint->setToolTip(tr("Hover an option's row for what it does; docs/outputs.md has "
                                "them all."));

    // What the run would say, before it is started: makeOutput() is the judge (it expands
    // ${VAR}, so an unset variable shows here too).
    auto made = makeOutput(config);
    m_problem->setVisible(!made);
    if (!made) {
        m_problem->setText(
            tr("This output would stop the run: %1")
                .arg(withoutSecrets(Ui::errorText(made.error()), config).toHtmlEscaped()));
    }
    m_refreshing = false;
}

OutputConfig OutputsEditor::configFromForm() const
{
    OutputConfig config;
    const int index = currentIndex();
    if (index >= 0)
        config = m_document->project().outputs[std::size_t(index)];
    config.kind = m_kind->currentText().toStdString();
    config.target = m_target->text().trimmed().toStdString();
    config.options.clear();
    // Only options the kind knows reach the project: the file must load again (an unknown
    // option is an error there), and a kind change drops the old kind's options (undoable).
    const OutputKind *kind = findOutputKind(config.kind);
    for (int row = 0; row < m_options->rowCount(); ++row) {
        const auto *key = m_options->item(row, KeyColumn);
        const auto *value = m_options->item(row, ValueColumn);
        const QString name = key ? key->text().trimmed() : QString();
        if (!name.isEmpty() && kind && kind->option(name.toStdString()))
            config.options[name.toStdString()] = value ? value->text().toStdString() : "";
    }
    return config;
}

bool OutputsEditor::markUnknownOption(int row)
{
    auto *key = m_options->item(row, KeyColumn);
    if (!key || key->text().trimmed().isEmpty())
        return true;
    OutputConfig probe;
    probe.kind = m_kind->currentText().toStdString();
    probe.options[key->text().trimmed().toStdString()] = {};
    const auto known = checkOutputOptions(probe);
    const QSignalBlocker blocker(m_options); // colouring is no edit
    key->setForeground(known ? palette().text() : QBrush(Qt::red));
    if (!known)
        key->setToolTip(QString::fromStdString(known.error().message));
    return bool(known);
}

void OutputsEditor::commit(const OutputConfig &config, const QString &text, int mergeKey)
{
    const int index = currentIndex();
    if (index < 0)
        return;
    Project next = m_document->project();
    next.outputs[std::size_t(index)] = config;
    m_document->apply(next, text, mergeKey);
}

void OutputsEditor::addOutput()
{
    Project next = m_document->project();
    const OutputKind &first = outputKinds().front();
    OutputConfig config;
    config.kind = first.name;
    config.target = first.exampleTarget;
    next.outputs.push_back(config);
    m_document->apply(next, tr("Add output"));
    m_list->setCurrentRow(m_list->count() - 1);
    m_target->setFocus();
    m_target->selectAll();
}

void OutputsEditor::removeOutput()
{
    const int index = currentIndex();
    if (index < 0)
        return;
    Project next = m_document->project();
    next.outputs.erase(next.outputs.begin() + index);
    m_document->apply(next, tr("Remove output %1").arg(index + 1));
}

void OutputsEditor::addOption()
{
    const int index = currentIndex();
    if (index < 0)
        return;
    OutputConfig config = m_document->project().outputs[std::size_t(index)];
    // The first documented option not set yet; the user edits its name and value in place.
    QString key;
    for (const auto &option : documentedOptions(QString::fromStdString(config.kind))) {
        if (!config.options.contains(option.first.toStdString())) {
            key = option.first;
            break;
        }
    }
    for (int i = 2; key.isEmpty() || config.options.contains(key.toStdString()); ++i)
        key = QStringLiteral("option%1").arg(i);
    config.options[key.toStdString()] = "";
    commit(config, tr("Add output option %1").arg(key));
    const auto it = config.options.find(key.toStdString());
    const int row = static_cast<int>(std::distance(config.options.begin(), it));
    m_options->setCurrentCell(row, ValueColumn);
    m_options->setFocus();
}

void OutputsEditor::removeOption()
{
    const int row = m_options->currentRow();
    if (row < 0 || row >= m_options->rowCount())
        return;
    m_refreshing = true;
    m_options->removeRow(row);
    m_refreshing = false;
    commit(configFromForm(), tr("Remove output option"));
}

QString OutputsEditor::testResult() const
{
    return m_result->text();
}

void OutputsEditor::setTestState(bool testing, bool ok, const QString &message)
{
    m_testing = testing;
    m_busy->setVisible(testing);
    m_test->setEnabled(!testing);
    m_result->setText(testing ? tr("Testing…") : message);
    m_result->setStyleSheet(testing || message.isEmpty() ? QString()
                            : ok                         ? QStringLiteral("color: #2e9e5b;")
                                                         : QStringLiteral("color: #d64541;"));
}

void OutputsEditor::testConnection()
{
    const int index = currentIndex();
    if (index < 0 || m_testing)
        return;
    const OutputConfig config = m_document->project().outputs[std::size_t(index)];
    const quint64 generation = ++m_testGeneration;
    setTestState(true, true, QString());
    QPointer<OutputsEditor> self(this);
    QThreadPool::globalInstance()->start([self, generation, config] {
        // Off the UI thread: a connection may take the output's whole timeout.
        bool ok = false;
        QString message;
        auto sink = makeOutput(config);
        if (!sink) {
            message = Ui::errorText(sink.error());
        } else if (auto tested = (*sink)->testConnection(); !tested) {
            message = Ui::errorText(tested.error());
        } else {
            ok = true;
            message = QString::fromStdString((*sink)->name());
        }
        message = withoutSecrets(message, config);
        QMetaObject::invokeMethod(
            qApp,
            [self, generation, ok, message] {
                if (!self || generation != self->m_testGeneration)
                    return;
                self->setTestState(false, ok,
                                   ok ? tr("Connected: %1").arg(message)
                                      : tr("Failed: %1").arg(message));
                emit self->testFinished(ok, message);
            },
            Qt::QueuedConnection);
    });
}

} // namespace Loadwizard::Ui
