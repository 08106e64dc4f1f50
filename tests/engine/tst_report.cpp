#include <loadwizard/comparison.h>
#include <loadwizard/report.h>

#include <nlohmann/json.hpp>

#include <QtTest>

#include <cmath>
#include <random>
#include <string>

using namespace Loadwizard;

namespace {

/// A saved run made up in memory: `seconds` intervals of `names` requests (and 3 transactions)
/// with interval histograms, latencies scaled by `slowdown`, as the reader would give it.
SavedRun syntheticRun(int seconds, int names, double slowdown = 1.0, double errorShare = 0.01,
                      bool killed = false)
{
    SavedRun run;
    run.folder = "/tmp/synthetic";
    run.manifest.project = "shop";
    run.manifest.scenario = "shop";
    run.manifest.model = "closed";
    run.manifest.host = "host";
    run.manifest.toolVersion = "0.1.0";
    run.manifest.commandLine = {"loadwizard", "run", "shop.yaml"};
    run.manifest.status = killed ? RunEnding::Running : RunEnding::Completed;
    run.manifest.verdict = killed ? "" : "passed";
    run.manifest.durationSeconds = killed ? 0 : seconds;
    run.manifest.plannedSeconds = seconds;

    std::mt19937_64 rng(7);
    std::lognormal_distribution<double> latency(std::log(3000.0 * slowdown), 0.6);
    std::map<std::string, Histogram, std::less<>> totals;
    std::map<std::string, NameStats, std::less<>> totalStats;
    Histogram all;
    Counters total;
    for (int second = 1; second <= seconds; ++second) {
        auto s = std::make_shared<Snapshot>();
        s->sequence = std::uint64_t(second);
        s->elapsedSeconds = second;
        s->intervalSeconds = 1;
        s->activeVusers = std::min(second, 50);
        s->plannedVusers = std::min(second, 50);
        s->maxVusers = 50;
        Histogram interval;
        for (int n = 0; n < names + 3; ++n) {
            const bool transaction = n >= names;
            const std::string name = transaction ? "flow " + std::to_string(n - names)
                                                 : "GET /item/" + std::to_string(n);
            Histogram h;
            const int count = 20 + n;
            for (int i = 0; i < count; ++i)
                h.record(std::uint64_t(latency(rng)));
            NameStats stats;
            stats.count = std::uint64_t(count);
            stats.errors = std::uint64_t(std::lround(count * errorShare));
            stats.latency = h.stats();
            stats.buckets = std::make_shared<HistogramBuckets>(h.buckets());
            auto &map = transaction ? s->transactionsInterval : s->requestsInterval;
            map[name] = stats;
            totals[name].merge(h);
            auto &t = totalStats[name];
            t.count += stats.count;
            t.errors += stats.errors;
            if (!transaction) {
                interval.merge(h);
                s->interval.requests += stats.count;
                s->interval.requestErrors += stats.errors;
                s->interval.errors[std::size_t(ErrorClass::Http5xx)] += stats.errors;
                s->timingsInterval[name] = {0.01, 0.05, 0, 2.5, 3.1};
            }
        }
        s->interval.bytesIn = s->interval.requests * 1200;
        s->interval.bytesOut = s->interval.requests * 150;
        s->interval.iterations = 50;
        s->interval.iterationsStarted = 50;
        s->intervalLatency = interval.stats();
        s->intervalBuckets = std::make_shared<HistogramBuckets>(interval.buckets());
        all.merge(interval);
        total.add(s->interval);
        s->total = total;
        if (second == 3)
            run.events.push_back(
                {2.5, "error", "GET http://127.0.0.1:1/item/3: HTTP 503", ErrorClass::Http5xx, 4});
        if (second == seconds) {
            s->final = !killed;
            s->totalLatency = all.stats();
            s->totalHistogram = std::make_shared<Histogram>(all);
            for (auto &[name, stats] : totalStats) {
                NameStats t = stats;
                t.histogram = std::make_shared<Histogram>(totals[name]);
                t.latency = totals[name].stats();
                (name.starts_with("flow") ? s->transactionsTotal : s->requestsTotal)[name] = t;
                if (!name.starts_with("flow"))
                    s->timings[name] = {0.01, 0.05, 0, 2.5, 3.1};
            }
        }
        run.snapshots.push_back(std::move(s));
    }
    if (!killed)
        run.summaryJson = R"({"verdict": "passed", "thresholds": [{"expression": "p95 < 500",
            "ok": true, "observed_text": "4.1 ms", "abort": false, "aborted": false}],
            "error_messages": [{"message": "GET http://127.0.0.1:1/item/3: HTTP 503",
            "class": "http_5xx", "count": 7}]})";
    return run;
}

/// The page's JSON data (between the report-data script tags), parsed.
nlohmann::json pageData(const std::string &page)
{
    const std::string open = "<script type=\"application/json\" id=\"report-data\">";
    const auto start = page.find(open);
    if (start == std::string::npos)
        return nullptr;
    const auto end = page.find("</script>", start);
    return nlohmann::json::parse(page.substr(start + open.size(), end - start - open.size()),
                                 nullptr, false);
}

/// The page without its data: what the template and the embedded scripts say themselves.
std::string withoutData(const std::string &page)
{
    const auto start = page.find("id=\"report-data\">");
    const auto end = page.find("</script>", start);
    return page.substr(0, start) + page.substr(end);
}

} // namespace

class TestReport : public QObject
{
    Q_OBJECT

private slots:
    void anHourLongRunStaysAFewHundredKilobytes()
    {
        const SavedRun run = syntheticRun(3600, 20);
        const std::string page = renderReport(run);
        qInfo("one hour, 20 requests and 3 transactions: %zu bytes", page.size());
        // To look at it: LOADWIZARD_REPORT_SAMPLE=/tmp/hour.html build/release/tests/tst_report
        if (const QString path = qEnvironmentVariable("LOADWIZARD_REPORT_SAMPLE");
            !path.isEmpty()) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(page.data(), qint64(page.size()));
        }
        QVERIFY2(page.size() < 400 * 1024, std::to_string(page.size()).c_str());
        const auto data = pageData(page);
        QVERIFY(!data.is_discarded() && data.is_object());
        const auto &series = data["runs"][0]["series"];
        QCOMPARE(series["t"].size(), std::size_t(1000));
        QCOMPARE(series["latency"]["p95"].size(), std::size_t(1000));
        QCOMPARE(series["names_t"].size(), std::size_t(400));
        // The busiest names get charts; every name is in the tables.
        QCOMPARE(series["names"].size(), std::size_t(3 + 10));
        QCOMPARE(data["runs"][0]["requests"].size(), std::size_t(20));
        QCOMPARE(series["t"].back().get<double>(), 3600.0);
    }

    void bucketsKeepTheMaximumAndMergeHistograms()
    {
        const SavedRun run = syntheticRun(3000, 2);
        const auto data = pageData(renderReport(run));
        const auto &latency = data["runs"][0]["series"]["latency"];
        double largest = 0;
        for (const auto &v : latency["max"])
            largest = std::max(largest, v.get<double>());
        // Each bucket's max is the largest of its intervals: the run's max survives merging.
        QVERIFY(std::fabs(largest - run.snapshots.back()->totalLatency.maxMs) < 0.1);
        // Requests per second stay per second after merging two intervals into one point.
        const double rps = data["runs"][0]["series"]["rps"][10].get<double>();
        QCOMPARE(rps, double(run.snapshots[20]->interval.requests));
    }

    void pageReferencesNoAddress()
    {
        const std::string page = renderReport(syntheticRun(60, 3));
        const std::string own = withoutData(page);
        QVERIFY(own.find("http://") == std::string::npos);
        QVERIFY(own.find("https://") == std::string::npos);
        QVERIFY(own.find("src=") == std::string::npos);
        QVERIFY(own.find("href=") == std::string::npos);
        QVERIFY(own.find("sourceMappingURL") == std::string::npos);
        QVERIFY(own.find("uPlot") != std::string::npos);
        QVERIFY(own.find("Permission is hereby granted") != std::string::npos); // uPlot's licence
    }

    void dataCannotEndTheScriptElement()
    {
        SavedRun run = syntheticRun(5, 1);
        run.events.push_back(
            {1, "error", "</script><script>alert(1)</script><!--", ErrorClass::Other, 1});
        const std::string page = renderReport(run);
        QVERIFY(page.find("</script><script>alert") == std::string::npos);
        QVERIFY(page.find("<!--") == std::string::npos);
        const auto data = pageData(page);
        QVERIFY(!data.is_discarded());
        bool found = false;
        for (const auto &sample : data["runs"][0]["errors"]["samples"])
            found = found || sample[3] == "</script><script>alert(1)</script><!--";
        QVERIFY(found);
    }

    void killedRunIsReportedAsSuch()
    {
        const auto data = pageData(renderReport(syntheticRun(30, 2, 1.0, 0.01, true)));
        const auto &run = data["runs"][0];
        QCOMPARE(run["killed"].get<bool>(), true);
        QCOMPARE(run["manifest"]["status_label"].get<std::string>(), "Crashed or killed");
        QVERIFY(run["thresholds"].is_null());
        QCOMPARE(run["totals"]["duration_s"].get<double>(), 30.0);
        // Without a summary, the error messages come from the log.
        QCOMPARE(run["errors"]["messages_from_log"].get<bool>(), true);
    }

    void figuresComeFromMergedHistograms()
    {
        const SavedRun run = syntheticRun(20, 2);
        const RunFigures figures = runFigures(run);
        const auto &last = *run.snapshots.back();
        QCOMPARE(figures.total.count, last.total.requests);
        QCOMPARE(figures.total.latency.p99Ms, last.totalHistogram->stats().p99Ms);
        QCOMPARE(figures.requests.at("GET /item/1").latency.p95Ms,
                 last.requestsTotal.at("GET /item/1").histogram->stats().p95Ms);
        QCOMPARE(figures.seconds, 20.0);
    }

    void classifiesChanges_data()
    {
        QTest::addColumn<int>("metric");
        QTest::addColumn<double>("before");
        QTest::addColumn<double>("after");
        QTest::addColumn<int>("expected");
        const auto row = [](const char *name, CompareMetric m, double a, double b, Change c) {
            QTest::newRow(name) << int(m) << a << b << int(c);
        };
        row("p95 slower by 10 %", CompareMetric::P95, 10, 11, Change::Worse);
        row("p95 faster by 10 %", CompareMetric::P95, 10, 9, Change::Better);
        row("p95 within 5 %", CompareMetric::P95, 10, 10.4, Change::Same);
        row("tiny latencies within 0.01 ms", CompareMetric::P50, 0.02, 0.029, Change::Same);
        row("error rate up 1 pp", CompareMetric::ErrorRate, 0.01, 0.02, Change::Worse);
        row("error rate up 0.05 pp", CompareMetric::ErrorRate, 0.01, 0.0105, Change::Same);
        row("error rate down", CompareMetric::ErrorRate, 0.05, 0.0, Change::Better);
        row("rps up", CompareMetric::Rps, 100, 120, Change::Better);
        row("rps down", CompareMetric::Rps, 100, 80, Change::Worse);
        row("count", CompareMetric::Count, 100, 80, Change::Neutral);
    }
    void classifiesChanges()
    {
        QFETCH(int, metric);
        QFETCH(double, before);
        QFETCH(double, after);
        QFETCH(int, expected);
        QCOMPARE(int(classifyChange(CompareMetric(metric), before, after)), expected);
    }

    void parsesRules_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("metric");
        QTest::addColumn<int>("scope");
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("increase");
        QTest::addColumn<double>("amount");
        QTest::addColumn<bool>("relative");
        using S = FailRule::Scope;
        const auto row = [](const char *text, CompareMetric m, S s, const char *name, bool up,
                            double amount, bool relative) {
            QTest::newRow(text) << QString::fromUtf8(text) << int(m) << int(s)
                                << QString::fromUtf8(name) << up << amount << relative;
        };
        row("p95 +10%", CompareMetric::P95, S::Every, "", true, 0.10, true);
        row("p99 +50ms", CompareMetric::P99, S::Every, "", true, 50, false);
        row("p99 +0.5s", CompareMetric::P99, S::Every, "", true, 500, false);
        row("error_rate +1%", CompareMetric::ErrorRate, S::Every, "", true, 0.01, false);
        row("error_rate +0.5pp", CompareMetric::ErrorRate, S::Every, "", true, 0.005, false);
        row("rps -5%", CompareMetric::Rps, S::Every, "", false, 0.05, true);
        row("rps -100/s", CompareMetric::Rps, S::Every, "", false, 100, false);
        row("p95{request:GET /x} +10%", CompareMetric::P95, S::Request, "GET /x", true, 0.10, true);
        row("mean{transaction:check out} + 20 %", CompareMetric::Mean, S::Transaction, "check out",
            true, 0.20, true);
        row("max{total} +1s", CompareMetric::Max, S::Total, "", true, 1000, false);
        row("p50{request:GET /{id}} +5ms", CompareMetric::P50, S::Request, "GET /{id}", true, 5,
            false);
        row("count -10%", CompareMetric::Count, S::Every, "", false, 0.10, true);
    }
    void parsesRules()
    {
        QFETCH(QString, text);
        const auto rule = parseFailRule(text.toStdString());
        QVERIFY2(rule, rule ? "" : rule.error().toString().c_str());
        QTEST(int(rule->metric), "metric");
        QTEST(int(rule->scope), "scope");
        QTEST(QString::fromStdString(rule->name), "name");
        QTEST(rule->increase, "increase");
        QFETCH(double, amount);
        QVERIFY(std::fabs(rule->amount - amount) < 1e-9);
        QTEST(rule->relative, "relative");
    }

    void rejectsBadRules_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty") << ""
                               << "column 1: expected a metric";
        QTest::newRow("unknown metric") << "p96 +10%"
                                        << "column 1: unknown metric \"p96\"";
        QTest::newRow("no change") << "p95"
                                   << "column 4: expected a change";
        QTest::newRow("no sign") << "p95 10%"
                                 << "column 5: expected '+'";
        QTest::newRow("no number") << "p95 +%"
                                   << "column 6: expected a number";
        QTest::newRow("latency without unit") << "p95 +10"
                                              << "column 8: unit \"\" does not fit";
        QTest::newRow("error rate in ms") << "error_rate +1ms"
                                          << "unit \"ms\" does not fit";
        QTest::newRow("bad scope") << "p95{host:x} +1%"
                                   << "column 5: expected a scope";
        QTest::newRow("unclosed scope") << "p95{request:x +1%"
                                        << "column 4: '{' without its '}'";
        QTest::newRow("empty name") << "p95{request:} +1%"
                                    << "expected a name after";
    }
    void rejectsBadRules()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        const auto rule = parseFailRule(text.toStdString());
        QVERIFY(!rule);
        const QString error = QString::fromStdString(rule.error().toString());
        QVERIFY2(error.contains(message), qPrintable(error));
        QVERIFY2(error.startsWith("--fail-if \"" + text + "\""), qPrintable(error));
    }

    void rulesFindBreaches()
    {
        const RunFigures a = runFigures(syntheticRun(20, 2, 1.0, 0.0));
        const RunFigures same = runFigures(syntheticRun(20, 2, 1.0, 0.0));
        const RunFigures slower = runFigures(syntheticRun(20, 2, 1.5, 0.05));
        const auto check = [](const char *text, const RunFigures &x, const RunFigures &y) {
            return checkRule(*parseFailRule(text), x, y);
        };
        QVERIFY(check("p95 +10%", a, same)->empty());
        // Every name breaks it, and the total: 2 requests, 3 transactions.
        QCOMPARE(check("p95 +10%", a, slower)->size(), std::size_t(6));
        QCOMPARE(check("p95{request:GET /item/1} +10%", a, slower)->size(), std::size_t(1));
        QVERIFY(check("p95 +100%", a, slower)->empty());
        QCOMPARE(check("error_rate{total} +1%", a, slower)->size(), std::size_t(1));
        QVERIFY(check("error_rate{total} +10%", a, slower)->empty());
        // Faster is not a breach of a '+' rule, but is of a '-' one.
        QVERIFY(check("p95 +10%", slower, a)->empty());
        QCOMPARE(check("p95{total} -10%", slower, a)->size(), std::size_t(1));
        const auto missing = check("p95{request:GET /nowhere} +10%", a, slower);
        QVERIFY(!missing);
        QVERIFY(QString::fromStdString(missing.error().toString()).contains("in either run"));
        const auto breach = check("p95{total} +10%", a, slower);
        QVERIFY2(QString::fromStdString(breach->front().explanation).contains("beyond +10 %"),
                 breach->front().explanation.c_str());
    }

    void comparisonTextListsEveryName()
    {
        const RunFigures a = runFigures(syntheticRun(10, 2));
        const RunFigures b = runFigures(syntheticRun(10, 3, 1.2));
        const QString text = QString::fromStdString(formatComparison(a, b, "a", "b"));
        QVERIFY2(text.contains("GET /item/0"), qPrintable(text));
        QVERIFY(text.contains("REQUESTS only in B:"));
        QVERIFY(text.contains("GET /item/2"));
        QVERIFY(text.contains("✗")); // 20 % slower
    }

    void comparisonPageHasBothRuns()
    {
        const std::string page =
            renderComparisonReport(syntheticRun(60, 2), syntheticRun(90, 3, 1.3, 0.05));
        if (const QString path = qEnvironmentVariable("LOADWIZARD_REPORT_SAMPLE");
            !path.isEmpty()) {
            QFile file(path + ".compare.html");
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(page.data(), qint64(page.size()));
        }
        const auto data = pageData(page);
        QCOMPARE(data["kind"].get<std::string>(), "compare");
        QCOMPARE(data["runs"].size(), std::size_t(2));
        QCOMPARE(data["comparison"][0]["name"].get<std::string>(), "all requests");
        QVERIFY(data["comparison"][0]["marks"].contains("p95"));
    }
};

QTEST_GUILESS_MAIN(TestReport)
#include "tst_report.moc"
