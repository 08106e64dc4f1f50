#include <loadwizard/junitreport.h>

#include <fmt/format.h>

#include <ctime>

#include <unistd.h>

namespace Loadwizard {

namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD"; // U+FFFD

/// The length of the valid UTF-8 sequence at text[i] and its code point; 0 when invalid.
std::size_t decodeUtf8(std::string_view text, std::size_t i, char32_t &codePoint)
{
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    std::size_t length = 0;
    char32_t minimum = 0;
    if (lead < 0x80) {
        codePoint = lead;
        return 1;
    } else if ((lead & 0xE0) == 0xC0) {
        length = 2, codePoint = lead & 0x1F, minimum = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
        length = 3, codePoint = lead & 0x0F, minimum = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
        length = 4, codePoint = lead & 0x07, minimum = 0x10000;
    } else {
        return 0;
    }
    if (i + length > text.size())
        return 0;
    for (std::size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80)
            return 0;
        codePoint = (codePoint << 6) | (byte(i + k) & 0x3F);
    }
    if (codePoint < minimum || codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF))
        return 0;
    return length;
}

std::string timestamp(std::chrono::system_clock::time_point when)
{
    const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
    return text;
}

std::string localHostname()
{
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0')
        return "localhost"; // what the schema asks for when the name is unknown
    return name;
}

/// "loadwizard.checks", or "loadwizard.checks.GROUP" for a group's (group names are letters,
/// digits, '_', '-' and '.', as a classname's parts are).
std::string classname(std::string_view base, const std::string &group)
{
    return group.empty() ? std::string(base) : std::string(base) + "." + group;
}

} // namespace

std::string xmlEscaped(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        char32_t codePoint = 0;
        const std::size_t length = decodeUtf8(text, i, codePoint);
        if (length == 0) {
            out += replacement;
            ++i;
            continue;
        }
        // XML 1.0's Char: tab, newline, carriage return, and U+0020 up, without U+FFFE/U+FFFF.
        const bool allowed = codePoint == 0x9 || codePoint == 0xA || codePoint == 0xD ||
                             (codePoint >= 0x20 && codePoint != 0xFFFE && codePoint != 0xFFFF);
        if (!allowed)
            out += replacement;
        else if (codePoint == '&')
            out += "&amp;";
        else if (codePoint == '<')
            out += "&lt;";
        else if (codePoint == '>')
            out += "&gt;";
        else if (codePoint == '"')
            out += "&quot;";
        else if (codePoint == '\'')
            out += "&apos;";
        else if (codePoint == 0xA || codePoint == 0xD || codePoint == 0x9)
            // As character references, so that attribute values keep them (an attribute's
            // literal newline is read back as a space).
            out += fmt::format("&#{};", unsigned(codePoint));
        else
            out.append(text.substr(i, length));
        i += length;
    }
    return out;
}

std::string junitReport(const Snapshot &snapshot, const std::vector<ThresholdResult> &thresholds,
                        const JUnitRun &run)
{
    std::size_t failures = 0;
    std::string cases =
        fmt::format("  <testcase classname=\"loadwizard\" name=\"run\" time=\"{:.3f}\"",
                    snapshot.elapsedSeconds);
    if (run.problem.empty())
        cases += "/>\n";
    else
        cases += fmt::format(
            ">\n    <error type=\"run\" message=\"{}\">{}</error>\n  </testcase>\n",
            xmlEscaped(run.problem),
            xmlEscaped(run.problem +
                       (snapshot.incomplete.empty() ? std::string() : ": " + snapshot.incomplete)));
    for (const auto &result : thresholds) {
        cases += fmt::format("  <testcase classname=\"{}\" name=\"{}\" time=\"{:.3f}\"",
                             xmlEscaped(classname("loadwizard.thresholds", result.group)),
                             xmlEscaped(result.settings.expression), snapshot.elapsedSeconds);
        if (result.failed(true)) {
            ++failures;
            const std::string message = result.status == ThresholdStatus::NoData
                                            ? std::string("no data: nothing in the run measured it")
                                            : "observed " + result.observedText +
                                                  (result.aborted ? " (aborted the run)" : "");
            cases += fmt::format(">\n    <failure type=\"threshold\" message=\"{}\">{}</failure>\n"
                                 "  </testcase>\n",
                                 xmlEscaped(message),
                                 xmlEscaped(result.settings.expression + ": " + message));
        } else {
            cases += "/>\n";
        }
    }
    std::size_t checkCases = 0;
    const auto checkCasesOf = [&](const std::map<std::string, CheckStats, std::less<>> &checks,
                                  const std::string &group) {
        for (const auto &[name, check] : checks) {
            ++checkCases;
            cases += fmt::format("  <testcase classname=\"{}\" name=\"{}\" time=\"{:.3f}\"",
                                 xmlEscaped(classname("loadwizard.checks", group)),
                                 xmlEscaped(name), snapshot.elapsedSeconds);
            if (check.fails > 0) {
                ++failures;
                const std::uint64_t all = check.passes + check.fails;
                const std::string message =
                    fmt::format("{} of {} failed, {} passed ({:.2f} % passed)", check.fails, all,
                                check.passes, 100.0 * double(check.passes) / double(all));
                const std::string where = group.empty() ? name : group + ": " + name;
                cases += fmt::format(">\n    <failure type=\"check\" message=\"{}\">{}</failure>\n"
                                     "  </testcase>\n",
                                     xmlEscaped(message), xmlEscaped(where + ": " + message));
            } else {
                cases += "/>\n";
            }
        }
    };
    // A run with groups: each group's checks apart, as two groups' "status is 200" are two.
    if (snapshot.groups.empty()) {
        checkCasesOf(snapshot.checks, {});
    } else {
        for (const GroupSnapshot &group : snapshot.groups)
            checkCasesOf(group.checks, group.name);
    }
    const std::size_t tests = 1 + thresholds.size() + checkCases;
    const std::string suite = run.suite.empty() ? std::string("loadwizard") : run.suite;
    std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    xml += fmt::format("<testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
                       "skipped=\"0\" time=\"{:.3f}\" timestamp=\"{}\" hostname=\"{}\">\n",
                       xmlEscaped(suite), tests, failures, run.problem.empty() ? 0 : 1,
                       snapshot.elapsedSeconds, timestamp(run.started),
                       xmlEscaped(run.hostname.empty() ? localHostname() : run.hostname));
    xml += "  <properties/>\n";
    xml += cases;
    xml += "  <system-out/>\n  <system-err/>\n</testsuite>\n";
    return xml;
}

} // namespace Loadwizard
