#include <loadwizard/threshold.h>

#include <QtTest>

#include <string>

using namespace Loadwizard;

namespace {

/// A parsed expression in one line, so a table can compare it whole.
QString describe(const ThresholdExpression &e)
{
    static const char *metrics[] = {
        "latency",           "error_rate",        "checks", "rate", "count",
        "iterations_failed", "iterations_dropped"};
    static const char *aggregations[] = {"p", "avg", "min", "max"};
    static const char *subjects[] = {"requests", "request",    "transaction",
                                     "check",    "iterations", "errors"};
    QString text = metrics[int(e.metric)];
    if (e.metric == ThresholdMetric::Latency) {
        text += QStringLiteral(" ") + aggregations[int(e.aggregation)];
        if (e.aggregation == ThresholdAggregation::Percentile)
            text += QString::number(e.percentile);
    }
    text += QStringLiteral(" ") + subjects[int(e.subject)];
    if (!e.name.empty())
        text += QStringLiteral(" [") + QString::fromStdString(e.name) + "]";
    if (!e.group.empty())
        text += QStringLiteral(" group=") + QString::fromStdString(e.group);
    if (e.fromIntended)
        text += QStringLiteral(" from=intended");
    text += QStringLiteral(" ") + QString::fromUtf8(comparisonText(e.comparison).data()) + " " +
            QString::number(e.value);
    return text;
}

} // namespace

class TestThresholds : public QObject
{
    Q_OBJECT

private slots:
    void parsesEveryMetricKind_data();
    void parsesEveryMetricKind();
    void rejectsBadExpressionsWithTheColumn_data();
    void rejectsBadExpressionsWithTheColumn();
    void readsTheCommandLineForm_data();
    void readsTheCommandLineForm();
    void rejectsBadCommandLineOptions_data();
    void rejectsBadCommandLineOptions();
    void readsTheProjectsGroupsOnTheCommandLine();
    void countsColumnsInCharactersNotBytes();
};

void TestThresholds::parsesEveryMetricKind_data()
{
    QTest::addColumn<QString>("expression");
    QTest::addColumn<QString>("parsed");

    // Latency aggregations, units and subjects.
    QTest::newRow("p95 of a transaction") << "p95(transaction:checkout) < 800ms"
                                          << "latency p95 transaction [checkout] < 800";
    QTest::newRow("p50") << "p50(requests) <= 20"
                         << "latency p50 requests <= 20";
    QTest::newRow("p90") << "p90(requests) < 1s"
                         << "latency p90 requests < 1000";
    QTest::newRow("p99") << "p99 < 0.5s"
                         << "latency p99 requests < 500";
    QTest::newRow("p99.9") << "p99.9(requests) < 2s"
                           << "latency p99.9 requests < 2000";
    QTest::newRow("any pN") << "p75(request:home) > 0.25ms"
                            << "latency p75 request [home] > 0.25";
    QTest::newRow("p100") << "p100(requests) < 5000"
                          << "latency p100 requests < 5000";
    QTest::newRow("med") << "med(requests) < 10ms"
                         << "latency p50 requests < 10";
    QTest::newRow("avg") << "avg(request:home) < 10"
                         << "latency avg request [home] < 10";
    QTest::newRow("min") << "min >= 0"
                         << "latency min requests >= 0";
    QTest::newRow("max") << "max(transaction:buy) != 3"
                         << "latency max transaction [buy] != 3";
    // Rates.
    QTest::newRow("error_rate in %") << "error_rate < 1%"
                                     << "error_rate requests < 0.01";
    QTest::newRow("error_rate as a fraction") << "error_rate <= 0.05"
                                              << "error_rate requests <= 0.05";
    QTest::newRow("error_rate of a request") << "error_rate(request:login) == 0%"
                                             << "error_rate request [login] == 0";
    QTest::newRow("error_rate of a transaction") << "error_rate(transaction:buy) < 10%"
                                                 << "error_rate transaction [buy] < 0.1";
    QTest::newRow("checks") << "checks > 99.5%"
                            << "checks check > 0.995";
    QTest::newRow("checks of one") << "checks:status_ok >= 1"
                                   << "checks check [status_ok] >= 1";
    QTest::newRow("checks of an unquoted name with spaces")
        << "checks:status is 200 > 99%"
        << "checks check [status is 200] > 0.99";
    QTest::newRow("checks of a quoted name") << "checks:\"status is 200\" > 99%"
                                             << "checks check [status is 200] > 0.99";
    QTest::newRow("rate of requests") << "rate(requests) > 500"
                                      << "rate requests > 500";
    QTest::newRow("rate with /s") << "rate(iterations) >= 2.5/s"
                                  << "rate iterations >= 2.5";
    QTest::newRow("rate of errors") << "rate(errors) < 1"
                                    << "rate errors < 1";
    QTest::newRow("count of requests") << "count(requests) >= 100"
                                       << "count requests >= 100";
    QTest::newRow("count of errors") << "count(errors) == 0"
                                     << "count errors == 0";
    QTest::newRow("count of iterations") << "count(iterations) > 3"
                                         << "count iterations > 3";
    QTest::newRow("count of a request") << "count(request:home) > 3"
                                        << "count request [home] > 3";
    QTest::newRow("iterations_failed") << "iterations_failed == 0"
                                       << "iterations_failed iterations == 0";
    QTest::newRow("iterations_dropped") << "iterations_dropped == 0"
                                        << "iterations_dropped iterations == 0";
    // Names with spaces and parentheses; quotes and escapes.
    QTest::newRow("a name with spaces") << "p95(transaction: add to cart ) < 1s"
                                        << "latency p95 transaction [add to cart] < 1000";
    QTest::newRow("a quoted name with parentheses") << "p95(request:\"GET /a (b)\") < 1s"
                                                    << "latency p95 request [GET /a (b)] < 1000";
    QTest::newRow("an escaped quote") << R"(avg(request:"say \"hi\"") < 1)"
                                      << "latency avg request [say \"hi\"] < 1";
    // Group selector, spacing.
    QTest::newRow("group selector") << "p95(transaction:checkout){group=default} < 800ms"
                                    << "latency p95 transaction [checkout] group=default < 800";
    QTest::newRow("from intended") << "p99(requests){from=intended} < 1s"
                                   << "latency p99 requests from=intended < 1000";
    QTest::newRow("from send is the default") << "p99{from=send} < 1s"
                                              << "latency p99 requests < 1000";
    QTest::newRow("from intended with a group")
        << "avg(request:home){ group=default , from = intended } < 5"
        << "latency avg request [home] group=default from=intended < 5";
    QTest::newRow("from intended, group second") << "max{from=intended,group=default} <= 1"
                                                 << "latency max requests group=default "
                                                    "from=intended <= 1";
    QTest::newRow("spaced selector") << "error_rate { group = \"default\" } < 1%"
                                     << "error_rate requests group=default < 0.01";
    QTest::newRow("no spaces") << "p95(requests)<800ms"
                               << "latency p95 requests < 800";
    QTest::newRow("tabs and spaces") << "\tp95 ( requests )\t>=  3 ms  "
                                     << "latency p95 requests >= 3";
}

void TestThresholds::parsesEveryMetricKind()
{
    QFETCH(QString, expression);
    QFETCH(QString, parsed);
    const auto result = parseThreshold(expression.toStdString());
    QVERIFY2(result, result ? "" : result.error().message.c_str());
    QCOMPARE(describe(*result), parsed);
}

void TestThresholds::rejectsBadExpressionsWithTheColumn_data()
{
    QTest::addColumn<QString>("expression");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("message");

    QTest::newRow("empty") << "" << 1 << "empty threshold";
    QTest::newRow("blank") << "   " << 4 << "empty threshold";
    QTest::newRow("unknown metric") << "p9x(requests) < 1" << 1 << "unknown metric \"p9x\"";
    QTest::newRow("typo suggested")
        << "eror_rate < 1%" << 1 << "unknown metric \"eror_rate\" (did you mean \"error_rate\"?)";
    QTest::newRow("percentile above 100") << "p101 < 1" << 1 << "at most 100";
    QTest::newRow("percentile zero") << "p0 < 1" << 1 << "above 0";
    QTest::newRow("unknown subject") << "p95(transactions:x) < 1" << 5 << "got \"transactions\"";
    QTest::newRow("missing name colon") << "p95(request) < 1" << 12 << "expected ':'";
    QTest::newRow("empty name") << "p95(request:) < 1" << 13 << "expected a name";
    QTest::newRow("unclosed parenthesis") << "p95(request:\"a\" < 1" << 17 << "expected ')'";
    QTest::newRow("unterminated quote") << "p95(request:\"a) < 1" << 13 << "unterminated";
    QTest::newRow("rate needs a subject") << "rate > 5" << 6 << "rate needs what";
    QTest::newRow("rate of a name")
        << "rate(request:x) > 5" << 6 << "expected requests, iterations";
    QTest::newRow("missing operator") << "p95(requests) 800ms" << 15 << "expected a comparison";
    QTest::newRow("bad operator") << "p95(requests) => 800" << 15 << "expected a comparison";
    QTest::newRow("missing value") << "p95(requests) <" << 16 << "expected a value";
    QTest::newRow("not a number") << "p95(requests) < fast" << 17 << "expected a number";
    QTest::newRow("percent on latency") << "p95(requests) < 5%" << 18 << "unit \"%\"";
    QTest::newRow("ms on a rate") << "error_rate < 5ms" << 15 << "unit \"ms\"";
    QTest::newRow("plain rate above 1") << "error_rate < 5" << 14 << "did you mean 5%?";
    QTest::newRow("unit on a count") << "count(errors) < 5s" << 18 << "unit \"s\"";
    QTest::newRow("trailing words") << "p95 < 5 ms please" << 9 << "unit \"ms please\"";
    QTest::newRow("unknown selector") << "p95{grp=x} < 5" << 5 << "unknown selector \"grp\"";
    QTest::newRow("unknown group")
        << "p95(requests){group=buy} < 800ms" << 21 << "the project has no group \"buy\"";
    QTest::newRow("unclosed selector") << "p95{group=default < 5" << 4 << "expected '}'";
    QTest::newRow("escape sequence")
        << "p95(request:a\x1b[2Jb) < 5" << 14 << "control character U+001B in the expression";
    QTest::newRow("newline") << "p95 < 5\nrm" << 8 << "control character U+000A";
    QTest::newRow("exponent percentile") << "p1e2 < 5" << 1 << "unknown metric \"p1e2\"";
    QTest::newRow("two points") << "p99.9.9 < 5" << 1 << "unknown metric";
    QTest::newRow("negative zero") << "p95 < -0" << 7 << "not negative";
    QTest::newRow("negative latency") << "p95 < -5ms" << 7 << "not negative";
    QTest::newRow("negative count") << "count(errors) >= -1" << 18 << "not negative";
    QTest::newRow("percentage above 100") << "checks > 150%" << 10 << "at most 100%";
    QTest::newRow("error rate above 100") << "error_rate < 100.5%" << 14 << "at most 100%";
    QTest::newRow("from on a rate")
        << "error_rate{from=intended} < 1%" << 12 << "from= applies to latency";
    QTest::newRow("from, bad value")
        << "p95{from=intend} < 5" << 10 << "from= takes intended (latency from the open";
    QTest::newRow("from, bad value, suggested")
        << "p95{from=intendd} < 5" << 10 << "did you mean \"intended\"";
    QTest::newRow("from, percentile without stats")
        << "p99.9(requests){from=intended} < 5" << 17 << "p50, p90, p95 and p99";
    QTest::newRow("from intended, a transaction")
        << "p99(transaction:buy){from=intended} < 5" << 22 << "a transaction has only its duration";
    QTest::newRow("from twice") << "p95{from=send, from=intended} < 5" << 16
                                << "selector \"from\" given twice";
    QTest::newRow("group twice") << "p95{group=default,group=default} < 5" << 19
                                 << "selector \"group\" given twice";
    QTest::newRow("selector typo")
        << "p95{frm=intended} < 5" << 5 << "unknown selector \"frm\" (did you mean \"from\"?)";
}

void TestThresholds::rejectsBadExpressionsWithTheColumn()
{
    QFETCH(QString, expression);
    QFETCH(int, column);
    QFETCH(QString, message);
    const auto result = parseThreshold(expression.toStdString());
    QVERIFY(!result);
    QCOMPARE(result.error().column, column);
    const QString text = QString::fromStdString(result.error().message);
    QVERIFY2(text.startsWith(QStringLiteral("column %1: ").arg(column)), qPrintable(text));
    QVERIFY2(text.contains(message), qPrintable(text));
}

void TestThresholds::readsTheCommandLineForm_data()
{
    QTest::addColumn<QString>("flag");
    QTest::addColumn<QString>("expression");
    QTest::addColumn<bool>("abort");
    QTest::addColumn<double>("grace");

    QTest::newRow("plain") << "error_rate < 1%"
                           << "error_rate < 1%" << false << 0.0;
    QTest::newRow("abort") << "error_rate < 1%;abort"
                           << "error_rate < 1%" << true << 0.0;
    QTest::newRow("abort and grace") << "p95 < 5ms; abort ;grace=10s"
                                     << "p95 < 5ms" << true << 10.0;
    QTest::newRow("grace in minutes") << "p95 < 5;grace=2m;abort"
                                      << "p95 < 5" << true << 120.0;
    QTest::newRow("grace in ms") << "p95 < 5;abort;grace=1500ms"
                                 << "p95 < 5" << true << 1.5;
    QTest::newRow("a quoted ';' is part of the name") << "checks:\"a;b\" > 99%;abort"
                                                      << "checks:\"a;b\" > 99%" << true << 0.0;
}

void TestThresholds::readsTheCommandLineForm()
{
    QFETCH(QString, flag);
    QFETCH(QString, expression);
    QFETCH(bool, abort);
    QFETCH(double, grace);
    const auto settings = parseThresholdFlag(flag.toStdString());
    QVERIFY2(settings, settings ? "" : settings.error().toString().c_str());
    QCOMPARE(QString::fromStdString(settings->expression), expression);
    QCOMPARE(settings->abort, abort);
    QCOMPARE(settings->graceSeconds, grace);
}

void TestThresholds::rejectsBadCommandLineOptions_data()
{
    QTest::addColumn<QString>("flag");
    QTest::addColumn<QString>("message");

    QTest::newRow("unknown option")
        << "p95 < 5;abrot"
        << "--threshold: column 9: unknown option \"abrot\" after ';' (did you mean";
    QTest::newRow("unknown option, nothing close")
        << "p95 < 5; stop"
        << "--threshold: column 10: unknown option \"stop\" after ';' (known: abort, grace=)";
    QTest::newRow("empty option") << "p95 < 5;abort;"
                                  << "--threshold: column 15: empty option";
    QTest::newRow("abort twice") << "p95 < 5;abort; abort"
                                 << "--threshold: column 16: option \"abort\" given twice";
    QTest::newRow("grace twice") << "p95 < 5;grace=1s;grace=2s"
                                 << "--threshold: column 18: option \"grace=\" given twice";
    QTest::newRow("grace without abort") << "p95 < 5;grace=10s"
                                         << "--threshold: column 9: grace= only delays an abort";
    QTest::newRow("bad grace") << "p95 < 5;grace=soon"
                               << "--threshold: column 15: bad grace period \"soon\"";
    QTest::newRow("negative grace") << "p95 < 5;grace=-1s"
                                    << "bad grace period \"-1s\"";
    QTest::newRow("bad expression") << "p95 < 5 parsecs;abort"
                                    << "--threshold: column 9: unit \"parsecs\"";
}

void TestThresholds::rejectsBadCommandLineOptions()
{
    QFETCH(QString, flag);
    QFETCH(QString, message);
    const auto settings = parseThresholdFlag(flag.toStdString());
    QVERIFY(!settings);
    const QString text = QString::fromStdString(settings.error().toString());
    QVERIFY2(text.contains(message), qPrintable(text));
}

void TestThresholds::readsTheProjectsGroupsOnTheCommandLine()
{
    const std::vector<std::string> groups{"browse", "buy"};
    const auto settings = parseThresholdFlag("p95{group=buy} < 800ms;abort", groups);
    QVERIFY2(settings, settings ? "" : settings.error().toString().c_str());
    QCOMPARE(QString::fromStdString(settings->expression),
             QStringLiteral("p95{group=buy} < 800ms"));
    QVERIFY(settings->abort);
    // "default" is the name of a project without groups only; the error names --threshold.
    const auto wrong = parseThresholdFlag("p95{group=default} < 800ms", groups);
    QVERIFY(!wrong);
    QCOMPARE(QString::fromStdString(wrong.error().toString()),
             QStringLiteral("--threshold: column 11: the project has no group \"default\" (known: "
                            "browse, buy)"));
    const auto typo = parseThresholdFlag("p95{group=bye} < 800ms", groups);
    QVERIFY(!typo);
    QCOMPARE(QString::fromStdString(typo.error().toString()),
             QStringLiteral("--threshold: column 11: the project has no group \"bye\" (known: "
                            "browse, buy)"));
    // Without groups, only "default".
    QVERIFY(parseThresholdFlag("p95{group=default} < 800ms"));
    QVERIFY(!parseThresholdFlag("p95{group=buy} < 800ms"));
}

void TestThresholds::countsColumnsInCharactersNotBytes()
{
    // "é" is two bytes: the bad operator is the 19th character, the 20th byte.
    const auto result = parseThreshold("p95(request:café) ~ 5");
    QVERIFY(!result);
    QCOMPARE(result.error().column, 19);
    QCOMPARE(QString::fromStdString(result.error().token), QStringLiteral("~"));
}

QTEST_GUILESS_MAIN(TestThresholds)
#include "tst_thresholds.moc"
