#pragma once

#include <QHash>
#include <QWidget>

class QCheckBox;
class QLabel;
class QDoubleSpinBox;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;

namespace Loadwizard::Ui {

class ProjectDocument;

/// The project's name, description and run settings: think time, graceful stop, workers, HTTP.
class ProjectSettingsEditor : public QWidget
{
    Q_OBJECT

public:
    explicit ProjectSettingsEditor(ProjectDocument *document, QWidget *parent = nullptr);

    QLineEdit *nameEdit() const { return m_name; }
    /// The project's data feeders, read-only (edited in the project file).
    QLabel *dataLabel() const { return m_data; }

private:
    void refresh();
    void commit(QWidget *source, const QString &what);
    int mergeKeyFor(QWidget *widget);

    ProjectDocument *m_document;
    QLineEdit *m_name;
    QPlainTextEdit *m_description;
    QDoubleSpinBox *m_thinkMultiplier;
    QDoubleSpinBox *m_thinkMax;
    QDoubleSpinBox *m_gracefulStop;
    QSpinBox *m_workers;
    QDoubleSpinBox *m_httpTimeout;
    QCheckBox *m_verifyTls;
    QCheckBox *m_http2;
    QSpinBox *m_maxRedirects;
    QSpinBox *m_bufferSize;
    QLineEdit *m_userAgent;
    QLineEdit *m_baseUrl;
    QPlainTextEdit *m_headers; ///< "Name: value" per line
    QLabel *m_data;
    QHash<QWidget *, int> m_mergeKeys;
    bool m_refreshing = false;
};

} // namespace Loadwizard::Ui
