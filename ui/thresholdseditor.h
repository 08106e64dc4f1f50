#pragma once

#include <loadwizard/threshold.h>

#include <QWidget>

#include <functional>

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QToolButton;

namespace Loadwizard::Ui {

class ProjectDocument;
class ThresholdsView;

/// The Run tab's Thresholds page: the ThresholdsView (the project's thresholds, live results
/// during a run) and, under it, the selected threshold's expression, abort and grace period.
/// An expression is checked by the engine's parseThreshold() as it is typed: a bad one is not
/// applied and its error (with the column) is shown under the field with a caret. Every edit
/// is one undoable step of the document.
class ThresholdsEditor : public QWidget
{
    Q_OBJECT

public:
    ThresholdsEditor(ProjectDocument *document, ThresholdsView *view, QWidget *parent = nullptr);
    ~ThresholdsEditor() override;

    ThresholdsView *view() const { return m_view; }
    QLineEdit *expressionEdit() const { return m_expression; }
    QCheckBox *abortBox() const { return m_abort; }
    QDoubleSpinBox *graceBox() const { return m_grace; }
    /// The parse error ("column 6: …" and the expression with a caret); hidden when none.
    QLabel *errorLabel() const { return m_error; }
    QToolButton *addButton() const { return m_add; }
    QToolButton *removeButton() const { return m_remove; }
    /// The threshold selected (its index in the project), or -1.
    int currentThreshold() const;
    void selectThreshold(int index);

private:
    void refresh();
    void showSelected();
    void edit(const QString &text, const std::function<void(ThresholdSettings &)> &change,
              int mergeKey = 0);
    void onExpressionEdited(const QString &text);
    void addThreshold();
    void removeThreshold();

    ProjectDocument *m_document;
    ThresholdsView *m_view;
    QLineEdit *m_expression;
    QCheckBox *m_abort;
    QDoubleSpinBox *m_grace;
    QLabel *m_error;
    QToolButton *m_add;
    QToolButton *m_remove;
    int m_expressionMergeKey = 0;
    int m_graceMergeKey = 0;
    bool m_refreshing = false;
};

} // namespace Loadwizard::Ui
