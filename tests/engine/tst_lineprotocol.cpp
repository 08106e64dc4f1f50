// InfluxDB line protocol escaping and the two layouts; --out parsing and secret redaction.

#include <loadwizard/lineprotocol.h>
#include <loadwizard/outputsinks.h>

#include <loadwizard/output.h>

#include <QtTest>

#include <cmath>
#include <limits>

using namespace Loadwizard;
using namespace Loadwizard::Engine;

class TestLineProtocol : public QObject
{
    Q_OBJECT

private slots:
    void escapesEveryPart_data();
    void escapesEveryPart();
    void leavesOutEmptyTagsAndNonFiniteFields();
    void dropsALineWithoutFields();
    void writesIntegersWithI();
    void rendersTheNativeSchema();
    void rendersTheJMeterSchemaAsFloats();
    void tagsEachGroupsSeriesBesideTheRuns();
    void keepsTimestampsStrictlyIncreasing();
    void parsesOutFlags_data();
    void parsesOutFlags();
    void rejectsBadOutFlags_data();
    void rejectsBadOutFlags();
    void redactsSecrets_data();
    void redactsSecrets();
    void rejectsUnknownInfluxOptions();
};

void TestLineProtocol::escapesEveryPart_data()
{
    QTest::addColumn<QString>("measurement");
    QTest::addColumn<QString>("tagValue");
    QTest::addColumn<QString>("fieldKey");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("plain") << "m"
                           << "v"
                           << "f"
                           << "t"
                           << "m,k=v f=\"t\" 1\n";
    QTest::newRow("measurement comma and space") << "a,b c"
                                                 << "v"
                                                 << "f"
                                                 << "t"
                                                 << "a\\,b\\ c,k=v f=\"t\" 1\n";
    // Found by tests/fuzz/fuzz_lineprotocol: InfluxDB skips a line starting with # (a comment).
    QTest::newRow("measurement starting with #") << "#m#"
                                                 << "v"
                                                 << "f"
                                                 << "t"
                                                 << "_m#,k=v f=\"t\" 1\n";
    QTest::newRow("measurement keeps =") << "a=b"
                                         << "v"
                                         << "f"
                                         << "t"
                                         << "a=b,k=v f=\"t\" 1\n";
    QTest::newRow("tag value , = space") << "m"
                                         << "a,b=c d"
                                         << "f"
                                         << "t"
                                         << "m,k=a\\,b\\=c\\ d f=\"t\" 1\n";
    QTest::newRow("field key , = space") << "m"
                                         << "v"
                                         << "x,y=z w"
                                         << "t"
                                         << "m,k=v x\\,y\\=z\\ w=\"t\" 1\n";
    QTest::newRow("string quote and backslash") << "m"
                                                << "v"
                                                << "f"
                                                << "say \"hi\" C:\\x"
                                                << "m,k=v f=\"say \\\"hi\\\" C:\\\\x\" 1\n";
    QTest::newRow("newlines become spaces") << "m\nn"
                                            << "a\r\nb"
                                            << "f"
                                            << "l1\nl2\r"
                                            << "m\\ n,k=a\\ \\ b f=\"l1 l2 \" 1\n";
    QTest::newRow("quotes need no escape in tags") << "m"
                                                   << "\"q\""
                                                   << "f"
                                                   << "t"
                                                   << "m,k=\"q\" f=\"t\" 1\n";
    QTest::newRow("backslash before a separator") << "m"
                                                  << "a\\ b\\"
                                                  << "f"
                                                  << "t"
                                                  << "m,k=a/\\ b/ f=\"t\" 1\n";
    QTest::newRow("field named time") << "m"
                                      << "v"
                                      << "time"
                                      << "t"
                                      << "m,k=v time_=\"t\" 1\n";
    QTest::newRow("unicode") << "mé"
                             << "ü ñ"
                             << "f"
                             << "✓"
                             << "mé,k=ü\\ ñ f=\"✓\" 1\n";
}

void TestLineProtocol::escapesEveryPart()
{
    QFETCH(QString, measurement);
    QFETCH(QString, tagValue);
    QFETCH(QString, fieldKey);
    QFETCH(QString, text);
    QFETCH(QString, expected);
    std::string out;
    LineBuilder line(out, measurement.toStdString());
    line.tag("k", tagValue.toStdString()).text(fieldKey.toStdString(), text.toStdString());
    QVERIFY(line.end(1));
    QCOMPARE(QString::fromStdString(out), expected);
    QVERIFY(!QString::fromStdString(out).contains('\r'));
}

void TestLineProtocol::leavesOutEmptyTagsAndNonFiniteFields()
{
    std::string out;
    LineBuilder line(out, "m");
    line.tag("empty", "")
        .tag("", "novalue")
        .tag("k", "v")
        .field("nan", std::nan(""))
        .field("inf", std::numeric_limits<double>::infinity())
        .field("x", 1.5);
    QVERIFY(line.end(42));
    QCOMPARE(out, std::string("m,k=v x=1.5 42\n"));
}

void TestLineProtocol::dropsALineWithoutFields()
{
    std::string out = "before\n";
    LineBuilder line(out, "m");
    line.tag("k", "v").field("nan", std::nan(""));
    QVERIFY(!line.end(1));
    QCOMPARE(out, std::string("before\n"));
}

void TestLineProtocol::writesIntegersWithI()
{
    std::string out;
    LineBuilder line(out, "m");
    line.integer("n", 12).integer("big", UINT64_MAX).field("f", 3.0);
    QVERIFY(line.end(1));
    QCOMPARE(out, std::string("m n=12i,big=9223372036854775807i,f=3 1\n"));
}

namespace {

RunInfo runInfo()
{
    RunInfo info;
    info.project = "shop, demo";
    info.scenario = "shop";
    info.instance = "host-1";
    info.runId = "abc";
    info.started = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));
    return info;
}

Snapshot snapshot()
{
    Snapshot s;
    s.elapsedSeconds = 2;
    s.intervalSeconds = 1;
    s.activeVusers = 5;
    s.plannedVusers = 6;
    s.maxVusers = 5;
    s.interval.requests = 10;
    s.interval.requestErrors = 2;
    s.interval.errors[std::size_t(ErrorClass::Http5xx)] = 2;
    s.intervalLatency = {10, 1, 2, 2, 3, 4, 5, 6};
    s.requestsInterval["GET /a b"] = {10, 2, {10, 1, 2, 2, 3, 4, 5, 6}};
    s.transactionsInterval["checkout"] = {3, 0, {3, 10, 20, 20, 30, 40, 50, 60}};
    s.checks["status is 200"] = {8, 2};
    s.events.push_back({1.5, "error", "boom\n\"quoted\"", ErrorClass::Exception, 3});
    return s;
}

bool hasLine(const std::vector<std::string> &lines, const std::string &start)
{
    for (const auto &line : lines) {
        if (line.starts_with(start))
            return true;
    }
    return false;
}

QString joined(const std::vector<std::string> &lines)
{
    QString out;
    for (const auto &line : lines)
        out += QString::fromStdString(line);
    return out;
}

} // namespace

void TestLineProtocol::rendersTheNativeSchema()
{
    LineRenderer renderer(LineRenderer::Schema::Native, TimePrecision::Milliseconds, runInfo(),
                          {{"env", "ci"}}, "app");
    std::vector<std::string> lines;
    renderer.render(snapshot(), lines);
    const std::string tags = "project=shop\\,\\ demo,scenario=shop,instance=host-1,env=ci";
    QVERIFY2(hasLine(lines, "vusers," + tags + " active=5i,planned=6i,max=5i 1700000002000\n"),
             qPrintable(joined(lines)));
    QVERIFY2(hasLine(lines, "requests," + tags +
                                ",request=all count=10i,errors=2i,rate=10,min=1,mean=2,p50=2,p90=3,"
                                "p95=4,p99=5,max=6 "),
             qPrintable(joined(lines)));
    QVERIFY(hasLine(lines, "requests," + tags + ",request=GET\\ /a\\ b count=10i,errors=2i"));
    QVERIFY(hasLine(lines, "transactions," + tags + ",transaction=checkout count=3i"));
    QVERIFY(hasLine(lines, "errors," + tags + ",status_class=http_5xx count=2i "));
    QVERIFY(hasLine(lines, "checks," + tags + ",check=status\\ is\\ 200 passes=8i,fails=2i "));
    QVERIFY(hasLine(lines, "events," + tags +
                               ",kind=log,level=error,status_class=exception "
                               "message=\"boom \\\"quoted\\\"\",vuser=3i "));
    for (const auto &line : lines)
        QVERIFY2(line.ends_with("\n") && line.find('\n') == line.size() - 1, line.c_str());

    // Check counts are running totals in a snapshot: the next line carries only the change.
    Snapshot next = snapshot();
    next.elapsedSeconds = 3;
    next.checks["status is 200"] = {18, 2};
    next.events.clear();
    lines.clear();
    renderer.render(next, lines);
    QVERIFY2(hasLine(lines, "checks," + tags + ",check=status\\ is\\ 200 passes=10i,fails=0i "),
             qPrintable(joined(lines)));
}

void TestLineProtocol::tagsEachGroupsSeriesBesideTheRuns()
{
    // Two groups, each with its own "login"; the run's series are as without groups (their sums
    // and merges), each group's carry `group`.
    Snapshot s;
    s.elapsedSeconds = 2;
    s.intervalSeconds = 1;
    s.activeVusers = 3;
    s.plannedVusers = 3;
    s.maxVusers = 3;
    s.interval.requests = 4;
    s.interval.requestErrors = 1;
    s.interval.iterations = 2;
    s.interval.errors[std::size_t(ErrorClass::Http5xx)] = 1;
    s.intervalLatency = {4, 1, 5, 2, 9, 9, 9, 9};
    s.transactionsInterval["login"] = {2, 1, {2, 1, 5, 1, 9, 9, 9, 9}};
    s.checks["ok"] = {3, 1};
    GroupSnapshot browse;
    browse.name = "browse";
    browse.activeVusers = 2;
    browse.plannedVusers = 2;
    browse.interval.requests = 3;
    browse.interval.iterations = 1;
    browse.intervalLatency = {3, 1, 2, 2, 3, 3, 3, 3};
    browse.transactionsInterval["login"] = {1, 0, {1, 1, 1, 1, 1, 1, 1, 1}};
    browse.checks["ok"] = {3, 0};
    GroupSnapshot buy;
    buy.name = "buy.eu";
    buy.activeVusers = 1;
    buy.plannedVusers = 1;
    buy.interval.requests = 1;
    buy.interval.requestErrors = 1;
    buy.interval.iterations = 1;
    buy.interval.errors[std::size_t(ErrorClass::Http5xx)] = 1;
    buy.intervalLatency = {1, 9, 9, 9, 9, 9, 9, 9};
    buy.transactionsInterval["login"] = {1, 1, {1, 9, 9, 9, 9, 9, 9, 9}};
    buy.checks["ok"] = {0, 1};
    s.groups = {browse, buy};

    RunInfo info = runInfo();
    info.project = "mix";
    info.instance.clear();
    LineRenderer renderer(LineRenderer::Schema::Native, TimePrecision::Seconds, info, {}, "app");
    std::vector<std::string> lines;
    renderer.render(s, lines);
    QCOMPARE(joined(lines),
             QStringLiteral(
                 "vusers,project=mix,scenario=shop active=3i,planned=3i,max=3i 1700000002\n"
                 "requests,project=mix,scenario=shop,request=all count=4i,errors=1i,rate=4,min=1,"
                 "mean=5,p50=2,p90=9,p95=9,p99=9,max=9 1700000002\n"
                 "transactions,project=mix,scenario=shop,transaction=login count=2i,errors=1i,"
                 "rate=2,min=1,mean=5,p50=1,p90=9,p95=9,p99=9,max=9 1700000002\n"
                 "iterations,project=mix,scenario=shop count=2i,failed=0i,interrupted=0i,"
                 "dropped=0i,rate=2 1700000002\n"
                 "data,project=mix,scenario=shop bytes_in=0i,bytes_out=0i 1700000002\n"
                 "errors,project=mix,scenario=shop,status_class=http_5xx count=1i 1700000002\n"
                 "checks,project=mix,scenario=shop,check=ok passes=3i,fails=1i 1700000002\n"
                 "vusers,project=mix,scenario=shop,group=browse active=2i,planned=2i 1700000002\n"
                 "requests,project=mix,scenario=shop,group=browse,request=all count=3i,errors=0i,"
                 "rate=3,min=1,mean=2,p50=2,p90=3,p95=3,p99=3,max=3 1700000002\n"
                 "transactions,project=mix,scenario=shop,group=browse,transaction=login count=1i,"
                 "errors=0i,rate=1,min=1,mean=1,p50=1,p90=1,p95=1,p99=1,max=1 1700000002\n"
                 "iterations,project=mix,scenario=shop,group=browse count=1i,failed=0i,"
                 "interrupted=0i,dropped=0i,rate=1 1700000002\n"
                 "data,project=mix,scenario=shop,group=browse bytes_in=0i,bytes_out=0i "
                 "1700000002\n"
                 "checks,project=mix,scenario=shop,group=browse,check=ok passes=3i,fails=0i "
                 "1700000002\n"
                 "vusers,project=mix,scenario=shop,group=buy.eu active=1i,planned=1i 1700000002\n"
                 "requests,project=mix,scenario=shop,group=buy.eu,request=all count=1i,errors=1i,"
                 "rate=1,min=9,mean=9,p50=9,p90=9,p95=9,p99=9,max=9 1700000002\n"
                 "transactions,project=mix,scenario=shop,group=buy.eu,transaction=login count=1i,"
                 "errors=1i,rate=1,min=9,mean=9,p50=9,p90=9,p95=9,p99=9,max=9 1700000002\n"
                 "iterations,project=mix,scenario=shop,group=buy.eu count=1i,failed=0i,"
                 "interrupted=0i,dropped=0i,rate=1 1700000002\n"
                 "data,project=mix,scenario=shop,group=buy.eu bytes_in=0i,bytes_out=0i "
                 "1700000002\n"
                 "errors,project=mix,scenario=shop,group=buy.eu,status_class=http_5xx count=1i "
                 "1700000002\n"
                 "checks,project=mix,scenario=shop,group=buy.eu,check=ok passes=0i,fails=1i "
                 "1700000002\n"));

    // Each group's checks are running totals of their own: the next line carries its change.
    s.elapsedSeconds = 3;
    s.checks["ok"] = {5, 1};
    s.groups[0].checks["ok"] = {5, 0};
    lines.clear();
    renderer.render(s, lines);
    QVERIFY2(hasLine(lines, "checks,project=mix,scenario=shop,check=ok passes=2i,fails=0i "),
             qPrintable(joined(lines)));
    QVERIFY2(hasLine(lines,
                     "checks,project=mix,scenario=shop,group=browse,check=ok passes=2i,fails=0i "),
             qPrintable(joined(lines)));
    QVERIFY2(!hasLine(lines, "checks,project=mix,scenario=shop,group=buy.eu"),
             qPrintable(joined(lines)));
}

void TestLineProtocol::rendersTheJMeterSchemaAsFloats()
{
    LineRenderer renderer(LineRenderer::Schema::JMeter, TimePrecision::Milliseconds, runInfo(),
                          {{"test_tags", "nightly"}}, "shop");
    std::vector<std::string> lines;
    renderer.annotation(true, 0, lines);
    renderer.render(snapshot(), lines);
    const QString all = joined(lines);
    QVERIFY2(hasLine(lines, "events,application=shop,title=ApacheJMeter,tags=nightly "
                            "text=\"shop, demo started\" 1700000000000\n"),
             qPrintable(all));
    QVERIFY2(hasLine(lines, "jmeter,application=shop,transaction=all,statut=all count=10,"
                            "countError=2,hit=10,rb=0,sb=0,avg=2,min=1,max=6,pct90.0=3,pct95.0=4,"
                            "pct99.0=5 1700000002000\n"),
             qPrintable(all));
    QVERIFY(hasLine(lines, "jmeter,application=shop,transaction=GET\\ /a\\ b,statut=ok count=8,"));
    QVERIFY(hasLine(lines, "jmeter,application=shop,transaction=GET\\ /a\\ b,statut=ko count=2,"));
    QVERIFY(hasLine(lines, "jmeter,application=shop,transaction=checkout,statut=all count=3,"));
    QVERIFY(!hasLine(lines, "jmeter,application=shop,transaction=checkout,statut=ko"));
    QVERIFY(hasLine(lines, "jmeter,application=shop,transaction=internal minAT=5,maxAT=5,"));
    QVERIFY2(!all.contains(QRegularExpression("=\\d+i[, ]")), qPrintable(all));
}

void TestLineProtocol::keepsTimestampsStrictlyIncreasing()
{
    LineRenderer renderer(LineRenderer::Schema::Native, TimePrecision::Seconds, runInfo(), {}, "a");
    const auto first = renderer.timestampFor(1.2);
    const auto second = renderer.timestampFor(1.4); // same second
    QCOMPARE(first, std::int64_t(1'700'000'001));
    QCOMPARE(second, first + 1);
}

void TestLineProtocol::parsesOutFlags_data()
{
    QTest::addColumn<QString>("flag");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("target");
    QTest::addColumn<QStringList>("options");
    QTest::newRow("influx with options")
        << "influxdb=http://127.0.0.1:8086/loadwizard?schema=jmeter&precision=ms"
        << "influxdb"
        << "http://127.0.0.1:8086/loadwizard" << QStringList{"precision=ms", "schema=jmeter"};
    QTest::newRow("plain file") << "csv=results.csv"
                                << "csv"
                                << "results.csv" << QStringList{};
    QTest::newRow("kind is case-insensitive") << "JSON=/tmp/a b.jsonl"
                                              << "json"
                                              << "/tmp/a b.jsonl" << QStringList{};
    QTest::newRow("percent-encoded option")
        << "influxdb=http://h/db?tag.env=a%26b&token=x%3Dy"
        << "influxdb"
        << "http://h/db" << QStringList{"tag.env=a&b", "token=x=y"};
    QTest::newRow("option without value") << "graphite=tcp://h:2003?tags"
                                          << "graphite"
                                          << "tcp://h:2003" << QStringList{"tags="};
}

void TestLineProtocol::parsesOutFlags()
{
    QFETCH(QString, flag);
    QFETCH(QString, kind);
    QFETCH(QString, target);
    QFETCH(QStringList, options);
    const auto config = parseOutputFlag(flag.toStdString());
    QVERIFY2(config, config ? "" : config.error().toString().c_str());
    QCOMPARE(QString::fromStdString(config->kind), kind);
    QCOMPARE(QString::fromStdString(config->target), target);
    QStringList got;
    for (const auto &[key, value] : config->options)
        got << QString::fromStdString(key + "=" + value);
    QCOMPARE(got, options);
}

void TestLineProtocol::rejectsBadOutFlags_data()
{
    QTest::addColumn<QString>("flag");
    QTest::addColumn<QString>("message");
    QTest::newRow("no =") << "influxdb"
                          << "expected KIND=TARGET";
    QTest::newRow("unknown kind") << "statsd=udp://h"
                                  << "unknown output kind \"statsd\"";
    QTest::newRow("no target") << "csv="
                               << "has no target";
    QTest::newRow("twice") << "influxdb=http://h/d?a=1&a=2"
                           << "given twice";
    QTest::newRow("bad escape") << "influxdb=http://h/d?a=%zz"
                                << "bad option";
}

void TestLineProtocol::rejectsBadOutFlags()
{
    QFETCH(QString, flag);
    QFETCH(QString, message);
    const auto config = parseOutputFlag(flag.toStdString());
    QVERIFY(!config);
    QCOMPARE(config.error().field, std::string("--out"));
    QVERIFY2(QString::fromStdString(config.error().message).contains(message),
             config.error().message.c_str());
}

void TestLineProtocol::redactsSecrets_data()
{
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("expected");
    QTest::newRow("userinfo") << "https://user:s3cret@influx:8086/db"
                              << "https://influx:8086/db";
    QTest::newRow("user only") << "http://user@h/db"
                               << "http://h/db";
    QTest::newRow("@ in the path stays") << "http://h/a@b"
                                         << "http://h/a@b";
    QTest::newRow("token query") << "http://h/db?token=abc&org=x&api_key=k"
                                 << "http://h/db?token=***&org=x&api_key=***";
    QTest::newRow("file") << "/tmp/out.csv"
                          << "/tmp/out.csv";
}

void TestLineProtocol::redactsSecrets()
{
    QFETCH(QString, target);
    QFETCH(QString, expected);
    QCOMPARE(QString::fromStdString(redactedTarget(target.toStdString())), expected);
}

void TestLineProtocol::rejectsUnknownInfluxOptions()
{
    qputenv("LW_TEST_INFLUX_PASSWORD", "hunter2");
    OutputConfig config{"influxdb",
                        "http://admin:${LW_TEST_INFLUX_PASSWORD}@127.0.0.1:1/db",
                        {{"shema", "jmeter"}}};
    auto sink = makeOutput(config);
    QVERIFY(!sink);
    QCOMPARE(sink.error().field, std::string("options.shema"));
    config.options = {{"password", "${LW_TEST_INFLUX_PASSWORD}"}, {"schema", "jmeter"}};
    sink = makeOutput(config);
    QVERIFY2(sink, sink ? "" : sink.error().toString().c_str());
    QCOMPARE((*sink)->name(), std::string("influxdb http://127.0.0.1:1/db"));
    config.options = {{"precision", "us2"}};
    sink = makeOutput(config);
    QVERIFY(!sink);
    QVERIFY(!QString::fromStdString(sink.error().toString()).contains("hunter2"));
    config.options = {{"version", "2"}};
    QVERIFY(!makeOutput(config)); // 2.x needs an org
}

QTEST_GUILESS_MAIN(TestLineProtocol)
#include "tst_lineprotocol.moc"
