#include <groupvusersseries.h>
#include <projectdocument.h>
#include <rundashboard.h>
#include <statstablemodel.h>

#include <QChart>
#include <QComboBox>
#include <QFileInfo>
#include <QLineSeries>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTreeWidget>

#include <loadwizard/targetserver.h>

using namespace Loadwizard;
using namespace Loadwizard::Ui;

/// The Run tab with snapshots of a run with groups (fed by hand: the runtime for groups is not
/// needed to check what the dashboard shows).
class TestDashboardGroups : public QObject
{
    Q_OBJECT

private slots:
    void tablesFilterByGroupAndChartHasALinePerGroup();
    void aRunWithoutGroupsShowsNoGroupChoice();
    void plannedProfileIsTheGroupsTotal();
    void aLiveMixShowsEachGroup();

private:
    static Snapshot snapshotAt(double seconds, long long browse, long long buy);
};

Snapshot TestDashboardGroups::snapshotAt(double seconds, long long browse, long long buy)
{
    Snapshot snapshot;
    snapshot.elapsedSeconds = seconds;
    snapshot.intervalSeconds = 1;
    snapshot.activeVusers = browse + buy;
    NameStats home;
    home.count = 10;
    NameStats pay;
    pay.count = 2;
    pay.errors = 1;
    GroupSnapshot first;
    first.name = "browse";
    first.activeVusers = browse;
    first.transactionsTotal["home"] = home;
    first.requestsTotal["GET /"] = home;
    GroupSnapshot second;
    second.name = "buy";
    second.activeVusers = buy;
    second.transactionsTotal["home"] = home;
    second.transactionsTotal["pay"] = pay;
    second.requestsTotal["POST /pay"] = pay;
    second.checks["paid"] = CheckStats{2, 1};
    snapshot.checks["paid"] = CheckStats{2, 1};
    snapshot.groups = {first, second};
    NameStats both = home;
    both.count = 20;
    snapshot.transactionsTotal = {{"home", both}, {"pay", pay}};
    snapshot.requestsTotal = {{"GET /", home}, {"POST /pay", pay}};
    return snapshot;
}

void TestDashboardGroups::tablesFilterByGroupAndChartHasALinePerGroup()
{
    ProjectDocument document;
    RunController controller;
    RunDashboard dashboard(&document, &controller);
    dashboard.resize(1200, 800);
    dashboard.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dashboard));
    QVERIFY(!dashboard.groupChoice()->isVisible());
    dashboard.applySnapshot(snapshotAt(1, 3, 1));
    dashboard.applySnapshot(snapshotAt(2, 7, 3));

    QVERIFY(dashboard.groupChoice()->isVisible());
    QCOMPARE(dashboard.groupChoice()->count(), 3);
    QCOMPARE(dashboard.groupChoice()->itemText(0), QString("All groups"));
    QCOMPARE(dashboard.groupChoice()->itemText(2), QString("buy"));
    // All groups: the run's numbers.
    QCOMPARE(dashboard.transactionModel()->names(), QStringList({"home", "pay"}));
    QCOMPARE(dashboard.transactionModel()->data(dashboard.transactionModel()->index(0, 1)),
             QVariant(QString("20")));
    dashboard.groupChoice()->setCurrentIndex(1);
    QCOMPARE(dashboard.transactionModel()->names(), QStringList({"home"}));
    QCOMPARE(dashboard.transactionModel()->data(dashboard.transactionModel()->index(0, 1)),
             QVariant(QString("10")));
    dashboard.groupChoice()->setCurrentIndex(2);
    QCOMPARE(dashboard.transactionModel()->names(), QStringList({"home", "pay"}));
    QCOMPARE(dashboard.transactionModel()->data(
                 dashboard.transactionModel()->index(1, StatsTableModel::ErrorsColumn)),
             QVariant(QString("1")));
    // The requests tab follows the same choice when shown.
    auto *tabs = dashboard.findChild<QTabWidget *>();
    QVERIFY(tabs);
    for (int i = 0; i < tabs->count(); ++i) {
        if (tabs->widget(i)->accessibleName() == "Requests")
            tabs->setCurrentIndex(i);
    }
    QCOMPARE(dashboard.requestModel()->names(), QStringList({"POST /pay"}));
    // Checks too: browse has none, buy its one.
    QTreeWidget *checks = nullptr;
    for (int i = 0; i < tabs->count(); ++i) {
        if (tabs->tabText(i) == "&Checks") {
            tabs->setCurrentIndex(i);
            checks = qobject_cast<QTreeWidget *>(tabs->widget(i));
        }
    }
    QVERIFY(checks);
    QCOMPARE(checks->topLevelItemCount(), 1);
    dashboard.groupChoice()->setCurrentIndex(1);
    QCOMPARE(checks->topLevelItemCount(), 0);
    dashboard.groupChoice()->setCurrentIndex(2);
    QCOMPARE(checks->topLevelItemCount(), 1);
    QCOMPARE(checks->topLevelItem(0)->text(2), QString("1"));

    const auto &lines = dashboard.groupVusersSeries().series();
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines[0]->name(), QString("active: browse"));
    QCOMPARE(lines[0]->points(), QList<QPointF>({{1, 3}, {2, 7}}));
    QCOMPARE(lines[1]->points(), QList<QPointF>({{1, 1}, {2, 3}}));
    QCOMPARE(dashboard.activeVusersSeries()->points(), QList<QPointF>({{1, 4}, {2, 10}}));
}

void TestDashboardGroups::aRunWithoutGroupsShowsNoGroupChoice()
{
    ProjectDocument document;
    RunController controller;
    RunDashboard dashboard(&document, &controller);
    dashboard.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dashboard));
    Snapshot snapshot = snapshotAt(1, 3, 1);
    snapshot.groups.clear();
    dashboard.applySnapshot(snapshot);
    QVERIFY(!dashboard.groupChoice()->isVisible());
    QCOMPARE(dashboard.groupChoice()->count(), 0);
    QVERIFY(dashboard.groupVusersSeries().series().isEmpty());
    QCOMPARE(dashboard.transactionModel()->names(), QStringList({"home", "pay"}));
}

void TestDashboardGroups::plannedProfileIsTheGroupsTotal()
{
    // The dashed "profile" line of the vusers chart is the groups' stacked total.
    Project project;
    project.name = "mix";
    project.profile = *RampProfile::parse("1,10,0,50");
    ProjectGroup weighted;
    weighted.name = "browse";
    weighted.weight = 1;
    weighted.scenario = "does-not-exist.so";
    ProjectGroup own;
    own.name = "admin";
    own.profile = *RampProfile::parse("1,5,0,20");
    own.startDelaySeconds = 10;
    own.scenario = "does-not-exist.so";
    project.groups = {weighted, own};
    ProjectDocument document;
    document.reset(project, QString());
    RunController controller;
    RunDashboard dashboard(&document, &controller);
    dashboard.startRun(); // fails to prepare (no scenario): the planned line is drawn first
    QLineSeries *profile = nullptr;
    for (auto *series : dashboard.activeVusersSeries()->chart()->series()) {
        if (series->name() == "profile")
            profile = static_cast<QLineSeries *>(series);
    }
    QVERIFY(profile);
    const auto points = profile->points();
    const auto at = [&points](double t) {
        for (const QPointF &point : points)
            if (point.x() == t)
                return point.y();
        return -1.0;
    };
    QCOMPARE(at(5), 5.0);
    QCOMPARE(at(15), 15.0);
    QCOMPARE(at(36), 10.0);
    QCOMPARE(at(59), 10.0);
    QCOMPARE(points.last(), QPointF(60, 0)); // the runtime plans nothing from the end on
    QTest::qWait(0);
    controller.abort();
    (void)QTest::qWaitFor([&controller] { return !controller.isActive(); }, 30000);
}

void TestDashboardGroups::aLiveMixShowsEachGroup()
{
    // A real mix through the engine against the built-in target on 127.0.0.1.
    const QString simple = qEnvironmentVariable("LOADWIZARD_BUILD_DIR") + "/scenarios/simple.so";
    if (!QFileInfo::exists(simple))
        QSKIP("scenarios/simple.so is not built (LOADWIZARD_BUILD_DIR)");
    TargetServer target;
    QVERIFY(target.start("127.0.0.1", 0));
    Project project;
    project.name = "live mix";
    project.parameters["base_url"] = target.baseUrl();
    project.profile = *RampProfile::parse("3,1,0,2");
    project.gracefulStopSeconds = 2;
    for (const auto &[name, weight] : {std::pair{"browse", 2.0}, {"buy", 1.0}}) {
        ProjectGroup group;
        group.name = name;
        group.scenario = simple.toStdString();
        group.weight = weight;
        project.groups.push_back(group);
    }
    ProjectDocument document;
    document.reset(project, QString());
    RunController controller;
    RunDashboard dashboard(&document, &controller);
    dashboard.resize(1200, 800);
    dashboard.show();
    QSignalSpy finished(&controller, &RunController::finished);
    dashboard.startRun();
    QVERIFY(finished.wait(60000));
    const auto final = controller.finalSnapshot();
    QVERIFY(final);
    QCOMPARE(final->groups.size(), std::size_t(2));
    QCOMPARE(dashboard.groupChoice()->count(), 3);
    QCOMPARE(dashboard.groupChoice()->itemText(1), QString("browse"));
    QCOMPARE(dashboard.groupVusersSeries().series().size(), 2);
    // 3 vusers split 2:1 while the profile holds.
    double browsePeak = 0;
    double buyPeak = 0;
    for (const QPointF &point : dashboard.groupVusersSeries().series()[0]->points())
        browsePeak = std::max(browsePeak, point.y());
    for (const QPointF &point : dashboard.groupVusersSeries().series()[1]->points())
        buyPeak = std::max(buyPeak, point.y());
    QCOMPARE(browsePeak, 2.0);
    QCOMPARE(buyPeak, 1.0);
    // Each group's table holds that group's requests: they add up to the run's.
    auto *tabs = dashboard.findChild<QTabWidget *>();
    for (int i = 0; i < tabs->count(); ++i) {
        if (tabs->widget(i)->accessibleName() == "Requests")
            tabs->setCurrentIndex(i);
    }
    const auto countOf = [&dashboard] {
        qulonglong sum = 0;
        auto *model = dashboard.requestModel();
        for (int row = 0; row < model->rowCount(); ++row)
            sum += model->data(model->index(row, StatsTableModel::CountColumn), Qt::UserRole)
                       .toULongLong();
        return sum;
    };
    const qulonglong all = countOf();
    dashboard.groupChoice()->setCurrentIndex(1);
    const qulonglong browse = countOf();
    dashboard.groupChoice()->setCurrentIndex(2);
    const qulonglong buy = countOf();
    QVERIFY(browse > 0 && buy > 0);
    QCOMPARE(browse + buy, all);
}

QTEST_MAIN(TestDashboardGroups)
#include "tst_dashboardgroups.moc"
