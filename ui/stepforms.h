#pragma once

#include "steppath.h"

#include <QHash>
#include <QStackedWidget>

#include <functional>
#include <optional>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;

namespace Loadwizard::Ui {

class RequestForm;
class StepDocument;
class StepTable;

/// The form of the selected step: the request form, or a small one for think (fixed or range),
/// pace, transaction, rendezvous, repeat, if, log and set. Every change is an edit of the
/// StepDocument; consecutive changes of one field of one step merge into one undo step.
class StepForms : public QStackedWidget
{
    Q_OBJECT

public:
    explicit StepForms(StepDocument *document, QWidget *parent = nullptr);

    /// Shows the form of the step at `path` (none: a hint).
    void setPath(const std::optional<StepPath> &path);
    std::optional<StepPath> path() const { return m_path; }
    RequestForm *requestForm() const { return m_request; }

private:
    void refresh();
    void edit(const QString &field, const QString &text,
              const std::function<void(Steps::Step &)> &change);

    StepDocument *m_document;
    std::optional<StepPath> m_path;
    QHash<QString, int> m_mergeKeys; ///< per field, for the step shown
    bool m_showing = false;

    QLabel *m_hint;
    RequestForm *m_request;
    QWidget *m_thinkPage;
    QDoubleSpinBox *m_seconds;
    QCheckBox *m_range;
    QDoubleSpinBox *m_maxSeconds;
    QWidget *m_textPage;
    QLabel *m_textLabel;
    QLineEdit *m_text;
    QWidget *m_ifPage;
    QLineEdit *m_subject;
    QComboBox *m_condition;
    QLineEdit *m_value;
    StepTable *m_assignments;
};

} // namespace Loadwizard::Ui
