#include "resultsjson.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <zlib.h>

namespace Loadwizard {

namespace fs = std::filesystem;
using Results::Json;

namespace {

/// A folder from elsewhere (a CI artifact) is read only through its own regular files: a link
/// (to /etc/shadow, to a FIFO, to /dev/zero) would read what it points at, or block forever.
std::optional<Error> notARegularFile(const fs::path &path)
{
    std::error_code code;
    const fs::file_status status = fs::symlink_status(path, code);
    if (code || !fs::exists(status) || fs::is_regular_file(status))
        return std::nullopt;
    Error e;
    e.file = path.string();
    e.message = fs::is_symlink(status) ? "is a symbolic link: refused (a results folder holds "
                                         "its own files)"
                                       : "is not a regular file: refused";
    return e;
}

tl::expected<std::string, Error> readWhole(const fs::path &path, bool required)
{
    if (auto refused = notARegularFile(path))
        return tl::make_unexpected(std::move(*refused));
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (!required)
            return std::string();
        Error e;
        e.file = path.string();
        e.message = fs::exists(path) ? "cannot read" : "missing: not a Loadwizard results folder";
        return tl::make_unexpected(std::move(e));
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// A gzip file's text (or a plain file's: zlib reads those as they are). A stream cut short (the
/// writer was killed between two sync flushes) gives what it holds, with a warning.
tl::expected<std::string, Error> readCompressed(const fs::path &path,
                                                std::vector<std::string> &warnings)
{
    if (auto refused = notARegularFile(path))
        return tl::make_unexpected(std::move(*refused));
    std::string text;
    gzFile file = gzopen(path.c_str(), "rb");
    if (!file) {
        Error e;
        e.file = path.string();
        e.message = std::string("cannot read: ") + std::strerror(errno ? errno : ENOMEM);
        return tl::make_unexpected(std::move(e));
    }
    char buffer[1 << 16];
    for (;;) {
        const int n = gzread(file, buffer, sizeof buffer);
        if (n > 0) {
            text.append(buffer, std::size_t(n));
            continue;
        }
        // At the end: Z_OK after a whole stream, Z_BUF_ERROR in the middle of one (zlib's
        // gzread documentation), anything else is corruption.
        int code = Z_OK;
        const std::string message = gzerror(file, &code);
        if (code == Z_BUF_ERROR) {
            warnings.push_back(path.filename().string() +
                               " ends early (the run was killed while writing it): read up to "
                               "its last complete interval");
        } else if (n < 0 || code != Z_OK) {
            gzclose(file);
            Error e;
            e.file = path.string();
            e.message = "cannot decompress: " + message;
            return tl::make_unexpected(std::move(e));
        }
        break;
    }
    gzclose(file);
    return text;
}

/// A .jsonl file's objects. A last line without its newline (the writer was killed in the middle
/// of it) that does not parse is dropped with a warning; any other bad line is an error.
tl::expected<std::vector<Json>, Error> readLines(const fs::path &path,
                                                 std::vector<std::string> &warnings)
{
    auto text = path.extension() == ".gz" ? readCompressed(path, warnings) : readWhole(path, false);
    if (!text)
        return tl::make_unexpected(text.error());
    std::vector<Json> lines;
    std::size_t start = 0;
    int number = 0;
    while (start < text->size()) {
        ++number;
        std::size_t end = text->find('\n', start);
        const bool last = end == std::string::npos;
        if (last)
            end = text->size();
        const std::string_view line(text->data() + start, end - start);
        start = end + 1;
        if (line.empty())
            continue;
        Json j = Json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object()) {
            if (last) {
                warnings.push_back(path.filename().string() + ": line " + std::to_string(number) +
                                   " was cut short (the run was killed while writing it): "
                                   "ignored");
                break;
            }
            Error e;
            e.file = path.string();
            e.line = number;
            e.message = "not a JSON object";
            return tl::make_unexpected(std::move(e));
        }
        lines.push_back(std::move(j));
    }
    return lines;
}

/// One name's totals, rebuilt from the intervals.
struct NameTotal
{
    Histogram histogram;
    Histogram intended;
    std::uint64_t count = 0;
    std::uint64_t errors = 0;
    TimingBreakdown timingSums; ///< each phase's mean times the count, summed
    std::uint64_t timedCount = 0;
};

using NameMap = std::map<std::string, NameStats, std::less<>>;

/// What the run and each group accumulate.
struct PartTotals
{
    std::map<std::string, NameTotal, std::less<>> requests, transactions;
    std::map<std::string, CheckStats, std::less<>> checks;
    Histogram all, intended;
    Counters total;
    long long maxVusers = 0;
    long long maxPlannedVusers = 0;
};

struct Reader
{
    const fs::path &file; // histograms.jsonl, for errors
    int line = 0;

    tl::expected<std::shared_ptr<const HistogramBuckets>, Error> buckets(const Json &j) const
    {
        std::string problem;
        auto parsed = Results::bucketsFrom(j, problem);
        if (!parsed) {
            Error e;
            e.file = file.string();
            e.line = line;
            e.message = problem;
            return tl::make_unexpected(std::move(e));
        }
        return std::make_shared<const HistogramBuckets>(std::move(*parsed));
    }

    /// A part's interval figures (series) and histograms into `counters`, `latency`, the name
    /// maps, and the running totals.
    tl::expected<void, Error>
    readPart(const Json &series, const Json *histograms, PartTotals &totals, Counters &interval,
             Counters &total, LatencyStats &intervalLatency, LatencyStats &intervalIntendedLatency,
             std::shared_ptr<const HistogramBuckets> &intervalBuckets,
             std::shared_ptr<const HistogramBuckets> &intendedBuckets, ArrivalStats &arrivals,
             NameMap &requests, NameMap &transactions,
             std::map<std::string, CheckStats, std::less<>> &checks,
             std::map<std::string, TimingBreakdown, std::less<>> *timings)
    {
        interval = Results::countersFrom(series.value("counters", Json::object()));
        totals.total.add(interval);
        total = totals.total;
        intervalLatency = Results::latencyFrom(series.value("latency", Json::object()));
        intervalIntendedLatency =
            Results::latencyFrom(series.value("intended_latency", Json::object()));
        if (const auto a = series.find("arrivals"); a != series.end() && a->is_object()) {
            arrivals.open = true;
            arrivals.plannedRate = a->value("planned_rate", 0.0);
            arrivals.achievedRate = a->value("achieved_rate", 0.0);
            arrivals.poolSize = a->value("pool_size", 0LL);
            arrivals.poolIdle = a->value("pool_idle", 0LL);
            arrivals.poolMax = a->value("pool_max", 0LL);
            arrivals.planned = a->value("planned", std::uint64_t(0));
        }
        const auto histogram = [&](const char *key) -> const Json * {
            if (!histograms)
                return nullptr;
            const auto it = histograms->find(key);
            return it != histograms->end() && it->is_object() ? &*it : nullptr;
        };
        if (const Json *all = histogram("all")) {
            auto parsed = buckets(*all);
            if (!parsed)
                return tl::make_unexpected(parsed.error());
            intervalBuckets = *parsed;
            totals.all.merge(**parsed);
        }
        if (const Json *all = histogram("intended")) {
            auto parsed = buckets(*all);
            if (!parsed)
                return tl::make_unexpected(parsed.error());
            intendedBuckets = *parsed;
            totals.intended.merge(**parsed);
        }
        const auto names =
            [&](const char *key, const char *histogramKey, const char *intendedKey, NameMap &out,
                std::map<std::string, NameTotal, std::less<>> &sums) -> tl::expected<void, Error> {
            const auto list = series.find(key);
            if (list == series.end() || !list->is_object())
                return {};
            const Json *histogramsOf = histogram(histogramKey);
            const Json *intendedOf = intendedKey ? histogram(intendedKey) : nullptr;
            for (const auto &[name, entry] : list->items()) {
                if (!entry.is_object())
                    continue;
                NameStats stats;
                stats.count = entry.value("count", std::uint64_t(0));
                stats.errors = entry.value("errors", std::uint64_t(0));
                stats.latency = Results::latencyFrom(entry.value("latency", Json::object()));
                stats.intendedLatency =
                    Results::latencyFrom(entry.value("intended_latency", Json::object()));
                NameTotal &sum = sums[name];
                sum.count += stats.count;
                sum.errors += stats.errors;
                if (histogramsOf) {
                    if (const auto h = histogramsOf->find(name); h != histogramsOf->end()) {
                        auto parsed = buckets(*h);
                        if (!parsed)
                            return tl::make_unexpected(parsed.error());
                        stats.buckets = *parsed;
                        sum.histogram.merge(**parsed);
                    }
                }
                if (intendedOf) {
                    if (const auto h = intendedOf->find(name); h != intendedOf->end()) {
                        auto parsed = buckets(*h);
                        if (!parsed)
                            return tl::make_unexpected(parsed.error());
                        stats.intendedBuckets = *parsed;
                        sum.intended.merge(**parsed);
                    }
                }
                if (const auto t = entry.find("timings_ms"); timings && t != entry.end()) {
                    const TimingBreakdown b{t->value("dns", 0.0), t->value("connect", 0.0),
                                            t->value("tls", 0.0), t->value("ttfb", 0.0),
                                            t->value("total", 0.0)};
                    (*timings)[name] = b;
                    const double n = double(stats.count);
                    sum.timingSums.dnsMs += b.dnsMs * n;
                    sum.timingSums.connectMs += b.connectMs * n;
                    sum.timingSums.tlsMs += b.tlsMs * n;
                    sum.timingSums.ttfbMs += b.ttfbMs * n;
                    sum.timingSums.totalMs += b.totalMs * n;
                    sum.timedCount += stats.count;
                }
                out.emplace(name, std::move(stats));
            }
            return {};
        };
        if (auto ok = names("requests", "requests", "requests_intended", requests, totals.requests);
            !ok)
            return ok;
        if (auto ok =
                names("transactions", "transactions", nullptr, transactions, totals.transactions);
            !ok)
            return ok;
        if (const auto list = series.find("checks"); list != series.end() && list->is_object()) {
            for (const auto &[name, entry] : list->items()) {
                CheckStats &sum = totals.checks[name];
                sum.passes += entry.value("passes", std::uint64_t(0));
                sum.fails += entry.value("fails", std::uint64_t(0));
            }
        }
        checks = totals.checks;
        return {};
    }
};

/// The totals of every name, with their histograms, into a (final) snapshot's maps.
void fillTotals(const PartTotals &totals, bool intended, NameMap &requests, NameMap &transactions,
                std::map<std::string, TimingBreakdown, std::less<>> *timings)
{
    const auto fill = [intended](const auto &sums, NameMap &out) {
        for (const auto &[name, sum] : sums) {
            NameStats stats;
            stats.count = sum.count;
            stats.errors = sum.errors;
            stats.latency = sum.histogram.stats();
            if (intended)
                stats.intendedLatency = sum.intended.stats();
            stats.histogram = std::make_shared<const Histogram>(sum.histogram);
            out[name] = std::move(stats);
        }
    };
    fill(totals.requests, requests);
    fill(totals.transactions, transactions);
    if (timings) {
        for (const auto &[name, sum] : totals.requests) {
            if (sum.timedCount == 0)
                continue;
            const double n = double(sum.timedCount);
            (*timings)[name] = {sum.timingSums.dnsMs / n, sum.timingSums.connectMs / n,
                                sum.timingSums.tlsMs / n, sum.timingSums.ttfbMs / n,
                                sum.timingSums.totalMs / n};
        }
    }
}

} // namespace

tl::expected<ResultsManifest, Error> loadResultsManifest(const std::string &folder)
{
    const fs::path path = fs::path(folder) / "manifest.json";
    auto text = readWhole(path, true);
    if (!text)
        return tl::make_unexpected(text.error());
    const Json j = Json::parse(*text, nullptr, false);
    Error e;
    e.file = path.string();
    if (j.is_discarded()) {
        e.message = "not valid JSON";
        return tl::make_unexpected(std::move(e));
    }
    auto manifest = Results::manifestFrom(j);
    if (!manifest) {
        e.message = manifest.error();
        return tl::make_unexpected(std::move(e));
    }
    return *manifest;
}

namespace {

/// Where loadResultsFrom() is, for a value of the wrong type in a hand-edited file.
struct ReadPosition
{
    fs::path file;
    int line = 0;
};

tl::expected<SavedRun, Error> loadResultsFrom(const std::string &folder, ReadPosition &at);

} // namespace

tl::expected<SavedRun, Error> loadResults(const std::string &folder)
{
    ReadPosition at;
    try {
        return loadResultsFrom(folder, at);
    } catch (const nlohmann::json::exception &e) {
        // nlohmann's value() and get() throw on a key of the wrong type ("t": "x").
        Error error;
        error.file = at.file.string();
        error.line = at.line;
        error.message = std::string("a value of the wrong type: ") + e.what();
        return tl::make_unexpected(std::move(error));
    }
}

namespace {

tl::expected<SavedRun, Error> loadResultsFrom(const std::string &folder, ReadPosition &at)
{
    std::error_code code;
    if (!fs::is_directory(folder, code)) {
        Error e;
        e.file = folder;
        e.message = fs::exists(folder, code) ? "not a folder" : "no such folder";
        return tl::make_unexpected(std::move(e));
    }
    auto manifest = loadResultsManifest(folder);
    if (!manifest)
        return tl::make_unexpected(manifest.error());
    SavedRun run;
    run.folder = fs::absolute(folder, code).lexically_normal().string();
    run.manifest = std::move(*manifest);
    const fs::path base(folder);
    // The series and the histograms make the run's numbers: without them a report or a
    // comparison would show zeros as if measured.
    for (const char *required : {"series.jsonl", "histograms.jsonl"}) {
        const fs::path path = base / required;
        fs::path compressed = path;
        compressed += ".gz";
        if (!fs::exists(fs::symlink_status(path, code)) &&
            !fs::exists(fs::symlink_status(compressed, code))) {
            Error e;
            e.file = (std::string(required) == "histograms.jsonl" ? compressed : path).string();
            e.message = "missing: the results folder is incomplete";
            return tl::make_unexpected(std::move(e));
        }
    }
    auto series = readLines(base / "series.jsonl", run.warnings);
    if (!series)
        return tl::make_unexpected(series.error());
    // Compressed as written; plain when someone decompressed it.
    fs::path histogramsFile = base / "histograms.jsonl.gz";
    if (!fs::exists(histogramsFile, code) && fs::exists(base / "histograms.jsonl", code))
        histogramsFile = base / "histograms.jsonl";
    auto histograms = readLines(histogramsFile, run.warnings);
    if (!histograms)
        return tl::make_unexpected(histograms.error());
    auto events = readLines(base / "events.jsonl", run.warnings);
    if (!events)
        return tl::make_unexpected(events.error());
    if (auto summary = readWhole(base / "summary.json", false); summary)
        run.summaryJson = std::move(*summary);

    at.file = base / "events.jsonl";
    for (const Json &j : *events) {
        ++at.line;
        if (!j.contains("message"))
            continue; // a "dropped" line
        LogEvent event;
        event.elapsedSeconds = j.value("t", 0.0);
        event.level = j.value("level", std::string("error"));
        event.message = j.value("message", std::string());
        event.errorClass =
            Results::errorClassFrom(j.value("class", std::string())).value_or(ErrorClass::Other);
        event.vuser = j.value("vuser", std::uint64_t(0));
        const std::string kind = j.value("kind", std::string());
        event.kind = kind == "vusers_changed" ? EventKind::VusersChanged
                     : kind == "paused"       ? EventKind::Paused
                     : kind == "resumed"      ? EventKind::Resumed
                                              : EventKind::Other;
        event.amount = j.value("amount", 0LL);
        run.events.push_back(std::move(event));
    }

    PartTotals runTotals;
    std::vector<PartTotals> groupTotals;
    std::size_t nextEvent = 0;
    Reader reader{histogramsFile};
    for (std::size_t i = 0; i < series->size(); ++i) {
        const Json &line = (*series)[i];
        at.file = base / "series.jsonl";
        at.line = int(i) + 1;
        // Matched by position, checked by time: a histograms line torn off by a kill is missing.
        const Json *histogramLine = nullptr;
        if (i < histograms->size() &&
            std::abs((*histograms)[i].value("t", -1.0) - line.value("t", 0.0)) < 1e-6)
            histogramLine = &(*histograms)[i];
        reader.line = int(i) + 1;
        auto snapshot = std::make_shared<Snapshot>();
        snapshot->sequence = i + 1;
        snapshot->elapsedSeconds = line.value("t", 0.0);
        snapshot->intervalSeconds = line.value("dt", 0.0);
        snapshot->plannedSeconds = run.manifest.plannedSeconds;
        const std::string state = line.value("state", std::string("running"));
        snapshot->state = state == "finished"   ? RunState::Finished
                          : state == "stopping" ? RunState::Stopping
                                                : RunState::Running;
        snapshot->final = line.value("final", false);
        snapshot->activeVusers = line.value("vusers", 0LL);
        snapshot->plannedVusers = line.value("planned_vusers", 0LL);
        runTotals.maxVusers =
            std::max({runTotals.maxVusers, snapshot->activeVusers, line.value("max_vusers", 0LL)});
        runTotals.maxPlannedVusers = std::max({runTotals.maxPlannedVusers, snapshot->plannedVusers,
                                               line.value("max_planned_vusers", 0LL)});
        snapshot->maxVusers = runTotals.maxVusers;
        snapshot->maxPlannedVusers = runTotals.maxPlannedVusers;
        auto ok = reader.readPart(
            line, histogramLine, runTotals, snapshot->interval, snapshot->total,
            snapshot->intervalLatency, snapshot->intervalIntendedLatency, snapshot->intervalBuckets,
            snapshot->intervalIntendedBuckets, snapshot->arrivals, snapshot->requestsInterval,
            snapshot->transactionsInterval, snapshot->checks, &snapshot->timingsInterval);
        if (!ok)
            return tl::make_unexpected(ok.error());
        snapshot->totalLatency = runTotals.all.stats();
        snapshot->totalIntendedLatency = runTotals.intended.stats();
        if (const auto r = line.find("rendezvous"); r != line.end() && r->is_object()) {
            for (const auto &[name, e] : r->items())
                snapshot->rendezvous[name] = {
                    e.value("arrivals", std::uint64_t(0)), e.value("releases", std::uint64_t(0)),
                    e.value("timeouts", std::uint64_t(0)), e.value("released", std::uint64_t(0)),
                    e.value("mean_wait_ms", 0.0),          e.value("max_wait_ms", 0.0)};
        }
        if (const auto data = line.find("data"); data != line.end() && data->is_object()) {
            for (const auto &[name, e] : data->items())
                snapshot->data[name] = {
                    e.value("strategy", std::string()), e.value("rows", std::uint64_t(0)),
                    e.value("handed_out", std::uint64_t(0)), e.value("exhausted", false)};
        }
        snapshot->incomplete = line.value("incomplete", std::string());
        snapshot->stoppedByData = line.value("stopped_by_data", std::string());
        if (const auto groups = line.find("groups"); groups != line.end() && groups->is_array()) {
            groupTotals.resize(std::max(groupTotals.size(), groups->size()));
            const Json *histogramGroups = nullptr;
            if (histogramLine) {
                const auto it = histogramLine->find("groups");
                if (it != histogramLine->end() && it->is_array())
                    histogramGroups = &*it;
            }
            for (std::size_t g = 0; g < groups->size(); ++g) {
                const Json &part = (*groups)[g];
                GroupSnapshot &group = snapshot->groups.emplace_back();
                PartTotals &totals = groupTotals[g];
                group.name = part.value("name", std::string());
                group.activeVusers = part.value("vusers", 0LL);
                group.plannedVusers = part.value("planned_vusers", 0LL);
                totals.maxVusers =
                    std::max({totals.maxVusers, group.activeVusers, part.value("max_vusers", 0LL)});
                totals.maxPlannedVusers = std::max({totals.maxPlannedVusers, group.plannedVusers,
                                                    part.value("max_planned_vusers", 0LL)});
                group.maxVusers = totals.maxVusers;
                group.maxPlannedVusers = totals.maxPlannedVusers;
                const Json *histogramPart = histogramGroups && g < histogramGroups->size()
                                                ? &(*histogramGroups)[g]
                                                : nullptr;
                auto read = reader.readPart(
                    part, histogramPart, totals, group.interval, group.total, group.intervalLatency,
                    group.intervalIntendedLatency, group.intervalBuckets,
                    group.intervalIntendedBuckets, group.arrivals, group.requestsInterval,
                    group.transactionsInterval, group.checks, nullptr);
                if (!read)
                    return tl::make_unexpected(read.error());
                group.totalLatency = totals.all.stats();
                group.totalIntendedLatency = totals.intended.stats();
            }
        }
        // The events of this interval: up to its end.
        while (nextEvent < run.events.size() &&
               (run.events[nextEvent].elapsedSeconds <= snapshot->elapsedSeconds + 1e-9 ||
                i + 1 == series->size())) {
            snapshot->events.push_back(run.events[nextEvent]);
            ++nextEvent;
        }
        run.snapshots.push_back(std::move(snapshot));
    }

    if (!run.snapshots.empty()) {
        // The last one carries every name's totals (a copy: the others are shared, const).
        auto last = std::make_shared<Snapshot>(*run.snapshots.back());
        const bool intended = last->arrivals.open;
        fillTotals(runTotals, intended, last->requestsTotal, last->transactionsTotal,
                   &last->timings);
        last->totalHistogram = std::make_shared<const Histogram>(runTotals.all);
        for (std::size_t g = 0; g < last->groups.size() && g < groupTotals.size(); ++g) {
            GroupSnapshot &group = last->groups[g];
            fillTotals(groupTotals[g], group.arrivals.open, group.requestsTotal,
                       group.transactionsTotal, nullptr);
            group.totalHistogram = std::make_shared<const Histogram>(groupTotals[g].all);
        }
        // The run's most frequent errors: the summary's when it was written, else counted
        // from the log (which keeps a few hundred events per interval).
        const Json summary = Json::parse(run.summaryJson, nullptr, false);
        at.file = base / "summary.json";
        at.line = 0;
        if (summary.is_object() && summary.contains("error_messages") &&
            summary["error_messages"].is_array()) {
            for (const Json &e : summary["error_messages"]) {
                last->topErrors.push_back({e.value("message", std::string()),
                                           Results::errorClassFrom(e.value("class", std::string()))
                                               .value_or(ErrorClass::Other),
                                           e.value("count", std::uint64_t(0)),
                                           e.value("sample", std::string())});
            }
        } else {
            std::map<std::string, ErrorMessageCount> counted;
            for (const LogEvent &event : run.events) {
                if (event.level != "error")
                    continue;
                auto &entry = counted[event.message];
                entry.message = event.message;
                entry.errorClass = event.errorClass;
                ++entry.count;
            }
            for (auto &[message, entry] : counted)
                last->topErrors.push_back(std::move(entry));
            std::sort(last->topErrors.begin(), last->topErrors.end(),
                      [](const auto &a, const auto &b) {
                          return a.count != b.count ? a.count > b.count : a.message < b.message;
                      });
            if (last->topErrors.size() > 20)
                last->topErrors.resize(20);
        }
        run.snapshots.back() = std::move(last);
    }
    // A killed run's manifest has no duration: its last interval's end is the best there is.
    if (run.manifest.durationSeconds <= 0 && !run.snapshots.empty())
        run.manifest.durationSeconds = run.snapshots.back()->elapsedSeconds;
    if (!run.manifest.incomplete.empty())
        run.warnings.push_back("incomplete results: " + run.manifest.incomplete);
    if (run.manifest.intervalsDropped)
        run.warnings.push_back(std::to_string(run.manifest.intervalsDropped) +
                               " intervals were dropped: the disk did not keep up");
    if (run.manifest.status == RunEnding::Running)
        run.warnings.push_back("the run has no recorded end: it was killed, or is still running");
    return run;
}

} // namespace

std::vector<SavedRunListing> listSavedRuns(const std::string &resultsFolder)
{
    std::vector<SavedRunListing> out;
    std::error_code code;
    for (const auto &entry : fs::directory_iterator(resultsFolder, code)) {
        if (!entry.is_directory(code))
            continue;
        auto manifest = loadResultsManifest(entry.path().string());
        if (!manifest)
            continue;
        SavedRunListing listing;
        listing.folder = entry.path().string();
        listing.manifest = std::move(*manifest);
        auto summaryText = readWhole(entry.path() / "summary.json", false);
        const Json summary =
            summaryText ? Json::parse(*summaryText, nullptr, false) : Json(nullptr);
        bool read = false;
        if (summary.is_object()) {
            try {
                listing.peakVusers = summary.value("/vusers/max"_json_pointer, 0LL);
                listing.requests = summary.value("/requests/count"_json_pointer, std::uint64_t(0));
                const auto errors =
                    summary.value("/requests/errors"_json_pointer, std::uint64_t(0));
                listing.errorPercent =
                    listing.requests ? 100.0 * double(errors) / double(listing.requests) : 0.0;
                listing.p95Ms = summary.value("/latency/p95_ms"_json_pointer, 0.0);
                read = true;
            } catch (const nlohmann::json::exception &) {
                // A hand-edited summary: the figures are rebuilt from the series below.
            }
        }
        if (auto saved = read ? tl::expected<SavedRun, Error>(tl::unexpect, Error{})
                              : loadResults(listing.folder);
            saved && !saved->snapshots.empty()) {
            // Killed: no summary, the figures rebuilt from the series.
            const Snapshot &last = *saved->snapshots.back();
            listing.manifest.durationSeconds = saved->manifest.durationSeconds;
            listing.peakVusers = last.maxVusers;
            listing.requests = last.total.requests;
            listing.errorPercent = last.total.requests ? 100.0 * double(last.total.requestErrors) /
                                                             double(last.total.requests)
                                                       : 0.0;
            listing.p95Ms = last.totalLatency.p95Ms;
        }
        out.push_back(std::move(listing));
    }
    std::sort(out.begin(), out.end(), [](const SavedRunListing &a, const SavedRunListing &b) {
        return a.manifest.started > b.manifest.started;
    });
    return out;
}

} // namespace Loadwizard
