#include "stepforms.h"

#include "projectdocument.h"
#include "requestform.h"
#include "stepdocument.h"
#include "steptables.h"

#include <QBoxLayout>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>

namespace Loadwizard::Ui {

using Steps::Step;

namespace {

QWidget *page(QWidget *parent, QFormLayout *&form)
{
    auto *widget = new QWidget(parent);
    auto *layout = new QVBoxLayout(widget);
    form = new QFormLayout;
    layout->addLayout(form);
    layout->addStretch();
    return widget;
}

} // namespace

StepForms::StepForms(StepDocument *document, QWidget *parent)
    : QStackedWidget(parent)
    , m_document(document)
    , m_hint(new QLabel(this))
    , m_seconds(new QDoubleSpinBox(this))
    , m_range(new QCheckBox(tr("a &range, up to"), this))
    , m_maxSeconds(new QDoubleSpinBox(this))
    , m_textLabel(new QLabel(this))
    , m_text(new QLineEdit(this))
    , m_subject(new QLineEdit(this))
    , m_condition(new QComboBox(this))
    , m_value(new QLineEdit(this))
    , m_assignments(new StepTable({tr("Variable"), tr("Value")}, this))
{
    m_request = new RequestForm(
        [this](const QString &field, const QString &text, const auto &change) {
            edit(field, text, [&change](Step &step) { change(step.request); });
        },
        this);
    m_seconds->setObjectName(QStringLiteral("seconds"));
    m_range->setObjectName(QStringLiteral("range"));
    m_maxSeconds->setObjectName(QStringLiteral("maxSeconds"));
    m_text->setObjectName(QStringLiteral("text"));
    m_subject->setObjectName(QStringLiteral("subject"));
    m_condition->setObjectName(QStringLiteral("condition"));
    m_value->setObjectName(QStringLiteral("value"));
    m_assignments->setObjectName(QStringLiteral("assignments"));
    m_hint->setAlignment(Qt::AlignCenter);
    m_hint->setWordWrap(true);
    m_hint->setForegroundRole(QPalette::PlaceholderText);
    for (QDoubleSpinBox *spin : {m_seconds, m_maxSeconds}) {
        spin->setRange(0, 86400);
        spin->setDecimals(3);
        spin->setSuffix(tr(" s"));
    }
    m_condition->addItems({tr("is set (not empty, 0 or false)"), "equals", "not_equals", "contains",
                           "matches", "less", "less_or_equal", "greater", "greater_or_equal",
                           "empty", "not_empty"});

    QFormLayout *form = nullptr;
    m_thinkPage = page(this, form);
    auto *range = new QHBoxLayout;
    range->addWidget(m_seconds);
    range->addWidget(m_range);
    range->addWidget(m_maxSeconds);
    range->addStretch();
    form->addRow(tr("&Seconds:"), range);
    m_textPage = page(this, form);
    form->addRow(m_textLabel, m_text);
    m_ifPage = page(this, form);
    form->addRow(tr("&If:"), m_subject);
    form->addRow(tr("&Condition:"), m_condition);
    form->addRow(tr("&Value:"), m_value);
    addWidget(m_hint);
    addWidget(m_request);
    addWidget(m_thinkPage);
    addWidget(m_textPage);
    addWidget(m_ifPage);
    addWidget(m_assignments);

    auto seconds = [this] {
        const double low = m_seconds->value();
        const double high = m_range->isChecked() ? std::max(m_maxSeconds->value(), low) : 0;
        edit("seconds", tr("Change time"), [=](Step &step) {
            step.seconds = low;
            step.maxSeconds = step.kind == Step::Kind::Think ? high : 0;
        });
    };
    connect(m_seconds, &QDoubleSpinBox::valueChanged, this, seconds);
    connect(m_maxSeconds, &QDoubleSpinBox::valueChanged, this, seconds);
    connect(m_range, &QCheckBox::toggled, this, [this, seconds](bool on) {
        m_maxSeconds->setEnabled(on);
        if (on && !m_showing && m_maxSeconds->value() <= m_seconds->value())
            m_maxSeconds->setValue(m_seconds->value() * 2 + 1); // reports through seconds()
        else
            seconds();
    });
    connect(m_text, &QLineEdit::textEdited, this, [this](const QString &text) {
        edit("text", tr("Edit step"), [&text](Step &step) { step.text = text.toStdString(); });
    });
    connect(m_subject, &QLineEdit::textEdited, this, [this](const QString &text) {
        edit("text", tr("Edit condition"), [&text](Step &step) { step.text = text.toStdString(); });
    });
    connect(m_condition, &QComboBox::currentIndexChanged, this, [this](int condition) {
        edit("condition", tr("Change condition"),
             [condition](Step &step) { step.condition = Step::Condition(condition); });
    });
    connect(m_value, &QLineEdit::textEdited, this, [this](const QString &text) {
        edit("value", tr("Edit condition"),
             [&text](Step &step) { step.value = text.toStdString(); });
    });
    connect(m_assignments, &StepTable::changed, this, [this] {
        const auto pairs = pairsFromRows(m_assignments->rows());
        edit("set", tr("Edit variables"), [&pairs](Step &step) { step.assignments = pairs; });
    });
    connect(m_document, &StepDocument::scenarioChanged, this, &StepForms::refresh);
    refresh();
}

void StepForms::setPath(const std::optional<StepPath> &path)
{
    if (path != m_path)
        m_mergeKeys.clear();
    m_path = path;
    refresh();
}

void StepForms::edit(const QString &field, const QString &text,
                     const std::function<void(Step &)> &change)
{
    if (m_showing || !m_path)
        return;
    auto next = m_document->scenario();
    Step *step = stepAt(next, *m_path);
    if (!step)
        return;
    change(*step);
    if (next == m_document->scenario()) {
        refresh(); // an edit that changes nothing (an operator a status check has no use for)
        return;
    }
    // A table's edits (a cell, a row added or removed) are each their own step; typing in one
    // field, or turning one spin box, is one step.
    static const QStringList tables = {"headers", "query", "form", "checks", "extract", "set"};
    if (tables.contains(field)) {
        m_document->apply(next, text);
        return;
    }
    auto key = m_mergeKeys.find(field);
    if (key == m_mergeKeys.end())
        key = m_mergeKeys.insert(field, ProjectDocument::newMergeKey());
    m_document->apply(next, text, *key);
}

void StepForms::refresh()
{
    const Step *step = m_path ? stepAt(m_document->scenario(), *m_path) : nullptr;
    if (!step) {
        m_hint->setText(m_document->isEditable()
                            ? tr("Select a step to edit it, or add one.")
                            : tr("This project's scenario is not declarative."));
        setCurrentWidget(m_hint);
        return;
    }
    m_showing = true;
    auto setText = [](QLineEdit *edit, const std::string &value) {
        if (edit->text() != QString::fromStdString(value))
            edit->setText(QString::fromStdString(value));
    };
    switch (step->kind) {
    case Step::Kind::Request:
        m_request->show(step->request);
        setCurrentWidget(m_request);
        break;
    case Step::Kind::Think:
    case Step::Kind::Pace:
        m_seconds->setValue(step->seconds);
        m_range->setVisible(step->kind == Step::Kind::Think);
        m_maxSeconds->setVisible(step->kind == Step::Kind::Think);
        m_range->setChecked(step->maxSeconds > step->seconds);
        m_maxSeconds->setEnabled(m_range->isChecked());
        m_maxSeconds->setValue(step->maxSeconds);
        setCurrentWidget(m_thinkPage);
        break;
    case Step::Kind::Transaction:
    case Step::Kind::Rendezvous:
    case Step::Kind::Repeat:
    case Step::Kind::Log:
        m_textLabel->setText(step->kind == Step::Kind::Transaction  ? tr("Transaction name:")
                             : step->kind == Step::Kind::Rendezvous ? tr("Rendezvous name:")
                             : step->kind == Step::Kind::Repeat
                                 ? tr("Repeat count (a number or ${variable}):")
                                 : tr("Log line:"));
        setText(m_text, step->text);
        setCurrentWidget(m_textPage);
        break;
    case Step::Kind::If:
        setText(m_subject, step->text);
        m_condition->setCurrentIndex(int(step->condition));
        setText(m_value, step->value);
        m_value->setEnabled(step->condition != Step::Condition::None &&
                            step->condition != Step::Condition::Empty &&
                            step->condition != Step::Condition::NotEmpty);
        setCurrentWidget(m_ifPage);
        break;
    case Step::Kind::Set:
        m_assignments->setRows(pairRows(step->assignments));
        setCurrentWidget(m_assignments);
        break;
    }
    m_showing = false;
}

} // namespace Loadwizard::Ui
