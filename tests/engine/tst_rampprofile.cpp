#include <loadwizard/rampprofile.h>

#include <QtTest>

#include <cmath>
#include <limits>

using Loadwizard::RampProfile;
using Loadwizard::RampStep;

Q_DECLARE_METATYPE(std::vector<RampStep>)

class TestRampProfile : public QObject
{
    Q_OBJECT

private slots:
    void plansTheSeedsExamples_data();
    void plansTheSeedsExamples();
    void reportsTotalAndPeak_data();
    void reportsTotalAndPeak();
    void allowsFractionalRates();
    void startsEachVuserAsSoonAsThePlanPassesItsPredecessor();
    void clampsRampDownAtZero_data();
    void clampsRampDownAtZero();
    void ignoresZeroDurationSteps();
    void allowsWhitespaceAroundTokens();
    void rejectsBadSpecs_data();
    void rejectsBadSpecs();
    void namesTheTokenAndPositionInTheMessage();
    void quotesAHugeTokenShortenedInEveryError();
    void rejectsOddNumberOfTokens();
    void rejectsBadSteps_data();
    void rejectsBadSteps();
    void roundTripsThroughToString_data();
    void roundTripsThroughToString();
    void treatsAnEmptyProfileAsZero();
};

void TestRampProfile::plansTheSeedsExamples_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<double>("seconds");
    QTest::addColumn<double>("planned");

    const QString seed = QStringLiteral("2,60,0,200,10,60,0,3600");
    QTest::newRow("before the start") << seed << -5.0 << 0.0;
    QTest::newRow("at the start") << seed << 0.0 << 0.0;
    QTest::newRow("halfway up the first ramp") << seed << 30.0 << 60.0;
    QTest::newRow("end of the first ramp") << seed << 60.0 << 120.0;
    QTest::newRow("holding") << seed << 160.0 << 120.0;
    QTest::newRow("end of the hold") << seed << 260.0 << 120.0;
    QTest::newRow("inside the second ramp") << seed << 290.0 << 420.0;
    QTest::newRow("end of the second ramp") << seed << 320.0 << 720.0;
    QTest::newRow("last hold") << seed << 2000.0 << 720.0;
    QTest::newRow("end of the run") << seed << 3920.0 << 720.0;
    QTest::newRow("beyond the end") << seed << 1e6 << 720.0;

    const QString fast = QStringLiteral("25,100,0,200");
    QTest::newRow("25/s at 4 s") << fast << 4.0 << 100.0;
    QTest::newRow("25/s at 50 s") << fast << 50.0 << 1250.0;
    QTest::newRow("25/s at 100 s") << fast << 100.0 << 2500.0;
    QTest::newRow("25/s holding") << fast << 250.0 << 2500.0;
    QTest::newRow("25/s after the end") << fast << 301.0 << 2500.0;
}

void TestRampProfile::plansTheSeedsExamples()
{
    QFETCH(QString, spec);
    QFETCH(double, seconds);
    QFETCH(double, planned);

    const auto profile = RampProfile::parse(spec.toStdString());
    QVERIFY2(profile, profile ? "" : profile.error().message.c_str());
    QCOMPARE(profile->plannedVusersAt(seconds), planned);
    QCOMPARE(profile->plannedWholeVusersAt(seconds), static_cast<long long>(planned));
}

void TestRampProfile::reportsTotalAndPeak_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<int>("steps");
    QTest::addColumn<double>("totalSeconds");
    QTest::addColumn<double>("peak");

    QTest::newRow("seed") << "2,60,0,200,10,60,0,3600" << 4 << 3920.0 << 720.0;
    QTest::newRow("25 per second") << "25,100,0,200" << 2 << 300.0 << 2500.0;
    QTest::newRow("peak before ramp-down") << "10,10,-2,10" << 2 << 20.0 << 100.0;
    QTest::newRow("peak after a dip") << "10,10,-10,10,20,10" << 3 << 30.0 << 200.0;
    QTest::newRow("only ramp-down") << "-5,10" << 1 << 10.0 << 0.0;
}

void TestRampProfile::reportsTotalAndPeak()
{
    QFETCH(QString, spec);
    QFETCH(int, steps);
    QFETCH(double, totalSeconds);
    QFETCH(double, peak);

    const auto profile = RampProfile::parse(spec.toStdString());
    QVERIFY(profile);
    QCOMPARE(int(profile->steps().size()), steps);
    QCOMPARE(profile->totalSeconds(), totalSeconds);
    QCOMPARE(profile->peakVusers(), peak);
}

void TestRampProfile::allowsFractionalRates()
{
    const auto profile = RampProfile::parse("0.5,10,0.25,8");
    QVERIFY(profile);
    QCOMPARE(profile->plannedVusersAt(3), 1.5);
    QCOMPARE(profile->plannedWholeVusersAt(3), 2LL); // the second started at 2 s
    QCOMPARE(profile->plannedVusersAt(10), 5.0);
    QCOMPARE(profile->plannedVusersAt(14), 6.0);
    QCOMPARE(profile->plannedVusersAt(18), 7.0);
    QCOMPARE(profile->peakVusers(), 7.0);
    // 0.1 * 30 is 3.0000000000000004 or 2.9999999999999996 depending on rounding: still 3.
    const auto tenth = RampProfile::parse("0.1,30");
    QVERIFY(tenth);
    QCOMPARE(tenth->plannedWholeVusersAt(30), 3LL);
}

void TestRampProfile::startsEachVuserAsSoonAsThePlanPassesItsPredecessor()
{
    const auto one = RampProfile::parse("1,1");
    QVERIFY(one);
    QCOMPARE(one->plannedWholeVusersAt(0), 0LL);
    QCOMPARE(one->plannedWholeVusersAt(0.01), 1LL);
    QCOMPARE(one->plannedWholeVusersAt(1), 1LL);
    const auto two = RampProfile::parse("2,60");
    QVERIFY(two);
    QCOMPARE(two->plannedWholeVusersAt(0.4), 1LL);
    QCOMPARE(two->plannedWholeVusersAt(0.6), 2LL);
    QCOMPARE(two->plannedWholeVusersAt(59.6), 120LL);
    const auto down = RampProfile::parse("10,10,-10,10");
    QVERIFY(down);
    QCOMPARE(down->plannedWholeVusersAt(10.05), 100LL); // removed only once a whole one is gone
    QCOMPARE(down->plannedWholeVusersAt(10.15), 99LL);
}

void TestRampProfile::clampsRampDownAtZero_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<double>("seconds");
    QTest::addColumn<double>("planned");

    const QString down = QStringLiteral("10,10,-5,10");
    QTest::newRow("top") << down << 10.0 << 100.0;
    QTest::newRow("halfway down") << down << 15.0 << 75.0;
    QTest::newRow("bottom of a partial ramp-down") << down << 20.0 << 50.0;

    // Removes 200 from 100: reaches 0 at t=15 and stays there; the next step starts from 0.
    const QString clamped = QStringLiteral("10,10,-20,10,5,4");
    QTest::newRow("reaching zero") << clamped << 15.0 << 0.0;
    QTest::newRow("clamped") << clamped << 18.0 << 0.0;
    QTest::newRow("end of the clamped step") << clamped << 20.0 << 0.0;
    QTest::newRow("rising again from zero") << clamped << 22.0 << 10.0;
    QTest::newRow("end") << clamped << 24.0 << 20.0;
    QTest::newRow("after the end") << clamped << 100.0 << 20.0;

    QTest::newRow("ramp-down first") << "-5,10,1,10" << 15.0 << 5.0;
}

void TestRampProfile::clampsRampDownAtZero()
{
    QFETCH(QString, spec);
    QFETCH(double, seconds);
    QFETCH(double, planned);

    const auto profile = RampProfile::parse(spec.toStdString());
    QVERIFY2(profile, profile ? "" : profile.error().message.c_str());
    QCOMPARE(profile->plannedVusersAt(seconds), planned);
    QVERIFY(profile->plannedVusersAt(seconds) >= 0);
}

void TestRampProfile::ignoresZeroDurationSteps()
{
    const auto profile = RampProfile::parse("100,0,1,10,50,0");
    QVERIFY(profile);
    QCOMPARE(profile->steps().size(), std::size_t(3));
    QCOMPARE(profile->plannedVusersAt(0), 0.0);
    QCOMPARE(profile->plannedVusersAt(5), 5.0);
    QCOMPARE(profile->plannedVusersAt(10), 10.0);
    QCOMPARE(profile->plannedVusersAt(11), 10.0);
    QCOMPARE(profile->totalSeconds(), 10.0);
    QCOMPARE(profile->peakVusers(), 10.0);
}

void TestRampProfile::allowsWhitespaceAroundTokens()
{
    const auto spaced = RampProfile::parse(" 2 , 60\t,0 ,\n200 ");
    QVERIFY2(spaced, spaced ? "" : spaced.error().message.c_str());
    const auto plain = RampProfile::parse("2,60,0,200");
    QVERIFY(plain);
    QVERIFY(spaced->steps() == plain->steps());
}

void TestRampProfile::rejectsBadSpecs_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("token");
    QTest::addColumn<int>("position");
    QTest::addColumn<QString>("problem");

    QTest::newRow("empty") << ""
                           << "" << 0 << "empty";
    QTest::newRow("whitespace only") << " \t "
                                     << "" << 0 << "empty";
    QTest::newRow("odd number of values") << "2,60,5"
                                          << "5" << 3 << "odd number";
    QTest::newRow("single value") << "2"
                                  << "2" << 1 << "odd number";
    QTest::newRow("not a number") << "2,abc"
                                  << "abc" << 2 << "is not a number";
    QTest::newRow("number with junk") << "2x,60"
                                      << "2x" << 1 << "is not a number";
    QTest::newRow("hexadecimal") << "0x10,5"
                                 << "0x10" << 1 << "is not a number";
    QTest::newRow("space inside a token") << "2,6 0"
                                          << "6 0" << 2 << "is not a number";
    QTest::newRow("empty token") << "2,,3,4"
                                 << "" << 2 << "is empty";
    QTest::newRow("trailing comma") << "2,60,"
                                    << "" << 3 << "is empty";
    QTest::newRow("leading comma") << ",2,60"
                                   << "" << 1 << "is empty";
    QTest::newRow("NaN rate") << "nan,60"
                              << "nan" << 1 << "finite";
    QTest::newRow("infinite duration") << "2,inf"
                                       << "inf" << 2 << "finite";
    QTest::newRow("overflowing number") << "1e999,1"
                                        << "1e999" << 1 << "out of range";
    QTest::newRow("negative duration") << "2,60,1,-5"
                                       << "-5" << 4 << "negative duration";
    QTest::newRow("rate too large") << "1e8,1"
                                    << "1e8" << 1 << "too large a rate";
    QTest::newRow("ramp-down too large") << "1,1,-2e7,0"
                                         << "-2e7" << 3 << "too large a rate";
    QTest::newRow("duration too long") << "1,1e9"
                                       << "1e9" << 2 << "too long a duration";
    QTest::newRow("total too long") << "0,20000000,0,20000000"
                                    << "20000000" << 4 << "longer than";
    QTest::newRow("too many vusers") << "1000000,5,1000000,6"
                                     << "6" << 4 << "exceed";
}

void TestRampProfile::rejectsBadSpecs()
{
    QFETCH(QString, spec);
    QFETCH(QString, token);
    QFETCH(int, position);
    QFETCH(QString, problem);

    const auto profile = RampProfile::parse(spec.toStdString());
    QVERIFY(!profile);
    const QString message = QString::fromStdString(profile.error().message);
    QCOMPARE(QString::fromStdString(profile.error().token), token);
    QCOMPARE(profile.error().position, position);
    QVERIFY2(message.contains(problem), qPrintable(message));
    if (position > 0) {
        const QString where = QStringLiteral("token %1 (\"%2\")").arg(position).arg(token);
        QVERIFY2(message.startsWith(where), qPrintable(message));
    }
}

void TestRampProfile::namesTheTokenAndPositionInTheMessage()
{
    const auto profile = RampProfile::parse("2,60,abc,4");
    QVERIFY(!profile);
    QCOMPARE(profile.error().message, std::string("token 3 (\"abc\") is not a number"));
    QCOMPARE(profile.error().toString(), profile.error().message);
}

void TestRampProfile::quotesAHugeTokenShortenedInEveryError()
{
    // Numbers that are finite however long they are: leading zeros.
    const std::string huge = std::string(100000, '0') + "99999999999";
    const std::string negative = '-' + std::string(100000, '0') + '1';
    // Found by tests/fuzz/fuzz_rampprofile: a token that is a number but breaks a limit was kept
    // whole in Error::token (the message was already shortened).
    const std::pair<std::string, std::string> cases[] = {
        {"0,60,0,x" + huge, 'x' + huge},                                   // not a number
        {"0,60,0," + huge, huge},                                          // too long a duration
        {"0,60," + huge + ",1", huge},                                     // too large a rate
        {"0,60,0," + negative, negative},                                  // a negative duration
        {"0,60,0,1" + std::string(400, '9'), '1' + std::string(400, '9')}, // out of range
    };
    for (const auto &[spec, token] : cases) {
        const auto profile = RampProfile::parse(spec);
        QVERIFY(!profile);
        QCOMPARE(profile.error().token, Loadwizard::shortened(token));
        QVERIFY2(profile.error().token.size() < 80, profile.error().token.c_str());
        QVERIFY2(profile.error().message.size() < 300, profile.error().message.c_str());
    }
}

void TestRampProfile::rejectsOddNumberOfTokens()
{
    const auto profile = RampProfile::parse("2,60,0,200,10");
    QVERIFY(!profile);
    QCOMPARE(profile.error().position, 5);
    QCOMPARE(profile.error().token, std::string("10"));
}

void TestRampProfile::rejectsBadSteps_data()
{
    QTest::addColumn<std::vector<RampStep>>("steps");
    QTest::addColumn<QString>("field");
    QTest::addColumn<int>("position");

    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    QTest::newRow("negative duration")
        << std::vector<RampStep>{{2, 60}, {1, -1}} << "steps[1].seconds" << 4;
    QTest::newRow("NaN rate") << std::vector<RampStep>{{nan, 1}} << "steps[0].rate" << 1;
    QTest::newRow("infinite duration")
        << std::vector<RampStep>{{1, 1}, {0, 1}, {1, inf}} << "steps[2].seconds" << 6;
    QTest::newRow("rate too large") << std::vector<RampStep>{{-1e9, 1}} << "steps[0].rate" << 1;
    QTest::newRow("too many vusers") << std::vector<RampStep>{{1e6, 11}} << "steps[0].seconds" << 2;
}

void TestRampProfile::rejectsBadSteps()
{
    QFETCH(std::vector<RampStep>, steps);
    QFETCH(QString, field);
    QFETCH(int, position);

    const auto profile = RampProfile::fromSteps(steps);
    QVERIFY(!profile);
    QCOMPARE(QString::fromStdString(profile.error().field), field);
    QCOMPARE(profile.error().position, position);
    QVERIFY(!profile.error().token.empty());
}

void TestRampProfile::roundTripsThroughToString_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("canonical");

    QTest::newRow("seed") << "2,60,0,200,10,60,0,3600"
                          << "2,60,0,200,10,60,0,3600";
    QTest::newRow("fractional") << "0.5,200"
                                << "0.5,200";
    QTest::newRow("not exact in binary") << "0.1,3,-0.3,1"
                                         << "0.1,3,-0.3,1";
    QTest::newRow("padded") << " 2.50 , 060.0 "
                            << "2.5,60";
    QTest::newRow("exponent") << "1e-7,5"
                              << "1e-07,5";
    QTest::newRow("thirds") << "0.3333333333333333,3"
                            << "0.3333333333333333,3";
    QTest::newRow("zero duration") << "5,0,1,1"
                                   << "5,0,1,1";
}

void TestRampProfile::roundTripsThroughToString()
{
    QFETCH(QString, spec);
    QFETCH(QString, canonical);

    const auto profile = RampProfile::parse(spec.toStdString());
    QVERIFY2(profile, profile ? "" : profile.error().message.c_str());
    QCOMPARE(QString::fromStdString(profile->toString()), canonical);
    const auto again = RampProfile::parse(profile->toString());
    QVERIFY(again);
    QVERIFY(again->steps() == profile->steps());
}

void TestRampProfile::treatsAnEmptyProfileAsZero()
{
    const RampProfile profile;
    QVERIFY(profile.empty());
    QCOMPARE(profile.plannedVusersAt(10), 0.0);
    QCOMPARE(profile.totalSeconds(), 0.0);
    QCOMPARE(profile.peakVusers(), 0.0);
    QCOMPARE(profile.toString(), std::string());
    QCOMPARE(profile.plannedVusersAt(std::numeric_limits<double>::quiet_NaN()), 0.0);

    const auto checked = RampProfile::fromSteps({{2, 60}, {0, 200}});
    QVERIFY(checked);
    QCOMPARE(checked->toString(), std::string("2,60,0,200"));
}

QTEST_GUILESS_MAIN(TestRampProfile)
#include "tst_rampprofile.moc"
