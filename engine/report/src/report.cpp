#include <loadwizard/report.h>

#include "reportassets.h"
#include "reportdata.h"

#include <loadwizard/comparison.h>

#include <string_view>

namespace Loadwizard {

namespace {

using nlohmann::json;

/// The template with its @NAME@ placeholders filled in one pass (a value is never scanned
/// again, so a placeholder's text inside the data stays as it is).
std::string fill(std::string_view page, const std::map<std::string_view, std::string_view> &values)
{
    std::string out;
    out.reserve(page.size() + 256 * 1024);
    std::size_t at = 0;
    while (at < page.size()) {
        const std::size_t open = page.find('@', at);
        if (open == std::string_view::npos)
            break;
        const std::size_t close = page.find('@', open + 1);
        if (close == std::string_view::npos)
            break;
        const auto value = values.find(page.substr(open + 1, close - open - 1));
        if (value == values.end()) {
            out.append(page.substr(at, open + 1 - at));
            at = open + 1;
            continue;
        }
        out.append(page.substr(at, open - at));
        out.append(value->second);
        at = close + 1;
    }
    out.append(page.substr(at));
    return out;
}

std::string page(const json &data, std::string_view title)
{
    const std::string blob = ReportData::scriptSafeJson(data);
    std::string escapedTitle;
    for (char c : title) {
        switch (c) {
        case '<':
            escapedTitle += "&lt;";
            break;
        case '>':
            escapedTitle += "&gt;";
            break;
        case '&':
            escapedTitle += "&amp;";
            break;
        default:
            escapedTitle += c;
        }
    }
    return fill(ReportAssets::pageTemplate(), {{"TITLE", escapedTitle},
                                               {"UPLOT_STYLE", ReportAssets::uplotStyle()},
                                               {"STYLE", ReportAssets::pageStyle()},
                                               {"UPLOT_SCRIPT", ReportAssets::uplotScript()},
                                               {"SCRIPT", ReportAssets::pageScript()},
                                               {"DATA", blob}});
}

std::string runTitle(const SavedRun &run)
{
    return run.manifest.project.empty() ? std::string("run") : run.manifest.project;
}

json compareRow(const std::string &kind, const std::string &name, const NameFigures *a,
                const NameFigures *b)
{
    json row{{"kind", kind}, {"name", name}};
    const auto side = [](const NameFigures *f) -> json {
        if (!f)
            return nullptr;
        return json{{"count", f->count},
                    {"rate", ReportData::rounded(f->ratePerSecond)},
                    {"error_rate", ReportData::rounded(f->errorRate)},
                    {"p50", ReportData::rounded(f->latency.p50Ms)},
                    {"p90", ReportData::rounded(f->latency.p90Ms)},
                    {"p95", ReportData::rounded(f->latency.p95Ms)},
                    {"p99", ReportData::rounded(f->latency.p99Ms)},
                    {"max", ReportData::rounded(f->latency.maxMs)}};
    };
    row["a"] = side(a);
    row["b"] = side(b);
    if (a && b) {
        json marks;
        for (CompareMetric metric :
             {CompareMetric::Rps, CompareMetric::ErrorRate, CompareMetric::P50, CompareMetric::P90,
              CompareMetric::P95, CompareMetric::P99, CompareMetric::Max}) {
            const Change change = classifyChange(metric, *a, *b);
            const char *word = change == Change::Better  ? "better"
                               : change == Change::Worse ? "worse"
                                                         : "same";
            marks[std::string(metric == CompareMetric::Rps ? std::string_view("rate")
                                                           : compareMetricName(metric))] = word;
        }
        row["marks"] = marks;
    }
    return row;
}

void compareNames(json &rows, const char *kind,
                  const std::map<std::string, NameFigures, std::less<>> &a,
                  const std::map<std::string, NameFigures, std::less<>> &b)
{
    for (const auto &[name, figures] : a) {
        const auto other = b.find(name);
        rows.push_back(
            compareRow(kind, name, &figures, other == b.end() ? nullptr : &other->second));
    }
    for (const auto &[name, figures] : b) {
        if (!a.contains(name))
            rows.push_back(compareRow(kind, name, nullptr, &figures));
    }
}

} // namespace

std::string renderReport(const SavedRun &run, const ReportOptions &options)
{
    json data{{"kind", "report"}, {"runs", json::array({ReportData::runData(run, options)})}};
    return page(data, runTitle(run) + " — Loadwizard report");
}

std::string renderComparisonReport(const SavedRun &baseline, const SavedRun &candidate,
                                   const ReportOptions &options,
                                   const std::vector<RuleOutcome> &rules)
{
    const RunFigures a = runFigures(baseline);
    const RunFigures b = runFigures(candidate);
    json rows = json::array();
    rows.push_back(compareRow("total", "all requests", &a.total, &b.total));
    compareNames(rows, "transaction", a.transactions, b.transactions);
    compareNames(rows, "request", a.requests, b.requests);
    json data{{"kind", "compare"},
              {"runs", json::array({ReportData::runData(baseline, options),
                                    ReportData::runData(candidate, options)})},
              {"comparison", rows}};
    json outcomes = json::array();
    for (const RuleOutcome &rule : rules)
        outcomes.push_back({{"rule", rule.rule}, {"breaches", rule.breaches}});
    data["rules"] = std::move(outcomes);
    return page(data,
                runTitle(baseline) + " vs " + runTitle(candidate) + " — Loadwizard comparison");
}

} // namespace Loadwizard
