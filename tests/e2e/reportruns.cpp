#include "reportruns.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QThread>

#include <csignal>

namespace Loadwizard::EndToEnd {

namespace {

/// Lines in a file (0 when missing).
int lineCount(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    return int(file.readAll().count('\n'));
}

} // namespace

ReportRuns ReportRuns::make(const Harness &harness, const TargetServer &target)
{
    ReportRuns runs;
    const QByteArray base = QByteArray::fromStdString(target.baseUrl());
    // Two requests and a transaction per iteration, one of them a 404 (an error with a status
    // and a message), so every table of the report has rows.
    const QString scenario =
        harness.writeFile("report-steps.yaml", "steps:\n"
                                               "  - transaction: browse\n"
                                               "    steps:\n"
                                               "      - request: GET /health\n"
                                               "        checks: [{status: 200}]\n"
                                               "      - request: GET /bytes/2000\n"
                                               "  - request: GET /missing\n"
                                               "    name: missing page\n");
    runs.project =
        harness.writeFile("report-project.yaml",
                          "loadwizard: 1\nname: reporting\nscenario: " + scenario.toUtf8() +
                              "\nhttp:\n  base_url: \"" + base +
                              "\"\nprofile: {rampup: \"1,1\"}\nthresholds:\n  - \"p95 < 10s\"\n");
    runs.folderA = harness.scratchPath("results-a");
    runs.folderB = harness.scratchPath("results-b");
    runs.killed = harness.scratchPath("results-killed");

    const auto run = [&](const QString &folder, const QString &vus) -> QString {
        const Outcome outcome = harness.run({"run", runs.project, "--vus", vus, "--iterations",
                                             "20", "--quiet", "--results", folder});
        if (!outcome.finished || outcome.exitCode != 0)
            return "run " + folder + ": " + QString::fromUtf8(outcome.describe());
        return {};
    };
    if (!(runs.problem = run(runs.folderA, "1")).isEmpty())
        return runs;
    if (!(runs.problem = run(runs.folderB, "2")).isEmpty())
        return runs;

    // A long run killed once it has written a few intervals: no summary, status "running".
    QProcess process;
    harness.start(process, {"run", runs.project, "--vus", "2", "--duration", "60s", "--quiet",
                            "--results", runs.killed});
    QElapsedTimer timer;
    timer.start();
    while (lineCount(runs.killed + "/series.jsonl") < 3 && timer.elapsed() < 20'000)
        QThread::msleep(50);
    ::kill(pid_t(process.processId()), SIGKILL);
    process.waitForFinished(5'000);
    if (lineCount(runs.killed + "/series.jsonl") < 3)
        runs.problem = "the killed run wrote fewer than 3 intervals";
    return runs;
}

QJsonObject reportData(const QByteArray &page)
{
    const QByteArray open = "<script type=\"application/json\" id=\"report-data\">";
    const qsizetype start = page.indexOf(open);
    if (start < 0)
        return {};
    const qsizetype end = page.indexOf("</script>", start);
    QByteArray json = page.mid(start + open.size(), end - start - open.size());
    json.replace("<\\/", "</");
    return QJsonDocument::fromJson(json).object();
}

} // namespace Loadwizard::EndToEnd
