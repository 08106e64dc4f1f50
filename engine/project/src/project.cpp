#include <loadwizard/project.h>

#include <loadwizard/atomicfile.h>
#include <loadwizard/httpsyntax.h>
#include <loadwizard/outputregistry.h>
#include <loadwizard/suggest.h>

#include "yamldocument.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <optional>
#include <set>
#include <sstream>
#include <system_error>

#include <yaml-cpp/yaml.h>

namespace Loadwizard {

namespace {

namespace fs = std::filesystem;

std::string formatNumber(double value)
{
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, result.ptr);
}

/// A size as a person writes it: "8MiB", "512KiB", else bytes.
std::string formatSize(std::uint64_t bytes)
{
    if (bytes >= (1u << 20) && bytes % (1u << 20) == 0)
        return std::to_string(bytes >> 20) + "MiB";
    if (bytes >= 1024 && bytes % 1024 == 0)
        return std::to_string(bytes >> 10) + "KiB";
    return std::to_string(bytes);
}

std::string trimmed(const std::string &text)
{
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos)
        return {};
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// Strict: the whole scalar is the number. YAML allows a leading '+'.
template <typename T>
std::optional<T> toNumber(std::string text)
{
    text = trimmed(text);
    if (text.size() > 1 && text[0] == '+' && text[1] != '-')
        text.erase(0, 1);
    T value{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    if constexpr (std::is_floating_point_v<T>) {
        if (!std::isfinite(value))
            return std::nullopt;
    }
    return value;
}

std::optional<double> toSeconds(const std::string &text)
{
    if (const auto seconds = toNumber<double>(text))
        return seconds;
    const std::string value = trimmed(text);
    static const std::pair<std::string_view, double> units[] = {
        {"ms", 0.001}, {"s", 1}, {"m", 60}, {"h", 3600}};
    for (const auto &[suffix, scale] : units) {
        if (value.size() > suffix.size() && value.ends_with(suffix)) {
            const auto number = toNumber<double>(value.substr(0, value.size() - suffix.size()));
            if (number && std::isfinite(*number * scale))
                return *number * scale;
        }
    }
    return std::nullopt;
}

std::string join(const std::string &parent, std::string_view key)
{
    return parent.empty() ? std::string(key) : parent + '.' + std::string(key);
}

std::string indexed(const std::string &parent, std::size_t index)
{
    return parent + '[' + std::to_string(index) + ']';
}

template <typename T>
using Result = tl::expected<T, Error>;
using Status = Result<void>;

// Reads YAML nodes into values, with errors that say where (file, line, column, field).
class Reader
{
public:
    using Handler = std::function<Status(const YAML::Node &value, const std::string &field)>;
    using Handlers = std::vector<std::pair<std::string_view, Handler>>;
    using Unknown = std::function<Status(const YAML::Node &key, const YAML::Node &value,
                                         const std::string &field)>;

    Reader(std::string file, std::vector<Error> *warnings)
        : m_file(std::move(file))
        , m_warnings(warnings)
    {}

    Error error(const YAML::Node &node, const std::string &field, std::string message) const
    {
        // yaml-cpp marks an empty value ("key:" and a new line) at the next key; point at its own
        // key instead. Empty values are never descended into, so the last key read is the one.
        const bool empty = node.IsNull() && !m_lastKey.is_null();
        return at(empty ? m_lastKey : node.Mark(), field, std::move(message));
    }

    Error at(const YAML::Mark &mark, const std::string &field, std::string message) const
    {
        Error error;
        error.message = std::move(message);
        error.file = m_file;
        error.line = mark.is_null() ? 0 : mark.line + 1;
        error.column = mark.is_null() ? 0 : mark.column + 1;
        error.field = field;
        return error;
    }

    void warn(const YAML::Node &node, const std::string &field, std::string message) const
    {
        if (m_warnings)
            m_warnings->push_back(error(node, field, std::move(message)));
    }

    /// Calls the handler of each known key; unknown keys go to `unknown` or become warnings.
    Status readMap(const YAML::Node &map, const std::string &field, const Handlers &handlers,
                   const Unknown &unknown = {}) const
    {
        if (map.IsNull())
            return {};
        if (!map.IsMap())
            return tl::unexpected(error(map, field, "expected a map of keys and values"));
        std::set<std::string, std::less<>> seen;
        for (auto it = map.begin(); it != map.end(); ++it) {
            // Copies: the iterator hands out a proxy that dies with the expression.
            const YAML::Node key = it->first;
            const YAML::Node value = it->second;
            if (!key.IsScalar())
                return tl::unexpected(error(key, field, "keys must be plain names"));
            const std::string &name = key.Scalar();
            const std::string path = join(field, name);
            if (!seen.insert(name).second)
                return tl::unexpected(error(key, path, "duplicate key \"" + shortened(name) + '"'));
            m_lastKey = key.Mark();
            const auto handler =
                std::find_if(handlers.begin(), handlers.end(),
                             [&](const auto &entry) { return entry.first == name; });
            Status status;
            if (handler != handlers.end())
                status = handler->second(value, path);
            else if (unknown)
                status = unknown(key, value, path);
            else
                status = tl::unexpected(unknownKey(key, path, handlers));
            if (!status)
                return status;
        }
        return {};
    }

    /// A typo must not silently keep a default: an error that suggests the closest key.
    Error unknownKey(const YAML::Node &key, const std::string &field,
                     const Handlers &handlers) const
    {
        std::vector<std::string_view> known;
        for (const auto &entry : handlers)
            known.push_back(entry.first);
        return error(key, field,
                     "unknown key \"" + shortened(key.Scalar()) + '"' +
                         suggestionFor(key.Scalar(), known));
    }

    Result<std::string> string(const YAML::Node &node, const std::string &field) const
    {
        if (node.IsNull())
            return std::string();
        if (!node.IsScalar())
            return tl::unexpected(error(node, field, "expected a text, not " + kind(node)));
        return node.Scalar();
    }

    Result<double> number(const YAML::Node &node, const std::string &field) const
    {
        if (!node.IsScalar())
            return tl::unexpected(error(node, field, "expected a number, not " + kind(node)));
        if (const auto value = toNumber<double>(node.Scalar()))
            return *value;
        return tl::unexpected(
            error(node, field, '"' + shortened(node.Scalar()) + "\" is not a number"));
    }

    Result<long long> integer(const YAML::Node &node, const std::string &field, long long min,
                              long long max) const
    {
        if (!node.IsScalar())
            return tl::unexpected(error(node, field, "expected a whole number, not " + kind(node)));
        const auto value = toNumber<long long>(node.Scalar());
        if (!value)
            return tl::unexpected(
                error(node, field, '"' + shortened(node.Scalar()) + "\" is not a whole number"));
        if (*value < min || *value > max)
            return tl::unexpected(error(node, field,
                                        std::to_string(*value) + " is out of range (" +
                                            std::to_string(min) + "–" + std::to_string(max) + ')'));
        return *value;
    }

    Result<bool> boolean(const YAML::Node &node, const std::string &field) const
    {
        bool value = false;
        if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value))
            return tl::unexpected(error(node, field, "expected true or false"));
        return value;
    }

    Result<double> duration(const YAML::Node &node, const std::string &field) const
    {
        if (!node.IsScalar())
            return tl::unexpected(error(node, field, "expected a duration, not " + kind(node)));
        const auto seconds = toSeconds(node.Scalar());
        if (!seconds)
            return tl::unexpected(error(node, field,
                                        '"' + shortened(node.Scalar()) +
                                            "\" is not a duration (use seconds, or a number "
                                            "followed by ms, s, m or h)"));
        if (*seconds < 0)
            return tl::unexpected(
                error(node, field, '"' + shortened(node.Scalar()) + "\" is a negative duration"));
        // Longer than any profile may be would only overflow the nanosecond clocks.
        if (*seconds > RampProfile::maxSeconds)
            return tl::unexpected(error(node, field,
                                        '"' + shortened(node.Scalar()) +
                                            "\" is too long a duration (at most " +
                                            formatNumber(RampProfile::maxSeconds) + " seconds)"));
        return *seconds;
    }

    /// Bytes: a whole number, optionally with B, kB, MB, GB (powers of 1000) or KiB, MiB, GiB.
    Result<std::uint64_t> size(const YAML::Node &node, const std::string &field) const
    {
        if (!node.IsScalar())
            return tl::unexpected(error(node, field, "expected a size, not " + kind(node)));
        const std::string text = trimmed(node.Scalar());
        static const std::pair<std::string_view, std::uint64_t> units[] = {
            {"KiB", 1ull << 10}, {"MiB", 1ull << 20}, {"GiB", 1ull << 30}, {"kB", 1000},
            {"KB", 1000},        {"MB", 1000000},     {"GB", 1000000000},  {"B", 1}};
        std::uint64_t scale = 1;
        std::string digits = text;
        for (const auto &[suffix, factor] : units) {
            if (text.size() > suffix.size() && text.ends_with(suffix)) {
                digits = trimmed(text.substr(0, text.size() - suffix.size()));
                scale = factor;
                break;
            }
        }
        const auto value = toNumber<long long>(digits);
        if (!value || *value < 0 || std::uint64_t(*value) > (1ull << 40) / scale)
            return tl::unexpected(error(node, field,
                                        '"' + shortened(text) +
                                            "\" is not a size (bytes, or a number followed by "
                                            "kB, MB, GB, KiB, MiB or GiB; at most 1 TiB)"));
        return std::uint64_t(*value) * scale;
    }

    static std::string kind(const YAML::Node &node)
    {
        switch (node.Type()) {
        case YAML::NodeType::Map:
            return "a map";
        case YAML::NodeType::Sequence:
            return "a list";
        case YAML::NodeType::Null:
            return "an empty value";
        default:
            return "a text";
        }
    }

private:
    std::string m_file;
    std::vector<Error> *m_warnings;
    mutable YAML::Mark m_lastKey = YAML::Mark::null_mark();
};

// Assigns a converted value to `target`, so the handler tables stay one line per key.
template <typename T, typename Convert>
Reader::Handler into(T &target, Convert convert)
{
    return [&target, convert](const YAML::Node &node, const std::string &field) -> Status {
        auto value = convert(node, field);
        if (!value)
            return tl::unexpected(value.error());
        target = static_cast<T>(*value);
        return {};
    };
}

Status readProfile(const Reader &reader, const YAML::Node &node, const std::string &field,
                   RampProfile &profile)
{
    if (node.IsNull() || (node.IsMap() && node.size() == 0))
        return tl::unexpected(
            reader.error(node, field, "the profile is empty (give rampup: or steps:)"));
    std::optional<YAML::Node> rampup;
    std::optional<YAML::Node> steps;
    auto keep = [](std::optional<YAML::Node> &slot) {
        return [&slot](const YAML::Node &value, const std::string &) -> Status {
            slot = value;
            return {};
        };
    };
    if (auto status =
            reader.readMap(node, field, {{"rampup", keep(rampup)}, {"steps", keep(steps)}});
        !status)
        return status;
    if (rampup && steps)
        return tl::unexpected(reader.error(node, field, "give either rampup: or steps:, not both"));
    if (!rampup && !steps)
        return tl::unexpected(reader.error(node, field, "the profile needs rampup: or steps:"));

    if (rampup) {
        const std::string path = join(field, "rampup");
        const auto spec = reader.string(*rampup, path);
        if (!spec)
            return tl::unexpected(spec.error());
        auto parsed = RampProfile::parse(*spec);
        if (!parsed) {
            Error error = reader.error(*rampup, path, parsed.error().message);
            error.token = parsed.error().token;
            error.position = parsed.error().position;
            return tl::unexpected(std::move(error));
        }
        profile = std::move(*parsed);
        return {};
    }

    const std::string path = join(field, "steps");
    if (!steps->IsSequence())
        return tl::unexpected(reader.error(*steps, path, "expected a list of {rate, seconds}"));
    if (steps->size() == 0)
        return tl::unexpected(reader.error(*steps, path, "the profile has no steps"));
    std::vector<RampStep> values;
    std::vector<std::pair<YAML::Node, YAML::Node>> nodes; // rate, seconds: to place errors
    const YAML::Node &list = *steps;                      // const: operator[] must not insert
    for (std::size_t i = 0; i < list.size(); ++i) {
        const YAML::Node step = list[i];
        const std::string stepPath = indexed(path, i);
        if (!step.IsMap())
            return tl::unexpected(reader.error(step, stepPath, "expected a map {rate, seconds}"));
        RampStep value;
        std::optional<YAML::Node> rateNode;
        std::optional<YAML::Node> secondsNode;
        auto status = reader.readMap(
            step, stepPath,
            {{"rate",
              [&](const YAML::Node &n, const std::string &f) -> Status {
                  rateNode = n;
                  return into(value.rate, [&](auto &a, auto &b) { return reader.number(a, b); })(n,
                                                                                                 f);
              }},
             {"seconds", [&](const YAML::Node &n, const std::string &f) -> Status {
                  secondsNode = n;
                  return into(value.seconds,
                              [&](auto &a, auto &b) { return reader.duration(a, b); })(n, f);
              }}});
        if (!status)
            return status;
        if (!rateNode)
            return tl::unexpected(reader.error(step, join(stepPath, "rate"), "missing rate"));
        if (!secondsNode)
            return tl::unexpected(reader.error(step, join(stepPath, "seconds"), "missing seconds"));
        values.push_back(value);
        nodes.emplace_back(*rateNode, *secondsNode);
    }
    auto checked = RampProfile::fromSteps(std::move(values));
    if (!checked) {
        // fromSteps numbers its values like the seed text: rate 2i+1, seconds 2i+2.
        const Error &cause = checked.error();
        const std::size_t index = cause.position > 0 ? std::size_t(cause.position - 1) : 0;
        const auto &[rateNode, secondsNode] = nodes.at(std::min(index / 2, nodes.size() - 1));
        Error error = reader.error(index % 2 ? secondsNode : rateNode, join(field, cause.field),
                                   cause.message);
        error.token = cause.token;
        error.position = cause.position;
        return tl::unexpected(std::move(error));
    }
    profile = std::move(*checked);
    return {};
}

Status readOutputs(const Reader &reader, const YAML::Node &node, const std::string &field,
                   std::vector<OutputConfig> &outputs)
{
    if (node.IsNull())
        return {};
    if (!node.IsSequence())
        return tl::unexpected(reader.error(node, field, "expected a list of outputs"));
    for (std::size_t i = 0; i < node.size(); ++i) {
        const YAML::Node entry = node[i];
        const std::string path = indexed(field, i);
        if (!entry.IsMap())
            return tl::unexpected(reader.error(entry, path, "expected a map {kind, target, …}"));
        OutputConfig output;
        std::optional<YAML::Node> kindNode;
        std::map<std::string, YAML::Mark, std::less<>> optionMarks;
        // Every key but kind and target is an option of that kind, kept as text.
        auto status = reader.readMap(
            entry, path,
            {{"kind",
              [&](const YAML::Node &n, const std::string &f) -> Status {
                  kindNode = n;
                  return into(output.kind,
                              [&](auto &a, auto &b) { return reader.string(a, b); })(n, f);
              }},
             {"target",
              into(output.target, [&](auto &a, auto &b) { return reader.string(a, b); })}},
            [&](const YAML::Node &key, const YAML::Node &value, const std::string &f) -> Status {
                const auto text = reader.string(value, f);
                if (!text)
                    return tl::unexpected(text.error());
                output.options[key.Scalar()] = *text;
                optionMarks[key.Scalar()] = key.Mark();
                return {};
            });
        if (!status)
            return status;
        // `kidn: influxdb` reads as an option of the output, and the error would only say that
        // the kind is missing: name the key and what it was probably meant to be.
        const OutputKind *knownKind = findOutputKind(output.kind);
        for (const auto &[key, mark] : optionMarks) {
            if (knownKind && knownKind->option(key))
                continue;
            const std::string closest = closestMatch(key, {"kind", "target"});
            if (!closest.empty())
                return tl::unexpected(reader.at(mark, join(path, key),
                                                "unknown key \"" + shortened(key) +
                                                    "\" (did you mean \"" + closest + "\"?)"));
        }
        if (output.kind.empty())
            return tl::unexpected(reader.error(
                entry, join(path, "kind"), "an output needs a kind (" + outputKindList() + ')'));
        if (auto known = outputKind(output.kind); !known)
            return tl::unexpected(
                reader.error(*kindNode, join(path, "kind"), known.error().message));
        // Option names are checked now, with their line, so `validate` catches a typo.
        if (auto known = checkOutputOptions(output); !known) {
            const auto mark = optionMarks.find(known.error().token);
            return tl::unexpected(reader.at(mark == optionMarks.end() ? entry.Mark() : mark->second,
                                            join(path, known.error().token),
                                            known.error().message));
        }
        if (output.target.empty())
            return tl::unexpected(reader.error(entry, join(path, "target"),
                                               "an output needs a target (a URL, "
                                               "tcp://HOST:PORT or a file)"));
        outputs.push_back(std::move(output));
    }
    return {};
}

Status readRendezvous(const Reader &reader, const YAML::Node &node, const std::string &field,
                      std::vector<RendezvousPolicy> &policies)
{
    if (node.IsNull())
        return {};
    if (!node.IsSequence())
        return tl::unexpected(reader.error(node, field, "expected a list of rendezvous points"));
    for (std::size_t i = 0; i < node.size(); ++i) {
        const YAML::Node entry = node[i];
        const std::string path = indexed(field, i);
        if (!entry.IsMap())
            return tl::unexpected(reader.error(entry, path, "expected a map {name, policy, …}"));
        RendezvousPolicy policy;
        std::optional<YAML::Node> valueNode;
        auto status = reader.readMap(
            entry, path,
            {{"name", into(policy.name, [&](auto &a, auto &b) { return reader.string(a, b); })},
             {"policy",
              [&](const YAML::Node &n, const std::string &f) -> Status {
                  const auto text = reader.string(n, f);
                  if (!text)
                      return tl::unexpected(text.error());
                  if (*text == "all")
                      policy.kind = RendezvousPolicy::Kind::AllRunning;
                  else if (*text == "count")
                      policy.kind = RendezvousPolicy::Kind::Count;
                  else if (*text == "percent")
                      policy.kind = RendezvousPolicy::Kind::Percent;
                  else
                      return tl::unexpected(reader.error(n, f,
                                                         "unknown policy \"" + shortened(*text) +
                                                             "\" (use all, count or percent)"));
                  return {};
              }},
             {"value",
              [&](const YAML::Node &n, const std::string &) -> Status {
                  valueNode = n;
                  return {};
              }},
             {"timeout", into(policy.timeoutSeconds,
                              [&](auto &a, auto &b) { return reader.duration(a, b); })}});
        if (!status)
            return status;
        if (policy.name.empty())
            return tl::unexpected(
                reader.error(entry, join(path, "name"), "a rendezvous point needs a name"));
        for (const RendezvousPolicy &other : policies) {
            if (other.name == policy.name)
                return tl::unexpected(reader.error(entry, join(path, "name"),
                                                   "rendezvous point \"" + shortened(policy.name) +
                                                       "\" is listed twice"));
        }
        const std::string valuePath = join(path, "value");
        if (policy.kind == RendezvousPolicy::Kind::AllRunning) {
            if (valueNode)
                reader.warn(*valueNode, valuePath, "ignored with policy all");
        } else if (!valueNode) {
            return tl::unexpected(
                reader.error(entry, valuePath, "policies count and percent need a value"));
        } else {
            const auto value = reader.number(*valueNode, valuePath);
            if (!value)
                return tl::unexpected(value.error());
            const bool isCount = policy.kind == RendezvousPolicy::Kind::Count;
            if (isCount && (*value < 1 || *value != std::floor(*value)))
                return tl::unexpected(reader.error(*valueNode, valuePath,
                                                   "a count must be a whole number of at least 1"));
            if (!isCount && (*value <= 0 || *value > 100))
                return tl::unexpected(reader.error(*valueNode, valuePath,
                                                   "a percentage must be above 0 and at most 100"));
            policy.value = *value;
        }
        policies.push_back(std::move(policy));
    }
    return {};
}

Status readData(const Reader &reader, const YAML::Node &node, const std::string &field,
                std::vector<DataSourceSettings> &feeders)
{
    if (node.IsNull())
        return {};
    if (!node.IsMap())
        return tl::unexpected(
            reader.error(node, field, "expected a map of feeder names to {file, strategy, …}"));
    auto text = [&](auto &a, auto &b) { return reader.string(a, b); };
    return reader.readMap(
        node, field, {},
        [&](const YAML::Node &key, const YAML::Node &entry, const std::string &path) -> Status {
            DataSourceSettings feeder;
            feeder.name = key.Scalar();
            if (!isValidDataName(feeder.name))
                return tl::unexpected(
                    reader.error(key, path,
                                 "feeder name \"" + shortened(feeder.name) +
                                     "\" may only have letters, digits, _ and -"));
            if (!entry.IsMap())
                return tl::unexpected(
                    reader.error(entry, path, "expected a map {file, format, strategy, …}"));
            std::optional<YAML::Node> delimiterNode, exhaustedNode;
            auto choice = [&](auto &target, auto fromName,
                              std::vector<std::string_view> names) -> Reader::Handler {
                return [&target, fromName, names, &reader](const YAML::Node &n,
                                                           const std::string &f) -> Status {
                    const auto value = reader.string(n, f);
                    if (!value)
                        return tl::unexpected(value.error());
                    const auto known = fromName(*value);
                    if (!known) {
                        return tl::unexpected(reader.error(n, f,
                                                           "unknown value \"" + shortened(*value) +
                                                               '"' + suggestionFor(*value, names)));
                    }
                    target = *known;
                    return {};
                };
            };
            auto status = reader.readMap(
                entry, path,
                {{"file", into(feeder.file, text)},
                 {"format", choice(feeder.format, dataFormatFromName, {"csv", "jsonl"})},
                 {"delimiter",
                  [&](const YAML::Node &n, const std::string &f) -> Status {
                      delimiterNode = n;
                      auto value = reader.string(n, f);
                      if (!value)
                          return tl::unexpected(value.error());
                      if (*value == "\\t" || *value == "tab")
                          *value = "\t";
                      if (value->size() != 1 || *value == "\"" || *value == "\n" || *value == "\r")
                          return tl::unexpected(reader.error(
                              n, f,
                              "a delimiter is one character other than a quote or a line break "
                              "(\"\\t\" for a tab)"));
                      feeder.delimiter = *value;
                      return {};
                  }},
                 {"strategy", choice(feeder.strategy, dataStrategyFromName,
                                     {"sequential", "unique", "random", "per-vuser"})},
                 {"on_exhausted",
                  [&, handler = choice(feeder.onExhausted, dataExhaustionFromName,
                                       {"recycle", "stop-vuser", "stop-run"})](
                      const YAML::Node &n, const std::string &f) -> Status {
                      exhaustedNode = n;
                      return handler(n, f);
                  }}});
            if (!status)
                return status;
            if (feeder.file.empty())
                return tl::unexpected(reader.error(entry, join(path, "file"),
                                                   "a feeder needs a file (CSV or JSON lines)"));
            if (delimiterNode && feeder.effectiveFormat() != DataFormat::Csv)
                return tl::unexpected(reader.error(*delimiterNode, join(path, "delimiter"),
                                                   "a delimiter is for CSV files only"));
            if (exhaustedNode && feeder.strategy != DataStrategy::Sequential &&
                feeder.strategy != DataStrategy::Unique)
                return tl::unexpected(reader.error(
                    *exhaustedNode, join(path, "on_exhausted"),
                    "only sequential and unique feeders run out of rows (" +
                        std::string(dataStrategyName(feeder.strategy)) + " never does)"));
            feeders.push_back(std::move(feeder));
            return {};
        });
}

Status readProject(const Reader &reader, const YAML::Node &root, Project &project)
{
    if (!root.IsMap())
        return tl::unexpected(
            reader.at(root.IsDefined() && !root.IsNull() ? root.Mark() : YAML::Mark(), "loadwizard",
                      "not a Loadwizard project (expected a map starting "
                      "with \"loadwizard: 1\")"));
    bool versioned = false;
    bool profiled = false;
    auto duration = [&](auto &a, auto &b) { return reader.duration(a, b); };
    auto text = [&](auto &a, auto &b) { return reader.string(a, b); };
    auto boolean = [&](auto &a, auto &b) { return reader.boolean(a, b); };

    const Reader::Handlers handlers = {
        {"loadwizard",
         [&](const YAML::Node &node, const std::string &field) -> Status {
             const auto version =
                 node.IsScalar() ? toNumber<long long>(node.Scalar()) : std::optional<long long>();
             if (version != Project::schemaVersion)
                 return tl::unexpected(reader.error(
                     node, field,
                     "unsupported schema version \"" +
                         shortened(node.IsScalar() ? node.Scalar() : "") + "\" (this build reads " +
                         std::to_string(Project::schemaVersion) + ')'));
             versioned = true;
             return {};
         }},
        {"name", into(project.name, text)},
        {"description", into(project.description, text)},
        {"scenario", into(project.scenario, text)},
        {"parameters",
         [&](const YAML::Node &node, const std::string &field) -> Status {
             return reader.readMap(node, field, {},
                                   [&](const YAML::Node &key, const YAML::Node &value,
                                       const std::string &path) -> Status {
                                       const auto parameter = reader.string(value, path);
                                       if (!parameter)
                                           return tl::unexpected(parameter.error());
                                       project.parameters[key.Scalar()] = *parameter;
                                       return {};
                                   });
         }},
        {"profile",
         [&](const YAML::Node &node, const std::string &field) -> Status {
             profiled = true;
             return readProfile(reader, node, field, project.profile);
         }},
        {"think_time",
         [&](const YAML::Node &node, const std::string &field) -> Status {
             return reader.readMap(node, field,
                                   {{"multiplier",
                                     [&](const YAML::Node &n, const std::string &f) -> Status {
                                         const auto value = reader.number(n, f);
                                         if (!value)
                                             return tl::unexpected(value.error());
                                         if (*value < 0 || *value > 1000)
                                             return tl::unexpected(
                                                 reader.error(n, f, "must be from 0 to 1000"));
                                         project.thinkTime.multiplier = *value;
                                         return {};
                                     }},
                                    {"max_seconds", into(project.thinkTime.maxSeconds, duration)}});
         }},
        {"graceful_stop", into(project.gracefulStopSeconds, duration)},
        {"workers", into(project.workers,
                         [&](auto &a, auto &b) { return reader.integer(a, b, 0, maxWorkers); })},
        {"http",
         [&](const YAML::Node &node, const std::string &field) -> Status {
             HttpSettings &http = project.http;
             return reader.readMap(
                 node, field,
                 {{"timeout", into(http.timeoutSeconds, duration)},
                  {"verify_tls", into(http.verifyTls, boolean)},
                  {"http2", into(http.http2, boolean)},
                  {"max_redirects",
                   into(http.maxRedirects,
                        [&](auto &a, auto &b) { return reader.integer(a, b, 0, 1000); })},
                  {"buffer_size",
                   into(http.bufferSize,
                        [&](auto &a, auto &b) { return reader.integer(a, b, 1024, 524288); })},
                  {"max_body",
                   into(http.maxBodyBytes, [&](auto &a, auto &b) { return reader.size(a, b); })},
                  {"max_names",
                   into(http.maxNames,
                        [&](auto &a, auto &b) { return reader.integer(a, b, 1, 1000000); })},
                  {"user_agent", into(http.userAgent, text)},
                  {"base_url", into(http.baseUrl, text)},
                  {"headers",
                   [&](const YAML::Node &headers, const std::string &headersField) -> Status {
                       return reader.readMap(
                           headers, headersField, {},
                           [&](const YAML::Node &key, const YAML::Node &value,
                               const std::string &path) -> Status {
                               const auto header = reader.string(value, path);
                               if (!header)
                                   return tl::unexpected(header.error());
                               if (auto bad = headerProblem(key.Scalar(), *header); !bad.empty())
                                   return tl::unexpected(reader.error(key, path, bad));
                               http.headers.emplace_back(key.Scalar(), *header);
                               return {};
                           });
                   }}});
         }},
        {"rendezvous",
         [&](const YAML::Node &node, const std::string &field) -> Status {
             return readRendezvous(reader, node, field, project.rendezvous);
         }},
        {"outputs",
         [&](const YAML::Node &node, const std::string &field) -> Status {
             return readOutputs(reader, node, field, project.outputs);
         }},
        {"data",
         [&](const YAML::Node &node, const std::string &field) -> Status {
             return readData(reader, node, field, project.data);
         }},
    };

    auto status = reader.readMap(
        root, {}, handlers,
        [&](const YAML::Node &key, const YAML::Node &value, const std::string &field) -> Status {
            // Extensions ("x-team: checkout") are the user's or other tools': kept on save.
            if (!key.Scalar().starts_with("x-"))
                return tl::unexpected(reader.unknownKey(key, field, handlers));
            project.extraKeys.emplace_back(key.Scalar(), YAML::Dump(value));
            return {};
        });
    if (!status)
        return status;
    if (!versioned)
        return tl::unexpected(reader.at(root.Mark(), "loadwizard",
                                        "missing \"loadwizard: 1\" (is this a Loadwizard "
                                        "project file?)"));
    if (!profiled)
        return tl::unexpected(reader.at(root.Mark(), "profile", "missing profile"));
    return {};
}

/// Where the first byte is that is not part of valid UTF-8 (RFC 3629: no overlong forms, no
/// surrogates, nothing above U+10FFFF), npos when there is none. Hand-written (a dozen lines; no
/// library we link has a public check): yaml-cpp passes such bytes through, and its emitter then
/// writes some of them as U+FFFD, so the text would not survive a save.
std::size_t invalidUtf8(std::string_view text)
{
    for (std::size_t i = 0; i < text.size();) {
        const auto byte = [&](std::size_t at) { return static_cast<unsigned char>(text[at]); };
        const unsigned char lead = byte(i);
        std::size_t length = 1;
        std::uint32_t code = lead;
        std::uint32_t min = 0;
        if (lead >= 0xF0 && lead <= 0xF4)
            length = 4, code = lead & 0x07u, min = 0x10000;
        else if (lead >= 0xE0)
            length = lead <= 0xEF ? 3 : 0, code = lead & 0x0Fu, min = 0x800;
        else if (lead >= 0xC2)
            length = 2, code = lead & 0x1Fu, min = 0x80;
        else if (lead >= 0x80)
            length = 0; // a continuation byte, or an overlong 0xC0/0xC1 start
        if (length == 0 || i + length > text.size())
            return i;
        for (std::size_t k = 1; k < length; ++k) {
            if ((byte(i + k) & 0xC0) != 0x80)
                return i;
            code = (code << 6) | (byte(i + k) & 0x3Fu);
        }
        if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
            return i;
        i += length;
    }
    return std::string_view::npos;
}

/// For a parse error at `errorLine` (0-based): the first value before it, on a line of its own,
/// that opens a quote and does not close it on that line (line, column; 0-based). Quoted values
/// may span lines in YAML, but in a project file that is almost always a forgotten quote, which
/// yaml-cpp reports lines later as "end of map not found".
std::optional<std::pair<int, int>> quoteOpenOnItsLine(std::string_view yaml, int errorLine)
{
    int line = 0;
    for (std::size_t start = 0; start < yaml.size() && line <= errorLine; ++line) {
        std::size_t end = yaml.find('\n', start);
        if (end == std::string_view::npos)
            end = yaml.size();
        const std::string_view text = yaml.substr(start, end - start);
        start = end + 1;
        // A value that starts with a quote: after "key: ", "- " or at the line's start.
        std::size_t open = text.find_first_not_of(" \t");
        if (open == std::string_view::npos || text[open] == '#')
            continue;
        if (text.compare(open, 2, "- ") == 0)
            open = text.find_first_not_of(" \t", open + 2);
        else if (const auto colon = text.find(": ", open);
                 colon != std::string_view::npos && text[open] != '"' && text[open] != '\'')
            open = text.find_first_not_of(" \t", colon + 2);
        if (open == std::string_view::npos || (text[open] != '"' && text[open] != '\''))
            continue;
        const char quote = text[open];
        bool closed = false;
        for (std::size_t i = open + 1; i < text.size() && !closed; ++i) {
            if (quote == '"' && text[i] == '\\')
                ++i;
            else if (text[i] == quote && quote == '\'' && i + 1 < text.size() &&
                     text[i + 1] == '\'')
                ++i;
            else if (text[i] == quote)
                closed = true;
        }
        if (!closed)
            return std::pair{line, int(open)};
    }
    return std::nullopt;
}

/// yaml-cpp accepts a quoted text still open at the end of the file (it swallows the rest of the
/// file), which then surfaces as a misleading "missing profile" at 1:1: such a scalar is a
/// quoted one (tag "!") whose closing quote is nowhere in the text after its opening one.
bool unterminatedQuote(const YAML::Node &scalar, std::string_view yaml)
{
    const YAML::Mark mark = scalar.Mark();
    if (scalar.Tag() != "!" || mark.is_null() || std::size_t(mark.pos) >= yaml.size())
        return false;
    const char quote = yaml[std::size_t(mark.pos)];
    if (quote != '"' && quote != '\'')
        return false;
    for (std::size_t i = std::size_t(mark.pos) + 1; i < yaml.size(); ++i) {
        if (quote == '"' && yaml[i] == '\\')
            ++i; // an escaped character, maybe a quote
        else if (yaml[i] == quote && quote == '\'' && i + 1 < yaml.size() && yaml[i + 1] == '\'')
            ++i; // '' is a quote inside single quotes
        else if (yaml[i] == quote)
            return false;
    }
    return true;
}

/// Checks every key, value and tag once, before any is read: a quoted text never closed, a
/// text that is not UTF-8 (it would not survive a save).
class TextCheck
{
public:
    explicit TextCheck(std::string_view yaml)
        : m_yaml(yaml)
    {}

    /// Where the first problem is, and what it is.
    std::optional<std::pair<YAML::Mark, std::string>> operator()(const YAML::Node &node)
    {
        // Aliases make the tree a graph that can be exponentially larger than the text (a
        // "billion laughs" file): a collection met again through an alias (same place in the
        // text) is not walked again, and the walk is bounded all the same.
        if (m_budget == 0)
            return std::nullopt;
        --m_budget;
        if (invalidUtf8(node.Tag()) != std::string_view::npos)
            return std::pair{node.Mark(), std::string(notUtf8)};
        if (node.IsScalar()) {
            if (unterminatedQuote(node, m_yaml))
                return std::pair{node.Mark(), std::string("this quoted text is never closed (it "
                                                          "runs to the end of the file)")};
            if (invalidUtf8(node.Scalar()) != std::string_view::npos)
                return std::pair{node.Mark(), std::string(notUtf8)};
            return std::nullopt;
        }
        if (!node.IsMap() && !node.IsSequence())
            return std::nullopt;
        if (!node.Mark().is_null() && !m_walked.insert(node.Mark().pos).second)
            return std::nullopt;
        for (auto it = node.begin(); it != node.end(); ++it) {
            const YAML::Node key = node.IsMap() ? it->first : *it;
            if (auto problem = (*this)(key))
                return problem;
            if (node.IsMap()) {
                if (auto problem = (*this)(it->second))
                    return problem;
            }
        }
        return std::nullopt;
    }

private:
    static constexpr std::string_view notUtf8 =
        "this text is not valid UTF-8 (a project file is UTF-8)";
    std::string_view m_yaml;
    std::size_t m_budget = 1'000'000;
    std::set<int> m_walked; ///< collections walked, by their place in the text
};

void emitNumber(YAML::Emitter &out, std::string_view key, double value)
{
    out << YAML::Key << std::string(key) << YAML::Value << formatNumber(value);
}

std::string systemError(const std::string &what, const std::string &path, int error)
{
    return what + ' ' + path + ": " + std::strerror(error);
}

} // namespace

bool Project::operator==(const Project &other) const
{
    return name == other.name && description == other.description && scenario == other.scenario &&
           parameters == other.parameters && profile.steps() == other.profile.steps() &&
           thinkTime == other.thinkTime && gracefulStopSeconds == other.gracefulStopSeconds &&
           workers == other.workers && http == other.http && rendezvous == other.rendezvous &&
           outputs == other.outputs && data == other.data && extraKeys == other.extraKeys &&
           inlineScenario == other.inlineScenario;
}

std::string Project::scenarioPath() const
{
    if (scenario.empty())
        return {};
    const fs::path relative(scenario);
    if (relative.is_absolute() || path.empty())
        return scenario;
    return (fs::path(path).parent_path() / relative).string();
}

std::string Project::folder() const
{
    if (path.empty())
        return {};
    std::error_code error;
    const fs::path absolute = fs::absolute(fs::path(path), error);
    return (error ? fs::path(path) : absolute).parent_path().lexically_normal().string();
}

RendezvousPolicy Project::rendezvousPolicy(std::string_view name) const
{
    for (const RendezvousPolicy &policy : rendezvous) {
        if (policy.name == name)
            return policy;
    }
    RendezvousPolicy policy;
    policy.name = std::string(name);
    return policy;
}

namespace {

/// Line `index` (0-based) of `text`, without its newline; empty past the end.
std::string_view lineAt(std::string_view text, std::size_t index)
{
    std::size_t start = 0;
    for (std::size_t i = 0; i < index; ++i) {
        start = text.find('\n', start);
        if (start == std::string_view::npos)
            return {};
        ++start;
    }
    const std::size_t end = text.find('\n', start);
    return text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

} // namespace

tl::expected<Project, Error> parseProject(std::string_view yaml, const std::string &fileName,
                                          std::vector<Error> *warnings)
{
    // Warnings are only handed out with a project that loaded.
    std::vector<Error> found;
    const Reader reader(fileName, &found);
    Project project;
    if (yaml.size() > maxProjectBytes) {
        Error error;
        error.message = "the file is larger than " + std::to_string(maxProjectBytes >> 20) +
                        " MiB, the most a project file may hold";
        error.file = fileName;
        return tl::unexpected(std::move(error));
    }
    try {
        // The first document, and an error for one after "---" rather than ignoring it.
        const YamlDocument document = loadYamlDocument(yaml);
        if (document.secondDocument) {
            std::size_t line = std::size_t(document.secondDocument->line);
            // The "---" that starts it, at or above its first node.
            std::size_t marker = line;
            while (marker > 0 && !lineAt(yaml, marker).starts_with("---"))
                --marker;
            if (lineAt(yaml, marker).starts_with("---"))
                line = marker;
            YAML::Mark at;
            at.line = int(line);
            at.column = 0;
            return tl::unexpected(reader.at(at, {},
                                            "a second YAML document starts here: a project file "
                                            "holds one (remove this \"---\" and what follows, "
                                            "or merge it into the first)"));
        }
        const YAML::Node &root = document.root;
        if (auto problem = TextCheck(yaml)(root))
            return tl::unexpected(reader.at(problem->first, {}, std::move(problem->second)));
        if (auto status = readProject(reader, root, project); !status)
            return tl::unexpected(status.error());
    } catch (const YAML::Exception &exception) {
        std::string message = exception.msg;
        if (const auto quote = quoteOpenOnItsLine(yaml, exception.mark.line)) {
            message += " (the quote at line " + std::to_string(quote->first + 1) + ", column " +
                       std::to_string(quote->second + 1) +
                       " is not closed on its line: a missing closing quote?)";
        }
        return tl::unexpected(reader.at(exception.mark, {}, message));
    }
    if (warnings)
        warnings->insert(warnings->end(), found.begin(), found.end());
    return project;
}

tl::expected<Project, Error> loadProject(const std::string &path, std::vector<Error> *warnings)
{
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        Error error;
        error.message = systemError("cannot open", path, errno);
        error.file = path;
        return tl::unexpected(std::move(error));
    }
    // Read one chunk past the cap at most: a huge file is refused without loading it.
    std::string text;
    char chunk[65536];
    while (text.size() <= maxProjectBytes && file.read(chunk, sizeof chunk).gcount() > 0)
        text.append(chunk, std::size_t(file.gcount()));
    if (file.bad()) {
        Error error;
        error.message = systemError("cannot read", path, errno);
        error.file = path;
        return tl::unexpected(std::move(error));
    }
    auto project = parseProject(text, path, warnings);
    if (project)
        project->path = path;
    return project;
}

std::string projectToYaml(const Project &project)
{
    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "loadwizard" << YAML::Value << Project::schemaVersion;
    out << YAML::Key << "name" << YAML::Value << project.name;
    out << YAML::Key << "description" << YAML::Value << project.description;
    out << YAML::Key << "scenario" << YAML::Value << project.scenario;

    out << YAML::Key << "parameters" << YAML::Value;
    if (project.parameters.empty())
        out << YAML::Flow;
    out << YAML::BeginMap;
    for (const auto &[key, value] : project.parameters)
        out << YAML::Key << key << YAML::Value << value;
    out << YAML::EndMap;

    out << YAML::Key << "profile" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "rampup" << YAML::Value << YAML::DoubleQuoted << project.profile.toString();
    out << YAML::EndMap;

    out << YAML::Key << "think_time" << YAML::Value << YAML::Flow << YAML::BeginMap;
    emitNumber(out, "multiplier", project.thinkTime.multiplier);
    emitNumber(out, "max_seconds", project.thinkTime.maxSeconds);
    out << YAML::EndMap;
    emitNumber(out, "graceful_stop", project.gracefulStopSeconds);
    out << YAML::Key << "workers" << YAML::Value << project.workers;

    const HttpSettings &http = project.http;
    out << YAML::Key << "http" << YAML::Value << YAML::BeginMap;
    emitNumber(out, "timeout", http.timeoutSeconds);
    out << YAML::Key << "verify_tls" << YAML::Value << http.verifyTls;
    out << YAML::Key << "http2" << YAML::Value << http.http2;
    out << YAML::Key << "max_redirects" << YAML::Value << http.maxRedirects;
    out << YAML::Key << "buffer_size" << YAML::Value << http.bufferSize;
    out << YAML::Key << "max_body" << YAML::Value << formatSize(http.maxBodyBytes);
    out << YAML::Key << "max_names" << YAML::Value << http.maxNames;
    out << YAML::Key << "user_agent" << YAML::Value << http.userAgent;
    out << YAML::Key << "base_url" << YAML::Value << http.baseUrl;
    out << YAML::Key << "headers" << YAML::Value;
    if (http.headers.empty())
        out << YAML::Flow;
    out << YAML::BeginMap;
    for (const auto &[name, value] : http.headers)
        out << YAML::Key << name << YAML::Value << value;
    out << YAML::EndMap;
    out << YAML::EndMap;

    out << YAML::Key << "rendezvous" << YAML::Value;
    if (project.rendezvous.empty())
        out << YAML::Flow;
    out << YAML::BeginSeq;
    for (const RendezvousPolicy &policy : project.rendezvous) {
        out << YAML::Flow << YAML::BeginMap;
        out << YAML::Key << "name" << YAML::Value << policy.name;
        switch (policy.kind) {
        case RendezvousPolicy::Kind::AllRunning:
            out << YAML::Key << "policy" << YAML::Value << "all";
            break;
        case RendezvousPolicy::Kind::Count:
            out << YAML::Key << "policy" << YAML::Value << "count";
            emitNumber(out, "value", policy.value);
            break;
        case RendezvousPolicy::Kind::Percent:
            out << YAML::Key << "policy" << YAML::Value << "percent";
            emitNumber(out, "value", policy.value);
            break;
        }
        emitNumber(out, "timeout", policy.timeoutSeconds);
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;

    out << YAML::Key << "outputs" << YAML::Value;
    if (project.outputs.empty())
        out << YAML::Flow;
    out << YAML::BeginSeq;
    for (const OutputConfig &output : project.outputs) {
        out << YAML::Flow << YAML::BeginMap;
        out << YAML::Key << "kind" << YAML::Value << output.kind;
        out << YAML::Key << "target" << YAML::Value << output.target;
        for (const auto &[key, value] : output.options)
            out << YAML::Key << key << YAML::Value << value;
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;

    // Only what was written (a default left out stays out), so a save changes nothing.
    if (!project.data.empty()) {
        out << YAML::Key << "data" << YAML::Value << YAML::BeginMap;
        for (const DataSourceSettings &feeder : project.data) {
            out << YAML::Key << feeder.name << YAML::Value << YAML::BeginMap;
            out << YAML::Key << "file" << YAML::Value << feeder.file;
            if (feeder.format != DataFormat::Auto)
                out << YAML::Key << "format" << YAML::Value
                    << std::string(dataFormatName(feeder.format));
            if (!feeder.delimiter.empty())
                out << YAML::Key << "delimiter" << YAML::Value << YAML::DoubleQuoted
                    << feeder.delimiter;
            out << YAML::Key << "strategy" << YAML::Value
                << std::string(dataStrategyName(feeder.strategy));
            if (feeder.onExhausted != DataExhaustion::Default)
                out << YAML::Key << "on_exhausted" << YAML::Value
                    << std::string(dataExhaustionName(feeder.onExhausted));
            out << YAML::EndMap;
        }
        out << YAML::EndMap;
    }

    for (const auto &[key, text] : project.extraKeys) {
        YAML::Node value;
        try {
            value = YAML::Load(text);
        } catch (const YAML::Exception &) {
            value = YAML::Node(text); // not YAML after all: keep it as a string
        }
        out << YAML::Key << key << YAML::Value << value;
    }
    out << YAML::EndMap;
    return std::string(out.c_str()) + '\n';
}

tl::expected<void, Error> saveProject(const Project &project, const std::string &path)
{
    return writeFileAtomically(path, projectToYaml(project));
}

} // namespace Loadwizard
