#include <loadwizard/summary.h>

#include <QtTest>

#include <nlohmann/json.hpp>

using namespace Loadwizard;

namespace {

/// 20 s of a run of two groups: "browse" (closed, 10 vusers) and "buy" (open, 2 it/s), each
/// with its own "login" transaction (browse's fast, buy's slow); the run-wide fields are their
/// sums and merges.
Snapshot twoGroups()
{
    Snapshot s;
    s.final = true;
    s.elapsedSeconds = 20;
    s.plannedSeconds = 20;
    s.maxVusers = 14;
    s.maxPlannedVusers = 14;
    GroupSnapshot browse;
    browse.name = "browse";
    browse.maxVusers = 9;
    browse.maxPlannedVusers = 10;
    browse.total.requests = 300;
    browse.total.requestErrors = 3;
    browse.total.iterations = 100;
    browse.total.iterationsStarted = 100;
    browse.total.checksPassed = 100;
    browse.total.bytesIn = 30000;
    browse.total.bytesOut = 6000;
    browse.total.errors[std::size_t(ErrorClass::Http5xx)] = 3;
    browse.totalLatency = {300, 1, 40, 30, 80, 90, 120, 200};
    browse.requestsTotal["home"] = {300, 3, {300, 1, 40, 30, 80, 90, 120, 200}, {}, nullptr};
    browse.transactionsTotal["login"] = {100, 0, {100, 50, 60, 58, 70, 75, 90, 99}, {}, nullptr};
    browse.checks["status is 200"] = {100, 0};
    GroupSnapshot buy;
    buy.name = "buy";
    buy.arrivals.open = true;
    buy.arrivals.planned = 40;
    buy.arrivals.poolMax = 4;
    buy.total.requests = 100;
    buy.total.requestErrors = 10;
    buy.total.iterations = 38;
    buy.total.iterationsFailed = 2;
    buy.total.iterationsStarted = 38;
    buy.total.iterationsDropped = 2;
    buy.total.checksPassed = 18;
    buy.total.checksFailed = 2;
    buy.total.errors[std::size_t(ErrorClass::Http4xx)] = 10;
    buy.totalLatency = {100, 5, 400, 350, 700, 800, 950, 1500};
    buy.totalIntendedLatency = {100, 6, 410, 360, 710, 810, 960, 1510};
    buy.requestsTotal["pay"] = {100,
                                10,
                                {100, 5, 400, 350, 700, 800, 950, 1500},
                                {100, 6, 410, 360, 710, 810, 960, 1510},
                                nullptr};
    buy.transactionsTotal["login"] = {20, 1, {20, 300, 500, 480, 650, 700, 780, 800}, {}, nullptr};
    buy.checks["status is 200"] = {18, 2};
    s.total.requests = 400;
    s.total.requestErrors = 13;
    s.total.iterations = 138;
    s.total.iterationsFailed = 2;
    s.total.iterationsStarted = 138;
    s.total.iterationsDropped = 2;
    s.total.checksPassed = 118;
    s.total.checksFailed = 2;
    s.total.bytesIn = 30000;
    s.total.bytesOut = 6000;
    s.total.errors[std::size_t(ErrorClass::Http5xx)] = 3;
    s.total.errors[std::size_t(ErrorClass::Http4xx)] = 10;
    s.totalLatency = {400, 1, 130, 40, 600, 700, 900, 1500};
    s.requestsTotal["home"] = browse.requestsTotal["home"];
    s.requestsTotal["pay"] = buy.requestsTotal["pay"];
    s.transactionsTotal["login"] = {120, 1, {120, 50, 133, 60, 600, 650, 700, 800}, {}, nullptr};
    s.checks["status is 200"] = {118, 2};
    s.groups = {browse, buy};
    return s;
}

} // namespace

class TestSummary : public QObject
{
    Q_OBJECT

private slots:
    void printsEachGroupApart();
    void writesAGroupsArrayWithTheTopLevelsKeys();
    void leavesARunWithoutGroupsAsItWas();
};

void TestSummary::printsEachGroupApart()
{
    const std::string text =
        formatSummary(twoGroups(), {"mix", "browse: shop, buy: shop", "", "", {}, {}, {}});
    // The run's lines as without groups, then each group apart; no run-wide name tables.
    QCOMPARE(QString::fromStdString(text),
             QString::fromUtf8(
                 "\n"
                 "  project ....... mix\n"
                 "  scenario ...... browse: shop, buy: shop\n"
                 "  duration ...... 20.0 s (planned 20.0 s)\n"
                 "  vusers ........ max 14\n"
                 "  requests ...... 400   20.0/s   errors 13 (3.25 %)\n"
                 "  latency ....... min 1.00  mean 130.00  p50 40.00  p90 600.00  p95 700.00  p99 "
                 "900.00  max 1500.00 ms\n"
                 "  iterations .... 138   6.90/s   failed 2   interrupted 0   dropped 2\n"
                 "  data .......... in 30.0 kB   out 6.0 kB\n"
                 "  checks ........ 98.33 %   passed 118   failed 2\n"
                 "\n"
                 "  GROUP browse\n"
                 "    vusers ........ max 9 of 10 planned\n"
                 "    requests ...... 300   15.0/s   errors 3 (1.00 %)\n"
                 "    latency ....... min 1.00  mean 40.00  p50 30.00  p90 80.00  p95 90.00  p99 "
                 "120.00  max 200.00 ms\n"
                 "    iterations .... 100   5.00/s   failed 0   interrupted 0\n"
                 "    checks ........ 100.00 %   passed 100   failed 0\n"
                 "\n"
                 "  browse TRANSACTIONS (ms)     count    rate/s   errors       min      mean      "
                 " p50       p90       p95       p99       max\n"
                 "  login                          100       5.0        0     50.00     60.00     "
                 "58.00     70.00     75.00     90.00     99.00\n"
                 "\n"
                 "  browse REQUESTS (ms)     count    rate/s   errors       min      mean       "
                 "p50       p90       p95       p99       max\n"
                 "  home                       300      15.0        3      1.00     40.00     "
                 "30.00     80.00     90.00    120.00    200.00\n"
                 "\n"
                 "  browse CHECKS\n"
                 "  ✓ status is 200                            passed 100   failed 0\n"
                 "\n"
                 "  GROUP buy\n"
                 "    vusers ........ max 0   pool max 4\n"
                 "    requests ...... 100   5.0/s   errors 10 (10.00 %)\n"
                 "    from intended . min 6.00  mean 410.00  p50 360.00  p90 710.00  p95 810.00  "
                 "p99 960.00  max 1510.00 ms  (latency from the intended start)\n"
                 "    service time .. min 5.00  mean 400.00  p50 350.00  p90 700.00  p95 800.00  "
                 "p99 950.00  max 1500.00 ms  (send to response)\n"
                 "    iterations .... 38   1.90/s   failed 2   interrupted 0\n"
                 "    arrivals ...... planned 40   started 38   dropped 2   pool max 4 vusers\n"
                 "    checks ........ 90.00 %   passed 18   failed 2\n"
                 "\n"
                 "  buy TRANSACTIONS (ms)     count    rate/s   errors       min      mean       "
                 "p50       p90       p95       p99       max\n"
                 "  login                        20       1.0        1    300.00    500.00    "
                 "480.00    650.00    700.00    780.00    800.00\n"
                 "\n"
                 "  buy REQUESTS (ms)     count    rate/s   errors       min      mean       p50   "
                 "    p90       p95       p99       max\n"
                 "  pay                     100       5.0       10      5.00    400.00    350.00   "
                 " 700.00    800.00    950.00   1500.00\n"
                 "\n"
                 "  buy CHECKS\n"
                 "  ✗ status is 200                            passed 18   failed 2\n"
                 "\n"
                 "  ERRORS BY CLASS\n"
                 "  http_4xx     10\n"
                 "  http_5xx     3\n"
                 "\n"));
}

void TestSummary::writesAGroupsArrayWithTheTopLevelsKeys()
{
    const auto json =
        nlohmann::json::parse(summaryJson(twoGroups(), {"mix", "x", "", "", {}, {}, {}}));
    const auto expected = nlohmann::json::parse(R"JSON([
 {
  "checks": {
   "status is 200": {
    "fails": 0,
    "passes": 100
   }
  },
  "errors_by_class": {
   "check": 0,
   "connect": 0,
   "dns": 0,
   "exception": 0,
   "http_4xx": 0,
   "http_5xx": 3,
   "other": 0,
   "receive": 0,
   "timeout": 0,
   "tls": 0
  },
  "iterations": 100,
  "iterations_dropped": 0,
  "iterations_failed": 0,
  "iterations_interrupted": 0,
  "iterations_started": 100,
  "latency": {
   "count": 300,
   "errors": 3,
   "max_ms": 200.0,
   "mean_ms": 40.0,
   "min_ms": 1.0,
   "p50_ms": 30.0,
   "p90_ms": 80.0,
   "p95_ms": 90.0,
   "p99_ms": 120.0
  },
  "model": "closed",
  "name": "browse",
  "requests": {
   "bytes_in": 30000,
   "bytes_out": 6000,
   "count": 300,
   "errors": 3,
   "rate_per_s": 15.0
  },
  "requests_by_name": {
   "home": {
    "count": 300,
    "errors": 3,
    "max_ms": 200.0,
    "mean_ms": 40.0,
    "min_ms": 1.0,
    "p50_ms": 30.0,
    "p90_ms": 80.0,
    "p95_ms": 90.0,
    "p99_ms": 120.0
   }
  },
  "transactions": {
   "login": {
    "count": 100,
    "errors": 0,
    "max_ms": 99.0,
    "mean_ms": 60.0,
    "min_ms": 50.0,
    "p50_ms": 58.0,
    "p90_ms": 70.0,
    "p95_ms": 75.0,
    "p99_ms": 90.0
   }
  },
  "vuser_init_failures": 0,
  "vusers": {
   "max": 9,
   "planned_max": 10
  }
 },
 {
  "arrivals": {
   "dropped": 2,
   "planned": 40,
   "pool_max": 4,
   "started": 38
  },
  "checks": {
   "status is 200": {
    "fails": 2,
    "passes": 18
   }
  },
  "errors_by_class": {
   "check": 0,
   "connect": 0,
   "dns": 0,
   "exception": 0,
   "http_4xx": 10,
   "http_5xx": 0,
   "other": 0,
   "receive": 0,
   "timeout": 0,
   "tls": 0
  },
  "iterations": 38,
  "iterations_dropped": 2,
  "iterations_failed": 2,
  "iterations_interrupted": 0,
  "iterations_started": 38,
  "latency": {
   "count": 100,
   "errors": 10,
   "max_ms": 1500.0,
   "mean_ms": 400.0,
   "min_ms": 5.0,
   "p50_ms": 350.0,
   "p90_ms": 700.0,
   "p95_ms": 800.0,
   "p99_ms": 950.0
  },
  "latency_from_intended_start": {
   "count": 100,
   "errors": 10,
   "max_ms": 1510.0,
   "mean_ms": 410.0,
   "min_ms": 6.0,
   "p50_ms": 360.0,
   "p90_ms": 710.0,
   "p95_ms": 810.0,
   "p99_ms": 960.0
  },
  "model": "open",
  "name": "buy",
  "requests": {
   "bytes_in": 0,
   "bytes_out": 0,
   "count": 100,
   "errors": 10,
   "rate_per_s": 5.0
  },
  "requests_by_name": {
   "pay": {
    "count": 100,
    "errors": 10,
    "from_intended_start": {
     "count": 100,
     "errors": 10,
     "max_ms": 1510.0,
     "mean_ms": 410.0,
     "min_ms": 6.0,
     "p50_ms": 360.0,
     "p90_ms": 710.0,
     "p95_ms": 810.0,
     "p99_ms": 960.0
    },
    "max_ms": 1500.0,
    "mean_ms": 400.0,
    "min_ms": 5.0,
    "p50_ms": 350.0,
    "p90_ms": 700.0,
    "p95_ms": 800.0,
    "p99_ms": 950.0
   }
  },
  "transactions": {
   "login": {
    "count": 20,
    "errors": 1,
    "max_ms": 800.0,
    "mean_ms": 500.0,
    "min_ms": 300.0,
    "p50_ms": 480.0,
    "p90_ms": 650.0,
    "p95_ms": 700.0,
    "p99_ms": 780.0
   }
  },
  "vuser_init_failures": 0,
  "vusers": {
   "max": 0,
   "planned_max": 0
  }
 }
])JSON");
    QCOMPARE(QString::fromStdString(json["groups"].dump(1)),
             QString::fromStdString(expected.dump(1)));
    // Every key of a group is one the top level has too (but its name; and an open group's
    // arrival keys, which a closed run has not).
    for (const auto &group : json["groups"]) {
        const bool open = group["model"] == "open";
        for (const auto &[key, value] : group.items())
            QVERIFY2(key == "name" || json.contains(key) ||
                         (open && (key == "arrivals" || key == "latency_from_intended_start")),
                     key.c_str());
    }
    // The top level stays the whole run's; an open and a closed group make a "mixed" run.
    QCOMPARE(json["model"], "mixed");
    QCOMPARE(json["iterations_dropped"].get<int>(), 2);
    QCOMPARE(json["requests"]["count"].get<int>(), 400);
    QCOMPARE(json["transactions"]["login"]["count"].get<int>(), 120);
}

void TestSummary::leavesARunWithoutGroupsAsItWas()
{
    Snapshot s = twoGroups();
    s.groups.clear();
    const auto json = nlohmann::json::parse(summaryJson(s, {"mix", "x", "", "", {}, {}, {}}));
    QVERIFY(!json.contains("groups"));
    const std::string text = formatSummary(s, {"mix", "x", "", "", {}, {}, {}});
    QVERIFY(text.find("GROUP") == std::string::npos);
}

QTEST_GUILESS_MAIN(TestSummary)
#include "tst_summary.moc"
