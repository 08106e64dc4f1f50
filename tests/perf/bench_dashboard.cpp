// UI cost of one dashboard update with 200 transactions and 200 request names (issue 3: under
// 5 ms of UI time). Prints the median and p90 of applySnapshot() alone and of applySnapshot()
// plus the repaint it causes (charts and the visible table), once the series hold a long run.
// A benchmark, not a test: it reports figures and asserts nothing (label perf).
#include <projectdocument.h>
#include <rundashboard.h>

#include <loadwizard/project.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QTabWidget>
#include <QTest>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace Loadwizard;
using namespace Loadwizard::Ui;

namespace {

double percentile(std::vector<qint64> values, double p)
{
    std::sort(values.begin(), values.end());
    return double(values[std::size_t(double(values.size() - 1) * p)]) / 1e6;
}

std::shared_ptr<Snapshot> snapshotWith(int names)
{
    auto snapshot = std::make_shared<Snapshot>();
    snapshot->intervalSeconds = 1;
    snapshot->plannedSeconds = 86400 + 60;
    for (int i = 0; i < names; ++i) {
        NameStats stats;
        stats.count = std::uint64_t(100 + i);
        stats.latency = {stats.count, 1, 2, 2, 3, 4, 5, 9};
        snapshot->transactionsTotal["transaction " + std::to_string(i)] = stats;
        snapshot->transactionsInterval["transaction " + std::to_string(i)] = stats;
        snapshot->requestsTotal["GET /page/" + std::to_string(i)] = stats;
        snapshot->requestsInterval["GET /page/" + std::to_string(i)] = stats;
    }
    return snapshot;
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    ProjectDocument document;
    Project project;
    project.profile = *RampProfile::parse("10,60,0,86400");
    document.reset(project, QString());
    RunController controller;
    RunDashboard dashboard(&document, &controller);
    dashboard.resize(1280, 800);
    dashboard.show();
    if (!QTest::qWaitForWindowExposed(&dashboard))
        return 1;

    auto snapshot = snapshotWith(200);
    std::vector<qint64> applied;
    std::vector<qint64> painted;
    // An hour of snapshots: the series are full (downsampled) for the last 200 measured.
    const int seconds = 3600;
    for (int second = 1; second <= seconds; ++second) {
        auto next = std::make_shared<Snapshot>(*snapshot);
        next->elapsedSeconds = second;
        next->activeVusers = second % 500;
        next->plannedVusers = second % 500;
        next->interval.requests = std::uint64_t(1000 + second % 7);
        next->intervalLatency = {1000, 1, 2, 2.0 + second % 5, 3, 4, 5, 9};
        QElapsedTimer timer;
        timer.start();
        dashboard.applySnapshot(SnapshotPtr(next));
        const qint64 apply = timer.nsecsElapsed();
        dashboard.repaint(); // synchronously: charts, labels and the visible table
        if (second > seconds - 200) {
            applied.push_back(apply);
            painted.push_back(timer.nsecsElapsed());
        }
        QCoreApplication::processEvents();
    }
    std::printf("dashboard update, 200 transactions + 200 request names, %s platform, last 200 "
                "of %d updates:\n",
                qPrintable(QGuiApplication::platformName()), seconds);
    std::printf("  update only      median %6.2f ms   p90 %6.2f ms\n", percentile(applied, 0.5),
                percentile(applied, 0.9));
    std::printf("  with repaint     median %6.2f ms   p90 %6.2f ms\n", percentile(painted, 0.5),
                percentile(painted, 0.9));
    std::printf("  budget 5 ms: update+repaint median is %.2fx of it\n",
                percentile(painted, 0.5) / 5.0);
    return 0;
}
