#include <loadwizard/junitreport.h>
#include <loadwizard/thresholdevaluator.h>

#include <QtTest>

#include <memory>

using namespace Loadwizard;

namespace {

/// 10 s of a run: 200 requests (2 errors), p95 800 ms, a "home" request and a "buy"
/// transaction, 995 of 1000 checks passed, 50 iterations (3 failed).
Snapshot handBuilt()
{
    Snapshot s;
    s.elapsedSeconds = 10;
    s.total.requests = 200;
    s.total.requestErrors = 2;
    s.total.iterations = 50;
    s.total.iterationsFailed = 3;
    s.total.iterationsDropped = 7;
    s.total.checksPassed = 995;
    s.total.checksFailed = 5;
    s.totalLatency = {200, 1.5, 120, 100, 700, 800, 900, 1200};
    // As the open model has it: from the intended start, a stall shows.
    s.totalIntendedLatency = {200, 2, 400, 150, 1900, 2500, 3000, 3100};
    s.requestsTotal["home"] = {
        150, 0, {150, 2, 10, 9, 20, 25, 30, 40}, {150, 3, 30, 12, 25, 40, 5000, 5200}, nullptr};
    s.transactionsTotal["buy"] = {40, 4, {40, 100, 300, 250, 500, 600, 700, 800}, {}, nullptr};
    s.checks["status is 200"] = {990, 0};
    s.checks["has <cart> & \"total\""] = {5, 5};
    return s;
}

/// A run of two groups, "browse" and "buy", each with its own "login" transaction (browse's
/// fast, buy's slow) and "status is 200" check; the run-wide fields are their sums and merges.
Snapshot twoGroups()
{
    Snapshot s;
    s.elapsedSeconds = 20;
    GroupSnapshot browse;
    browse.name = "browse";
    browse.total.requests = 300;
    browse.total.requestErrors = 3;
    browse.total.iterations = 100;
    browse.total.checksPassed = 100;
    browse.totalLatency = {300, 1, 40, 30, 80, 90, 120, 200};
    browse.requestsTotal["home"] = {300, 3, {300, 1, 40, 30, 80, 90, 120, 200}, {}, nullptr};
    browse.transactionsTotal["login"] = {100, 0, {100, 50, 60, 58, 70, 75, 90, 99}, {}, nullptr};
    browse.checks["status is 200"] = {100, 0};
    GroupSnapshot buy;
    buy.name = "buy";
    buy.total.requests = 100;
    buy.total.requestErrors = 10;
    buy.total.iterations = 20;
    buy.total.iterationsFailed = 2;
    buy.total.checksPassed = 18;
    buy.total.checksFailed = 2;
    buy.totalLatency = {100, 5, 400, 350, 700, 800, 950, 1500};
    buy.totalIntendedLatency = {100, 6, 900, 500, 1500, 2000, 2500, 2600}; // buy is open
    buy.requestsTotal["pay"] = {100, 10, {100, 5, 400, 350, 700, 800, 950, 1500}, {}, nullptr};
    buy.transactionsTotal["login"] = {20, 1, {20, 300, 500, 480, 650, 700, 780, 800}, {}, nullptr};
    buy.checks["status is 200"] = {18, 2};
    s.total.requests = 400;
    s.total.requestErrors = 13;
    s.total.iterations = 120;
    s.total.iterationsFailed = 2;
    s.total.checksPassed = 118;
    s.total.checksFailed = 2;
    s.totalLatency = {400, 1, 130, 40, 600, 700, 900, 1500};
    s.requestsTotal["home"] = browse.requestsTotal["home"];
    s.requestsTotal["pay"] = buy.requestsTotal["pay"];
    s.transactionsTotal["login"] = {120, 1, {120, 50, 133, 60, 600, 650, 700, 800}, {}, nullptr};
    s.checks["status is 200"] = {118, 2};
    s.groups = {browse, buy};
    return s;
}

ThresholdResult evaluateOne(const std::string &expression, const Snapshot &snapshot,
                            const std::vector<std::string> &groups = implicitGroups())
{
    auto evaluator = ThresholdEvaluator::create({{expression, false, 0}}, groups);
    if (!evaluator)
        qFatal("%s", evaluator.error().toString().c_str());
    return evaluator->evaluate(snapshot).front();
}

} // namespace

Q_DECLARE_METATYPE(ThresholdStatus)

class TestThresholdEvaluator : public QObject
{
    Q_OBJECT

private slots:
    void evaluatesEachMetricAtTheBoundary_data();
    void evaluatesEachMetricAtTheBoundary();
    void takesPercentilesBeyondTheStatsFromTheHistogram();
    void reportsNoDataAndFailsItOnlyAtTheEnd();
    void abortsOnlyAfterTheGracePeriod();
    void namesTheThresholdOfABadExpression();
    void saysWhatIsWrongWithTheRun();
    void writesJUnitWithOneCasePerThresholdAndCheck();
    void escapesWhatXmlDoesNotAllow();
    void readsTheGroupASelectorNames_data();
    void readsTheGroupASelectorNames();
    void takesAGroupsPercentilesFromItsHistograms();
    void writesJUnitWithTheGroups();
};

void TestThresholdEvaluator::evaluatesEachMetricAtTheBoundary_data()
{
    QTest::addColumn<QString>("expression");
    QTest::addColumn<ThresholdStatus>("status");
    QTest::addColumn<QString>("observed");

    const auto pass = ThresholdStatus::Passed;
    const auto fail = ThresholdStatus::Failed;
    QTest::newRow("p95 < at the value") << "p95 < 800ms" << fail << "800.00 ms";
    QTest::newRow("p95 <= at the value") << "p95(requests) <= 0.8s" << pass << "800.00 ms";
    QTest::newRow("p50") << "p50 == 100" << pass << "100.00 ms";
    QTest::newRow("p90") << "p90 > 700" << fail << "700.00 ms";
    QTest::newRow("p99") << "p99 >= 900" << pass << "900.00 ms";
    QTest::newRow("med") << "med != 100" << fail << "100.00 ms";
    QTest::newRow("avg") << "avg < 120" << fail << "120.00 ms";
    QTest::newRow("min") << "min >= 1.5ms" << pass << "1.50 ms";
    QTest::newRow("max") << "max <= 1.2s" << pass << "1200.00 ms";
    QTest::newRow("request p95") << "p95(request:home) < 25" << fail << "25.00 ms";
    QTest::newRow("transaction max") << "max(transaction:buy) <= 800" << pass << "800.00 ms";
    QTest::newRow("error_rate < at 1 %") << "error_rate < 1%" << fail << "1.00 %";
    QTest::newRow("error_rate <= at 1 %") << "error_rate <= 0.01" << pass << "1.00 %";
    QTest::newRow("error_rate of a transaction")
        << "error_rate(transaction:buy) <= 10%" << pass << "10.00 %";
    QTest::newRow("error_rate of a request") << "error_rate(request:home) > 0%" << fail << "0.00 %";
    QTest::newRow("checks >= at 99.5 %") << "checks >= 99.5%" << pass << "99.50 %";
    QTest::newRow("checks > at 99.5 %") << "checks > 99.5%" << fail << "99.50 %";
    QTest::newRow("one check") << "checks:\"has <cart> & \\\"total\\\"\" >= 50%" << pass
                               << "50.00 %";
    QTest::newRow("rate of requests >= at 20/s") << "rate(requests) >= 20" << pass << "20.0/s";
    QTest::newRow("rate of requests > at 20/s") << "rate(requests) > 20/s" << fail << "20.0/s";
    QTest::newRow("rate of iterations") << "rate(iterations) == 5" << pass << "5.0/s";
    QTest::newRow("rate of errors") << "rate(errors) < 0.2" << fail << "0.2/s";
    QTest::newRow("count of requests") << "count(requests) >= 200" << pass << "200";
    QTest::newRow("count of errors") << "count(errors) == 0" << fail << "2";
    QTest::newRow("count of iterations") << "count(iterations) < 50" << fail << "50";
    QTest::newRow("count of a request") << "count(request:home) == 150" << pass << "150";
    QTest::newRow("count of a transaction") << "count(transaction:buy) > 40" << fail << "40";
    QTest::newRow("iterations_failed") << "iterations_failed <= 3" << pass << "3";
    QTest::newRow("iterations_dropped") << "iterations_dropped == 0" << fail << "7";
    QTest::newRow("the default group is the run")
        << "count(errors){group=default} == 2" << pass << "2";
    // Latency from the intended start, beside the service time of the same requests.
    QTest::newRow("p99 from the intended start")
        << "p99{from=intended} < 3s" << fail << "3000.00 ms";
    QTest::newRow("p99 of the service time") << "p99{from=send} < 3s" << pass << "900.00 ms";
    QTest::newRow("a request's p95 from the intended start")
        << "p95(request:home){from=intended} <= 40" << pass << "40.00 ms";
    QTest::newRow("avg from the intended start")
        << "avg{from=intended} == 400" << pass << "400.00 ms";
    QTest::newRow("max from the intended start")
        << "max(request:home){from=intended, group=default} > 5.2s" << fail << "5200.00 ms";
}

void TestThresholdEvaluator::evaluatesEachMetricAtTheBoundary()
{
    QFETCH(QString, expression);
    QFETCH(ThresholdStatus, status);
    QFETCH(QString, observed);
    const ThresholdResult result = evaluateOne(expression.toStdString(), handBuilt());
    QCOMPARE(QString::fromStdString(result.observedText), observed);
    QCOMPARE(result.status, status);
    QCOMPARE(result.failed(true), status == ThresholdStatus::Failed);
    QCOMPARE(result.aborted, false);
}

void TestThresholdEvaluator::takesPercentilesBeyondTheStatsFromTheHistogram()
{
    auto evaluator = ThresholdEvaluator::create(
        {{"p99.9 < 0.999ms", false, 0}, {"p99.9(request:home) <= 0.999ms", false, 0}});
    QVERIFY(evaluator);
    QVERIFY(evaluator->needsHistograms());
    QVERIFY(!ThresholdEvaluator::create({{"p95 < 1", false, 0}, {"med < 1", false, 0}})
                 ->needsHistograms());

    Snapshot s = handBuilt();
    // Without the histograms (a run not asked for them): nothing to measure it by.
    auto results = evaluator->evaluate(s);
    QCOMPARE(results[0].status, ThresholdStatus::NoData);
    QCOMPARE(results[1].status, ThresholdStatus::NoData);

    // 1 µs to 1000 µs, each once: below 2048 µs every value has a bucket of its own.
    auto histogram = std::make_shared<Histogram>();
    for (std::uint64_t micros = 1; micros <= 1000; ++micros)
        histogram->record(micros);
    s.totalHistogram = histogram;
    s.requestsTotal["home"].histogram = histogram;
    results = evaluator->evaluate(s);
    QCOMPARE(results[0].observed, 0.999);
    QCOMPARE(results[0].status, ThresholdStatus::Failed);
    QCOMPARE(results[1].observed, 0.999);
    QCOMPARE(results[1].status, ThresholdStatus::Passed);
    QCOMPARE(QString::fromStdString(results[1].observedText), QStringLiteral("1.00 ms"));
}

void TestThresholdEvaluator::reportsNoDataAndFailsItOnlyAtTheEnd()
{
    Snapshot s = handBuilt();
    for (const char *expression :
         {"p95(request:nope) < 1", "error_rate(transaction:nope) < 1%", "checks:nope > 1%",
          "count(request:nope) == 0", "avg(transaction:nope) > 0"}) {
        const ThresholdResult result = evaluateOne(expression, s);
        QCOMPARE(result.status, ThresholdStatus::NoData);
        QCOMPARE(QString::fromStdString(result.observedText), QStringLiteral("no data"));
        QVERIFY2(!result.failed(false), expression);
        QVERIFY2(result.failed(true), expression);
    }
    // A run without requests yet: the run-wide latency and rates have no data either.
    Snapshot empty;
    QCOMPARE(evaluateOne("p95 < 1", empty).status, ThresholdStatus::NoData);
    QCOMPARE(evaluateOne("error_rate < 1%", empty).status, ThresholdStatus::NoData);
    QCOMPARE(evaluateOne("checks > 1%", empty).status, ThresholdStatus::NoData);
    QCOMPARE(evaluateOne("rate(requests) > 1", empty).status, ThresholdStatus::NoData);
    // Counts of the whole run are 0, not missing.
    QCOMPARE(evaluateOne("count(errors) == 0", empty).status, ThresholdStatus::Passed);
    QCOMPARE(evaluateOne("iterations_failed == 0", empty).status, ThresholdStatus::Passed);
    QCOMPARE(evaluateOne("iterations_dropped == 0", empty).status, ThresholdStatus::Passed);
}

void TestThresholdEvaluator::abortsOnlyAfterTheGracePeriod()
{
    auto evaluator = ThresholdEvaluator::create({{"count(errors) == 0", false, 0},     // fails
                                                 {"p95 < 1s", true, 0},                // passes
                                                 {"count(request:nope) > 1", true, 0}, // no data
                                                 {"error_rate < 1%", true, 10}});      // fails
    QVERIFY(evaluator);
    Snapshot s = handBuilt();
    const auto results = evaluator->evaluate(s);
    // A failing threshold without abort, a passing or unmeasured one with: never.
    QVERIFY(!ThresholdEvaluator::abortingThreshold(results, 9.999).has_value());
    QCOMPARE(ThresholdEvaluator::abortingThreshold(results, 10.0).value_or(99), std::size_t(3));
    QCOMPARE(ThresholdEvaluator::abortingThreshold(results, 3600.0).value_or(99), std::size_t(3));

    auto noGrace = ThresholdEvaluator::create({{"error_rate < 1%", true, 0}});
    QCOMPARE(ThresholdEvaluator::abortingThreshold(noGrace->evaluate(s), 0.0).value_or(99),
             std::size_t(0));
    // A threshold that aborted the run stays failed, even when the iterations that ended in the
    // graceful stop brought its value back (it exited 0 with a green JUnit report).
    ThresholdResult recovered;
    recovered.status = ThresholdStatus::Passed;
    recovered.aborted = true;
    QVERIFY(recovered.failed(true));
    QCOMPARE(failedThresholds({recovered}, true), std::size_t(1));
}

void TestThresholdEvaluator::namesTheThresholdOfABadExpression()
{
    const auto evaluator =
        ThresholdEvaluator::create({{"p95 < 1", false, 0}, {"p95 < 1 lightyear", false, 0}});
    QVERIFY(!evaluator);
    QCOMPARE(QString::fromStdString(evaluator.error().toString()),
             QStringLiteral("thresholds[1]: column 9: unit \"lightyear\" does not fit this "
                            "metric (ms, s, or a plain number of milliseconds)"));
}

void TestThresholdEvaluator::saysWhatIsWrongWithTheRun()
{
    Snapshot s = handBuilt();
    s.final = true;
    auto evaluator = ThresholdEvaluator::create({{"count(errors) == 0", false, 0},
                                                 {"p95 < 1s", false, 0},
                                                 {"count(request:nope) > 1", false, 0}});
    auto results = evaluator->evaluate(s);
    QCOMPARE(failedThresholds(results, true), std::size_t(2));
    QCOMPARE(failedThresholds(results, false), std::size_t(1));
    QCOMPARE(runVerdict(s, results), std::string("thresholds failed (2 of 3)"));
    results[0].aborted = true;
    QCOMPARE(
        runVerdict(s, results),
        std::string("aborted by threshold \"count(errors) == 0\"; thresholds failed (2 of 3)"));

    s.total.requestErrors = s.total.requests;
    QCOMPARE(runVerdict(s, {}), std::string("every request failed"));
    s.total.requestErrors = 0;
    QCOMPARE(runVerdict(s, {}), std::string());
    QCOMPARE(runVerdict(s, {results[1]}), std::string());
}

void TestThresholdEvaluator::writesJUnitWithOneCasePerThresholdAndCheck()
{
    Snapshot s = handBuilt();
    s.final = true;
    s.elapsedSeconds = 12.5;
    auto evaluator = ThresholdEvaluator::create({{"p95 < 1s", false, 0},
                                                 {"error_rate < 1%", true, 0},
                                                 {"count(request:nope) > 1", false, 0}});
    auto results = evaluator->evaluate(s);
    results[1].aborted = true;
    // 2026-12-03T06:00:00Z
    const auto started = std::chrono::system_clock::time_point(std::chrono::seconds(1796277600));
    // The run itself is a case, an error when it did not complete (a stop, a crash): a CI job
    // must not read a stopped run as green.
    const std::string xml = junitReport(
        s, results, {"shop <test>", started, "ci-7", "stopped before the end of the profile"});
    QCOMPARE(
        QString::fromStdString(xml),
        QString::fromUtf8(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuite name=\"shop &lt;test&gt;\" tests=\"6\" failures=\"3\" errors=\"1\" "
            "skipped=\"0\" time=\"12.500\" timestamp=\"2026-12-03T06:00:00\" hostname=\"ci-7\">\n"
            "  <properties/>\n"
            "  <testcase classname=\"loadwizard\" name=\"run\" time=\"12.500\">\n"
            "    <error type=\"run\" message=\"stopped before the end of the profile\">stopped "
            "before the end of the profile</error>\n"
            "  </testcase>\n"
            "  <testcase classname=\"loadwizard.thresholds\" name=\"p95 &lt; 1s\" "
            "time=\"12.500\"/>\n"
            "  <testcase classname=\"loadwizard.thresholds\" name=\"error_rate &lt; 1%\" "
            "time=\"12.500\">\n"
            "    <failure type=\"threshold\" message=\"observed 1.00 % (aborted the "
            "run)\">error_rate &lt; 1%: observed 1.00 % (aborted the run)</failure>\n"
            "  </testcase>\n"
            "  <testcase classname=\"loadwizard.thresholds\" name=\"count(request:nope) &gt; 1\" "
            "time=\"12.500\">\n"
            "    <failure type=\"threshold\" message=\"no data: nothing in the run measured "
            "it\">count(request:nope) &gt; 1: no data: nothing in the run measured it</failure>\n"
            "  </testcase>\n"
            "  <testcase classname=\"loadwizard.checks\" name=\"has &lt;cart&gt; &amp; "
            "&quot;total&quot;\" time=\"12.500\">\n"
            "    <failure type=\"check\" message=\"5 of 10 failed, 5 passed (50.00 % passed)\">has "
            "&lt;cart&gt; &amp; &quot;total&quot;: 5 of 10 failed, 5 passed (50.00 % "
            "passed)</failure>\n"
            "  </testcase>\n"
            "  <testcase classname=\"loadwizard.checks\" name=\"status is 200\" time=\"12.500\"/>\n"
            "  <system-out/>\n"
            "  <system-err/>\n"
            "</testsuite>\n"));
}

void TestThresholdEvaluator::escapesWhatXmlDoesNotAllow()
{
    QCOMPARE(xmlEscaped("a<b>&\"'"), std::string("a&lt;b&gt;&amp;&quot;&apos;"));
    // Tab, newline and carriage return are kept (as references, so attributes keep them).
    QCOMPARE(xmlEscaped("a\tb\nc\rd"), std::string("a&#9;b&#10;c&#13;d"));
    // Control characters, invalid UTF-8, surrogates and U+FFFE become U+FFFD.
    QCOMPARE(xmlEscaped(std::string("x\x01y\x1Fz\0w", 7)), std::string("x\uFFFDy\uFFFDz\uFFFDw"));
    QCOMPARE(xmlEscaped("\xFF\xC3"), std::string("\uFFFD\uFFFD"));
    QCOMPARE(xmlEscaped("\xED\xA0\x80"), std::string("\uFFFD\uFFFD\uFFFD"));
    QCOMPARE(xmlEscaped("\xEF\xBF\xBE"), std::string("\uFFFD"));
    QCOMPARE(xmlEscaped("\xC0\xAF"), std::string("\uFFFD\uFFFD")); // overlong "/"
    // Valid text passes unchanged.
    QCOMPARE(xmlEscaped("café ✓ 𝄞"), std::string("café ✓ 𝄞"));
}

void TestThresholdEvaluator::readsTheGroupASelectorNames_data()
{
    QTest::addColumn<QString>("expression");
    QTest::addColumn<ThresholdStatus>("status");
    QTest::addColumn<QString>("observed");
    const auto pass = ThresholdStatus::Passed;
    const auto fail = ThresholdStatus::Failed;
    // The same transaction in two groups: each group its own, the run their merge.
    QTest::newRow("browse's login")
        << "p95(transaction:login){group=browse} < 75ms" << fail << "75.00 ms";
    QTest::newRow("buy's login") << "p95(transaction:login){group=buy} <= 700" << pass
                                 << "700.00 ms";
    QTest::newRow("the run's login") << "p95(transaction:login) < 650" << fail << "650.00 ms";
    QTest::newRow("buy's login errors")
        << "error_rate(transaction:login){group=buy} < 5%" << fail << "5.00 %";
    QTest::newRow("browse's login errors")
        << "error_rate(transaction:login){group=browse} == 0" << pass << "0.00 %";
    // A group's requests: 10 errors of its 100, where the run has 13 of 400.
    QTest::newRow("buy's error rate") << "error_rate{group=buy} < 10%" << fail << "10.00 %";
    QTest::newRow("buy's error rate, inclusive")
        << "error_rate{group=buy} <= 0.1" << pass << "10.00 %";
    QTest::newRow("the run's error rate") << "error_rate < 3.25%" << fail << "3.25 %";
    QTest::newRow("browse's p95") << "p95{group=browse} == 90" << pass << "90.00 ms";
    QTest::newRow("buy's max") << "max{group=buy} < 1.5s" << fail << "1500.00 ms";
    QTest::newRow("buy's checks") << "checks{group=buy} >= 90%" << pass << "90.00 %";
    QTest::newRow("buy's named check")
        << "checks:status is 200{group=buy} > 90%" << fail << "90.00 %";
    QTest::newRow("browse's named check")
        << "checks:status is 200{group=browse} == 100%" << pass << "100.00 %";
    // Rates are over the run's elapsed time (20 s).
    QTest::newRow("browse's rate") << "rate(requests){group=browse} >= 15" << pass << "15.0/s";
    QTest::newRow("buy's iteration rate") << "rate(iterations){group=buy} > 1" << fail << "1.0/s";
    QTest::newRow("buy's error count") << "count(errors){group=buy} == 10" << pass << "10";
    QTest::newRow("browse's request count")
        << "count(request:home){group=browse} == 300" << pass << "300";
    QTest::newRow("buy's failed iterations") << "iterations_failed{group=buy} == 0" << fail << "2";
    QTest::newRow("browse's failed iterations")
        << "iterations_failed{group=browse} == 0" << pass << "0";
    // Only the open group has latency from the intended start.
    QTest::newRow("buy's p99 from the intended start")
        << "p99{group=buy, from=intended} < 2.5s" << fail << "2500.00 ms";
    QTest::newRow("browse is closed")
        << "p99{group=browse, from=intended} < 2.5s" << ThresholdStatus::NoData << "no data";
    // A name only the other group has: no data in this one.
    QTest::newRow("home is not buy's")
        << "count(request:home){group=buy} > 0" << ThresholdStatus::NoData << "no data";
}

void TestThresholdEvaluator::readsTheGroupASelectorNames()
{
    QFETCH(QString, expression);
    QFETCH(ThresholdStatus, status);
    QFETCH(QString, observed);
    const ThresholdResult result =
        evaluateOne(expression.toStdString(), twoGroups(), {"browse", "buy", "later"});
    QCOMPARE(QString::fromStdString(result.observedText), observed);
    QCOMPARE(result.status, status);
    QCOMPARE(QString::fromStdString(result.group),
             expression.contains("group=buy")      ? QStringLiteral("buy")
             : expression.contains("group=browse") ? QStringLiteral("browse")
                                                   : QString());
}

void TestThresholdEvaluator::takesAGroupsPercentilesFromItsHistograms()
{
    const std::vector<std::string> groups{"browse", "buy", "later"};
    // A group the project has but this snapshot does not (not started yet): no data, even for
    // counts that are 0 for the whole run.
    QCOMPARE(evaluateOne("count(errors){group=later} == 0", twoGroups(), groups).status,
             ThresholdStatus::NoData);
    QCOMPARE(evaluateOne("iterations_failed{group=later} == 0", twoGroups(), groups).status,
             ThresholdStatus::NoData);
    // The same when the snapshot has the group but it has produced nothing (its start delay,
    // or its vusers' first iterations still running): a count of 0 neither fails nor aborts
    // the run before the group's turn; at the end it is 0.
    Snapshot waiting = twoGroups();
    waiting.groups.push_back(GroupSnapshot{});
    waiting.groups.back().name = "later";
    waiting.groups.back().maxVusers = 2; // started, in their first iteration
    waiting.groups.back().total.iterationsStarted = 2;
    auto aborting = ThresholdEvaluator::create({{"count(iterations){group=later} > 0", true, 0},
                                                {"count(errors){group=later} == 0", false, 0}},
                                               groups);
    QVERIFY(aborting);
    auto pending = aborting->evaluate(waiting);
    QCOMPARE(pending[0].status, ThresholdStatus::NoData);
    QCOMPARE(pending[1].status, ThresholdStatus::NoData);
    QVERIFY(!ThresholdEvaluator::abortingThreshold(pending, 10));
    waiting.final = true;
    auto ended = aborting->evaluate(waiting);
    QCOMPARE(ended[0].status, ThresholdStatus::Failed);
    QCOMPARE(ended[0].observedText, std::string("0"));
    QCOMPARE(ended[1].status, ThresholdStatus::Passed);
    // "default" names the whole run only in a run without groups.
    QCOMPARE(evaluateOne("count(errors){group=default} == 2", handBuilt()).status,
             ThresholdStatus::Passed);
    QCOMPARE(evaluateOne("count(errors){group=default} == 13", twoGroups(), {"default"}).status,
             ThresholdStatus::NoData);
    // A group selector naming none of the groups is the parser's error, with the groups known.
    QVERIFY(!ThresholdEvaluator::create({{"p95{group=default} < 1", false, 0}}, groups));

    auto evaluator =
        ThresholdEvaluator::create({{"p99.9{group=buy} < 0.5ms", false, 0},
                                    {"p99.9(transaction:login){group=browse} <= 0.2ms", false, 0}},
                                   groups);
    QVERIFY(evaluator);
    QVERIFY(evaluator->needsHistograms());
    Snapshot s = twoGroups();
    auto results = evaluator->evaluate(s);
    QCOMPARE(results[0].status, ThresholdStatus::NoData);
    QCOMPARE(results[1].status, ThresholdStatus::NoData);
    // The run's histogram is not the group's: only the group's own counts.
    auto wide = std::make_shared<Histogram>();
    wide->record(5000000);
    s.totalHistogram = wide;
    s.transactionsTotal["login"].histogram = wide;
    auto buy = std::make_shared<Histogram>();
    for (std::uint64_t micros = 1; micros <= 1000; ++micros)
        buy->record(micros);
    auto login = std::make_shared<Histogram>();
    for (std::uint64_t micros = 1; micros <= 200; ++micros)
        login->record(micros);
    s.groups[1].totalHistogram = buy;
    s.groups[0].transactionsTotal["login"].histogram = login;
    results = evaluator->evaluate(s);
    QCOMPARE(results[0].observed, 0.999);
    QCOMPARE(results[0].status, ThresholdStatus::Failed);
    QCOMPARE(results[1].observed, 0.2);
    QCOMPARE(results[1].status, ThresholdStatus::Passed);
}

void TestThresholdEvaluator::writesJUnitWithTheGroups()
{
    Snapshot s = twoGroups();
    s.final = true;
    auto evaluator = ThresholdEvaluator::create(
        {{"error_rate{group=buy} < 5%", false, 0}, {"p95 < 1s", false, 0}}, {"browse", "buy"});
    QVERIFY(evaluator);
    const auto results = evaluator->evaluate(s);
    const auto started = std::chrono::system_clock::time_point(std::chrono::seconds(1796277600));
    const std::string xml = junitReport(s, results, {"mix", started, "ci-7"});
    // Each group's checks apart: the run-wide merge of "status is 200" is no case of its own.
    QCOMPARE(
        QString::fromStdString(xml),
        QString::fromUtf8(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuite name=\"mix\" tests=\"5\" failures=\"2\" errors=\"0\" "
            "skipped=\"0\" time=\"20.000\" timestamp=\"2026-12-03T06:00:00\" hostname=\"ci-7\">\n"
            "  <properties/>\n"
            "  <testcase classname=\"loadwizard\" name=\"run\" time=\"20.000\"/>\n"
            "  <testcase classname=\"loadwizard.thresholds.buy\" name=\"error_rate{group=buy} "
            "&lt; 5%\" time=\"20.000\">\n"
            "    <failure type=\"threshold\" message=\"observed 10.00 %\">error_rate{group=buy} "
            "&lt; 5%: observed 10.00 %</failure>\n"
            "  </testcase>\n"
            "  <testcase classname=\"loadwizard.thresholds\" name=\"p95 &lt; 1s\" "
            "time=\"20.000\"/>\n"
            "  <testcase classname=\"loadwizard.checks.browse\" name=\"status is 200\" "
            "time=\"20.000\"/>\n"
            "  <testcase classname=\"loadwizard.checks.buy\" name=\"status is 200\" "
            "time=\"20.000\">\n"
            "    <failure type=\"check\" message=\"2 of 20 failed, 18 passed (90.00 % "
            "passed)\">buy: "
            "status is 200: 2 of 20 failed, 18 passed (90.00 % passed)</failure>\n"
            "  </testcase>\n"
            "  <system-out/>\n"
            "  <system-err/>\n"
            "</testsuite>\n"));
}

QTEST_GUILESS_MAIN(TestThresholdEvaluator)
#include "tst_thresholdevaluator.moc"
