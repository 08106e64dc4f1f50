// The Results section: saved runs listed from real folders (runs of the workbench's own
// RunController against the built-in target), one opened through the Run tab's charts and
// tables, two overlaid, CSV and PNG export, the HTML report, a broken folder, deleting.
#include <comparisonmodel.h>
#include <errorsview.h>
#include <exporting.h>
#include <mainwindow.h>
#include <projectdocument.h>
#include <resultsbrowser.h>
#include <runcharts.h>
#include <runcomparison.h>
#include <runcontroller.h>
#include <rundashboard.h>
#include <runlog.h>
#include <runtables.h>
#include <savedrunsmodel.h>
#include <savedrunview.h>
#include <scenariocatalog.h>
#include <statstablemodel.h>

#include <loadwizard/comparison.h>
#include <loadwizard/targetserver.h>

#include <QChartView>
#include <QFile>
#include <QLabel>
#include <QLineSeries>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>
#include <QUrl>

#include <filesystem>
#include <fstream>

using namespace Loadwizard;
using namespace Loadwizard::Ui;

namespace fs = std::filesystem;

namespace {

/// Points of a throughput line: one per snapshot, a last partial second folded into the one
/// before.
int ratePoints(const SavedRun &run)
{
    int points = 0;
    for (std::size_t i = 0; i < run.snapshots.size(); ++i)
        points += i == 0 || run.snapshots[i]->intervalSeconds >= 0.5;
    return points;
}

} // namespace

class TestResultsBrowser : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void listsEachRunWhenItEndsNewestFirst();
    void opensARunWithTheSavedNumbers();
    void overlaysTwoRunsWithTheEngineComparison();
    void exportsTablesAsQuotedCsvAndChartsAsPng();
    void writesTheHtmlReportWithoutABrowser();
    void showsTheFileAndLineOfABrokenFolder();
    void listsAKilledRunAsCrashedOrKilled();
    void deletesOnlyAfterAsking();
    void isASectionOfTheMainWindow();
    void cleanupTestCase();

private:
    /// Runs the project with `vusers` through the browser's RunController; true when it ended.
    bool run(int vusers);
    SavedRunPtr load(int row) const;

    QTemporaryDir m_dir;
    TargetServer m_target;
    QString m_projectPath;
    Project m_project;
    ProjectDocument *m_document = nullptr;
    RunController *m_controller = nullptr;
    ResultsBrowser *m_browser = nullptr;
    QList<QUrl> m_opened;
};

void TestResultsBrowser::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    qputenv("XDG_CACHE_HOME", m_dir.filePath("cache").toUtf8());
    qputenv("XDG_DATA_HOME", m_dir.filePath("data").toUtf8());
    QVERIFY(m_target.start("127.0.0.1", 0));
    // The declarative demo, copied: its runs save under this folder's results/.
    QDir().mkpath(m_dir.filePath("project"));
    for (const char *name : {"demo-steps.yaml", "shop-steps.yaml"})
        QVERIFY(QFile::copy(QStringLiteral(LOADWIZARD_SOURCE_DIR "/scenarios/") + name,
                            m_dir.filePath(QStringLiteral("project/") + name)));
    m_projectPath = m_dir.filePath("project/demo-steps.yaml");
    auto project = loadProject(m_projectPath.toStdString());
    QVERIFY2(project, project ? "" : project.error().toString().c_str());
    m_project = *project;
    m_project.http.baseUrl = m_target.baseUrl();
    m_project.thinkTime.multiplier = 0.05;
    m_project.gracefulStopSeconds = 2;

    m_document = new ProjectDocument(this);
    m_document->reset(m_project, m_projectPath);
    m_controller = new RunController(this);
    m_browser = new ResultsBrowser(m_document, m_controller);
    m_browser->setUrlOpener([this](const QUrl &url) {
        m_opened << url;
        return true;
    });
    m_browser->resize(1200, 900);
    m_browser->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_browser));
}

void TestResultsBrowser::cleanupTestCase()
{
    delete m_browser;
}

bool TestResultsBrowser::run(int vusers)
{
    Project project = m_project;
    project.profile = *RampProfile::parse(std::to_string(vusers) + ",1,0,2");
    QSignalSpy finished(m_controller, &RunController::finished);
    m_controller->start(project);
    return finished.wait(120000) &&
           QTest::qWaitFor([this] { return !m_controller->isActive(); }, 20000);
}

SavedRunPtr TestResultsBrowser::load(int row) const
{
    auto run = loadResults(m_browser->model()->folderAt(row).toStdString());
    return run ? std::make_shared<const SavedRun>(std::move(*run)) : nullptr;
}

void TestResultsBrowser::listsEachRunWhenItEndsNewestFirst()
{
    QCOMPARE(m_browser->resultsFolder(), m_dir.filePath("project/results"));
    QCOMPARE(m_browser->model()->rowCount(), 0);
    QVERIFY(m_browser->placeholder()->isVisible());
    QVERIFY(m_browser->placeholder()->text().contains("No saved runs"));

    QVERIFY(run(2));
    QCOMPARE(m_browser->model()->rowCount(), 1);
    QVERIFY(!m_browser->placeholder()->isVisible());
    QTest::qWait(1100); // another second: another folder name, a later start
    QVERIFY(run(4));
    QCOMPARE(m_browser->model()->rowCount(), 2);

    SavedRunsModel *model = m_browser->model();
    QCOMPARE(model->folderAt(0), m_controller->resultsFolder()); // the newest first
    QVERIFY(model->listingAt(0)->manifest.started > model->listingAt(1)->manifest.started);
    for (int row = 0; row < 2; ++row) {
        const auto run = load(row);
        QVERIFY(run);
        const Snapshot &final = *run->snapshots.back();
        QCOMPARE(model->index(row, SavedRunsModel::EndingColumn).data().toString(),
                 QStringLiteral("Completed"));
        QCOMPARE(model->listingAt(row)->requests, final.total.requests);
        QCOMPARE(model->index(row, SavedRunsModel::RequestsColumn).data().toString(),
                 QLocale().toString(qulonglong(final.total.requests)));
        QCOMPARE(model->index(row, SavedRunsModel::VusersColumn).data().toString(),
                 QString::number(row == 0 ? 4 : 2));
        QVERIFY(!model->index(row, SavedRunsModel::VerdictColumn).data().toString().isEmpty());
    }
}

void TestResultsBrowser::opensARunWithTheSavedNumbers()
{
    QVERIFY(m_browser->model()->rowCount() >= 2);
    const auto saved = load(0);
    QVERIFY(saved);
    QSignalSpy shown(m_browser, &ResultsBrowser::shown);
    m_browser->openRow(0);
    QVERIFY(m_browser->loader()->isBusy()); // read off the UI thread
    QVERIFY(shown.wait(30000));
    SavedRunView *view = m_browser->runView();
    QVERIFY(view->isVisible());
    QCOMPARE(view->run()->folder, saved->folder);

    const Snapshot &final = *saved->snapshots.back();
    // The requests table: each name's count as saved, and they add up to the summary's.
    StatsTableModel *requests = view->tables()->requestModel();
    QCOMPARE(requests->rowCount(), int(final.requestsTotal.size()));
    std::uint64_t sum = 0;
    for (int row = 0; row < requests->rowCount(); ++row) {
        const QString name = requests->index(row, StatsTableModel::NameColumn).data().toString();
        const auto count =
            requests->index(row, StatsTableModel::CountColumn).data(Qt::UserRole).toULongLong();
        QCOMPARE(count, final.requestsTotal.at(name.toStdString()).count);
        sum += count;
    }
    QCOMPARE(sum, final.total.requests);
    QVERIFY(view->tables()->transactionModel()->names().contains("browse") ||
            view->tables()->transactionModel()->rowCount() > 0);

    // The charts got one point per saved second (a last, partial one folded into the one
    // before on the throughput chart, as live).
    QCOMPARE(view->charts()->activeVusersSeries()->count(), int(saved->snapshots.size()));
    QCOMPARE(view->charts()->requestRateSeries()->count(), ratePoints(*saved));
    QCOMPARE(view->charts()->requestRateSeries()->at(0).y(),
             double(saved->snapshots.front()->interval.requests) /
                 saved->snapshots.front()->intervalSeconds);
    double peak = 0;
    for (const QPointF &point : view->charts()->activeVusersSeries()->points())
        peak = std::max(peak, point.y());
    QCOMPARE(peak, 4.0);
    const QString summary = view->summaryView()->toPlainText();
    QVERIFY2(summary.contains(QString::number(final.total.requests)), qPrintable(summary));
    QVERIFY(view->titleLabel()->text().contains("Completed"));
}

void TestResultsBrowser::overlaysTwoRunsWithTheEngineComparison()
{
    const auto newer = load(0);
    const auto older = load(1);
    QVERIFY(newer && older);
    QSignalSpy shown(m_browser, &ResultsBrowser::shown);
    m_browser->listView()->selectRow(0);
    m_browser->listView()->selectionModel()->select(
        m_browser->model()->index(1, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    QVERIFY(m_browser->compareButton()->isEnabled());
    m_browser->compareButton()->click();
    QVERIFY(shown.wait(30000));
    RunComparison *comparison = m_browser->comparison();
    QVERIFY(comparison->isVisible());
    // The older run is the baseline, whichever order they were picked in.
    QCOMPARE(comparison->runA()->folder, older->folder);
    QCOMPARE(comparison->runB()->folder, newer->folder);
    QCOMPARE(comparison->throughputSeries(0)->count(), ratePoints(*older));
    QCOMPARE(comparison->throughputSeries(1)->count(), ratePoints(*newer));
    QCOMPARE(comparison->latencySeries(1)->at(0).y(),
             newer->snapshots.front()->intervalLatency.p95Ms);

    // The table's figures are the engine's (runFigures, classifyChange), as `compare` prints.
    const RunFigures a = runFigures(*older);
    const RunFigures b = runFigures(*newer);
    ComparisonModel *model = comparison->model();
    const int total = model->rowOf(QStringLiteral("All requests"));
    QCOMPARE(total, 0);
    QCOMPARE(model->index(total, ComparisonModel::CountA).data().toString(),
             QString::number(a.total.count));
    QVERIFY(model->index(total, ComparisonModel::CountB)
                .data()
                .toString()
                .startsWith(QString::number(b.total.count)));
    const Change p95 =
        classifyChange(CompareMetric::P95, a.total.latency.p95Ms, b.total.latency.p95Ms);
    QCOMPARE(model->index(total, ComparisonModel::P95B).data(ComparisonModel::ChangeRole).toInt(),
             int(p95));
    const QString mark = p95 == Change::Better ? "✓" : p95 == Change::Worse ? "✗" : "=";
    QVERIFY(model->index(total, ComparisonModel::P95B).data().toString().endsWith(mark));
    QCOMPARE(model->rowCount(), 1 + int(b.transactions.size() + b.requests.size()));
    QVERIFY(model->rowOf(QStringLiteral("transaction: browse")) > 0);
}

void TestResultsBrowser::exportsTablesAsQuotedCsvAndChartsAsPng()
{
    QStandardItemModel model(2, 3);
    model.setHorizontalHeaderLabels({"Name", "Count", "Note"});
    model.setItem(0, 0, new QStandardItem("GET /a,b"));
    model.setItem(0, 1, new QStandardItem("12"));
    model.setItem(0, 2, new QStandardItem("say \"hi\""));
    model.setItem(1, 0, new QStandardItem("two\nlines"));
    model.setItem(1, 1, new QStandardItem("3"));
    QCOMPARE(Exporting::tableCsv(&model),
             QStringLiteral("Name,Count,Note\r\n\"GET /a,b\",12,\"say \"\"hi\"\"\"\r\n"
                            "\"two\nlines\",3,\r\n"));

    // The comparison table as shown, written to a file.
    const QString path = m_dir.filePath("comparison.csv");
    QAbstractItemModel *shown = m_browser->comparison()->tableView()->model();
    QVERIFY(Exporting::saveCsv(shown, path));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(file.readAll()).split("\r\n", Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), shown->rowCount() + 1);
    QVERIFY(lines[0].startsWith("Name,Count A,Count B,Errors % A"));
    QVERIFY(lines[1].startsWith(
        "All requests," +
        QString::number(runFigures(*m_browser->comparison()->runA()).total.count)));

    // Every chart and table has the export menu.
    QCOMPARE(m_browser->comparison()->throughputView()->contextMenuPolicy(), Qt::CustomContextMenu);
    QCOMPARE(m_browser->runView()->tables()->requestView()->contextMenuPolicy(),
             Qt::CustomContextMenu);
    for (auto *view : m_browser->runView()->charts()->findChildren<QChartView *>())
        QCOMPARE(view->contextMenuPolicy(), Qt::CustomContextMenu);
    const QString png = m_dir.filePath("throughput.png");
    QVERIFY(Exporting::savePng(m_browser->comparison()->throughputView(), png));
    QImage image(png);
    QVERIFY(!image.isNull() && image.width() > 100);
}

void TestResultsBrowser::writesTheHtmlReportWithoutABrowser()
{
    m_opened.clear();
    SavedRunView *view = m_browser->runView();
    QVERIFY(view->run());
    const QString expected = QString::fromStdString(view->run()->folder) + "/report.html";
    QFile::remove(expected);
    QVERIFY(view->reportButton()->isEnabled());
    view->reportButton()->click();
    QVERIFY(QFileInfo::exists(expected));
    QFile report(expected);
    QVERIFY(report.open(QIODevice::ReadOnly));
    const QByteArray page = report.readAll();
    QVERIFY(page.size() > 10000);
    QVERIFY(page.startsWith("<!DOCTYPE html>") || page.startsWith("<!doctype html>"));
    QVERIFY(page.contains("Demo shop"));
    QCOMPARE(m_opened, QList<QUrl>{QUrl::fromLocalFile(expected)});
    // The default opener starts no browser offscreen.
    QVERIFY(!SavedRunView::openWithDesktop(QUrl::fromLocalFile(expected)));
}

void TestResultsBrowser::showsTheFileAndLineOfABrokenFolder()
{
    const fs::path source = m_browser->model()->folderAt(0).toStdString();
    const fs::path broken =
        fs::path(m_browser->resultsFolder().toStdString()) / "20200101-000000-broken";
    fs::copy(source, broken, fs::copy_options::recursive);
    {
        // A line in the middle that is not JSON.
        std::ofstream(broken / "series.jsonl", std::ios::app) << "oops\n{}\n";
    }
    m_browser->refresh();
    const int row = m_browser->model()->rowOf(QString::fromStdString(broken.string()));
    QVERIFY(row >= 0);
    QSignalSpy failed(m_browser->loader(), &SavedRunLoader::failed);
    m_browser->openRow(row);
    QVERIFY(failed.wait(30000));
    const QString error = m_browser->errorText();
    QVERIFY2(error.contains("series.jsonl:") && error.contains("Cannot read"), qPrintable(error));
    const int lines = QString::fromStdString([&] {
                          std::ifstream in(broken / "series.jsonl");
                          return std::string(std::istreambuf_iterator<char>(in), {});
                      }())
                          .count('\n');
    QVERIFY2(error.contains(QStringLiteral("series.jsonl:%1").arg(lines - 1)), qPrintable(error));
    fs::remove_all(broken);
    m_browser->refresh();
}

void TestResultsBrowser::listsAKilledRunAsCrashedOrKilled()
{
    const fs::path folder =
        fs::path(m_browser->resultsFolder().toStdString()) / "20200102-000000-killed";
    {
        ResultsManifest manifest;
        manifest.project = "killed";
        manifest.started = std::chrono::system_clock::now() - std::chrono::hours(24 * 365);
        auto writer = ResultsWriter::create(folder.string(), false, manifest, "loadwizard: 1\n");
        QVERIFY(writer);
        auto snapshot = std::make_shared<Snapshot>();
        snapshot->elapsedSeconds = 1;
        snapshot->intervalSeconds = 1;
        snapshot->activeVusers = 3;
        snapshot->interval.requests = 7;
        snapshot->interval.requestErrors = 1;
        snapshot->events.push_back({0.5, "error", "GET /: HTTP 500", ErrorClass::Http5xx, 1});
        (*writer)->push(snapshot);
        // Destroyed without finish(): what kill -9 leaves.
    }
    m_browser->refresh();
    const int row = m_browser->model()->rowOf(QString::fromStdString(folder.string()));
    QCOMPARE(row, m_browser->model()->rowCount() - 1); // the oldest, last
    QCOMPARE(m_browser->model()->index(row, SavedRunsModel::EndingColumn).data().toString(),
             QStringLiteral("Crashed or killed"));
    // It opens all the same.
    QSignalSpy shown(m_browser, &ResultsBrowser::shown);
    m_browser->openRow(row);
    QVERIFY(shown.wait(30000));
    QCOMPARE(m_browser->runView()->charts()->requestRateSeries()->count(), 1);
    QVERIFY(m_browser->runView()->titleLabel()->text().contains("Crashed or killed"));
    // Its log and errors, in the Run tab's own views.
    QVERIFY(m_browser->runView()->runLog()->view()->toPlainText().contains("GET /: HTTP 500"));
    const auto found = m_browser->runView()->errorsView()->tree()->findItems(
        QStringLiteral("HTTP 500"), Qt::MatchContains | Qt::MatchRecursive);
    QVERIFY(!found.isEmpty());
}

void TestResultsBrowser::deletesOnlyAfterAsking()
{
    const int before = m_browser->model()->rowCount();
    const int row = before - 1; // the killed one, on screen
    const QString folder = m_browser->model()->folderAt(row);
    QString asked;
    m_browser->setPrompt([&](const QString &question) {
        asked = question;
        return QMessageBox::No;
    });
    QVERIFY(!m_browser->deleteRow(row));
    QVERIFY(asked.contains(QDir::toNativeSeparators(folder)));
    QVERIFY(QFileInfo::exists(folder));
    QCOMPARE(m_browser->model()->rowCount(), before);

    m_browser->setPrompt([](const QString &) { return QMessageBox::Yes; });
    QVERIFY(m_browser->deleteRow(row));
    QVERIFY(!QFileInfo::exists(folder));
    QCOMPARE(m_browser->model()->rowCount(), before - 1);
    QVERIFY(!m_browser->runView()->run()); // it was on screen: no longer
}

void TestResultsBrowser::isASectionOfTheMainWindow()
{
    MainWindow window;
    Project quick = m_project;
    quick.profile = *RampProfile::parse("2,1,0,1");
    window.openProject(quick, m_projectPath);
    window.showSection(MainWindow::ResultsSection);
    ResultsBrowser *browser = window.resultsBrowser();
    QVERIFY(browser);
    QCOMPARE(browser->resultsFolder(), m_dir.filePath("project/results"));
    const int saved = m_browser->model()->rowCount();
    QCOMPARE(browser->model()->rowCount(), saved);

    // A run of the window lists one more, once the catalog has looked at the scenarios (a
    // declarative scenario is no plugin to reject, and does not block Run).
    QVERIFY(QTest::qWaitFor([&] { return !window.catalog()->isBusy(); }, 60000));
    QVERIFY2(window.dashboard()->runBlockedReason().isEmpty(),
             qPrintable(window.dashboard()->runBlockedReason()));
    QSignalSpy finished(window.runController(), &RunController::finished);
    window.dashboard()->startRun();
    QVERIFY(finished.wait(120000));
    QVERIFY(QTest::qWaitFor([&] { return browser->model()->rowCount() == saved + 1; }, 20000));
    QCOMPARE(browser->model()->folderAt(0), window.runController()->resultsFolder());

    // Another project lists its own runs: none.
    window.openProject(m_project, m_dir.filePath("elsewhere/project.yaml"));
    QCOMPARE(browser->model()->rowCount(), 0);
}

QTEST_MAIN(TestResultsBrowser)
#include "tst_resultsbrowser.moc"
