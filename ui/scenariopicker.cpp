#include "scenariopicker.h"

#include "format.h"
#include "icons.h"
#include "projectdocument.h"
#include "scenariocatalog.h"
#include "secretdelegate.h"

#include <loadwizard/secrets.h>

#include <QBoxLayout>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QTextBlock>
#include <QTreeWidget>

namespace Loadwizard::Ui {

namespace {

enum DiagnosticRole
{
    LocationRole = Qt::UserRole, ///< ":line:column: "
    MessageRole
};

enum ParameterColumn
{
    NameColumn,
    ValueColumn,
    DefaultColumn,
    HelpColumn
};

QString sourceTitle(ScenarioEntry::Source source)
{
    switch (source) {
    case ScenarioEntry::Source::Bundled:
        return QObject::tr("Bundled");
    case ScenarioEntry::Source::User:
        return QObject::tr("Your plugins");
    case ScenarioEntry::Source::Added:
        return QObject::tr("Added by hand");
    case ScenarioEntry::Source::Project:
        return QObject::tr("This project");
    }
    return {};
}

} // namespace

ScenarioPicker::ScenarioPicker(ProjectDocument *document, ScenarioCatalog *catalog, QWidget *parent)
    : QWidget(parent)
    , m_document(document)
    , m_catalog(catalog)
    , m_tree(new QTreeWidget(this))
    , m_busy(new QProgressBar(this))
    , m_busyLabel(new QLabel(this))
    , m_title(new QLabel(this))
    , m_meta(new QLabel(this))
    , m_description(new QLabel(this))
    , m_use(new QPushButton(tr("&Use for this project"), this))
    , m_reset(new QPushButton(tr("Reset to &default"), this))
    , m_parameters(new QTableWidget(0, 4, this))
    , m_problems(new QGroupBox(tr("Problems"), this))
    , m_diagnostics(new QTreeWidget(this))
    , m_errorText(new QPlainTextEdit(this))
{
    m_tree->setHeaderLabels({tr("Scenario"), tr("Status")});
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_tree->setRootIsDecorated(false);
    m_tree->setAccessibleName(tr("Scenario plugins"));
    m_busy->setRange(0, 0);
    m_busy->setMaximumHeight(m_busyLabel->fontMetrics().height());
    m_busy->setTextVisible(false);
    m_busy->hide();
    m_busyLabel->hide();

    auto *addButton = new QPushButton(tr("Add f&ile…"), this);
    addButton->setToolTip(tr("A scenario plugin (.so) or source (.cpp, compiled)"));
    auto *rescanButton = new QPushButton(tr("Re&load"), this);
    auto *listButtons = new QHBoxLayout;
    listButtons->addWidget(addButton);
    listButtons->addWidget(rescanButton);
    listButtons->addStretch();

    auto *listBox = new QWidget(this);
    auto *listLayout = new QVBoxLayout(listBox);
    listLayout->setContentsMargins(0, 0, 0, 0);
    listLayout->addWidget(m_tree, 1);
    listLayout->addWidget(m_busyLabel);
    listLayout->addWidget(m_busy);
    listLayout->addLayout(listButtons);

    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.3);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_meta->setForegroundRole(QPalette::PlaceholderText);
    m_meta->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_meta->setWordWrap(true);
    m_description->setWordWrap(true);
    m_description->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_parameters->setHorizontalHeaderLabels(
        {tr("Parameter"), tr("Value"), tr("Default"), tr("Help")});
    m_parameters->horizontalHeader()->setSectionResizeMode(HelpColumn, QHeaderView::Stretch);
    m_parameters->horizontalHeader()->setSectionResizeMode(ValueColumn, QHeaderView::Interactive);
    m_parameters->setColumnWidth(ValueColumn, 220);
    m_parameters->verticalHeader()->hide();
    m_parameters->setWordWrap(true);
    m_parameters->setAccessibleName(tr("Scenario parameters"));
    // A parameter whose name says it is secret (password, token, …) shows masked, as the engine
    // treats such variables (secrets.h).
    auto *secrets = new SecretDelegate(
        [this](const QModelIndex &index) {
            const auto *name = m_parameters->item(index.row(), NameColumn);
            return name && looksSecret(name->text().toStdString());
        },
        this);
    m_parameters->setItemDelegateForColumn(ValueColumn, secrets);
    m_parameters->setItemDelegateForColumn(DefaultColumn, secrets);

    m_diagnostics->setHeaderLabels({tr("File"), tr("Line"), tr("Column"), tr("Message")});
    m_diagnostics->setRootIsDecorated(false);
    m_diagnostics->header()->setSectionResizeMode(3, QHeaderView::Stretch);
    connect(m_diagnostics, &QTreeWidget::currentItemChanged, this,
            &ScenarioPicker::showInCompilerOutput);
    m_errorText->setReadOnly(true);
    m_errorText->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_errorText->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    auto *problemsLayout = new QVBoxLayout(m_problems);
    auto *problemsSplitter = new QSplitter(Qt::Vertical, m_problems);
    problemsSplitter->addWidget(m_diagnostics);
    problemsSplitter->addWidget(m_errorText);
    problemsLayout->addWidget(problemsSplitter);
    m_problems->hide();

    auto *header = new QHBoxLayout;
    header->addWidget(m_title, 1);
    header->addWidget(m_use);
    auto *parameterButtons = new QHBoxLayout;
    parameterButtons->addWidget(new QLabel(tr("<b>Parameters</b>"), this));
    parameterButtons->addStretch();
    parameterButtons->addWidget(m_reset);

    auto *details = new QWidget(this);
    auto *detailsLayout = new QVBoxLayout(details);
    detailsLayout->setContentsMargins(0, 0, 0, 0);
    detailsLayout->addLayout(header);
    detailsLayout->addWidget(m_meta);
    detailsLayout->addWidget(m_description);
    detailsLayout->addLayout(parameterButtons);
    detailsLayout->addWidget(m_parameters, 2);
    detailsLayout->addWidget(m_problems, 3);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(listBox);
    splitter->addWidget(details);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({280, 620});
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("<h3>Scenario</h3>"), this));
    layout->addWidget(splitter, 1);

    connect(addButton, &QPushButton::clicked, this, [this] {
        const QString file =
            QFileDialog::getOpenFileName(this, tr("Add a scenario"), QString(),
                                         tr("Scenarios (*.so *.cpp *.cc *.cxx);;All files (*)"));
        if (!file.isEmpty())
            addFile(file);
    });
    connect(rescanButton, &QPushButton::clicked, m_catalog, &ScenarioCatalog::rescan);
    connect(m_use, &QPushButton::clicked, this, &ScenarioPicker::useSelected);
    connect(m_reset, &QPushButton::clicked, this, &ScenarioPicker::resetParameter);
    connect(m_tree, &QTreeWidget::currentItemChanged, this, &ScenarioPicker::showSelected);
    connect(m_parameters, &QTableWidget::cellChanged, this, &ScenarioPicker::onParameterChanged);
    connect(m_parameters, &QTableWidget::currentCellChanged, this,
            [this] { m_reset->setEnabled(m_parameters->currentRow() >= 0); });
    connect(m_catalog, &ScenarioCatalog::entriesReset, this, &ScenarioPicker::rebuildTree);
    connect(m_catalog, &ScenarioCatalog::entryChanged, this, [this](int index) {
        updateItem(index);
        if (index == selectedIndex())
            showSelected();
    });
    connect(m_catalog, &ScenarioCatalog::busyChanged, this, [this](bool busy, const QString &file) {
        m_busy->setVisible(busy);
        m_busyLabel->setVisible(busy);
        m_busyLabel->setText(file.endsWith(QLatin1String(".so"))
                                 ? tr("Loading %1…").arg(QFileInfo(file).fileName())
                                 : tr("Compiling %1…").arg(QFileInfo(file).fileName()));
    });
    connect(m_document, &ProjectDocument::projectChanged, this,
            &ScenarioPicker::followProjectScenario);
    rebuildTree();
    followProjectScenario();
}

void ScenarioPicker::setTargetGroup(std::function<int()> group)
{
    m_targetGroup = std::move(group);
    updateTarget();
}

void ScenarioPicker::updateTarget()
{
    followProjectScenario();
}

void ScenarioPicker::followProjectScenario()
{
    // Listed even when it is none of the catalog's (a file of the project's own); a declarative
    // scenario (.yaml) is the steps editor's, not a plugin to load (it would read as rejected,
    // and a rejected scenario blocks Run).
    const QString path = projectScenarioPath();
    const QString suffix = QFileInfo(path).suffix().toLower();
    const bool declarative = suffix == QLatin1String("yaml") || suffix == QLatin1String("yml");
    m_catalog->setProjectScenario(declarative ? QString() : path);
    for (int i = 0; i < m_items.size(); ++i)
        updateItem(i);
    // A project (or group) that now uses another scenario shows that one, with its parameters;
    // other changes keep what the user selected.
    if (path != m_followedScenario) {
        m_followedScenario = path;
        if (!path.isEmpty())
            select(path);
    }
    showSelected();
}

int ScenarioPicker::targetGroup() const
{
    const int group = m_targetGroup ? m_targetGroup() : -1;
    return group >= 0 && group < static_cast<int>(m_document->project().groups.size()) ? group : -1;
}

QString ScenarioPicker::projectScenarioPath() const
{
    const Project &project = m_document->project();
    if (const int group = targetGroup(); group >= 0) {
        const ProjectGroup &g = project.groups[std::size_t(group)];
        return g.scenario.empty() ? QString()
                                  : QString::fromStdString(g.scenarioPath(project.folder()));
    }
    return project.scenario.empty() ? QString() : QString::fromStdString(project.scenarioPath());
}

void ScenarioPicker::addFile(const QString &path)
{
    m_catalog->addFile(path);
    select(path);
}

bool ScenarioPicker::select(const QString &path)
{
    const int index = m_catalog->indexOf(path);
    if (index < 0 || index >= m_items.size())
        return false;
    m_tree->setCurrentItem(m_items[index]);
    return true;
}

void ScenarioPicker::rebuildTree()
{
    // The item's path, not its index: the entries may have been listed again in another order.
    const auto *current = m_tree->currentItem();
    const QString selectedPath = current && current->data(0, Qt::UserRole).isValid()
                                     ? current->toolTip(0)
                                     : projectScenarioPath();
    m_tree->clear();
    m_items.clear();
    QMap<int, QTreeWidgetItem *> groups;
    const auto &entries = m_catalog->entries();
    for (int i = 0; i < entries.size(); ++i) {
        const int source = static_cast<int>(entries[i].source);
        if (!groups.contains(source)) {
            auto *group = new QTreeWidgetItem(m_tree, {sourceTitle(entries[i].source)});
            group->setFlags(Qt::ItemIsEnabled);
            QFont font = group->font(0);
            font.setBold(true);
            group->setFont(0, font);
            group->setFirstColumnSpanned(true);
            groups.insert(source, group);
        }
        auto *item = new QTreeWidgetItem(groups[source]);
        item->setData(0, Qt::UserRole, i);
        m_items << item;
        updateItem(i);
    }
    m_tree->expandAll();
    if (!select(selectedPath) && !m_items.isEmpty())
        m_tree->setCurrentItem(m_items.front());
}

void ScenarioPicker::updateItem(int index)
{
    if (index < 0 || index >= m_items.size() || index >= m_catalog->entries().size())
        return;
    const ScenarioEntry &entry = m_catalog->entries()[index];
    auto *item = m_items[index];
    const QString fileName = QFileInfo(entry.path).fileName();
    const bool current = QFileInfo(entry.path) == QFileInfo(projectScenarioPath());
    QString name = entry.state == ScenarioEntry::State::Loaded
                       ? QString::fromStdString(entry.info.name)
                       : fileName;
    item->setText(0, current ? tr("%1 (in use)").arg(name) : name);
    QFont font = item->font(0);
    font.setBold(current);
    item->setFont(0, font);
    item->setToolTip(0, entry.path);
    switch (entry.state) {
    case ScenarioEntry::State::Pending:
    case ScenarioEntry::State::Loading:
        item->setText(1,
                      fileName.endsWith(QLatin1String(".so")) ? tr("loading…") : tr("compiling…"));
        item->setIcon(0, Icons::icon(Icons::Glyph::Reload));
        item->setToolTip(1, QString());
        break;
    case ScenarioEntry::State::Loaded:
        // The status, as in the other states; the file is the name's tooltip.
        item->setText(1, fileName.endsWith(QLatin1String(".so")) ? tr("loaded") : tr("compiled"));
        item->setIcon(0, Icons::icon(Icons::Glyph::File));
        item->setToolTip(1, QString());
        item->setForeground(1, QBrush());
        break;
    case ScenarioEntry::State::Rejected:
        item->setText(1, tr("rejected"));
        item->setIcon(0, Icons::icon(Icons::Glyph::Error));
        item->setToolTip(1, QString::fromStdString(entry.error.toString()));
        item->setForeground(1, QColor(0xd6, 0x45, 0x41));
        break;
    }
}

void ScenarioPicker::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && !m_refreshing)
        showParameters();
}

int ScenarioPicker::selectedIndex() const
{
    const auto *item = m_tree->currentItem();
    if (!item)
        return -1;
    const QVariant data = item->data(0, Qt::UserRole);
    return data.isValid() ? data.toInt() : -1;
}

void ScenarioPicker::showSelected()
{
    const int index = selectedIndex();
    const auto &entries = m_catalog->entries();
    m_problems->hide();
    if (index < 0 || index >= entries.size()) {
        m_title->setText(tr("No scenario selected"));
        m_meta->setText(tr("Pick a scenario plugin on the left, or add a .so or .cpp file."));
        m_description->clear();
        m_use->setEnabled(false);
        m_parameters->setRowCount(0);
        m_reset->setEnabled(false);
        return;
    }
    const ScenarioEntry &entry = entries[index];
    const bool current = QFileInfo(entry.path) == QFileInfo(projectScenarioPath());
    m_use->setEnabled(!current && entry.state != ScenarioEntry::State::Rejected);
    const int group = targetGroup();
    m_use->setText(current     ? tr("In use")
                   : group < 0 ? tr("&Use for this project")
                               : tr("&Use for group %1")
                                     .arg(QString::fromStdString(
                                         m_document->project().groups[std::size_t(group)].name)));
    switch (entry.state) {
    case ScenarioEntry::State::Pending:
    case ScenarioEntry::State::Loading:
        m_title->setText(QFileInfo(entry.path).fileName());
        m_meta->setText(entry.path);
        m_description->setText(tr("Reading the plugin's metadata…"));
        break;
    case ScenarioEntry::State::Loaded:
        m_title->setText(QString::fromStdString(entry.info.name));
        m_meta->setText(tr("id <b>%1</b> · API %2 · %3")
                            .arg(QString::fromStdString(entry.info.id).toHtmlEscaped())
                            .arg(entry.info.apiVersion)
                            .arg(entry.path.toHtmlEscaped()));
        m_description->setText(codeSpansAsHtml(QString::fromStdString(entry.info.description)));
        break;
    case ScenarioEntry::State::Rejected: {
        m_title->setText(tr("%1 — rejected").arg(QFileInfo(entry.path).fileName()));
        m_meta->setText(entry.path.toHtmlEscaped());
        const QString message = QString::fromStdString(entry.error.message);
        m_description->setText(message.section('\n', 0, 0));
        m_diagnostics->clear();
        for (const Diagnostic &diagnostic : entry.error.diagnostics) {
            if (diagnostic.severity == Diagnostic::Severity::Note)
                continue;
            const QString file = QString::fromStdString(diagnostic.file);
            const auto number = [](int value) {
                return value > 0 ? QString::number(value) : QString();
            };
            const QString severity = QString::fromUtf8(severityName(diagnostic.severity));
            auto *item = new QTreeWidgetItem(
                m_diagnostics,
                {QFileInfo(file).fileName(), number(diagnostic.line), number(diagnostic.column),
                 severity + QStringLiteral(": ") + QString::fromStdString(diagnostic.message)});
            item->setToolTip(0, file);
            // What showInCompilerOutput() looks for: the location as the compiler printed it,
            // less the file (it may have been passed as "./-x.cpp"), and the message.
            QString where;
            if (diagnostic.line > 0)
                where += QStringLiteral(":%1").arg(diagnostic.line);
            if (diagnostic.column > 0)
                where += QStringLiteral(":%1").arg(diagnostic.column);
            item->setData(0, LocationRole, where + QStringLiteral(": "));
            item->setData(0, MessageRole, QString::fromStdString(diagnostic.message));
            item->setIcon(0, Icons::icon(diagnostic.severity == Diagnostic::Severity::Error
                                             ? Icons::Glyph::Error
                                             : Icons::Glyph::Warning));
        }
        m_diagnostics->setVisible(m_diagnostics->topLevelItemCount() > 0);
        m_errorText->setPlainText(QString::fromStdString(entry.error.toString()));
        m_problems->show();
        break;
    }
    }
    showParameters();
}

// Choosing a diagnostic selects its line in the compiler's full output, above its excerpt.
void ScenarioPicker::showInCompilerOutput(QTreeWidgetItem *diagnostic)
{
    if (!diagnostic)
        return;
    const QString where = diagnostic->data(0, LocationRole).toString();
    const QString message = diagnostic->data(0, MessageRole).toString();
    for (QTextBlock block = m_errorText->document()->begin(); block.isValid();
         block = block.next()) {
        const QString text = block.text();
        if (!text.contains(where) || !text.contains(message))
            continue;
        QTextCursor cursor(block);
        cursor.movePosition(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor);
        m_errorText->setTextCursor(cursor);
        m_errorText->centerCursor();
        return;
    }
}

void ScenarioPicker::showParameters()
{
    const int index = selectedIndex();
    m_refreshing = true;
    m_reset->setEnabled(false);
    if (index < 0 || index >= m_catalog->entries().size()) {
        m_parameters->setRowCount(0);
        m_refreshing = false;
        return;
    }
    const ScenarioEntry &entry = m_catalog->entries()[index];
    const bool current = QFileInfo(entry.path) == QFileInfo(projectScenarioPath());
    const auto &values = m_document->project().parameters;
    std::vector<ParameterInfo> parameters = entry.info.parameters;
    if (current) {
        // Values the project sets that the plugin does not declare are still passed on.
        for (const auto &[name, value] : values) {
            if (std::none_of(parameters.begin(), parameters.end(),
                             [&](const auto &p) { return p.name == name; }))
                parameters.push_back({name, {}, tr("not declared by the plugin").toStdString()});
        }
    }
    // The rows and items stay and change in place: this runs while the view commits a cell's
    // editor (its edit changed the project), and an editor whose row went away makes the view
    // warn "closeEditor called with an editor that does not belong to this view".
    m_parameters->setRowCount(static_cast<int>(parameters.size()));
    const auto cell = [this](int row, int column, const QString &text, bool editable) {
        auto *item = m_parameters->item(row, column);
        if (!item) {
            item = new QTableWidgetItem;
            m_parameters->setItem(row, column, item);
        }
        item->setText(text);
        item->setFlags(editable ? Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsEditable
                                : Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        item->setFont(m_parameters->font());
        item->setData(Qt::ForegroundRole, QVariant());
        item->setToolTip(QString());
        return item;
    };
    for (int row = 0; row < static_cast<int>(parameters.size()); ++row) {
        const ParameterInfo &parameter = parameters[std::size_t(row)];
        const auto it = values.find(parameter.name);
        const bool set = current && it != values.end();
        cell(row, NameColumn, QString::fromStdString(parameter.name), false);
        auto *value =
            cell(row, ValueColumn,
                 QString::fromStdString(set ? it->second : parameter.defaultValue), current);
        if (!set) {
            QFont italic = value->font();
            italic.setItalic(true);
            value->setFont(italic);
            value->setForeground(palette().brush(QPalette::PlaceholderText));
            value->setToolTip(tr("The plugin's default"));
        }
        cell(row, DefaultColumn, QString::fromStdString(parameter.defaultValue), false);
        const QString helpText = QString::fromStdString(parameter.help);
        auto *help = cell(row, HelpColumn, withoutCodeMarks(helpText), false);
        help->setToolTip(codeSpansAsHtml(helpText));
    }
    m_parameters->resizeColumnToContents(NameColumn);
    m_parameters->resizeColumnToContents(DefaultColumn);
    m_refreshing = false;
}

void ScenarioPicker::useSelected()
{
    const int index = selectedIndex();
    if (index < 0 || index >= m_catalog->entries().size())
        return;
    const QString path = m_catalog->entries()[index].path;
    Project next = m_document->project();
    // Relative to the project file, bundled scenarios too ("../scenarios/shop.cpp"): an
    // absolute path names one machine's folders, and the project is read against its own
    // folder wherever it moves.
    QString stored = path;
    if (!m_document->filePath().isEmpty())
        stored = QFileInfo(m_document->filePath()).dir().relativeFilePath(path);
    // With groups the project has no scenario of its own: the chosen group gets it.
    if (const int group = targetGroup(); group >= 0) {
        next.groups[std::size_t(group)].scenario = stored.toStdString();
        next.groups[std::size_t(group)].inlineScenario.reset();
    } else {
        next.scenario = stored.toStdString();
    }
    m_document->apply(next, tr("Use scenario %1").arg(QFileInfo(path).fileName()));
}

void ScenarioPicker::onParameterChanged(int row, int column)
{
    if (m_refreshing || column != ValueColumn)
        return;
    const QString name = m_parameters->item(row, NameColumn)->text();
    const QString value = m_parameters->item(row, ValueColumn)->text();
    Project next = m_document->project();
    next.parameters[name.toStdString()] = value.toStdString();
    m_document->apply(next, tr("Set parameter %1").arg(name));
}

void ScenarioPicker::resetParameter()
{
    const int row = m_parameters->currentRow();
    if (row < 0 || !m_parameters->item(row, NameColumn))
        return;
    const QString name = m_parameters->item(row, NameColumn)->text();
    Project next = m_document->project();
    next.parameters.erase(name.toStdString());
    m_document->apply(next, tr("Reset parameter %1").arg(name));
}

} // namespace Loadwizard::Ui
