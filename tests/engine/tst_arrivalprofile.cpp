// The open model's schedule: planned iterations are the integral of the piecewise-linear rate,
// arrival k is planned when that integral passes k, and the text form names its bad tokens.

#include <loadwizard/arrivalprofile.h>

#include <QtTest>

#include <cmath>
#include <limits>

using Loadwizard::ArrivalProfile;
using Loadwizard::ArrivalStage;

class TestArrivalProfile : public QObject
{
    Q_OBJECT

private slots:
    void integratesTheIssuesExample();
    void plansEachSecondAsTheIntegralSays();
    void invertsTheIntegralExactlyOnRampsAndHolds_data();
    void invertsTheIntegralExactlyOnRampsAndHolds();
    void startsTheFirstArrivalWhenTheRateRisesAboveZero();
    void jumpsOnZeroSecondStages();
    void rejectsBadSpecs_data();
    void rejectsBadSpecs();
    void namesTheFieldOfABadStage();
    void roundTripsThroughToString_data();
    void roundTripsThroughToString();
    void plansNothingWhenEmpty();
};

void TestArrivalProfile::integratesTheIssuesExample()
{
    // 0/s, up to 2000/s over 10 s (rate 200·t, so 100·t² iterations), then 2000/s for 60 s.
    const auto profile = ArrivalProfile::parse("0,0,2000,10,2000,60").value();
    QCOMPARE(profile.stages().size(), std::size_t(3));
    QCOMPARE(profile.totalSeconds(), 70.0);
    QCOMPARE(profile.rateAt(5), 1000.0);
    QCOMPARE(profile.rateAt(30), 2000.0);
    QCOMPARE(profile.plannedIterationsAt(0), 0.0);
    QCOMPARE(profile.plannedIterationsAt(5), 2500.0);
    QCOMPARE(profile.plannedIterationsAt(10), 10000.0);
    QCOMPARE(profile.plannedIterationsAt(70), 130000.0);
    QCOMPARE(profile.plannedIterationsAt(100), 130000.0); // the end keeps the total
    QCOMPARE(profile.totalArrivals(), std::uint64_t(130000));
    QCOMPARE(profile.peakRate(), 2000.0);
}

void TestArrivalProfile::plansEachSecondAsTheIntegralSays()
{
    const auto profile = ArrivalProfile::parse("0,0,2000,10,2000,60").value();
    std::uint64_t total = 0;
    for (int s = 0; s < 70; ++s) {
        // The ramp plans 100·(2s+1) in second s, the hold 2000 a second.
        const std::uint64_t expected = s < 10 ? std::uint64_t(100 * (2 * s + 1)) : 2000;
        QCOMPARE(profile.arrivalsBetween(s, s + 1), expected);
        const auto integral = std::uint64_t(std::ceil(profile.plannedIterationsAt(s + 1)) -
                                            std::ceil(profile.plannedIterationsAt(s)));
        QCOMPARE(profile.arrivalsBetween(s, s + 1), integral);
        total += expected;
    }
    QCOMPARE(total, profile.totalArrivals());
    // Arrival 2500 is planned at exactly 5 s (100·5² = 2500), arrival 10000 at exactly 10 s.
    QCOMPARE(profile.plannedTime(0), 0.0);
    QCOMPARE(profile.plannedTime(2500), 5.0);
    QCOMPARE(profile.plannedTime(10000), 10.0);
    QCOMPARE(profile.plannedTime(12000), 11.0);
    QCOMPARE(profile.plannedTime(130000), std::numeric_limits<double>::infinity());
}

void TestArrivalProfile::invertsTheIntegralExactlyOnRampsAndHolds_data()
{
    QTest::addColumn<QString>("spec");
    QTest::newRow("ramp up from zero") << "0,0,2000,10,2000,60";
    QTest::newRow("ramp down to zero") << "100,0,0,10";
    QTest::newRow("slow ramp") << "1,0,1.001,1000";
    QTest::newRow("up and down") << "7.5,0,300,3,20,7,20,5";
}

void TestArrivalProfile::invertsTheIntegralExactlyOnRampsAndHolds()
{
    QFETCH(QString, spec);
    const auto profile = ArrivalProfile::parse(spec.toStdString()).value();
    const std::uint64_t total = profile.totalArrivals();
    QVERIFY(total > 0);
    double previous = -1;
    for (std::uint64_t k = 0; k < total; ++k) {
        const double t = profile.plannedTime(k);
        QVERIFY2(t > previous, qPrintable(QString("arrival %1 at %2").arg(k).arg(t)));
        QVERIFY(t < profile.totalSeconds());
        // The integral at the planned time is k, to the last bits of a double.
        QVERIFY2(std::abs(profile.plannedIterationsAt(t) - double(k)) <= 1e-9 * double(k + 1),
                 qPrintable(QString("arrival %1: %2").arg(k).arg(profile.plannedIterationsAt(t))));
        previous = t;
    }
    QCOMPARE(profile.arrivalsBetween(0, profile.totalSeconds()), total);
    QCOMPARE(total, std::uint64_t(std::ceil(profile.plannedIterationsAt(profile.totalSeconds()))));
}

void TestArrivalProfile::startsTheFirstArrivalWhenTheRateRisesAboveZero()
{
    // 5 s at 0/s plan nothing: the first arrival comes when the rate does.
    const auto profile = ArrivalProfile::parse("0,5,100,0,100,1").value();
    QCOMPARE(profile.totalArrivals(), std::uint64_t(100));
    QCOMPARE(profile.plannedTime(0), 5.0);
    QCOMPARE(profile.plannedTime(1), 5.01);
    QCOMPARE(profile.arrivalsBetween(0, 5), std::uint64_t(0));
    QCOMPARE(profile.arrivalsBetween(5, 6), std::uint64_t(100));
}

void TestArrivalProfile::jumpsOnZeroSecondStages()
{
    const auto profile = ArrivalProfile::parse("10,0,10,2,50,0,50,1").value();
    QCOMPARE(profile.rateAt(1), 10.0);
    QCOMPARE(profile.rateAt(2.5), 50.0);
    QCOMPARE(profile.totalArrivals(), std::uint64_t(70));
    QCOMPARE(profile.arrivalsBetween(0, 1), std::uint64_t(10));
    QCOMPARE(profile.arrivalsBetween(2, 3), std::uint64_t(50));
}

void TestArrivalProfile::rejectsBadSpecs_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("token");
    QTest::addColumn<int>("position");
    QTest::addColumn<QString>("message");
    QTest::newRow("empty") << ""
                           << "" << 0 << "the arrival-rate spec is empty";
    QTest::newRow("odd count") << "0,0,2000"
                               << "2000" << 3 << "token 3 (\"2000\") has no duration";
    QTest::newRow("one number") << "500"
                                << "500" << 1 << "has no duration";
    QTest::newRow("not a number") << "0,0,fast,10"
                                  << "fast" << 3 << "is not a number";
    QTest::newRow("trailing junk") << "10,5s"
                                   << "5s" << 2 << "is not a number";
    QTest::newRow("empty token") << "10,,5,5"
                                 << "" << 2 << "is empty";
    QTest::newRow("nan") << "nan,5"
                         << "nan" << 1 << "is not a finite number";
    QTest::newRow("infinite") << "10,inf"
                              << "inf" << 2 << "is not a finite number";
    QTest::newRow("out of range") << "1e999,5"
                                  << "1e999" << 1 << "is out of range";
    QTest::newRow("negative rate") << "0,0,-5,10"
                                   << "-5" << 3 << "is a negative rate";
    QTest::newRow("negative seconds") << "5,-1"
                                      << "-1" << 2 << "is a negative duration";
    QTest::newRow("absurd rate") << "2e7,1"
                                 << "2e7" << 1 << "is too large a rate";
    QTest::newRow("absurd length") << "1,1e9"
                                   << "1e9" << 2 << "makes the profile longer";
    QTest::newRow("too long in total")
        << "1,2e7,1,2e7"
        << "2e7" << 4 << "makes the profile longer than 31622400 seconds";
}

void TestArrivalProfile::rejectsBadSpecs()
{
    QFETCH(QString, spec);
    QFETCH(QString, token);
    QFETCH(int, position);
    QFETCH(QString, message);
    const auto parsed = ArrivalProfile::parse(spec.toStdString());
    QVERIFY(!parsed);
    QCOMPARE(QString::fromStdString(parsed.error().token), token);
    QCOMPARE(parsed.error().position, position);
    QVERIFY2(QString::fromStdString(parsed.error().message).contains(message),
             parsed.error().message.c_str());
}

void TestArrivalProfile::namesTheFieldOfABadStage()
{
    const auto bad = ArrivalProfile::fromStages({{100, 10}, {-3, 5}});
    QVERIFY(!bad);
    QCOMPARE(bad.error().field, std::string("stages[1].target"));
    QCOMPARE(bad.error().message, std::string("-3 is a negative rate"));
    const auto badSeconds = ArrivalProfile::fromStages({{100, std::nan("")}});
    QVERIFY(!badSeconds);
    QCOMPARE(badSeconds.error().field, std::string("stages[0].seconds"));
    QVERIFY(ArrivalProfile::fromStages({{100, 10}, {0, 5}}));
}

void TestArrivalProfile::roundTripsThroughToString_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("text");
    QTest::newRow("issue") << "0,0,2000,10,2000,60"
                           << "0,0,2000,10,2000,60";
    QTest::newRow("spaces and fractions") << " 0.5 , 1.25 ,3,0.1"
                                          << "0.5,1.25,3,0.1";
    QTest::newRow("exponent") << "1e3,6e1"
                              << "1000,60";
}

void TestArrivalProfile::roundTripsThroughToString()
{
    QFETCH(QString, spec);
    QFETCH(QString, text);
    const auto profile = ArrivalProfile::parse(spec.toStdString()).value();
    QCOMPARE(QString::fromStdString(profile.toString()), text);
    QCOMPARE(ArrivalProfile::parse(profile.toString()).value().stages(), profile.stages());
}

void TestArrivalProfile::plansNothingWhenEmpty()
{
    const ArrivalProfile empty;
    QVERIFY(empty.empty());
    QCOMPARE(empty.totalArrivals(), std::uint64_t(0));
    QCOMPARE(empty.plannedTime(0), std::numeric_limits<double>::infinity());
    QCOMPARE(empty.plannedIterationsAt(10), 0.0);
}

QTEST_APPLESS_MAIN(TestArrivalProfile)
#include "tst_arrivalprofile.moc"
