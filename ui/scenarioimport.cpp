#include "scenarioimport.h"

#include "format.h"

#include <loadwizard/stepsyaml.h>

#include <QBoxLayout>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProcess>

#if __has_include(<loadwizard/harimport.h>)
#include <loadwizard/curlimport.h>
#include <loadwizard/harimport.h>
#define LOADWIZARD_HAS_IMPORTER 1
#endif

namespace Loadwizard::Ui {

namespace {

#ifdef LOADWIZARD_HAS_IMPORTER
ScenarioImport fromResult(const tl::expected<Import::ImportResult, Error> &result)
{
    ScenarioImport import;
    if (!result) {
        import.error = errorText(result.error());
        return import;
    }
    import.scenario = result->scenario;
    import.baseUrl = QString::fromStdString(result->baseUrl);
    QStringList lines;
    lines << QObject::tr("%n request(s) imported.", nullptr, result->requests);
    for (const auto &warning : result->warnings)
        lines << QObject::tr("warning: %1").arg(QString::fromStdString(warning));
    const QString correlation = QString::fromStdString(result->correlation.toText()).trimmed();
    if (!correlation.isEmpty())
        lines << QString() << correlation;
    import.report = lines.join('\n');
    return import;
}
#else
/// `loadwizard import …` as a child process: the YAML on its standard output, the report on
/// its standard error.
ScenarioImport runImportCommand(const QStringList &arguments, const QByteArray &input)
{
    ScenarioImport import;
    QProcess process;
    process.start(QCoreApplication::applicationFilePath(), QStringList{"import"} + arguments);
    if (!process.waitForStarted(10000)) {
        import.error = QObject::tr("cannot run loadwizard import: %1").arg(process.errorString());
        return import;
    }
    process.write(input);
    process.closeWriteChannel();
    process.waitForFinished(120000);
    const QString report = QString::fromUtf8(process.readAllStandardError()).trimmed();
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        import.error = report.isEmpty() ? QObject::tr("loadwizard import failed") : report;
        return import;
    }
    auto parsed = Steps::parseStepScenario(process.readAllStandardOutput().toStdString(),
                                           "loadwizard import");
    if (!parsed) {
        import.error = errorText(parsed.error());
        return import;
    }
    import.scenario = *parsed;
    import.report = report;
    return import;
}
#endif

} // namespace

ScenarioImport importHarFile(const QString &path)
{
#ifdef LOADWIZARD_HAS_IMPORTER
    return fromResult(Import::importHarFile(path.toStdString(), {}));
#else
    return runImportCommand({"har", path}, {});
#endif
}

ScenarioImport importCurlText(const QString &text)
{
    if (text.trimmed().isEmpty()) {
        ScenarioImport import;
        import.error = QObject::tr("no curl command given");
        return import;
    }
#ifdef LOADWIZARD_HAS_IMPORTER
    Import::ImportOptions options;
    options.sourceName = "curl";
    return fromResult(Import::importCurl({text.toStdString()}, {"pasted text"}, options));
#else
    return runImportCommand({"curl", "-"}, text.toUtf8());
#endif
}

CurlImportDialog::CurlImportDialog(QWidget *parent)
    : QDialog(parent)
    , m_text(new QPlainTextEdit(this))
{
    setWindowTitle(tr("Import curl commands"));
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setPlaceholderText(
        tr("curl 'http://127.0.0.1:8080/login' -X POST --data-raw 'user=alice&password=secret'"));
    auto *hint = new QLabel(tr("Paste one or more curl commands (a browser's \"Copy as cURL\"); "
                               "they become the project's steps, in order."),
                            this);
    hint->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(hint);
    layout->addWidget(m_text, 1);
    layout->addWidget(buttons);
    resize(720, 420);
}

QString CurlImportDialog::text() const
{
    return m_text->toPlainText();
}

void showImportReport(QWidget *parent, const QString &title, const QString &report)
{
    QDialog dialog(parent);
    dialog.setWindowTitle(title);
    auto *text = new QPlainTextEdit(report, &dialog);
    text->setReadOnly(true);
    text->setLineWrapMode(QPlainTextEdit::NoWrap);
    text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok, &dialog);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    auto *layout = new QVBoxLayout(&dialog);
    layout->addWidget(text, 1);
    layout->addWidget(buttons);
    dialog.resize(760, 420);
    dialog.exec();
}

} // namespace Loadwizard::Ui
