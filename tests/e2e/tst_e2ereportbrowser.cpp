// The report and the comparison open in a real browser (Debian's headless Chromium, from the
// file, with no network): no script error, every chart drawn on a canvas of non-zero size.
// Label `browser`; packaging/setup.sh installs chromium.

#include "e2eharness.h"
#include "reportruns.h"

#include <loadwizard/targetserver.h>

#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Loadwizard::EndToEnd;

class TestEndToEndReportBrowser : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void pagesRenderWithoutErrors_data();
    void pagesRenderWithoutErrors();

private:
    /// The DOM after the page's scripts ran, and Chromium's stderr.
    struct Rendered
    {
        QString dom;
        QString log;
    };
    Rendered render(const QString &page) const;

    Harness m_harness;
    Loadwizard::TargetServer m_target;
    ReportRuns m_runs;
    QString m_chromium;
};

void TestEndToEndReportBrowser::initTestCase()
{
    QVERIFY2(m_harness.problem().isEmpty(), qPrintable(m_harness.problem()));
    m_chromium = QStandardPaths::findExecutable("chromium");
    if (m_chromium.isEmpty()) {
        // CI installs it (packaging/setup.sh): there a missing browser is a failure.
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("chromium is not installed (packaging/setup.sh installs it)");
        QSKIP("chromium is not installed (packaging/setup.sh installs it)");
    }
    const auto started = m_target.start("127.0.0.1", 0);
    QVERIFY2(started, started ? "" : started.error().toString().c_str());
    m_runs = ReportRuns::make(m_harness, m_target);
    QVERIFY2(m_runs.problem.isEmpty(), qPrintable(m_runs.problem));
}

void TestEndToEndReportBrowser::cleanupTestCase()
{
    m_target.stop();
}

TestEndToEndReportBrowser::Rendered TestEndToEndReportBrowser::render(const QString &page) const
{
    QTemporaryDir profile;
    QProcess chromium;
    // No network: the page must need none; the flags keep Chromium's own background traffic off.
    chromium.start(m_chromium, {"--headless", "--disable-gpu", "--no-sandbox", "--disable-quic",
                                "--no-first-run", "--disable-background-networking",
                                "--disable-component-update", "--disable-sync",
                                "--user-data-dir=" + profile.path(), "--enable-logging=stderr",
                                "--v=0", "--window-size=1400,2400", "--virtual-time-budget=5000",
                                "--dump-dom", "file://" + page});
    if (!chromium.waitForFinished(45'000)) {
        chromium.kill();
        chromium.waitForFinished();
    }
    return {QString::fromUtf8(chromium.readAllStandardOutput()),
            QString::fromUtf8(chromium.readAllStandardError())};
}

void TestEndToEndReportBrowser::pagesRenderWithoutErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("page");
    QTest::addColumn<int>("charts");
    // Vusers, throughput, latency, latency per name, data, timings, distribution.
    QTest::newRow("report") << QStringList{"report", "@a", "-o", "@out"} << "a.html" << 7;
    QTest::newRow("killed run") << QStringList{"report", "@killed", "-o", "@out"} << "killed.html"
                                << 7;
    // Vusers, rps, errors, p95, p99, p95 per name.
    QTest::newRow("comparison") << QStringList{"compare", "@a", "@b", "--html", "@out"}
                                << "compare.html" << 6;
}

void TestEndToEndReportBrowser::pagesRenderWithoutErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, page);
    QFETCH(int, charts);
    const QString out = m_harness.scratchPath(page);
    for (QString &argument : arguments) {
        argument.replace("@out", out);
        argument.replace("@killed", m_runs.killed);
        argument.replace("@a", m_runs.folderA);
        argument.replace("@b", m_runs.folderB);
    }
    const Outcome outcome = m_harness.run(arguments);
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe());

    const Rendered rendered = render(out);
    QVERIFY2(rendered.dom.contains("data-rendered=\"true\""),
             qPrintable(rendered.dom.left(2000) + rendered.log.right(3000)));
    // The page's own catcher: any script error or console.error lands here.
    static const QRegularExpression errors(R"(<pre id="report-errors"[^>]*>([^<]*)</pre>)");
    const auto caught = errors.match(rendered.dom);
    QVERIFY(caught.hasMatch());
    QVERIFY2(caught.captured(1).isEmpty(), qPrintable(caught.captured(1)));
    QVERIFY2(!rendered.log.contains("Uncaught"), qPrintable(rendered.log.right(3000)));
    // Each chart is a uPlot canvas with a real size.
    static const QRegularExpression canvas(R"re(<canvas width="(\d+)" height="(\d+)")re");
    int drawn = 0;
    for (auto it = canvas.globalMatch(rendered.dom); it.hasNext();) {
        const auto match = it.next();
        QVERIFY2(match.captured(1).toInt() > 100 && match.captured(2).toInt() > 100,
                 qPrintable(match.captured(0)));
        ++drawn;
    }
    QCOMPARE(drawn, charts);
    QVERIFY(rendered.dom.contains("class=\"uplot"));
}

QTEST_GUILESS_MAIN(TestEndToEndReportBrowser)
#include "tst_e2ereportbrowser.moc"
