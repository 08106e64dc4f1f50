// Fuzzes the ECS document writer the Elasticsearch and Logstash outputs share: arbitrary project,
// scenario, host, service, request, transaction and event texts. Each document is serialised the
// way both sinks do (one line, invalid UTF-8 replaced), must parse back as JSON, equal the
// document it came from, and carry every text exactly as given (or, for invalid UTF-8, with
// nothing but U+FFFD standing in for what could not be kept).

#include "fuzzcheck.h"

// Internal to the outputs library: the fuzz target reaches it through the library's src/ folder
// (tests/fuzz/CMakeLists.txt says why).
#include "sinks/ecsdocuments.h"

#include <set>
#include <string>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>
#include <nlohmann/json.hpp>

namespace {

// Names and tags are short in practice, messages may be long; both may hold a 100 000-character
// nasty input.
constexpr std::size_t shortText = 1000;
constexpr std::size_t longText = 200'000;

using namespace Loadwizard;
using namespace Loadwizard::Engine;
using Json = nlohmann::json;

// Strict UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF). Hand-written:
// the check must not share the code it checks (nlohmann-json's own decoder).
bool validUtf8(std::string_view text)
{
    for (std::size_t i = 0; i < text.size();) {
        const auto byte = [&](std::size_t at) { return static_cast<unsigned char>(text[at]); };
        const unsigned char lead = byte(i);
        std::size_t length = 0;
        unsigned min = 0;
        std::uint32_t code = 0;
        if (lead < 0x80) {
            ++i;
            continue;
        } else if ((lead & 0xE0) == 0xC0) {
            length = 2, min = 0x80, code = lead & 0x1F;
        } else if ((lead & 0xF0) == 0xE0) {
            length = 3, min = 0x800, code = lead & 0x0F;
        } else if ((lead & 0xF8) == 0xF0) {
            length = 4, min = 0x10000, code = lead & 0x07;
        } else {
            return false;
        }
        if (i + length > text.size())
            return false;
        for (std::size_t k = 1; k < length; ++k) {
            if ((byte(i + k) & 0xC0) != 0x80)
                return false;
            code = (code << 6) | (byte(i + k) & 0x3F);
        }
        if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
            return false;
        i += length;
    }
    return true;
}

// What a text written into a document must read back as.
bool sameText(const std::string &read, std::string_view input)
{
    if (validUtf8(input))
        return read == input;
    // Invalid UTF-8 was replaced: what is left, without the replacement characters, is what the
    // input had, in order (a subsequence of it).
    if (!validUtf8(read))
        return false;
    constexpr std::string_view replacement = "\xEF\xBF\xBD";
    std::size_t at = 0;
    for (std::size_t i = 0; i < read.size(); ++i) {
        if (std::string_view(read).substr(i, 3) == replacement) {
            i += 2;
            continue;
        }
        at = input.find(read[i], at);
        if (at == std::string_view::npos)
            return false;
        ++at;
    }
    return true;
}

// A document as a failure shows it (only then: dumping costs as much as the checks).
std::string shown(const Json &document)
{
    return document.dump(-1, ' ', false, Json::error_handler_t::replace);
}

void expectText(const Json &document, const std::string &pointer, std::string_view input)
{
    const Json::json_pointer at(pointer);
    FUZZ_CHECK(document.contains(at) && document.at(at).is_string(),
               pointer + " in " + shown(document));
    FUZZ_CHECK(sameText(document.at(at).get_ref<const std::string &>(), input),
               pointer + " in " + shown(document));
}

struct Inputs
{
    RunInfo info;
    std::string serviceName;
    Snapshot snapshot;
    bool allValid = true; ///< every text is valid UTF-8: the document reads back equal
};

Inputs inputsFrom(FuzzedDataProvider &input)
{
    Inputs in;
    auto text = [&](std::size_t max) {
        std::string value = input.ConsumeRandomLengthString(max);
        in.allValid = in.allValid && validUtf8(value);
        return value;
    };
    in.info.project = text(shortText);
    in.info.scenario = text(shortText);
    in.info.instance = text(shortText);
    in.info.runId = text(shortText);
    in.info.started = std::chrono::system_clock::time_point(
        std::chrono::seconds(input.ConsumeIntegralInRange<std::int64_t>(0, 4'000'000'000)));
    in.serviceName = text(shortText);

    Snapshot &s = in.snapshot;
    s.sequence = input.ConsumeIntegralInRange<std::uint64_t>(1, 40'000'000);
    // Times as a run has them: at most a year's profile plus its graceful stop.
    s.elapsedSeconds = input.ConsumeFloatingPointInRange(0.0, 4e7);
    s.intervalSeconds = input.ConsumeFloatingPointInRange(0.0, 10.0);
    s.activeVusers = input.ConsumeIntegralInRange<long long>(0, 10'000'000);
    s.interval.requests = input.ConsumeIntegral<std::uint64_t>();
    s.interval.requestErrors = input.ConsumeIntegralInRange<std::uint64_t>(0, s.interval.requests);
    s.total = s.interval;
    s.eventsDropped = input.ConsumeBool() ? input.ConsumeIntegral<std::uint32_t>() : 0;
    auto named = [&](std::map<std::string, NameStats, std::less<>> &names) {
        for (int i = input.ConsumeIntegralInRange(0, 4); i > 0; --i) {
            NameStats stats;
            stats.count = input.ConsumeIntegral<std::uint32_t>();
            stats.errors = input.ConsumeIntegralInRange<std::uint64_t>(0, stats.count);
            stats.latency.count = input.ConsumeBool() ? stats.count : 0;
            stats.latency.p95Ms = input.ConsumeFloatingPointInRange(0.0, 3.6e6);
            names[text(longText)] = stats;
        }
    };
    named(s.requestsInterval);
    named(s.transactionsInterval);
    for (int i = input.ConsumeIntegralInRange(0, 5); i > 0; --i) {
        LogEvent event;
        event.elapsedSeconds = input.ConsumeFloatingPointInRange(0.0, 4e7);
        static const char *const levels[] = {"error", "warning", "info"};
        event.level = input.ConsumeBool() ? std::string(levels[input.ConsumeIntegralInRange(0, 2)])
                                          : text(20);
        event.message = text(longText);
        event.errorClass = ErrorClass(input.ConsumeIntegralInRange<int>(0, errorClassCount - 1));
        event.vuser = input.ConsumeIntegral<std::uint64_t>();
        s.events.push_back(std::move(event));
    }
    return in;
}

// Serialised as the sinks do, then read back.
Json roundTrip(const EcsDocument &document, const Inputs &in, std::set<std::string> &ids)
{
    const std::string line = document.source.dump(-1, ' ', false, Json::error_handler_t::replace);
    // One document per line (Logstash's json_lines, the _bulk body).
    FUZZ_CHECK(line.find('\n') == std::string::npos && line.find('\r') == std::string::npos, line);
    Json read;
    try {
        read = Json::parse(line);
    } catch (const Json::exception &exception) {
        FUZZ_CHECK(false, std::string(exception.what()) + ": " + line);
    }
    if (in.allValid)
        FUZZ_CHECK(read == document.source, line);
    FUZZ_CHECK(ids.insert(document.id).second, document.id); // a retried create meets a 409

    const std::string timestamp = read.value("@timestamp", "");
    FUZZ_CHECK(timestamp.size() == 24 && timestamp[10] == 'T' && timestamp[23] == 'Z', line);
    FUZZ_CHECK(read["ecs"]["version"] == EcsDocuments::ecsVersion, line);
    expectText(read, "/service/name", in.serviceName);
    FUZZ_CHECK(read["service"]["type"] == "loadwizard", line);
    FUZZ_CHECK(read.contains("host") == !in.info.instance.empty(), line);
    if (!in.info.instance.empty())
        expectText(read, "/host/name", in.info.instance);
    const Json labels = read.value("labels", Json::object());
    FUZZ_CHECK(labels.contains("project") == !in.info.project.empty(), line);
    if (!in.info.project.empty())
        expectText(read, "/labels/project", in.info.project);
    FUZZ_CHECK(labels.contains("scenario") == !in.info.scenario.empty(), line);
    if (!in.info.scenario.empty())
        expectText(read, "/labels/scenario", in.info.scenario);
    FUZZ_CHECK(labels.contains("run_id") == !in.info.runId.empty(), line);
    if (!in.info.runId.empty())
        expectText(read, "/labels/run_id", in.info.runId);
    return read;
}

void checkLog(const Json &read, const LogEvent &event)
{
    expectText(read, "/message", event.message);
    expectText(read, "/log/level", event.level);
    FUZZ_CHECK(read["loadwizard"]["vuser"] == event.vuser, shown(read));
    FUZZ_CHECK(read["loadwizard"]["elapsed_seconds"] == event.elapsedSeconds, shown(read));
    const std::string action = read["event"]["action"];
    if (event.level != "error" && event.level != "warning") {
        FUZZ_CHECK(action == "log" && !read.contains("error"), shown(read));
        return;
    }
    FUZZ_CHECK(read["error"]["type"] == errorClassName(event.errorClass), shown(read));
    FUZZ_CHECK(read["event"]["outcome"] == "failure", shown(read));
    if (action != "request-failed") {
        expectText(read, "/error/message", event.message);
        return;
    }
    // A request error split into method, URL and reason loses nothing.
    const std::string method = read["http"]["request"]["method"];
    const std::string url = read["url"]["full"];
    const std::string reason = read["error"]["message"];
    FUZZ_CHECK(!method.empty(), shown(read));
    FUZZ_CHECK(sameText(method + ' ' + url + ": " + reason, event.message), shown(read));
    if (read["http"].contains("response")) {
        const int status = read["http"]["response"]["status_code"];
        FUZZ_CHECK(status >= 100 && status <= 599 && reason == "HTTP " + std::to_string(status),
                   shown(read));
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    FuzzedDataProvider input(data, size);
    const Inputs in = inputsFrom(input);
    const Snapshot &s = in.snapshot;
    const EcsDocuments documents(in.info, in.serviceName);
    std::set<std::string> ids;

    const std::vector<EcsDocument> metrics = documents.metrics(s);
    FUZZ_CHECK(metrics.size() == 1 + s.requestsInterval.size() + s.transactionsInterval.size());
    const Json interval = roundTrip(metrics[0], in, ids);
    FUZZ_CHECK(interval["loadwizard"]["type"] == "interval");
    FUZZ_CHECK(interval["loadwizard"]["requests"]["count"] == s.interval.requests);
    std::size_t index = 1;
    for (const auto &[type, names] :
         {std::pair{"request", &s.requestsInterval}, {"transaction", &s.transactionsInterval}}) {
        for (const auto &[name, stats] : *names) {
            const Json read = roundTrip(metrics[index++], in, ids);
            FUZZ_CHECK(read["loadwizard"]["type"] == type, name);
            expectText(read, "/loadwizard/name", name);
            FUZZ_CHECK(read["loadwizard"]["count"] == stats.count, name);
        }
    }

    const std::vector<EcsDocument> logs = documents.logs(s);
    FUZZ_CHECK(logs.size() == s.events.size() + (s.eventsDropped ? 1 : 0));
    for (std::size_t i = 0; i < s.events.size(); ++i) {
        const Json read = roundTrip(logs[i], in, ids);
        checkLog(read, s.events[i]);
    }
    if (s.eventsDropped) {
        const Json read = roundTrip(logs.back(), in, ids);
        FUZZ_CHECK(read["loadwizard"]["events_dropped"] == s.eventsDropped);
        FUZZ_CHECK(read["event"]["action"] == "events-dropped" && !read.contains("error"));
    }

    const Json started = roundTrip(documents.runStarted(), in, ids);
    expectText(started, "/message",
               "run started: project " + in.info.project + ", scenario " + in.info.scenario);
    const Json stopped = roundTrip(documents.runStopped(&s), in, ids);
    FUZZ_CHECK(stopped["loadwizard"]["summary"]["requests"] == s.total.requests);
    return 0;
}
