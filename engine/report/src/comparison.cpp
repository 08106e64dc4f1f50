#include <loadwizard/comparison.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace Loadwizard {

namespace {

NameFigures figuresOf(std::uint64_t count, std::uint64_t errors, const LatencyStats &latency,
                      const Histogram *histogram, double seconds)
{
    NameFigures f;
    f.count = count;
    f.errors = errors;
    f.ratePerSecond = seconds > 0 ? double(count) / seconds : 0;
    f.errorRate = count ? double(errors) / double(count) : 0;
    // The merged histogram when the folder had one: every percentile over the whole run.
    f.latency = histogram && histogram->count() ? histogram->stats() : latency;
    return f;
}

void collect(const std::map<std::string, NameStats, std::less<>> &names, double seconds,
             std::map<std::string, NameFigures, std::less<>> &out)
{
    for (const auto &[name, stats] : names)
        out[name] =
            figuresOf(stats.count, stats.errors, stats.latency, stats.histogram.get(), seconds);
}

bool isLatency(CompareMetric metric)
{
    return metric != CompareMetric::ErrorRate && metric != CompareMetric::Rps &&
           metric != CompareMetric::Count;
}

std::string number(double value)
{
    if (value == 0)
        return "0";
    const double magnitude = std::fabs(value);
    if (magnitude >= 1000)
        return fmt::format("{:.0f}", value);
    if (magnitude >= 100)
        return fmt::format("{:.1f}", value);
    return fmt::format("{:.2f}", value);
}

std::string relativeChange(double before, double after)
{
    if (before == 0)
        return after == 0 ? "0 %" : "new";
    return fmt::format("{:+.1f} %", (after - before) / before * 100);
}

const char *mark(Change change)
{
    switch (change) {
    case Change::Better:
        return "✓";
    case Change::Worse:
        return "✗";
    case Change::Same:
        return "=";
    case Change::Neutral:
        break;
    }
    return " ";
}

/// "3.10 → 3.60 +16.1 % ✗" for one metric of one name.
std::string cell(const NameFigures &a, const NameFigures &b, CompareMetric metric)
{
    const double before = metricValue(a, metric);
    const double after = metricValue(b, metric);
    const Change change = classifyChange(metric, a, b);
    if (metric == CompareMetric::ErrorRate)
        return fmt::format("{:>6.2f} → {:<6.2f} {:>+7.2f} pp {}", before * 100, after * 100,
                           (after - before) * 100, mark(change));
    return fmt::format("{:>8} → {:<8} {:>8} {}", number(before), number(after),
                       relativeChange(before, after), mark(change));
}

constexpr CompareMetric tableMetrics[] = {CompareMetric::ErrorRate, CompareMetric::P50,
                                          CompareMetric::P90, CompareMetric::P95,
                                          CompareMetric::P99};

std::string header(const std::string &title, std::size_t width)
{
    std::string line = fmt::format("  {:<{}} {:>23}", title, width, "count A → B");
    for (CompareMetric metric : tableMetrics) {
        const std::string name = metric == CompareMetric::ErrorRate
                                     ? std::string("error %")
                                     : std::string(compareMetricName(metric)) + " ms";
        line += fmt::format("   {:<30}", name);
    }
    while (!line.empty() && line.back() == ' ')
        line.pop_back();
    return line + "\n";
}

std::string row(const std::string &name, const NameFigures &a, const NameFigures &b,
                std::size_t width)
{
    std::string line = fmt::format("  {:<{}} {:>9} → {:<9}  ", name, width, a.count, b.count);
    for (CompareMetric metric : tableMetrics)
        line += " " + cell(a, b, metric) + " ";
    while (!line.empty() && line.back() == ' ')
        line.pop_back();
    return line + "\n";
}

void section(std::string &out, const std::string &title,
             const std::map<std::string, NameFigures, std::less<>> &a,
             const std::map<std::string, NameFigures, std::less<>> &b)
{
    std::size_t width = title.size();
    for (const auto &[name, figures] : a)
        width = std::max(width, name.size());
    width = std::min<std::size_t>(width, 40);
    bool any = false;
    std::vector<std::string> onlyA;
    std::vector<std::string> onlyB;
    for (const auto &[name, figures] : a) {
        const auto other = b.find(name);
        if (other == b.end()) {
            onlyA.push_back(name);
            continue;
        }
        if (!any)
            out += "\n" + header(title, width);
        any = true;
        out += row(name, figures, other->second, width);
    }
    for (const auto &[name, figures] : b) {
        if (!a.contains(name))
            onlyB.push_back(name);
    }
    const auto list = [&](const char *which, const std::vector<std::string> &names,
                          const std::map<std::string, NameFigures, std::less<>> &in) {
        if (names.empty())
            return;
        out += fmt::format("\n  {} only in {}:\n", title, which);
        for (const std::string &name : names)
            out += fmt::format("    {}  (count {})\n", name, in.find(name)->second.count);
    };
    list("A", onlyA, a);
    list("B", onlyB, b);
}

} // namespace

RunFigures runFigures(const SavedRun &run)
{
    RunFigures figures;
    if (run.snapshots.empty())
        return figures;
    const Snapshot &last = *run.snapshots.back();
    figures.seconds =
        run.manifest.durationSeconds > 0 ? run.manifest.durationSeconds : last.elapsedSeconds;
    figures.total = figuresOf(last.total.requests, last.total.requestErrors, last.totalLatency,
                              last.totalHistogram.get(), figures.seconds);
    collect(last.requestsTotal, figures.seconds, figures.requests);
    collect(last.transactionsTotal, figures.seconds, figures.transactions);
    return figures;
}

std::string_view compareMetricName(CompareMetric metric)
{
    switch (metric) {
    case CompareMetric::P50:
        return "p50";
    case CompareMetric::P90:
        return "p90";
    case CompareMetric::P95:
        return "p95";
    case CompareMetric::P99:
        return "p99";
    case CompareMetric::Mean:
        return "mean";
    case CompareMetric::Max:
        return "max";
    case CompareMetric::ErrorRate:
        return "error_rate";
    case CompareMetric::Rps:
        return "rps";
    case CompareMetric::Count:
        return "count";
    }
    return "?";
}

double metricValue(const NameFigures &figures, CompareMetric metric)
{
    switch (metric) {
    case CompareMetric::P50:
        return figures.latency.p50Ms;
    case CompareMetric::P90:
        return figures.latency.p90Ms;
    case CompareMetric::P95:
        return figures.latency.p95Ms;
    case CompareMetric::P99:
        return figures.latency.p99Ms;
    case CompareMetric::Mean:
        return figures.latency.meanMs;
    case CompareMetric::Max:
        return figures.latency.maxMs;
    case CompareMetric::ErrorRate:
        return figures.errorRate;
    case CompareMetric::Rps:
        return figures.ratePerSecond;
    case CompareMetric::Count:
        return double(figures.count);
    }
    return 0;
}

Change classifyChange(CompareMetric metric, double before, double after)
{
    if (metric == CompareMetric::Count)
        return Change::Neutral;
    if (metric == CompareMetric::ErrorRate) {
        if (std::fabs(after - before) <= 0.001)
            return Change::Same;
        return after < before ? Change::Better : Change::Worse;
    }
    const double delta = after - before;
    const double band = std::max(std::fabs(before) * 0.05, isLatency(metric) ? 0.01 : 0.0);
    if (std::fabs(delta) <= band)
        return Change::Same;
    const bool lowerIsBetter = metric != CompareMetric::Rps;
    return (delta < 0) == lowerIsBetter ? Change::Better : Change::Worse;
}

Change classifyChange(CompareMetric metric, const NameFigures &a, const NameFigures &b)
{
    if (metric != CompareMetric::Count && (a.count == 0 || b.count == 0))
        return Change::Neutral;
    return classifyChange(metric, metricValue(a, metric), metricValue(b, metric));
}

std::string formatComparison(const RunFigures &a, const RunFigures &b, const std::string &labelA,
                             const std::string &labelB)
{
    std::string out;
    out += fmt::format("  A ............. {}\n", labelA);
    out += fmt::format("  B ............. {}\n", labelB);
    out += fmt::format("  duration ...... {:.1f} s → {:.1f} s\n", a.seconds, b.seconds);
    out += fmt::format(
        "  requests ...... {} → {}   rate {}/s → {}/s {} {}\n", a.total.count, b.total.count,
        number(a.total.ratePerSecond), number(b.total.ratePerSecond),
        relativeChange(a.total.ratePerSecond, b.total.ratePerSecond),
        mark(classifyChange(CompareMetric::Rps, a.total.ratePerSecond, b.total.ratePerSecond)));
    out += fmt::format("  error rate .... {}\n", cell(a.total, b.total, CompareMetric::ErrorRate));
    for (CompareMetric metric : {CompareMetric::P50, CompareMetric::P90, CompareMetric::P95,
                                 CompareMetric::P99, CompareMetric::Max}) {
        const std::string name(compareMetricName(metric));
        out += fmt::format("  {} ms {} {}\n", name, std::string(11 - name.size(), '.'),
                           cell(a.total, b.total, metric));
    }
    section(out, "TRANSACTIONS", a.transactions, b.transactions);
    section(out, "REQUESTS", a.requests, b.requests);
    out += "\n  ✓ better   ✗ worse   = the same (latency within ±5 % or ±0.01 ms, rate within "
           "±5 %, error rate within ±0.1 pp; no mark: no requests on one side)\n";
    return out;
}

} // namespace Loadwizard
