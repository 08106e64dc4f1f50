#include <loadwizard/histogram.h>

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

using Loadwizard::Histogram;
using Loadwizard::LatencyStats;

Q_DECLARE_METATYPE(std::vector<std::uint64_t>)

namespace {

enum class Distribution
{
    Uniform1usTo10ms,
    LogNormal,
    Span1usTo1h,
    Bimodal,
    Tiny,
    Constant,
    SingleValue,
};

std::vector<std::uint64_t> generate(Distribution distribution, std::size_t n)
{
    std::mt19937_64 rng(20240601);
    std::vector<std::uint64_t> values(n);
    switch (distribution) {
    case Distribution::Uniform1usTo10ms: {
        std::uniform_int_distribution<std::uint64_t> uniform(1, 10'000);
        std::generate(values.begin(), values.end(), [&] { return uniform(rng); });
        break;
    }
    case Distribution::LogNormal: { // median 5 ms, long right tail
        std::lognormal_distribution<double> logNormal(std::log(5000.0), 1.2);
        std::generate(values.begin(), values.end(),
                      [&] { return std::uint64_t(std::llround(logNormal(rng))); });
        break;
    }
    case Distribution::Span1usTo1h: { // log-uniform, so every power of two is populated
        std::uniform_real_distribution<double> exponent(0.0, std::log(3.6e9));
        std::generate(values.begin(), values.end(),
                      [&] { return std::uint64_t(std::llround(std::exp(exponent(rng)))); });
        break;
    }
    case Distribution::Bimodal: { // fast cache hits around 800 µs, 3 % slow ones around 2 s
        std::normal_distribution<double> fast(800, 100);
        std::normal_distribution<double> slow(2e6, 3e5);
        std::bernoulli_distribution isSlow(0.03);
        std::generate(values.begin(), values.end(), [&] {
            const double v = isSlow(rng) ? slow(rng) : fast(rng);
            return std::uint64_t(std::max(0.0, std::round(v)));
        });
        break;
    }
    case Distribution::Tiny: {
        std::uniform_int_distribution<std::uint64_t> uniform(0, 40);
        std::generate(values.begin(), values.end(), [&] { return uniform(rng); });
        break;
    }
    case Distribution::Constant:
        std::fill(values.begin(), values.end(), 123'457);
        break;
    case Distribution::SingleValue:
        values.assign(1, 7'777'777);
        break;
    }
    return values;
}

Histogram histogramOf(const std::vector<std::uint64_t> &values)
{
    Histogram histogram;
    for (const std::uint64_t v : values)
        histogram.record(v);
    return histogram;
}

/// Exact percentile of sorted values, p given in tenths of a percent so that the rank
/// ceil(p / 100 * n) is computed in integers, independently of the histogram's floating point.
std::uint64_t exactPercentile(const std::vector<std::uint64_t> &sorted, std::uint64_t tenths)
{
    if (tenths == 0)
        return sorted.front();
    const std::uint64_t rank = (tenths * sorted.size() + 999) / 1000;
    return sorted[rank - 1];
}

void addDistributionRows()
{
    QTest::addColumn<int>("distribution");
    QTest::addColumn<int>("size");
    QTest::newRow("uniform 1 µs - 10 ms") << int(Distribution::Uniform1usTo10ms) << 100'000;
    QTest::newRow("log-normal around 5 ms") << int(Distribution::LogNormal) << 100'000;
    QTest::newRow("log-uniform 1 µs - 1 h") << int(Distribution::Span1usTo1h) << 100'000;
    QTest::newRow("bimodal 800 µs / 2 s") << int(Distribution::Bimodal) << 100'000;
    QTest::newRow("tiny 0 - 40 µs") << int(Distribution::Tiny) << 100'000;
    QTest::newRow("constant") << int(Distribution::Constant) << 100'000;
    QTest::newRow("single value") << int(Distribution::SingleValue) << 1;
}

void compareStats(const LatencyStats &actual, const LatencyStats &expected)
{
    QCOMPARE(actual.count, expected.count);
    QCOMPARE(actual.minMs, expected.minMs);
    QCOMPARE(actual.meanMs, expected.meanMs);
    QCOMPARE(actual.p50Ms, expected.p50Ms);
    QCOMPARE(actual.p90Ms, expected.p90Ms);
    QCOMPARE(actual.p95Ms, expected.p95Ms);
    QCOMPARE(actual.p99Ms, expected.p99Ms);
    QCOMPARE(actual.maxMs, expected.maxMs);
}

/// Same counts in the same buckets: every rank maps to the same reported value.
void compareRankByRank(const Histogram &actual, const Histogram &expected)
{
    QCOMPARE(actual.count(), expected.count());
    QCOMPARE(actual.minMicros(), expected.minMicros());
    QCOMPARE(actual.maxMicros(), expected.maxMicros());
    QCOMPARE(actual.meanMicros(), expected.meanMicros());
    const std::uint64_t n = expected.count();
    for (std::uint64_t rank = 1; rank <= n; ++rank) {
        const double p = 100.0 * double(rank) / double(n);
        if (actual.percentileMicros(p) != expected.percentileMicros(p))
            QFAIL(qPrintable(QStringLiteral("rank %1 of %2: %3 vs %4")
                                 .arg(rank)
                                 .arg(n)
                                 .arg(actual.percentileMicros(p))
                                 .arg(expected.percentileMicros(p))));
    }
    compareStats(actual.stats(), expected.stats());
}

} // namespace

class TestHistogram : public QObject
{
    Q_OBJECT

private slots:
    void percentilesMatchExactSortedValuesWithin0_1Percent_data() { addDistributionRows(); }
    void percentilesMatchExactSortedValuesWithin0_1Percent()
    {
        QFETCH(int, distribution);
        QFETCH(int, size);
        std::vector<std::uint64_t> values = generate(Distribution(distribution), size_t(size));
        const Histogram histogram = histogramOf(values);
        std::sort(values.begin(), values.end());

        for (const std::uint64_t tenths : {1, 10, 100, 250, 500, 750, 900, 950, 990, 999, 1000}) {
            const std::uint64_t exact = exactPercentile(values, tenths);
            const std::uint64_t reported = histogram.percentileMicros(double(tenths) / 10.0);
            const QString where = QStringLiteral("p%1: reported %2, exact %3")
                                      .arg(double(tenths) / 10.0)
                                      .arg(reported)
                                      .arg(exact);
            // A bucket reports its highest value, so never below the exact one; values under
            // 2048 µs have 1 µs buckets and must come back exactly (0 % here).
            QVERIFY2(reported >= exact, qPrintable(where));
            QVERIFY2(double(reported - exact) <= 0.001 * double(exact), qPrintable(where));
        }
        QCOMPARE(histogram.percentileMicros(0), values.front());
        QCOMPARE(histogram.percentileMicros(100), values.back());
    }

    void minMaxMeanAndCountAreExact_data() { addDistributionRows(); }
    void minMaxMeanAndCountAreExact()
    {
        QFETCH(int, distribution);
        QFETCH(int, size);
        const std::vector<std::uint64_t> values =
            generate(Distribution(distribution), size_t(size));
        const Histogram histogram = histogramOf(values);
        const std::uint64_t sum = std::accumulate(values.begin(), values.end(), std::uint64_t(0));

        QCOMPARE(histogram.count(), std::uint64_t(values.size()));
        QCOMPARE(histogram.minMicros(), *std::min_element(values.begin(), values.end()));
        QCOMPARE(histogram.maxMicros(), *std::max_element(values.begin(), values.end()));
        QCOMPARE(histogram.meanMicros(), double(sum) / double(values.size()));

        const LatencyStats stats = histogram.stats();
        QCOMPARE(stats.count, std::uint64_t(values.size()));
        QCOMPARE(stats.minMs, double(histogram.minMicros()) / 1000.0);
        QCOMPARE(stats.meanMs, histogram.meanMicros() / 1000.0);
        QCOMPARE(stats.p50Ms, double(histogram.percentileMicros(50)) / 1000.0);
        QCOMPARE(stats.p90Ms, double(histogram.percentileMicros(90)) / 1000.0);
        QCOMPARE(stats.p95Ms, double(histogram.percentileMicros(95)) / 1000.0);
        QCOMPARE(stats.p99Ms, double(histogram.percentileMicros(99)) / 1000.0);
        QCOMPARE(stats.maxMs, double(histogram.maxMicros()) / 1000.0);
    }

    void bucketsSplitExactlyAtTheirBoundaries_data()
    {
        QTest::addColumn<quint64>("lowestValue"); // first value of a bucket
        QTest::addColumn<quint64>("bucketWidth");
        QTest::newRow("1 µs buckets: 0") << quint64(0) << quint64(1);
        QTest::newRow("1 µs buckets: 1") << quint64(1) << quint64(1);
        QTest::newRow("1 µs buckets: 2046") << quint64(2046) << quint64(1);
        QTest::newRow("first 2 µs bucket: 2048") << quint64(2048) << quint64(2);
        QTest::newRow("last 2 µs bucket: 4094") << quint64(4094) << quint64(2);
        QTest::newRow("first 4 µs bucket: 4096") << quint64(4096) << quint64(4);
        for (unsigned k = 13; k <= 31; ++k) {
            const quint64 width = quint64(1) << (k - 10);
            // A sub-bucket in the middle of the range and the last one of the range (the last
            // range's end lies above 1 h, where values are clamped).
            QTest::addRow("2^%u + 517 buckets", k) << ((quint64(1) << k) + 517 * width) << width;
            if (k < 31)
                QTest::addRow("last of 2^%u", k) << ((quint64(2) << k) - width) << width;
        }
    }
    void bucketsSplitExactlyAtTheirBoundaries()
    {
        QFETCH(quint64, lowestValue);
        QFETCH(quint64, bucketWidth);
        const std::uint64_t lowest = lowestValue;
        const std::uint64_t width = bucketWidth;
        const std::uint64_t highest = lowest + width - 1;
        const std::uint64_t nextLowest = lowest + width;

        // lowest and highest share a bucket, reported as its highest value ...
        Histogram histogram;
        histogram.record(lowest);
        histogram.record(highest);
        histogram.record(nextLowest);
        histogram.record(nextLowest + 1);
        QCOMPARE(histogram.percentileMicros(25), highest);
        QCOMPARE(histogram.percentileMicros(50), highest);
        // ... and the next value starts a new one (reported as its own highest, clamped to max).
        QCOMPARE(histogram.percentileMicros(75), std::min(nextLowest + width - 1, nextLowest + 1));

        // One below lowest belongs to the previous bucket, so it is reported exactly.
        if (lowest > 0) {
            Histogram neighbours;
            neighbours.record(lowest - 1);
            neighbours.record(lowest);
            QCOMPARE(neighbours.percentileMicros(50), lowest - 1);
        }
    }

    void percentileRankRoundsUp_data()
    {
        QTest::addColumn<int>("size"); // values 1..size µs, once each
        QTest::addColumn<double>("percentile");
        QTest::addColumn<quint64>("expected");
        QTest::newRow("p99.9 of 1000 is the 999th, not the 1000th") << 1000 << 99.9 << quint64(999);
        QTest::newRow("p99.95 of 1000 rounds up to the 1000th") << 1000 << 99.95 << quint64(1000);
        QTest::newRow("p0.1 of 1000 is the first") << 1000 << 0.1 << quint64(1);
        QTest::newRow("p0.05 of 1000 rounds up to the first") << 1000 << 0.05 << quint64(1);
        QTest::newRow("p50 of 4 is the 2nd") << 4 << 50.0 << quint64(2);
        QTest::newRow("p50.1 of 4 is the 3rd") << 4 << 50.1 << quint64(3);
        QTest::newRow("p90 of 10 is the 9th") << 10 << 90.0 << quint64(9);
        QTest::newRow("p99 of 100 is the 99th") << 100 << 99.0 << quint64(99);
        QTest::newRow("p33.3 of 3 is the 1st") << 3 << 33.3 << quint64(1);
        QTest::newRow("p0 is the min") << 1000 << 0.0 << quint64(1);
        QTest::newRow("p100 is the max") << 1000 << 100.0 << quint64(1000);
        QTest::newRow("above 100 is the max") << 1000 << 150.0 << quint64(1000);
        QTest::newRow("below 0 is the min") << 1000 << -5.0 << quint64(1);
    }
    void percentileRankRoundsUp()
    {
        QFETCH(int, size);
        QFETCH(double, percentile);
        QFETCH(quint64, expected);
        Histogram histogram;
        for (int v = 1; v <= size; ++v)
            histogram.record(std::uint64_t(v));
        QCOMPARE(histogram.percentileMicros(percentile), expected);
    }

    void statsAreInMilliseconds()
    {
        Histogram histogram;
        for (std::uint64_t v = 1; v <= 1000; ++v)
            histogram.record(v);
        const LatencyStats stats = histogram.stats();
        QCOMPARE(stats.count, std::uint64_t(1000));
        QCOMPARE(stats.minMs, 0.001);
        QCOMPARE(stats.meanMs, 0.5005);
        QCOMPARE(stats.p50Ms, 0.5);
        QCOMPARE(stats.p90Ms, 0.9);
        QCOMPARE(stats.p95Ms, 0.95);
        QCOMPARE(stats.p99Ms, 0.99);
        QCOMPARE(stats.maxMs, 1.0);
    }

    void mergingTwoHalvesEqualsOneHistogramOfAllValues_data()
    {
        QTest::addColumn<int>("distribution");
        QTest::addColumn<bool>("splitSorted"); // halves cover different ranges: merge must grow
        for (const bool sorted : {false, true}) {
            const char *how = sorted ? "low/high halves" : "alternate values";
            QTest::addRow("uniform, %s", how) << int(Distribution::Uniform1usTo10ms) << sorted;
            QTest::addRow("log-normal, %s", how) << int(Distribution::LogNormal) << sorted;
            QTest::addRow("1 µs - 1 h, %s", how) << int(Distribution::Span1usTo1h) << sorted;
            QTest::addRow("bimodal, %s", how) << int(Distribution::Bimodal) << sorted;
        }
    }
    void mergingTwoHalvesEqualsOneHistogramOfAllValues()
    {
        QFETCH(int, distribution);
        QFETCH(bool, splitSorted);
        std::vector<std::uint64_t> values = generate(Distribution(distribution), 4000);
        if (splitSorted)
            std::sort(values.begin(), values.end());
        Histogram first;
        Histogram second;
        for (std::size_t i = 0; i < values.size(); ++i) {
            const bool toFirst = splitSorted ? i < values.size() / 2 : i % 2 == 0;
            (toFirst ? first : second).record(values[i]);
        }
        const Histogram whole = histogramOf(values);

        Histogram firstThenSecond = first;
        firstThenSecond.merge(second);
        compareRankByRank(firstThenSecond, whole);
        Histogram secondThenFirst = second;
        secondThenFirst.merge(first);
        compareRankByRank(secondThenFirst, whole);
    }

    void mergingIntoEmptyHistogramCopiesIt_data()
    {
        QTest::addColumn<std::vector<std::uint64_t>>("values");
        QTest::newRow("1 µs - 1 h") << generate(Distribution::Span1usTo1h, 3000);
        // Each the last bucket of the vector that holds it: a merge must not stop one short.
        QTest::newRow("last 1 µs bucket") << std::vector<std::uint64_t>{2047};
        QTest::newRow("last bucket of 4 ms range") << std::vector<std::uint64_t>{1, 4095};
        QTest::newRow("last bucket of 2 s range") << std::vector<std::uint64_t>{(1 << 21) - 1};
        QTest::newRow("zero") << std::vector<std::uint64_t>{0};
    }
    void mergingIntoEmptyHistogramCopiesIt()
    {
        QFETCH(std::vector<std::uint64_t>, values);
        Histogram source = histogramOf(values);
        Histogram target;
        target.merge(source);
        compareRankByRank(target, source);

        // With a larger value on top, the merged buckets must still hold their ranks (the top
        // bucket alone cannot tell: its value is clamped to max anyway).
        source.record(Histogram::maxTrackableMicros);
        target.record(Histogram::maxTrackableMicros);
        compareRankByRank(target, source);
    }

    void mergingEmptyHistogramChangesNothing()
    {
        const Histogram source = histogramOf(generate(Distribution::LogNormal, 3000));
        Histogram target = source;
        target.merge(Histogram());
        compareRankByRank(target, source);

        Histogram emptied = histogramOf({5, 7'000'000});
        emptied.reset();
        target.merge(emptied); // empty but with allocated buckets and reset min/max
        compareRankByRank(target, source);
    }

    void emptyHistogramStatsAreAllZero()
    {
        const Histogram histogram;
        QCOMPARE(histogram.count(), std::uint64_t(0));
        QCOMPARE(histogram.minMicros(), std::uint64_t(0));
        QCOMPARE(histogram.maxMicros(), std::uint64_t(0));
        QCOMPARE(histogram.meanMicros(), 0.0);
        for (const double p : {0.0, 50.0, 99.9, 100.0})
            QCOMPARE(histogram.percentileMicros(p), std::uint64_t(0));
        compareStats(histogram.stats(), LatencyStats());
    }

    void resetForgetsValuesAndKeepsWorking()
    {
        Histogram histogram = histogramOf(generate(Distribution::Span1usTo1h, 2000));
        histogram.reset();
        QCOMPARE(histogram.count(), std::uint64_t(0));
        QCOMPARE(histogram.minMicros(), std::uint64_t(0));
        QCOMPARE(histogram.maxMicros(), std::uint64_t(0));
        QCOMPARE(histogram.percentileMicros(50), std::uint64_t(0));
        compareStats(histogram.stats(), LatencyStats());

        // Refilled with small values only: nothing of the old large ones may leak back in.
        const std::vector<std::uint64_t> values = generate(Distribution::Uniform1usTo10ms, 2000);
        for (const std::uint64_t v : values)
            histogram.record(v);
        compareRankByRank(histogram, histogramOf(values));
    }

    void valuesAboveOneHourAreClampedToOneHour()
    {
        constexpr std::uint64_t oneHour = Histogram::maxTrackableMicros;
        QCOMPARE(oneHour, std::uint64_t(3'600'000'000));
        Histogram histogram;
        histogram.record(oneHour + 1);
        histogram.record(10 * oneHour);
        histogram.recordCount(UINT64_MAX, 2); // must not overflow the sum either
        QCOMPARE(histogram.count(), std::uint64_t(4));
        QCOMPARE(histogram.minMicros(), oneHour);
        QCOMPARE(histogram.maxMicros(), oneHour);
        QCOMPARE(histogram.meanMicros(), double(oneHour));
        QCOMPARE(histogram.percentileMicros(50), oneHour);
        QCOMPARE(histogram.stats().p99Ms, 3'600'000.0);

        histogram.record(1000);
        QCOMPARE(histogram.minMicros(), std::uint64_t(1000));
        QCOMPARE(histogram.percentileMicros(20), std::uint64_t(1000));
        QCOMPARE(histogram.percentileMicros(21), oneHour);
    }

    void zeroIsAValue()
    {
        Histogram histogram;
        histogram.record(0);
        QCOMPARE(histogram.count(), std::uint64_t(1));
        QCOMPARE(histogram.minMicros(), std::uint64_t(0));
        QCOMPARE(histogram.maxMicros(), std::uint64_t(0));
        QCOMPARE(histogram.percentileMicros(100), std::uint64_t(0));
        QCOMPARE(histogram.stats().count, std::uint64_t(1));

        histogram.record(0);
        histogram.record(5);
        QCOMPARE(histogram.percentileMicros(66), std::uint64_t(0));
        QCOMPARE(histogram.percentileMicros(67), std::uint64_t(5));
        QCOMPARE(histogram.meanMicros(), 5.0 / 3.0);
    }

    void recordCountEqualsRepeatedRecord_data()
    {
        QTest::addColumn<quint64>("value");
        QTest::addColumn<quint64>("times");
        QTest::newRow("small") << quint64(17) << quint64(5);
        QTest::newRow("250 ms") << quint64(250'000) << quint64(1000);
        QTest::newRow("above 1 h") << quint64(5'000'000'000) << quint64(3);
    }
    void recordCountEqualsRepeatedRecord()
    {
        QFETCH(quint64, value);
        QFETCH(quint64, times);
        Histogram once;
        Histogram repeated;
        once.record(900);
        repeated.record(900);
        once.recordCount(value, times);
        for (quint64 i = 0; i < times; ++i)
            repeated.record(value);
        compareRankByRank(once, repeated);
    }

    void recordingZeroTimesChangesNothing()
    {
        Histogram histogram;
        histogram.recordCount(42, 0);
        compareStats(histogram.stats(), LatencyStats());
        histogram.record(1000);
        histogram.recordCount(1, 0);
        histogram.recordCount(5'000'000, 0);
        QCOMPARE(histogram.count(), std::uint64_t(1));
        QCOMPARE(histogram.minMicros(), std::uint64_t(1000));
        QCOMPARE(histogram.maxMicros(), std::uint64_t(1000));
    }
};

QTEST_GUILESS_MAIN(TestHistogram)
#include "tst_histogram.moc"
