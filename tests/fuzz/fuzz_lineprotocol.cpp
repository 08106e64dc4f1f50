// Fuzzes the InfluxDB line-protocol writer: LineBuilder with arbitrary measurement, tag and field
// strings, and LineRenderer with arbitrary request, transaction, check and event names. Every
// line is read back the way InfluxDB's parser reads it (a backslash hides the next character
// from the separator scan; `\,` `\=` `\ ` and, in strings, `\"` `\\` are the escapes), and what
// comes back must be what went in, save the documented substitutions: CR, LF and tab become
// spaces outside strings, CR and LF inside strings, a backslash right before a separator (or at
// the end) becomes '/', and a measurement's leading '#' (a comment line) becomes '_'.

#include "fuzzcheck.h"

#include <loadwizard/lineprotocol.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

namespace {

// Names and tags are short in practice, messages may be long; both may hold a 100 000-character
// nasty input.
constexpr std::size_t shortText = 1000;
constexpr std::size_t longText = 200'000;

using namespace Loadwizard;
using namespace Loadwizard::Engine;

// ---- reading a line back ------------------------------------------------------------------

struct ReadField
{
    std::string key;
    enum class Type
    {
        Float,
        Integer,
        String
    } type = Type::Float;
    std::string value; ///< the unescaped string, or the number as written
};

struct ReadLine
{
    std::string measurement;
    std::vector<std::pair<std::string, std::string>> tags;
    std::vector<ReadField> fields;
    std::string timestamp;
};

// Where the part starting at `i` ends: at the first of `stops` not hidden by a backslash.
std::size_t scanTo(std::string_view line, std::size_t i, std::string_view stops)
{
    while (i < line.size() && stops.find(line[i]) == std::string_view::npos)
        i += line[i] == '\\' ? 2 : 1;
    return std::min(i, line.size());
}

std::string unescape(std::string_view raw, std::string_view escapable)
{
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '\\' && i + 1 < raw.size() &&
            escapable.find(raw[i + 1]) != std::string_view::npos)
            ++i;
        out += raw[i];
    }
    return out;
}

// Reads one line as InfluxDB does; the error says what is malformed.
std::optional<ReadLine> readLine(std::string_view line, std::string &error)
{
    auto fail = [&](std::string what) {
        error = std::move(what);
        return std::nullopt;
    };
    if (line.empty() || line.back() != '\n')
        return fail("the line does not end in LF");
    line.remove_suffix(1);
    if (line.find_first_of("\r\n") != std::string_view::npos)
        return fail("a raw CR or LF inside the line");
    if (line.starts_with('#'))
        return fail("the line starts with # (a comment to InfluxDB)");
    if (line.starts_with(' '))
        return fail("the line starts with a space");

    ReadLine out;
    std::size_t i = scanTo(line, 0, ", ");
    out.measurement = unescape(line.substr(0, i), ", ");
    if (out.measurement.empty())
        return fail("empty measurement");
    while (i < line.size() && line[i] == ',') {
        const std::size_t keyEnd = scanTo(line, i + 1, "=, ");
        if (keyEnd >= line.size() || line[keyEnd] != '=')
            return fail("a tag without =");
        const std::size_t valueEnd = scanTo(line, keyEnd + 1, ",= ");
        if (valueEnd < line.size() && line[valueEnd] == '=')
            return fail("an unescaped = in a tag value");
        auto key = unescape(line.substr(i + 1, keyEnd - i - 1), ",= ");
        auto value = unescape(line.substr(keyEnd + 1, valueEnd - keyEnd - 1), ",= ");
        if (key.empty() || value.empty())
            return fail("an empty tag key or value");
        out.tags.emplace_back(std::move(key), std::move(value));
        i = valueEnd;
    }
    if (i >= line.size() || line[i] != ' ')
        return fail("no space before the fields");
    do {
        ++i; // the space, or the comma between fields
        const std::size_t keyEnd = scanTo(line, i, "=, ");
        if (keyEnd >= line.size() || line[keyEnd] != '=')
            return fail("a field without =");
        ReadField field;
        field.key = unescape(line.substr(i, keyEnd - i), ",= ");
        if (field.key.empty())
            return fail("an empty field key");
        i = keyEnd + 1;
        if (i < line.size() && line[i] == '"') {
            field.type = ReadField::Type::String;
            std::size_t end = i + 1;
            while (end < line.size() && line[end] != '"')
                end += line[end] == '\\' ? 2 : 1;
            if (end >= line.size())
                return fail("an unterminated string field");
            field.value = unescape(line.substr(i + 1, end - i - 1), "\"\\");
            i = end + 1;
        } else {
            const std::size_t end = scanTo(line, i, ", ");
            field.value = std::string(line.substr(i, end - i));
            field.type =
                field.value.ends_with('i') ? ReadField::Type::Integer : ReadField::Type::Float;
            i = end;
        }
        out.fields.push_back(std::move(field));
    } while (i < line.size() && line[i] == ',');
    if (i >= line.size() || line[i] != ' ')
        return fail("no space before the timestamp");
    out.timestamp = std::string(line.substr(i + 1));
    std::int64_t time = 0;
    const auto [end, ec] =
        std::from_chars(out.timestamp.data(), out.timestamp.data() + out.timestamp.size(), time);
    if (out.timestamp.empty() || ec != std::errc() ||
        end != out.timestamp.data() + out.timestamp.size())
        return fail("the timestamp is not a whole number");
    return out;
}

ReadLine mustRead(std::string_view line)
{
    std::string error;
    auto read = readLine(line, error);
    FUZZ_CHECK(read.has_value(), error + ": " + std::string(line));
    return *read;
}

// ---- what came back against what went in -------------------------------------------------------

char outsideStrings(char c)
{
    return c == '\r' || c == '\n' || c == '\t' ? ' ' : c;
}

// `read` is `input` with CR/LF/tab as spaces, where a backslash may have become '/' only when it
// was last or stood before one of `separators` (or CR/LF/tab, which become spaces).
bool sameName(std::string_view read, std::string_view input, std::string_view separators)
{
    if (read.size() != input.size())
        return false;
    for (std::size_t i = 0; i < input.size(); ++i) {
        const char expected = outsideStrings(input[i]);
        if (read[i] == expected)
            continue;
        if (input[i] != '\\' || read[i] != '/')
            return false;
        const bool last = i + 1 == input.size();
        if (!last && separators.find(outsideStrings(input[i + 1])) == std::string_view::npos)
            return false;
    }
    return true;
}

std::string stringValue(std::string_view input)
{
    std::string out(input);
    for (char &c : out) {
        if (c == '\r' || c == '\n')
            c = ' ';
    }
    return out;
}

// ---- LineBuilder with arbitrary parts --------------------------------------------------------

struct FieldInput
{
    ReadField::Type type;
    std::string key;
    double number = 0;
    std::uint64_t integer = 0;
    std::string text;
};

void checkBuilder(FuzzedDataProvider &input)
{
    const std::string measurement = input.ConsumeRandomLengthString(longText);
    std::vector<std::pair<std::string, std::string>> tags(input.ConsumeIntegralInRange(0, 4));
    for (auto &[key, value] : tags) {
        key = input.ConsumeRandomLengthString(shortText);
        value = input.ConsumeRandomLengthString(longText);
    }
    std::vector<FieldInput> fields(input.ConsumeIntegralInRange(0, 4));
    for (FieldInput &field : fields) {
        field.type = ReadField::Type(input.ConsumeIntegralInRange(0, 2));
        field.key =
            input.ConsumeBool() ? std::string("time") : input.ConsumeRandomLengthString(shortText);
        // Any bit pattern: NaNs, infinities, denormals and -0 included.
        field.number = std::bit_cast<double>(input.ConsumeIntegral<std::uint64_t>());
        field.integer = input.ConsumeIntegral<std::uint64_t>();
        field.text = input.ConsumeRandomLengthString(longText);
    }
    const auto timestamp = input.ConsumeIntegral<std::int64_t>();

    std::string out = "before\n"; // a builder appends: what was there stays
    LineBuilder builder(out, measurement);
    for (const auto &[key, value] : tags)
        builder.tag(key, value);
    std::vector<const FieldInput *> written;
    for (const FieldInput &field : fields) {
        switch (field.type) {
        case ReadField::Type::Float:
            builder.field(field.key, field.number);
            if (!field.key.empty() && std::isfinite(field.number))
                written.push_back(&field);
            break;
        case ReadField::Type::Integer:
            builder.integer(field.key, field.integer);
            if (!field.key.empty())
                written.push_back(&field);
            break;
        case ReadField::Type::String:
            builder.text(field.key, field.text);
            if (!field.key.empty())
                written.push_back(&field);
            break;
        }
    }
    const bool ended = builder.end(timestamp);
    FUZZ_CHECK(ended == !written.empty(), out);
    FUZZ_CHECK(out.starts_with("before\n"), out);
    const std::string_view line = std::string_view(out).substr(7);
    if (!ended) {
        FUZZ_CHECK(line.empty(), out); // a line without fields is not written at all
        return;
    }

    const ReadLine read = mustRead(line);
    std::string expectedMeasurement = measurement.empty() ? "loadwizard" : measurement;
    if (expectedMeasurement.starts_with('#')) // a comment line otherwise
        expectedMeasurement[0] = '_';
    FUZZ_CHECK(sameName(read.measurement, expectedMeasurement, ", "), std::string(line));

    std::vector<std::pair<std::string, std::string>> keptTags;
    for (const auto &tag : tags) {
        if (!tag.first.empty() && !tag.second.empty())
            keptTags.push_back(tag);
    }
    FUZZ_CHECK(read.tags.size() == keptTags.size(), std::string(line));
    for (std::size_t t = 0; t < keptTags.size(); ++t) {
        FUZZ_CHECK(sameName(read.tags[t].first, keptTags[t].first, ",= "), std::string(line));
        FUZZ_CHECK(sameName(read.tags[t].second, keptTags[t].second, ",= "), std::string(line));
    }

    FUZZ_CHECK(read.fields.size() == written.size(), std::string(line));
    for (std::size_t f = 0; f < written.size(); ++f) {
        const FieldInput &in = *written[f];
        const ReadField &got = read.fields[f];
        FUZZ_CHECK(got.type == in.type, std::string(line));
        if (in.key == "time")
            FUZZ_CHECK(got.key == "time_", std::string(line)); // InfluxDB refuses a field "time"
        else
            FUZZ_CHECK(sameName(got.key, in.key, ",= "), std::string(line));
        switch (in.type) {
        case ReadField::Type::Float: {
            double value = 0;
            const auto [end, ec] =
                std::from_chars(got.value.data(), got.value.data() + got.value.size(), value);
            FUZZ_CHECK(ec == std::errc() && end == got.value.data() + got.value.size() &&
                           std::isfinite(value) && value == in.number,
                       std::string(line));
            break;
        }
        case ReadField::Type::Integer: {
            std::int64_t value = 0;
            const auto [end, ec] =
                std::from_chars(got.value.data(), got.value.data() + got.value.size() - 1, value);
            constexpr auto max = std::uint64_t(std::numeric_limits<std::int64_t>::max());
            FUZZ_CHECK(ec == std::errc() && end == got.value.data() + got.value.size() - 1 &&
                           std::uint64_t(value) == std::min(in.integer, max),
                       std::string(line));
            break;
        }
        case ReadField::Type::String:
            FUZZ_CHECK(got.value == stringValue(in.text), std::string(line));
            break;
        }
    }
    FUZZ_CHECK(read.timestamp == std::to_string(timestamp), std::string(line));
}

// ---- LineRenderer with arbitrary names ---------------------------------------------------------

void checkRenderer(FuzzedDataProvider &input)
{
    RunInfo info;
    info.project = input.ConsumeRandomLengthString(shortText);
    info.scenario = input.ConsumeRandomLengthString(shortText);
    info.instance = input.ConsumeRandomLengthString(shortText);
    info.runId = input.ConsumeRandomLengthString(shortText);
    info.started = std::chrono::system_clock::time_point(
        std::chrono::seconds(input.ConsumeIntegralInRange<std::int64_t>(0, 4'000'000'000)));
    std::map<std::string, std::string> extraTags;
    for (int i = input.ConsumeIntegralInRange(0, 3); i > 0; --i) {
        std::string key = input.ConsumeRandomLengthString(shortText); // key first (seeds.py)
        extraTags[std::move(key)] = input.ConsumeRandomLengthString(shortText);
    }
    const std::string application = input.ConsumeRandomLengthString(shortText);

    Snapshot snapshot;
    snapshot.sequence = 1;
    snapshot.elapsedSeconds = input.ConsumeFloatingPointInRange(0.0, 1e6);
    snapshot.intervalSeconds = input.ConsumeFloatingPointInRange(0.0, 10.0);
    snapshot.activeVusers = input.ConsumeIntegralInRange<long long>(0, 10'000'000);
    snapshot.interval.requests = input.ConsumeIntegral<std::uint32_t>();
    auto named = [&](std::map<std::string, NameStats, std::less<>> &names) {
        for (int i = input.ConsumeIntegralInRange(0, 4); i > 0; --i) {
            NameStats stats;
            stats.count = input.ConsumeIntegral<std::uint32_t>();
            stats.errors = input.ConsumeIntegralInRange<std::uint64_t>(0, stats.count);
            stats.latency.count = stats.count;
            stats.latency.maxMs = input.ConsumeFloatingPointInRange(0.0, 3.6e6);
            names[input.ConsumeRandomLengthString(longText)] = stats;
        }
    };
    named(snapshot.requestsInterval);
    named(snapshot.transactionsInterval);
    for (int i = input.ConsumeIntegralInRange(0, 3); i > 0; --i)
        snapshot.checks[input.ConsumeRandomLengthString(shortText)] = {1, 1};
    for (int i = input.ConsumeIntegralInRange(0, 3); i > 0; --i) {
        LogEvent event;
        event.elapsedSeconds = input.ConsumeFloatingPointInRange(0.0, 1e6);
        event.level = input.ConsumeRandomLengthString(20);
        event.message = input.ConsumeRandomLengthString(longText);
        event.errorClass = ErrorClass(input.ConsumeIntegralInRange<int>(0, errorClassCount - 1));
        event.vuser = input.ConsumeIntegral<std::uint32_t>();
        snapshot.events.push_back(std::move(event));
    }

    for (const auto schema : {LineRenderer::Schema::Native, LineRenderer::Schema::JMeter}) {
        LineRenderer renderer(schema, TimePrecision::Nanoseconds, info, extraTags, application);
        std::vector<std::string> lines;
        renderer.annotation(true, 0, lines);
        renderer.render(snapshot, lines);
        renderer.annotation(false, snapshot.elapsedSeconds, lines);
        std::vector<std::string> requestTags;
        for (const std::string &line : lines) {
            const ReadLine read = mustRead(line);
            if (schema == LineRenderer::Schema::Native && read.measurement == "requests") {
                // The renderer's own tag comes after the common ones (a `tag.request` option
                // may use the same key before it).
                FUZZ_CHECK(!read.tags.empty() && read.tags.back().first == "request", line);
                requestTags.push_back(read.tags.back().second);
            }
        }
        if (schema == LineRenderer::Schema::Native) {
            // The line for all requests, then one per request name, in order, tagged with it.
            FUZZ_CHECK(requestTags.size() == 1 + snapshot.requestsInterval.size(), lines.front());
            FUZZ_CHECK(requestTags.front() == "all", lines.front());
            std::size_t index = 1;
            for (const auto &[name, stats] : snapshot.requestsInterval) {
                const std::string_view expected =
                    name.empty() ? std::string_view("(unnamed)") : std::string_view(name);
                FUZZ_CHECK(sameName(requestTags[index++], expected, ",= "), name);
            }
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    FuzzedDataProvider input(data, size);
    if (input.ConsumeBool())
        checkBuilder(input);
    else
        checkRenderer(input);
    return 0;
}
