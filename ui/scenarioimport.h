#pragma once

#include <loadwizard/steps.h>

#include <QDialog>
#include <QString>

#include <optional>

class QPlainTextEdit;

namespace Loadwizard::Ui {

/// What an import (HAR file, curl commands) gave: a scenario and the importer's report, or an
/// error naming the file and line.
struct ScenarioImport
{
    std::optional<Steps::StepScenario> scenario;
    QString baseUrl; ///< the origin the requests were made relative to
    QString report;  ///< warnings and the correlation report, for the user
    QString error;
};

/// Imports through the importer library (or `loadwizard import` as a child process when this
/// build has no importer).
ScenarioImport importHarFile(const QString &path);
ScenarioImport importCurlText(const QString &text);

/// File > Import curl…: a text box for one or more pasted curl commands.
class CurlImportDialog : public QDialog
{
    Q_OBJECT

public:
    explicit CurlImportDialog(QWidget *parent = nullptr);
    QString text() const;
    QPlainTextEdit *textEdit() const { return m_text; }

private:
    QPlainTextEdit *m_text;
};

/// Shows an import's report (correlations made and skipped, warnings) in a dialog.
void showImportReport(QWidget *parent, const QString &title, const QString &report);

} // namespace Loadwizard::Ui
