#pragma once

#include "savedrunloader.h"

#include <QWidget>

#include <functional>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;
class QUrl;

namespace Loadwizard::Ui {

class DistributionView;
class ErrorsView;
class ProjectDocument;
class RunCharts;
class RunLog;
class RunTables;
class SummaryPanel;
class TimingsView;

/// A saved run, read back from its results folder: the Run tab's charts and tables (RunCharts,
/// RunTables) fed with the run's snapshots, as they were live, without run controls; its errors,
/// latency distribution, timings, log and summary in the Run tab's own views; the HTML report.
class SavedRunView : public QWidget
{
    Q_OBJECT

public:
    /// Opens a file or folder with the desktop's application (QDesktopServices::openUrl).
    using UrlOpener = std::function<bool(const QUrl &url)>;

    /// The default opener: QDesktopServices, except offscreen (tests, CI: no browser).
    static bool openWithDesktop(const QUrl &url);

    explicit SavedRunView(QWidget *parent = nullptr);
    ~SavedRunView() override;

    /// Replays the run's snapshots through the charts and tables.
    void showRun(const SavedRunPtr &run);
    void clear();
    const SavedRunPtr &run() const { return m_run; }
    void setUrlOpener(UrlOpener opener) { m_opener = std::move(opener); }

    /// Writes RESULTS/report.html (engine/report) and opens it; the file written, or empty with
    /// the error shown.
    QString openReport();
    /// Writes RESULTS/report.html; the path, or the error's text in `error`.
    static QString writeReport(const SavedRun &run, QString *error);

    RunCharts *charts() const { return m_charts; }
    RunTables *tables() const { return m_tables; }
    QTabWidget *tabs() const { return m_tabs; }
    QLabel *titleLabel() const { return m_title; }
    /// The terminal summary's text (under the summary panel's tiles).
    QPlainTextEdit *summaryView() const;
    SummaryPanel *summaryPanel() const { return m_summary; }
    RunLog *runLog() const { return m_log; }
    ErrorsView *errorsView() const { return m_errors; }
    DistributionView *distributionView() const { return m_distribution; }
    TimingsView *timingsView() const { return m_timings; }
    QPushButton *reportButton() const { return m_reportButton; }

signals:
    /// The HTML report was written (and handed to the opener).
    void reportWritten(const QString &path);

private:
    ProjectDocument *m_document; ///< the run's project copy: the charts' plan
    RunCharts *m_charts;
    RunTables *m_tables;
    QTabWidget *m_tabs;
    QLabel *m_title;
    QLabel *m_message;
    ErrorsView *m_errors;
    DistributionView *m_distribution;
    TimingsView *m_timings;
    RunLog *m_log;
    SummaryPanel *m_summary;
    QPushButton *m_reportButton;
    QPushButton *m_folderButton;
    SavedRunPtr m_run;
    UrlOpener m_opener;
};

} // namespace Loadwizard::Ui
