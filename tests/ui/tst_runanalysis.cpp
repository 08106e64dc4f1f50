// The Run tab as an analysis tool, fed with made-up snapshots only (as a run read back from its
// results folder would be): one time axis, crosshair and zoom, no cliff at a short last interval,
// errors grouped, the log filtered, the status line per ending, placeholders, whole-run rates.
#include <distributionview.h>
#include <errorsview.h>
#include <format.h>
#include <placeholder.h>
#include <projectdocument.h>
#include <runcharts.h>
#include <rundashboard.h>
#include <runlog.h>
#include <runstatus.h>
#include <runtables.h>
#include <statstablemodel.h>
#include <summarypanel.h>
#include <timechartview.h>
#include <timingsview.h>

#include <QApplication>
#include <QChart>
#include <QComboBox>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsTextItem>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QTableView>
#include <QTest>
#include <QTreeWidget>
#include <QValueAxis>

using namespace Loadwizard;
using namespace Loadwizard::Ui;

namespace {

/// One second of a steady run at `t`: `rate` requests per second of 20 ms, one transaction.
Snapshot second(double t, double rate, double interval = 1)
{
    Snapshot s;
    s.elapsedSeconds = t;
    s.intervalSeconds = interval;
    s.plannedSeconds = 60;
    s.activeVusers = s.plannedVusers = 2000;
    s.maxVusers = s.maxPlannedVusers = 2000;
    s.interval.requests = std::uint64_t(rate * interval);
    s.total.requests = std::uint64_t(rate * t);
    LatencyStats latency{s.interval.requests, 5, 20, 18, 30, 35, 40, 50};
    s.intervalLatency = latency;
    s.totalLatency = latency;
    s.transactionsInterval["login"] = {s.interval.requests, 0, latency, {}, {}};
    s.transactionsTotal["login"] = {s.total.requests, 0, latency, {}, {}};
    return s;
}

struct Fixture
{
    Fixture()
        : dashboard(&document, &controller)
    {
        Project project;
        project.profile = *RampProfile::parse("2000,60");
        document.reset(project, QString());
        dashboard.resize(1400, 900);
        dashboard.show();
    }
    ProjectDocument document;
    RunController controller;
    RunDashboard dashboard;
};

QRectF plotInView(TimeChartView *view)
{
    return view->chart()->mapToScene(view->chart()->plotArea()).boundingRect();
}

} // namespace

class TestRunAnalysis : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }
    void chartsShareOneTimeAxisWithAlignedPlotAreas();
    void zoomingOneChartZoomsThemAll();
    void theCrosshairIsMirroredOnEveryChart();
    void valueAxesGroupThousands();
    void aShortLastIntervalIsNoCliff();
    void anIntervalWithoutResponsesDrawsNoLatencyPoint();
    void severalNamesLatenciesAtOnePercentile();
    void liveChangesAndPausesAreMarkedAndLogged();
    void errorsAreGroupedByClassStatusAndMessage();
    void theLogFiltersByLevelAndSearches();
    void theStatusLineSaysHowTheRunEnded_data();
    void theStatusLineSaysHowTheRunEnded();
    void emptyTablesSayNoDataYet();
    void tablesShowMinAndP50AndTheWholeRunsRateOnceOver();
    void theDistributionComesFromTheHistogram();
    void timingsAreSplitIntoPhases();
    void theSummaryIsLaidOut();
};

void TestRunAnalysis::chartsShareOneTimeAxisWithAlignedPlotAreas()
{
    Fixture f;
    QVERIFY(QTest::qWaitForWindowExposed(&f.dashboard));
    for (int t = 1; t <= 20; ++t)
        f.dashboard.applySnapshot(second(t, t * 1000)); // up to 20,000/s: wide rate labels
    QTest::qWait(50);                                   // the alignment runs after the layout
    const auto views = f.dashboard.charts()->views();
    QCOMPARE(views.size(), 3);
    const QRectF first = plotInView(views[0]);
    QVERIFY(first.width() > 100 && first.height() > 50);
    for (TimeChartView *view : views) {
        const QRectF plot = plotInView(view);
        // One plot-area size and left edge (within each view), whatever each axis' labels.
        QCOMPARE(qRound(plot.width()), qRound(first.width()));
        QCOMPARE(qRound(plot.height()), qRound(first.height()));
        QCOMPARE(qRound(plot.left()), qRound(first.left()));
        QCOMPARE(qRound(plot.top()), qRound(first.top()));
        auto *x = qobject_cast<QValueAxis *>(view->chart()->axes(Qt::Horizontal).front());
        QCOMPARE(x->min(), 0.0);
        QCOMPARE(x->max(), 60.0);
        QVERIFY(!x->titleText().isEmpty());
        QVERIFY(!view->chart()->axes(Qt::Vertical).front()->titleText().isEmpty());
    }
}

void TestRunAnalysis::zoomingOneChartZoomsThemAll()
{
    Fixture f;
    QVERIFY(QTest::qWaitForWindowExposed(&f.dashboard));
    for (int t = 1; t <= 40; ++t)
        f.dashboard.applySnapshot(second(t, 100));
    RunCharts *charts = f.dashboard.charts();
    const auto ranges = [&] {
        QList<std::pair<double, double>> all;
        for (TimeChartView *view : charts->views()) {
            auto *x = qobject_cast<QValueAxis *>(view->chart()->axes(Qt::Horizontal).front());
            all.append({x->min(), x->max()});
        }
        return all;
    };
    const auto allEqual = [&](double from, double to) {
        for (const auto &[min, max] : ranges()) {
            if (std::abs(min - from) > 1e-6 || std::abs(max - to) > 1e-6)
                return false;
        }
        return true;
    };

    // A drag on the throughput chart, from about 25 % to 50 % of its plot area.
    TimeChartView *rate = charts->views()[1];
    const QRectF plot = plotInView(rate);
    const QPoint from(int(plot.left() + plot.width() * 0.25), int(plot.center().y()));
    const QPoint to(int(plot.left() + plot.width() * 0.5), int(plot.center().y()));
    QTest::mousePress(rate->viewport(), Qt::LeftButton, {}, from);
    QTest::mouseMove(rate->viewport(), to);
    QTest::mouseRelease(rate->viewport(), Qt::LeftButton, {}, to);
    QVERIFY(charts->isZoomed());
    const auto [zoomFrom, zoomTo] = charts->timeRange();
    QVERIFY2(std::abs(zoomFrom - 15) < 1 && std::abs(zoomTo - 30) < 1,
             qPrintable(QStringLiteral("%1..%2").arg(zoomFrom).arg(zoomTo)));
    QVERIFY(allEqual(zoomFrom, zoomTo));
    // New snapshots keep the zoom.
    f.dashboard.applySnapshot(second(41, 100));
    QVERIFY(allEqual(zoomFrom, zoomTo));

    // The wheel on the latency chart zooms in further, all of them.
    TimeChartView *latency = charts->views()[2];
    QWheelEvent wheel(QPointF(plotInView(latency).center()), QPointF(), QPoint(), QPoint(0, 120),
                      Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(latency->viewport(), &wheel);
    const auto [wheelFrom, wheelTo] = charts->timeRange();
    QVERIFY(wheelTo - wheelFrom < zoomTo - zoomFrom);
    QVERIFY(allEqual(wheelFrom, wheelTo));

    // A double-click on the vusers chart shows the whole run again.
    QTest::mouseDClick(charts->views()[0]->viewport(), Qt::LeftButton, {},
                       plotInView(charts->views()[0]).center().toPoint());
    QVERIFY(!charts->isZoomed());
    QVERIFY(allEqual(0, 60));

    // So does the button, after zoomTo().
    charts->zoomTo(10, 20);
    QVERIFY(allEqual(10, 20));
    charts->resetZoom();
    QVERIFY(allEqual(0, 60));
}

void TestRunAnalysis::theCrosshairIsMirroredOnEveryChart()
{
    Fixture f;
    QVERIFY(QTest::qWaitForWindowExposed(&f.dashboard));
    for (int t = 1; t <= 30; ++t)
        f.dashboard.applySnapshot(second(t, 100 * t));
    QTest::qWait(50);
    const auto views = f.dashboard.charts()->views();
    const QRectF plot = plotInView(views[0]);
    // 20 s: a third of the way through 60 s .
    const QPoint at(int(plot.left() + plot.width() / 3), int(plot.center().y()));
    const auto hover = [](TimeChartView *view, QPoint position) {
        QMouseEvent move(QEvent::MouseMove, position, view->viewport()->mapToGlobal(position),
                         Qt::NoButton, Qt::NoButton, Qt::NoModifier);
        QApplication::sendEvent(view->viewport(), &move);
    };
    hover(views[0], at);
    const double hovered = views[0]->crosshairTime();
    QVERIFY2(std::abs(hovered - 20) < 0.5, qPrintable(QString::number(hovered)));
    for (TimeChartView *view : views) {
        QVERIFY2(view->crosshairVisible(), qPrintable(QString::number(views.indexOf(view))));
        QCOMPARE(view->crosshairTime(), hovered);
    }
    // Each callout: the time, and every line's value there.
    for (TimeChartView *view : views)
        view->showCrosshair(20.2);
    const QString vusers = views[0]->calloutText();
    QVERIFY2(vusers.contains(QStringLiteral("active: 2,000")), qPrintable(vusers));
    const QString rate = views[1]->calloutText();
    QVERIFY2(rate.contains(QStringLiteral("requests/s: 2,000 /s")), qPrintable(rate));
    const QString latency = views[2]->calloutText();
    QVERIFY2(latency.contains(QStringLiteral("All requests: 35 ms")), qPrintable(latency));

    hover(views[0], QPoint(2, 2)); // off the plot area
    for (TimeChartView *view : views)
        QVERIFY(!view->crosshairVisible());
}

void TestRunAnalysis::valueAxesGroupThousands()
{
    Fixture f;
    QVERIFY(QTest::qWaitForWindowExposed(&f.dashboard));
    for (int t = 1; t <= 5; ++t)
        f.dashboard.applySnapshot(second(t, 5000));
    QTest::qWait(50);
    const QString thousand = numberLocale().toString(1000.0, 'f', 0);
    QVERIFY(thousand.size() == 5); // "1,000" or the locale's own grouping
    for (TimeChartView *view : f.dashboard.charts()->views().mid(0, 2)) {
        QStringList labels;
        for (QGraphicsItem *item : view->scene()->items()) {
            if (auto *text = dynamic_cast<QGraphicsTextItem *>(item))
                labels << text->toPlainText();
        }
        bool grouped = false;
        for (const QString &label : labels)
            grouped = grouped || (label.size() >= 5 && label.contains(thousand.at(1)));
        QVERIFY2(grouped, qPrintable(labels.join(QStringLiteral(" | "))));
    }
}

void TestRunAnalysis::aShortLastIntervalIsNoCliff()
{
    Fixture f;
    for (int t = 1; t <= 10; ++t)
        f.dashboard.applySnapshot(second(t, 100));
    // The run ends 0.2 s into its 11th second: 20 requests in 0.2 s, as fast as before.
    Snapshot last = second(10.2, 100, 0.2);
    last.final = true;
    last.state = RunState::Finished;
    last.total.requests = 1020;
    f.dashboard.applySnapshot(last);
    const auto points = f.dashboard.requestRateSeries()->points();
    QCOMPARE(points.size(), 10); // folded into the last whole second, not a point of its own
    QCOMPARE(points.back().x(), 10.2);
    QCOMPARE(points.back().y(), 100.0); // (100 + 20) / 1.2 s
    for (const QPointF &point : points)
        QVERIFY(point.y() > 0);

    // A very short interval with no request at all does not drop the line either.
    Fixture g;
    for (int t = 1; t <= 5; ++t)
        g.dashboard.applySnapshot(second(t, 100));
    Snapshot empty = second(5.1, 0, 0.1);
    empty.final = true;
    g.dashboard.applySnapshot(empty);
    const auto after = g.dashboard.requestRateSeries()->points();
    QCOMPARE(after.size(), 5);
    QVERIFY(after.back().y() > 90); // 100 / 1.1 s
}

void TestRunAnalysis::anIntervalWithoutResponsesDrawsNoLatencyPoint()
{
    Fixture f;
    for (int t = 1; t <= 5; ++t)
        f.dashboard.applySnapshot(second(t, 100));
    Snapshot quiet = second(6, 0);
    quiet.intervalLatency = {};
    quiet.transactionsInterval.clear();
    f.dashboard.applySnapshot(quiet);
    const auto lines = f.dashboard.charts()->latencySeries();
    QCOMPARE(lines.size(), 1);
    QCOMPARE(lines[0]->count(), 5);
    for (const QPointF &point : lines[0]->points())
        QCOMPARE(point.y(), 35.0); // p95, the default
}

void TestRunAnalysis::severalNamesLatenciesAtOnePercentile()
{
    Fixture f;
    for (int t = 1; t <= 5; ++t) {
        Snapshot s = second(t, 100);
        s.requestsInterval["GET /"] = {100, 0, {100, 1, 2, 3, 4, 5, 6, 7}, {}, {}};
        f.dashboard.applySnapshot(s);
    }
    RunCharts *charts = f.dashboard.charts();
    QCOMPARE(charts->latencyNames()->count(), 3); // all requests, the transaction, the request
    charts->chooseLatencyNames(
        {QString(), QStringLiteral("transaction: login"), QStringLiteral("request: GET /")});
    QCOMPARE(charts->latencySeries().size(), 3);
    charts->percentileChoice()->setCurrentIndex(RunCharts::P50);
    QCOMPARE(charts->latencySeries()[0]->points().back().y(), 18.0);
    QCOMPARE(charts->latencySeries()[2]->points().back().y(), 3.0);
    QCOMPARE(charts->latencySeries()[2]->name(), QStringLiteral("request GET /"));
    charts->percentileChoice()->setCurrentIndex(RunCharts::P99);
    QCOMPARE(charts->latencySeries()[1]->points().back().y(), 40.0);
    QCOMPARE(charts->latencySeries()[2]->points().back().y(), 6.0);
    // Unchecking one in the list removes its line.
    charts->latencyNames()->item(0)->setCheckState(Qt::Unchecked);
    QCOMPARE(charts->latencySeries().size(), 2);
}

void TestRunAnalysis::liveChangesAndPausesAreMarkedAndLogged()
{
    Fixture f;
    f.dashboard.applySnapshot(second(1, 100));
    Snapshot s = second(2, 100);
    s.events.push_back({1.5, "info", "live change: added 5 vusers", ErrorClass::Other, 0,
                        EventKind::VusersChanged, 5});
    s.events.push_back({1.8, "info", "schedule paused (running vusers go on)", ErrorClass::Other, 0,
                        EventKind::Paused, 0});
    f.dashboard.applySnapshot(s);
    Snapshot t = second(3, 100);
    t.events.push_back({2.6, "info", "schedule resumed where it was paused", ErrorClass::Other, 0,
                        EventKind::Resumed, 0});
    t.events.push_back({2.7, "info", "live change: removed 3 vusers", ErrorClass::Other, 0,
                        EventKind::VusersChanged, -3});
    f.dashboard.applySnapshot(t);
    const ChartMarkers &markers = f.dashboard.charts()->vusersMarkers();
    QCOMPARE(markers.momentCount(), 2);
    QCOMPARE(markers.pauseCount(), 1);
    const QString log = f.dashboard.logView()->toPlainText();
    QVERIFY2(log.contains("live change: added 5 vusers") && log.contains("schedule paused") &&
                 log.contains("schedule resumed") && log.contains("removed 3 vusers"),
             qPrintable(log));
}

void TestRunAnalysis::errorsAreGroupedByClassStatusAndMessage()
{
    ErrorsView view;
    Snapshot s = second(3, 10);
    s.topErrors = {{"GET http://h/a: HTTP 500", ErrorClass::Http5xx, 40, "GET /a HTTP/1.1\n…"},
                   {"GET http://h/b: HTTP 500", ErrorClass::Http5xx, 20, ""},
                   {"GET http://h/c: HTTP 503", ErrorClass::Http5xx, 5, ""},
                   {"GET http://h/d: HTTP 404", ErrorClass::Http4xx, 30, ""},
                   {"connection refused", ErrorClass::Connect, 7, ""}};
    s.events.push_back({2.5, "error", "GET http://h/a: HTTP 500", ErrorClass::Http5xx, 3});
    s.events.push_back({2.9, "error", "GET http://h/a: HTTP 500", ErrorClass::Http5xx, 4});
    view.applySnapshot(s);
    QTreeWidget *tree = view.tree();
    QCOMPARE(tree->topLevelItemCount(), 3);
    // Most frequent class first; its counts add up.
    QTreeWidgetItem *http5xx = tree->topLevelItem(0);
    QCOMPARE(http5xx->text(ErrorsView::ErrorColumn), QStringLiteral("HTTP 5xx"));
    QCOMPARE(http5xx->text(ErrorsView::CountColumn), QStringLiteral("65"));
    QCOMPARE(http5xx->childCount(), 2); // statuses 500 and 503
    QTreeWidgetItem *status500 = http5xx->child(0);
    QCOMPARE(status500->text(ErrorsView::ErrorColumn), QStringLiteral("Status 500"));
    QCOMPARE(status500->text(ErrorsView::CountColumn), QStringLiteral("60"));
    QCOMPARE(status500->childCount(), 2);
    QTreeWidgetItem *message = status500->child(0);
    QCOMPARE(message->text(ErrorsView::ErrorColumn), QStringLiteral("GET http://h/a: HTTP 500"));
    QCOMPARE(message->text(ErrorsView::CountColumn), QStringLiteral("40"));
    QCOMPARE(message->text(ErrorsView::FirstSeenColumn), QStringLiteral("2.5 s"));
    QCOMPARE(message->text(ErrorsView::LastSeenColumn), QStringLiteral("2.9 s"));
    QCOMPARE(tree->topLevelItem(1)->text(ErrorsView::ErrorColumn), QStringLiteral("HTTP 4xx"));
    QTreeWidgetItem *connect = tree->topLevelItem(2);
    QCOMPARE(connect->text(ErrorsView::ErrorColumn), QStringLiteral("Connect"));
    QCOMPARE(connect->child(0)->text(ErrorsView::ErrorColumn),
             QStringLiteral("connection refused"));
    // The sample pane: the engine's sample, or says there is none.
    tree->setCurrentItem(message);
    QCOMPARE(view.sampleView()->toPlainText(), QStringLiteral("GET /a HTTP/1.1\n…"));
    tree->setCurrentItem(status500->child(1));
    QCOMPARE(view.sampleView()->toPlainText(),
             QStringLiteral("No sample was captured for this error."));
    QCOMPARE(ErrorsView::statusOf("POST http://x/y: HTTP 429"), QStringLiteral("429"));
    QCOMPARE(ErrorsView::statusOf("timeout after 30 s"), QString());
}

void TestRunAnalysis::theLogFiltersByLevelAndSearches()
{
    RunLog log;
    log.append(RunLog::Level::Info, "Preparing demo");
    log.append(RunLog::Level::Trace, "[1 s] vuser 1 GET /home 200");
    log.append(RunLog::Level::Warning, "[1 s] warning worker slow");
    log.append(RunLog::Level::Error, "[2 s] error vuser 3 (http_5xx): GET /pay: HTTP 500");
    log.append(RunLog::Level::Error, "[3 s] error vuser 4 (connect): GET /home: refused");
    QCOMPARE(log.view()->blockCount(), 5);
    log.filterChoice()->setCurrentIndex(log.filterChoice()->findData(RunLog::ErrorsOnly));
    QCOMPARE(log.view()->toPlainText(),
             QStringLiteral("[2 s] error vuser 3 (http_5xx): GET /pay: HTTP 500\n"
                            "[3 s] error vuser 4 (connect): GET /home: refused"));
    log.filterChoice()->setCurrentIndex(log.filterChoice()->findData(RunLog::WarningsAndErrors));
    QCOMPARE(log.shownCount(), 3);
    log.filterChoice()->setCurrentIndex(log.filterChoice()->findData(RunLog::WithoutTrace));
    QCOMPARE(log.shownCount(), 4);
    // The search is case-insensitive and works with the level.
    log.searchBox()->setText("HOME");
    QCOMPARE(log.view()->toPlainText(),
             QStringLiteral("[3 s] error vuser 4 (connect): GET /home: refused"));
    log.filterChoice()->setCurrentIndex(log.filterChoice()->findData(RunLog::AllLines));
    QCOMPARE(log.shownCount(), 2);
    // New lines follow the filter too.
    log.append(RunLog::Level::Info, "Finished");
    log.append(RunLog::Level::Trace, "[4 s] vuser 2 GET /home 200");
    QCOMPARE(log.shownCount(), 3);
    QVERIFY(!log.view()->toPlainText().contains("Finished"));
    log.searchBox()->clear();
    QCOMPARE(log.view()->blockCount(), 7);
}

void TestRunAnalysis::theStatusLineSaysHowTheRunEnded_data()
{
    QTest::addColumn<int>("ending");
    QTest::addColumn<bool>("failedThreshold");
    QTest::addColumn<bool>("allFailed");
    QTest::addColumn<QString>("text");
    QTest::newRow("completed") << int(RunEnding::Completed) << false << false << "Completed";
    QTest::newRow("completed, all failed")
        << int(RunEnding::Completed) << false << true << "Completed — every request failed";
    QTest::newRow("stopped") << int(RunEnding::Stopped) << false << false << "Stopped by user";
    QTest::newRow("aborted") << int(RunEnding::Aborted) << false << false << "Aborted";
    QTest::newRow("aborted, threshold failed")
        << int(RunEnding::Aborted) << true << false << "Aborted — thresholds failed (1 of 2)";
    QTest::newRow("failed thresholds")
        << int(RunEnding::FailedThresholds) << true << false << "Failed thresholds (1 of 2)";
    QTest::newRow("crashed") << int(RunEnding::Crashed) << false << false << "Crashed";
}

void TestRunAnalysis::theStatusLineSaysHowTheRunEnded()
{
    QFETCH(int, ending);
    QFETCH(bool, failedThreshold);
    QFETCH(bool, allFailed);
    QFETCH(QString, text);
    auto final = std::make_shared<Snapshot>(second(10, 100));
    final->final = true;
    final->state = RunState::Finished;
    if (allFailed)
        final->total.requestErrors = final->total.requests;
    SummaryHeader header;
    header.project = "shop";
    header.thresholds.resize(2);
    header.thresholds[0].settings.expression = "p95 < 500";
    header.thresholds[0].status = ThresholdStatus::Passed;
    header.thresholds[1].settings.expression = "error_rate < 1%";
    header.thresholds[1].status =
        failedThreshold ? ThresholdStatus::Failed : ThresholdStatus::Passed;
    header.ending = RunEnding(ending);
    QCOMPARE(runStatusText(RunEnding(ending), *final, header.thresholds), text);

    Fixture f;
    f.dashboard.showRunEnded(final, header, RunEnding(ending));
    QCOMPARE(f.dashboard.stateLabel()->text(), text);
    QVERIFY(!f.dashboard.stateLabel()->text().contains("Finished"));
    QVERIFY(f.dashboard.summaryPanel()->verdictLabel()->text().contains(text.section(" — ", 0, 0)));
}

void TestRunAnalysis::emptyTablesSayNoDataYet()
{
    Fixture f;
    RunTables *tables = f.dashboard.tables();
    for (QAbstractItemView *view : std::initializer_list<QAbstractItemView *>{
             tables->transactionView(), tables->requestView(), tables->checksView(),
             tables->rendezvousView(), f.dashboard.errorsView()->tree()}) {
        QLabel *placeholder = emptyPlaceholder(view);
        QVERIFY(placeholder);
        QVERIFY(!placeholder->isHidden());
        QVERIFY(placeholder->text().startsWith("No "));
    }
    QVERIFY(f.dashboard.distributionView()->placeholder()->text().startsWith("No data yet"));
    f.dashboard.applySnapshot(second(1, 100));
    QVERIFY(emptyPlaceholder(tables->transactionView())->isHidden());
    QVERIFY(!emptyPlaceholder(tables->checksView())->isHidden()); // still no check
    // A new run empties them again.
    tables->clear();
    QVERIFY(!emptyPlaceholder(tables->transactionView())->isHidden());
}

void TestRunAnalysis::tablesShowMinAndP50AndTheWholeRunsRateOnceOver()
{
    Fixture f;
    StatsTableModel *model = f.dashboard.transactionModel();
    f.dashboard.applySnapshot(second(5, 100));
    const auto cell = [&](int column) { return model->data(model->index(0, column)).toString(); };
    QCOMPARE(model->headerData(StatsTableModel::MinColumn, Qt::Horizontal).toString(), "Min ms");
    QCOMPARE(model->headerData(StatsTableModel::P50Column, Qt::Horizontal).toString(), "p50 ms");
    QCOMPARE(cell(StatsTableModel::MinColumn), QStringLiteral("5.00"));
    QCOMPARE(cell(StatsTableModel::P50Column), QStringLiteral("18.0"));
    QCOMPARE(cell(StatsTableModel::RateColumn), QStringLiteral("100.0")); // this second's
    QCOMPARE(cell(StatsTableModel::CountColumn), QStringLiteral("500"));

    // The last, partial second: 10 requests in 0.2 s; the run did 1,020 in 10.2 s.
    Snapshot last = second(10.2, 50, 0.2);
    last.final = true;
    last.state = RunState::Finished;
    last.transactionsTotal["login"].count = 1020;
    f.dashboard.applySnapshot(last);
    QVERIFY(model->showsRunRate());
    QCOMPARE(cell(StatsTableModel::RateColumn), QStringLiteral("100.0")); // 1,020 / 10.2 s
    QCOMPARE(cell(StatsTableModel::CountColumn), QStringLiteral("1,020"));
    QCOMPARE(model->headerData(StatsTableModel::RateColumn, Qt::Horizontal).toString(),
             "Rate/s (run)");
}

void TestRunAnalysis::theDistributionComesFromTheHistogram()
{
    DistributionView view;
    view.resize(800, 500);
    view.show();
    auto histogram = std::make_shared<Histogram>();
    for (int i = 0; i < 900; ++i)
        histogram->record(10'000 + std::uint64_t(i) * 10); // 10 to 19 ms
    for (int i = 0; i < 100; ++i)
        histogram->record(100'000); // a slow tail at 100 ms
    auto snapshot = std::make_shared<Snapshot>(second(5, 100));
    snapshot->transactionsTotal["login"].histogram = histogram;
    view.applySnapshot(snapshot);
    QVERIFY(view.placeholder()->text().contains("kept no histograms")); // all requests: none
    const int login = view.nameChoice()->findData(QStringLiteral("transaction: login"));
    QVERIFY(login > 0);
    view.nameChoice()->setCurrentIndex(login);
    QVERIFY(view.placeholder()->isHidden());
    double sum = 0;
    for (const QPointF &bin : view.bins())
        sum += bin.y();
    QCOMPARE(sum, 1000.0); // every response in one bin
    QVERIFY(view.bins().size() >= 10);
    QCOMPARE(view.bins().back().y(), 100.0); // the tail
}

void TestRunAnalysis::timingsAreSplitIntoPhases()
{
    // libcurl's times count from the start; TLS is 0 without it.
    const auto phases = TimingsView::phases({1, 3, 7, 20, 25});
    QCOMPARE(phases, (std::array<double, 5>{1, 2, 4, 13, 5}));
    const auto plain = TimingsView::phases({0.5, 1.5, 0, 10, 12});
    QCOMPARE(plain, (std::array<double, 5>{0.5, 1, 0, 8.5, 2}));
    TimingsView view;
    Snapshot s = second(2, 10);
    s.timings["GET /"] = {1, 3, 7, 20, 25};
    view.applySnapshot(s);
    QCOMPARE(view.table()->topLevelItemCount(), 1);
    QCOMPARE(view.table()->topLevelItem(0)->text(TimingsView::WaitColumn), QStringLiteral("13.00"));
}

void TestRunAnalysis::theSummaryIsLaidOut()
{
    Fixture f;
    auto final = std::make_shared<Snapshot>(second(10, 1234));
    final->final = true;
    final->total.requestErrors = 12;
    SummaryHeader header;
    header.project = "shop";
    f.dashboard.showRunEnded(final, header, RunEnding::Completed);
    SummaryPanel *panel = f.dashboard.summaryPanel();
    QCOMPARE(panel->value("Requests"), QStringLiteral("12,340"));
    QCOMPARE(panel->value("p95"), QStringLiteral("35.0 ms"));
    QCOMPARE(panel->value("Errors"), QStringLiteral("12"));
    // The terminal's text stays, to read or copy.
    QVERIFY(f.dashboard.summaryView()->toPlainText().contains("requests ...... 12340"));
}

QTEST_MAIN(TestRunAnalysis)
#include "tst_runanalysis.moc"
