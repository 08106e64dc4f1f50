#pragma once

#include <loadwizard/steps.h>

#include <QWidget>

#include <functional>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;
class QStackedWidget;
class QTabWidget;

namespace Loadwizard::Ui {

class StepTable;

/// The form of a request step: method, URL, name; headers, query, body, checks, extractions and
/// options on tabs. Each change goes to `edit` (field name for merging, undo text, the change).
class RequestForm : public QWidget
{
    Q_OBJECT

public:
    using Edit = std::function<void(const QString &field, const QString &text,
                                    const std::function<void(Steps::RequestStep &)> &change)>;
    explicit RequestForm(Edit edit, QWidget *parent = nullptr);

    /// Shows `request`; fields already showing their value are left alone (the cursor stays).
    void show(const Steps::RequestStep &request);

    enum BodyKind
    {
        NoBody,
        TextBody,
        JsonBody,
        FormBody
    };

private:
    void setBodyKind(int kind);
    void applyBodyText();

    Edit m_edit;
    QComboBox *m_method;
    QLineEdit *m_url;
    QLineEdit *m_name;
    QTabWidget *m_tabs;
    StepTable *m_headers;
    StepTable *m_query;
    QComboBox *m_bodyKind;
    QStackedWidget *m_bodyStack;
    QPlainTextEdit *m_bodyText;
    QLabel *m_bodyError;
    StepTable *m_form;
    StepTable *m_checks;
    StepTable *m_extractions;
    QDoubleSpinBox *m_timeout;
    QComboBox *m_redirects;
    QSpinBox *m_expectMin;
    QSpinBox *m_expectMax;
    QCheckBox *m_endOnFailure;
    bool m_showing = false;
};

} // namespace Loadwizard::Ui
