#include "thresholdseditor.h"

#include "projectdocument.h"
#include "thresholdsview.h"

#include <QBoxLayout>
#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFontDatabase>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>

namespace Loadwizard::Ui {

namespace {

QToolButton *textButton(const QString &text, const QString &toolTip, QWidget *parent)
{
    auto *button = new QToolButton(parent);
    button->setText(text);
    button->setToolTip(toolTip);
    button->setAccessibleName(toolTip);
    button->setAutoRaise(true);
    return button;
}

} // namespace

ThresholdsEditor::ThresholdsEditor(ProjectDocument *document, ThresholdsView *view, QWidget *parent)
    : QWidget(parent)
    , m_document(document)
    , m_view(view)
    , m_expression(new QLineEdit(this))
    , m_abort(new QCheckBox(tr("&Abort the run when it fails"), this))
    , m_grace(new QDoubleSpinBox(this))
    , m_error(new QLabel(this))
    , m_add(textButton(tr("Add"), tr("Add a threshold"), this))
    , m_remove(textButton(tr("Remove"), tr("Remove the selected threshold"), this))
{
    m_expression->setPlaceholderText(tr("e.g. p95(transaction:checkout) < 800ms"));
    m_expression->setAccessibleName(tr("Threshold expression"));
    m_expression->setToolTip(tr("metric[{group=NAME}] op value[unit]: p95(requests) < 500ms, "
                                "error_rate < 1%, checks > 99%, rate(iterations) >= 100"));
    m_grace->setRange(0, 366.0 * 24 * 3600);
    m_grace->setDecimals(1);
    m_grace->setSuffix(tr(" s"));
    m_grace->setAccessibleName(tr("Grace period"));
    m_grace->setToolTip(tr("No abort before this many seconds into the run"));
    m_error->setWordWrap(false);
    m_error->setTextFormat(Qt::PlainText);
    m_error->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_error->setStyleSheet(QStringLiteral("color: #d64541;"));
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->hide();

    auto *row = new QHBoxLayout;
    auto *label = new QLabel(tr("E&xpression:"), this);
    label->setBuddy(m_expression);
    row->addWidget(label);
    row->addWidget(m_expression, 1);
    row->addWidget(m_abort);
    auto *graceLabel = new QLabel(tr("&grace:"), this);
    graceLabel->setBuddy(m_grace);
    row->addWidget(graceLabel);
    row->addWidget(m_grace);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_add);
    buttons->addWidget(m_remove);
    buttons->addStretch();

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    view->setParent(this);
    layout->addWidget(view, 1);
    layout->addLayout(buttons);
    layout->addLayout(row);
    layout->addWidget(m_error);

    connect(m_view, &QTreeWidget::currentItemChanged, this, &ThresholdsEditor::showSelected);
    connect(m_expression, &QLineEdit::textEdited, this, &ThresholdsEditor::onExpressionEdited);
    connect(m_expression, &QLineEdit::editingFinished, this, [this] {
        m_expressionMergeKey = 0;
        m_error->hide(); // the bad text typed is dropped: the field shows the saved one again
        showSelected();
    });
    connect(m_abort, &QCheckBox::toggled, this, [this](bool on) {
        edit(on ? tr("Abort on threshold") : tr("Do not abort on threshold"),
             [on](ThresholdSettings &t) { t.abort = on; });
    });
    connect(m_grace, &QDoubleSpinBox::valueChanged, this, [this](double seconds) {
        if (!m_graceMergeKey)
            m_graceMergeKey = ProjectDocument::newMergeKey();
        edit(
            tr("Edit grace period"), [seconds](ThresholdSettings &t) { t.graceSeconds = seconds; },
            m_graceMergeKey);
    });
    connect(m_grace, &QDoubleSpinBox::editingFinished, this, [this] { m_graceMergeKey = 0; });
    connect(m_add, &QToolButton::clicked, this, &ThresholdsEditor::addThreshold);
    connect(m_remove, &QToolButton::clicked, this, &ThresholdsEditor::removeThreshold);
    connect(m_document, &ProjectDocument::projectChanged, this, &ThresholdsEditor::refresh);
    refresh();
}

ThresholdsEditor::~ThresholdsEditor()
{
    // QWidget's destructor deletes the children after this part of the object is gone; the
    // expression field losing its focus then emits editingFinished into a half-destroyed
    // editor (UBSan: "member access … which does not point to an object of type").
    for (QObject *child : findChildren<QObject *>())
        child->disconnect(this);
}

int ThresholdsEditor::currentThreshold() const
{
    const int row = m_view->currentItem() ? m_view->indexOfTopLevelItem(m_view->currentItem()) : -1;
    return row < static_cast<int>(m_document->project().thresholds.size()) ? row : -1;
}

void ThresholdsEditor::selectThreshold(int index)
{
    m_view->setCurrentItem(m_view->topLevelItem(index));
    showSelected();
}

void ThresholdsEditor::refresh()
{
    const auto &thresholds = m_document->project().thresholds;
    // A run's results stay on screen as long as they are the project's thresholds.
    if (m_view->topLevelItemCount() != static_cast<int>(thresholds.size()) ||
        m_view->shownThresholds() != thresholds) {
        const int row = currentThreshold();
        m_view->showProject(thresholds);
        if (row >= 0 && !thresholds.empty())
            m_view->setCurrentItem(
                m_view->topLevelItem(std::min(row, static_cast<int>(thresholds.size()) - 1)));
    }
    showSelected();
}

void ThresholdsEditor::showSelected()
{
    const int index = currentThreshold();
    m_refreshing = true;
    const bool valid = index >= 0;
    for (QWidget *widget : {static_cast<QWidget *>(m_expression), static_cast<QWidget *>(m_abort),
                            static_cast<QWidget *>(m_grace), static_cast<QWidget *>(m_remove)})
        widget->setEnabled(valid);
    if (valid) {
        const ThresholdSettings &threshold = m_document->project().thresholds[std::size_t(index)];
        if (!(m_expression->hasFocus() && m_error->isVisible()))
            m_expression->setText(QString::fromStdString(threshold.expression));
        m_abort->setChecked(threshold.abort);
        m_grace->setValue(threshold.graceSeconds);
        m_grace->setEnabled(threshold.abort);
    } else {
        m_expression->clear();
        m_abort->setChecked(false);
        m_grace->setValue(0);
    }
    if (!m_error->isVisible())
        m_expression->setStyleSheet(QString());
    m_refreshing = false;
}

void ThresholdsEditor::edit(const QString &text,
                            const std::function<void(ThresholdSettings &)> &change, int mergeKey)
{
    const int index = currentThreshold();
    if (m_refreshing || index < 0)
        return;
    Project next = m_document->project();
    change(next.thresholds[std::size_t(index)]);
    m_document->apply(next, text, mergeKey);
}

void ThresholdsEditor::onExpressionEdited(const QString &text)
{
    // The engine's own parser, with the project's group names for {group=NAME}.
    const auto parsed = parseThreshold(text.toStdString(), m_document->project().groupNames());
    if (!parsed) {
        const int column = std::max(1, parsed.error().column);
        m_error->setText(QString::fromStdString(parsed.error().message) + '\n' + text + '\n' +
                         QString(column - 1, ' ') + '^');
        m_error->show();
        m_expression->setStyleSheet(QStringLiteral("border: 1px solid #d64541;"));
        return;
    }
    m_error->hide();
    m_expression->setStyleSheet(QString());
    if (!m_expressionMergeKey)
        m_expressionMergeKey = ProjectDocument::newMergeKey();
    const std::string expression = text.trimmed().toStdString();
    edit(
        tr("Edit threshold"), [&expression](ThresholdSettings &t) { t.expression = expression; },
        m_expressionMergeKey);
}

void ThresholdsEditor::addThreshold()
{
    Project next = m_document->project();
    ThresholdSettings threshold;
    threshold.expression = "p95(requests) < 500ms";
    next.thresholds.push_back(threshold);
    m_document->apply(next, tr("Add threshold"));
    selectThreshold(static_cast<int>(next.thresholds.size()) - 1);
    m_expression->setFocus();
    m_expression->selectAll();
}

void ThresholdsEditor::removeThreshold()
{
    const int index = currentThreshold();
    if (index < 0)
        return;
    Project next = m_document->project();
    next.thresholds.erase(next.thresholds.begin() + index);
    m_document->apply(next, tr("Remove threshold %1").arg(index + 1));
    if (!next.thresholds.empty())
        selectThreshold(std::min(index, static_cast<int>(next.thresholds.size()) - 1));
}

} // namespace Loadwizard::Ui
