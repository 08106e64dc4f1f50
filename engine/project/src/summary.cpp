#include <loadwizard/summary.h>

#include <algorithm>
#include <cmath>
#include <iterator>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace Loadwizard {

namespace {

/// Appends to `out`; the format string is checked at compile time.
template <typename... Args>
void append(std::string &out, fmt::format_string<Args...> format, Args &&...args)
{
    fmt::format_to(std::back_inserter(out), format, std::forward<Args>(args)...);
}

std::string bytes(std::uint64_t value)
{
    const char *units[] = {"B", "kB", "MB", "GB", "TB"};
    double v = double(value);
    int unit = 0;
    while (v >= 1000 && unit < 4) {
        v /= 1000;
        ++unit;
    }
    return unit == 0 ? fmt::format("{} B", value) : fmt::format("{:.1f} {}", v, units[unit]);
}

double rate(std::uint64_t count, double seconds)
{
    return seconds > 0 ? double(count) / seconds : 0.0;
}

void nameTable(std::string &out, std::string_view title,
               const std::map<std::string, NameStats, std::less<>> &rows, double seconds)
{
    if (rows.empty())
        return;
    std::size_t width = title.size();
    for (const auto &[name, row] : rows)
        width = std::max(width, std::min<std::size_t>(name.size(), 60));
    append(out, "\n  {:<{}} {:>9} {:>9} {:>8} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}\n", title,
           width, "count", "rate/s", "errors", "min", "mean", "p50", "p90", "p95", "p99", "max");
    for (const auto &[name, row] : rows) {
        const auto &l = row.latency;
        std::string shown = name.size() > 60 ? name.substr(0, 57) + "..." : name;
        append(
            out,
            "  {:<{}} {:>9} {:>9.1f} {:>8} {:>9.2f} {:>9.2f} {:>9.2f} {:>9.2f} {:>9.2f} {:>9.2f} "
            "{:>9.2f}\n",
            shown, width, row.count, rate(row.count, seconds), row.errors, l.minMs, l.meanMs,
            l.p50Ms, l.p90Ms, l.p95Ms, l.p99Ms, l.maxMs);
    }
}

nlohmann::json statsJson(const NameStats &row)
{
    const auto &l = row.latency;
    return {{"count", row.count},  {"errors", row.errors}, {"min_ms", l.minMs},
            {"mean_ms", l.meanMs}, {"p50_ms", l.p50Ms},    {"p90_ms", l.p90Ms},
            {"p95_ms", l.p95Ms},   {"p99_ms", l.p99Ms},    {"max_ms", l.maxMs}};
}

/// What the run and each of its groups have alike: counters, latency, arrivals, names, checks.
struct Part
{
    const Counters &total;
    const LatencyStats &latency;
    const LatencyStats &intendedLatency;
    const ArrivalStats &arrivals;
    const std::map<std::string, NameStats, std::less<>> &transactions;
    const std::map<std::string, NameStats, std::less<>> &requests;
    const std::map<std::string, CheckStats, std::less<>> &checks;
    /// The run's only (the groups' requests are not broken down by phase).
    const std::map<std::string, TimingBreakdown, std::less<>> *timings = nullptr;
};

Part partOf(const Snapshot &s)
{
    return {s.total,    s.totalLatency,      s.totalIntendedLatency,
            s.arrivals, s.transactionsTotal, s.requestsTotal,
            s.checks,   &s.timings};
}

Part partOf(const GroupSnapshot &g)
{
    return {g.total,    g.totalLatency,      g.totalIntendedLatency,
            g.arrivals, g.transactionsTotal, g.requestsTotal,
            g.checks};
}

/// The keys the top level and each entry of `groups` share.
void partJson(nlohmann::json &j, const Part &p, double seconds)
{
    const auto &t = p.total;
    j["requests"] = {{"count", t.requests},
                     {"errors", t.requestErrors},
                     {"rate_per_s", rate(t.requests, seconds)},
                     {"bytes_in", t.bytesIn},
                     {"bytes_out", t.bytesOut}};
    j["latency"] = statsJson({t.requests, t.requestErrors, p.latency});
    j["iterations"] = t.iterations;
    j["iterations_failed"] = t.iterationsFailed;
    j["iterations_interrupted"] = t.iterationsInterrupted;
    j["iterations_started"] = t.iterationsStarted;
    j["iterations_dropped"] = t.iterationsDropped;
    j["model"] = p.arrivals.open ? "open" : "closed";
    if (p.arrivals.open) {
        // "latency" stays the service time in both models; this is the corrected one.
        j["latency_from_intended_start"] =
            statsJson({t.requests, t.requestErrors, p.intendedLatency});
        j["arrivals"] = {{"planned", p.arrivals.planned},
                         {"started", t.iterationsStarted},
                         {"dropped", t.iterationsDropped},
                         {"pool_max", p.arrivals.poolMax}};
    }
    j["vuser_init_failures"] = t.vuserInitFailures;
    j["transactions"] = nlohmann::json::object();
    for (const auto &[name, row] : p.transactions)
        j["transactions"][name] = statsJson(row);
    j["requests_by_name"] = nlohmann::json::object();
    for (const auto &[name, row] : p.requests) {
        auto entry = statsJson(row);
        if (p.arrivals.open)
            entry["from_intended_start"] = statsJson({row.count, row.errors, row.intendedLatency});
        const auto timing = p.timings ? p.timings->find(name) : decltype(p.timings->end())();
        if (p.timings && timing != p.timings->end()) {
            const auto &b = timing->second;
            entry["timings_ms"] = {{"dns", b.dnsMs},
                                   {"connect", b.connectMs},
                                   {"tls", b.tlsMs},
                                   {"ttfb", b.ttfbMs},
                                   {"total", b.totalMs}};
        }
        j["requests_by_name"][name] = entry;
    }
    j["checks"] = nlohmann::json::object();
    for (const auto &[name, c] : p.checks)
        j["checks"][name] = {{"passes", c.passes}, {"fails", c.fails}};
    j["errors_by_class"] = nlohmann::json::object();
    for (std::size_t i = 0; i < errorClassCount; ++i)
        j["errors_by_class"][std::string(errorClassName(ErrorClass(i)))] = t.errors[i];
}

void latencyLine(std::string &out, std::string_view indent, const char *label,
                 const LatencyStats &l, const char *note)
{
    append(out,
           "{}{} min {:.2f}  mean {:.2f}  p50 {:.2f}  p90 {:.2f}  p95 {:.2f}  p99 {:.2f}  "
           "max {:.2f} ms{}\n",
           indent, label, l.minMs, l.meanMs, l.p50Ms, l.p90Ms, l.p95Ms, l.p99Ms, l.maxMs, note);
}

/// Requests, latency, iterations, arrivals and vuser init: the run's lines and each group's.
void partLines(std::string &out, const Part &p, double seconds, std::string_view indent)
{
    const auto &t = p.total;
    append(out, "{}requests ...... {}   {:.1f}/s   errors {} ({:.2f} %)\n", indent, t.requests,
           rate(t.requests, seconds), t.requestErrors,
           t.requests ? 100.0 * double(t.requestErrors) / double(t.requests) : 0.0);
    if (p.arrivals.open) {
        // Both, named: users compare the first with what their users see, the second with the
        // server's own logs.
        // Not labelled "latency": that word is the service time in --summary-json and in a
        // threshold without {from=intended}.
        latencyLine(out, indent, "from intended .", p.intendedLatency,
                    "  (latency from the intended start)");
        latencyLine(out, indent, "service time ..", p.latency, "  (send to response)");
    } else {
        latencyLine(out, indent, "latency .......", p.latency, "");
    }
    append(out, "{}iterations .... {}   {:.2f}/s   failed {}   interrupted {}", indent,
           t.iterations, rate(t.iterations, seconds), t.iterationsFailed, t.iterationsInterrupted);
    // A mix of open and closed groups: the open groups' drops, at the run's level too.
    if (!p.arrivals.open && t.iterationsDropped)
        append(out, "   dropped {}", t.iterationsDropped);
    out += '\n';
    if (p.arrivals.open)
        append(out, "{}arrivals ...... planned {}   started {}   dropped {}   pool max {} vusers\n",
               indent, p.arrivals.planned, t.iterationsStarted, t.iterationsDropped,
               p.arrivals.poolMax);
    if (t.vuserInitFailures)
        append(out, "{}vuser init .... failed {} (those vusers never iterated)\n", indent,
               t.vuserInitFailures);
}

void checksLine(std::string &out, const Counters &t, std::string_view indent)
{
    const auto checks = t.checksPassed + t.checksFailed;
    if (checks) {
        append(out, "{}checks ........ {:.2f} %   passed {}   failed {}\n", indent,
               100.0 * double(t.checksPassed) / double(checks), t.checksPassed, t.checksFailed);
    }
}

void checkRows(std::string &out, const std::map<std::string, CheckStats, std::less<>> &checks,
               std::string_view title)
{
    if (checks.empty())
        return;
    append(out, "\n  {}\n", title);
    for (const auto &[name, c] : checks)
        append(out, "  {} {:<40} passed {}   failed {}\n", c.fails ? "✗" : "✓", name, c.passes,
               c.fails);
}

/// One group of a run with groups: its figures, then its names' tables, titled with its name.
void groupSection(std::string &out, const GroupSnapshot &g, double seconds)
{
    append(out, "\n  GROUP {}\n", g.name);
    if (g.arrivals.open)
        append(out, "    vusers ........ max {}   pool max {}\n", g.maxVusers, g.arrivals.poolMax);
    else
        append(out, "    vusers ........ max {} of {} planned\n", g.maxVusers, g.maxPlannedVusers);
    partLines(out, partOf(g), seconds, "    ");
    checksLine(out, g.total, "    ");
    nameTable(out, g.name + " TRANSACTIONS (ms)", g.transactionsTotal, seconds);
    nameTable(out, g.name + " REQUESTS (ms)", g.requestsTotal, seconds);
    checkRows(out, g.checks, g.name + " CHECKS");
}

} // namespace

std::string formatSummary(const Snapshot &s, const SummaryHeader &header)
{
    const auto &t = s.total;
    const double seconds = s.elapsedSeconds;
    std::string out;
    out += "\n  project ....... " + (header.project.empty() ? "-" : header.project) + "\n";
    const std::string verdict = runVerdict(s, header.thresholds, header.stopped);
    if (!verdict.empty())
        out += "  VERDICT ....... " + verdict + "\n";
    else if (!header.thresholds.empty())
        append(out, "  verdict ....... passed ({} threshold{})\n", header.thresholds.size(),
               header.thresholds.size() == 1 ? "" : "s");
    out += "  scenario ...... " + header.scenario + "\n";
    if (!header.profileLabel.empty())
        out += "  profile ....... " + header.profileLabel + "\n";
    else if (!header.profile.empty())
        out += "  profile ....... " + header.profile + "\n";
    append(out, "  duration ...... {:.1f} s (planned {:.1f} s)\n", seconds, s.plannedSeconds);
    if (!s.incomplete.empty())
        out += "  INCOMPLETE .... " + s.incomplete + "\n";
    append(out, "  vusers ........ max {}", s.maxVusers);
    if (s.maxPlannedVusers > s.maxVusers) {
        bool dataRanOut = false;
        for (const auto &[name, d] : s.data)
            dataRanOut = dataRanOut || d.exhausted;
        append(out, " of {} planned ({})", s.maxPlannedVusers,
               !s.incomplete.empty() ? "a worker stopped starting them: see INCOMPLETE"
               : dataRanOut          ? "vusers ended when their data ran out: see DATA"
                                     : "this machine could not start them as fast");
    }
    out += '\n';
    partLines(out, partOf(s), seconds, "  ");
    out += "  data .......... in " + bytes(t.bytesIn) + "   out " + bytes(t.bytesOut) + "\n";
    checksLine(out, t, "  ");

    if (!s.data.empty()) {
        out += "\n  DATA\n";
        for (const auto &[name, d] : s.data) {
            append(out, "  {:<20} {:<10} rows {}   handed out {}", name, d.strategy, d.rows,
                   d.handedOut);
            if (name == s.stoppedByData)
                out += "   ran out: stopped the run";
            else if (d.exhausted)
                out += "   ran out: stopped the vusers that asked for more";
            out += '\n';
        }
    }

    if (s.groups.empty()) {
        nameTable(out, "TRANSACTIONS (ms)", s.transactionsTotal, seconds);
        nameTable(out, "REQUESTS (ms)", s.requestsTotal, seconds);
        checkRows(out, s.checks, "CHECKS");
    } else {
        // Each group apart: two groups' "login" are two rows, each under its group's name.
        for (const GroupSnapshot &g : s.groups)
            groupSection(out, g, seconds);
    }
    if (!header.thresholds.empty()) {
        out += "\n  THRESHOLDS\n";
        for (const ThresholdResult &r : header.thresholds) {
            append(out, "  {} {:<40} {}{}{}\n", r.failed(s.final) ? "✗" : "✓",
                   r.settings.expression, r.observedText,
                   r.status == ThresholdStatus::NoData && s.final ? " (fails: nothing measured it)"
                                                                  : "",
                   r.aborted ? "   ABORTED THE RUN" : "");
        }
    }
    if (!s.rendezvous.empty()) {
        out += "\n  RENDEZVOUS\n";
        for (const auto &[name, r] : s.rendezvous) {
            append(out,
                   "  {:<30} arrivals {}   releases {}   timeouts {}   wait mean {:.0f} ms   max "
                   "{:.0f} ms\n",
                   name, r.arrivals, r.releases, r.timeouts, r.meanWaitMs, r.maxWaitMs);
        }
    }
    bool anyError = false;
    for (auto count : t.errors)
        anyError = anyError || count;
    if (anyError) {
        out += "\n  ERRORS BY CLASS\n";
        for (std::size_t i = 0; i < errorClassCount; ++i) {
            if (t.errors[i])
                append(out, "  {:<12} {}\n", errorClassName(ErrorClass(i)), t.errors[i]);
        }
    }
    if (!s.topErrors.empty()) {
        out += "\n  ERRORS (most frequent messages)\n";
        for (std::size_t i = 0; i < s.topErrors.size() && i < 5; ++i) {
            const ErrorMessageCount &e = s.topErrors[i];
            // One line each: cut long messages at a character boundary (the JSON has them whole).
            std::string text = e.message;
            if (text.size() > 110) {
                std::size_t cut = 107;
                while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
                    --cut;
                text = text.substr(0, cut) + "…";
            }
            std::replace(text.begin(), text.end(), '\n', ' ');
            append(out, "  {:>9}  {:<9} {}\n", e.count, errorClassName(e.errorClass), text);
        }
    }
    if (!header.outputs.empty()) {
        append(out, "\n  {:<44} {:>8} {:>8} {:>8} {:>10} {:>9}\n", "OUTPUTS", "sent", "retried",
               "dropped", "points", "rejected");
        for (const OutputStats &o : header.outputs) {
            std::string shown = o.name.size() > 44 ? o.name.substr(0, 41) + "..." : o.name;
            append(out, "  {:<44} {:>8} {:>8} {:>8} {:>10} {:>9}\n", shown, o.sent, o.retried,
                   o.dropped, o.pointsSent, o.pointsRejected);
            if (!o.lastError.empty())
                out += "    last error: " + o.lastError + "\n";
        }
    }
    out += "\n";
    return out;
}

std::string summaryJson(const Snapshot &s, const SummaryHeader &header)
{
    nlohmann::json j;
    j["project"] = header.project;
    j["scenario"] = header.scenario;
    j["profile"] = header.profile;
    j["duration_s"] = s.elapsedSeconds;
    j["planned_duration_s"] = s.plannedSeconds;
    j["incomplete"] = s.incomplete.empty() ? nlohmann::json() : nlohmann::json(s.incomplete);
    j["vusers"] = {{"max", s.maxVusers}, {"planned_max", s.maxPlannedVusers}};
    partJson(j, partOf(s), s.elapsedSeconds);
    if (!s.arrivals.open && std::any_of(s.groups.begin(), s.groups.end(),
                                        [](const auto &g) { return g.arrivals.open; }))
        j["model"] = "mixed"; // open and closed groups: each group's entry says which
    j["error_messages"] = nlohmann::json::array();
    for (const ErrorMessageCount &e : s.topErrors) {
        nlohmann::json entry = {{"message", e.message},
                                {"class", std::string(errorClassName(e.errorClass))},
                                {"count", e.count}};
        if (!e.sample.empty())
            entry["sample"] = e.sample;
        j["error_messages"].push_back(std::move(entry));
    }
    if (!s.groups.empty()) {
        // Only in a run with groups: each group's own numbers, in the project's order.
        j["groups"] = nlohmann::json::array();
        for (const GroupSnapshot &g : s.groups) {
            nlohmann::json group;
            group["name"] = g.name;
            group["vusers"] = {{"max", g.maxVusers}, {"planned_max", g.maxPlannedVusers}};
            partJson(group, partOf(g), s.elapsedSeconds);
            j["groups"].push_back(std::move(group));
        }
    }
    j["rendezvous"] = nlohmann::json::object();
    for (const auto &[name, r] : s.rendezvous) {
        j["rendezvous"][name] = {{"arrivals", r.arrivals},       {"releases", r.releases},
                                 {"timeouts", r.timeouts},       {"released", r.released},
                                 {"mean_wait_ms", r.meanWaitMs}, {"max_wait_ms", r.maxWaitMs}};
    }
    j["data"] = nlohmann::json::object();
    for (const auto &[name, d] : s.data) {
        j["data"][name] = {{"strategy", d.strategy},
                           {"rows", d.rows},
                           {"handed_out", d.handedOut},
                           {"exhausted", d.exhausted}};
    }
    j["stopped_by_data"] =
        s.stoppedByData.empty() ? nlohmann::json() : nlohmann::json(s.stoppedByData);
    j["thresholds"] = nlohmann::json::array();
    for (const ThresholdResult &r : header.thresholds) {
        j["thresholds"].push_back(
            {{"expression", r.settings.expression},
             {"ok", !r.failed(s.final)},
             {"observed",
              r.status == ThresholdStatus::NoData ? nlohmann::json() : nlohmann::json(r.observed)},
             {"observed_text", r.observedText},
             {"abort", r.settings.abort},
             {"grace_s", r.settings.graceSeconds},
             {"aborted", r.aborted}});
    }
    {
        const std::string verdict = runVerdict(s, header.thresholds, header.stopped);
        j["verdict"] = verdict.empty() ? "passed" : verdict;
    }
    j["outputs"] = nlohmann::json::object();
    for (const OutputStats &o : header.outputs) {
        j["outputs"][o.name] = {{"sent", o.sent},
                                {"retried", o.retried},
                                {"dropped", o.dropped},
                                {"points_sent", o.pointsSent},
                                {"points_rejected", o.pointsRejected},
                                {"last_error", o.lastError}};
    }
    return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string formatProgress(const Snapshot &s)
{
    const double rps = s.intervalSeconds > 0 ? double(s.interval.requests) / s.intervalSeconds : 0;
    if (s.arrivals.open) {
        // The open model's figures: the rate against the plan, the pool, what was dropped.
        std::string line = fmt::format(
            "{:6.0f}s/{:.0f}s  rate {:8.1f}/{:<8.1f} it/s  pool {}/{} idle {}  {:8.1f} req/s  "
            "errors {}  p95 {:.1f} ms",
            s.elapsedSeconds, s.plannedSeconds, s.arrivals.achievedRate, s.arrivals.plannedRate,
            s.arrivals.poolSize, s.arrivals.poolMax, s.arrivals.poolIdle, rps,
            s.total.requestErrors, s.intervalIntendedLatency.p95Ms);
        if (s.total.iterationsDropped)
            append(line, "  dropped {}", s.total.iterationsDropped);
        if (s.total.iterationsFailed)
            append(line, "  iterations failed {}", s.total.iterationsFailed);
        return line;
    }
    std::string line =
        fmt::format("{:6.0f}s/{:.0f}s  vusers {:5}/{:<5}  {:8.1f} req/s  errors {}  p95 {:.1f} ms",
                    s.elapsedSeconds, s.plannedSeconds, s.activeVusers, s.plannedVusers, rps,
                    s.total.requestErrors, s.intervalLatency.p95Ms);
    if (s.total.checksFailed)
        append(line, "  checks failed {}", s.total.checksFailed);
    if (s.total.iterationsFailed)
        append(line, "  iterations failed {}", s.total.iterationsFailed);
    return line;
}

} // namespace Loadwizard
