#pragma once

// Reading YAML files a person wrote (a project, a declarative scenario): every error says where
// (file, line, column and key path), a typo gets a suggestion, text is checked before it is read.
// Shared by the project and the steps libraries.

#include <loadwizard/error.h>

#include <charconv>
#include <cmath>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <tl/expected.hpp>
#include <yaml-cpp/yaml.h>

namespace Loadwizard::Yaml {

template <typename T>
using Result = tl::expected<T, Error>;
using Status = Result<void>;

/// A user's text for a YAML::Emitter, written so that it reads back the same: yaml-cpp 0.7
/// writes a text ending in a carriage return plain, and the reader takes that CR for a line
/// break (found by fuzz_project), so such a text is double-quoted; a key longer than YAML's
/// 1024-character limit for implicit keys (escapes included) is written as an explicit `? key`.
struct Text
{
    std::string_view text;
    bool key = false;
};
YAML::Emitter &operator<<(YAML::Emitter &out, Text text);

/// The shortest text that reads back as the same double ("0.5", "1e+300").
std::string formatNumber(double value);
/// `text` without the spaces and tabs around it.
std::string trimmed(const std::string &text);
/// Seconds from "10s", "500ms", "1m", "2h" or a plain number; none when it is none of those.
std::optional<double> toSeconds(const std::string &text);
/// "parent.key" (or "key" at the top).
std::string join(const std::string &parent, std::string_view key);
/// "parent[index]".
std::string indexed(const std::string &parent, std::size_t index);

/// A number when the whole text is one (YAML allows a leading '+'); finite for floating types.
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

/// Parses the one YAML document of a file held in memory: at most `maxBytes`, a second document
/// is an error, every key, value and tag is checked first (valid UTF-8, no quote left open to
/// the end of the file), and yaml-cpp's errors become Errors with their place. `kind` names the
/// file in messages ("project file").
Result<YAML::Node> parseDocument(std::string_view yaml, const std::string &fileName,
                                 std::size_t maxBytes, std::string_view kind);

/// Reads a file for parseDocument: at most one chunk past `maxBytes` is read, so a huge file is
/// refused without loading it.
Result<std::string> readTextFile(const std::string &path, std::size_t maxBytes);

/// Reads YAML nodes into values, with errors that say where (file, line, column, field).
class Reader
{
public:
    using Handler = std::function<Status(const YAML::Node &value, const std::string &field)>;
    using Handlers = std::vector<std::pair<std::string_view, Handler>>;
    using Unknown = std::function<Status(const YAML::Node &key, const YAML::Node &value,
                                         const std::string &field)>;

    Reader(std::string file, std::vector<Error> *warnings);

    /// An error at `node` (at its key when the value is empty).
    Error error(const YAML::Node &node, const std::string &field, std::string message) const;
    /// An error at a place in the text.
    Error at(const YAML::Mark &mark, const std::string &field, std::string message) const;
    /// A warning at `node`, kept when the reader has a warning list.
    void warn(const YAML::Node &node, const std::string &field, std::string message) const;
    /// A warning found by another reader (a part of the file read by its own code).
    void warn(Error warning) const;

    /// Calls the handler of each known key; unknown keys go to `unknown` or are errors with a
    /// suggestion. Duplicate keys are errors.
    Status readMap(const YAML::Node &map, const std::string &field, const Handlers &handlers,
                   const Unknown &unknown = {}) const;
    /// A typo must not silently keep a default: an error that suggests the closest key.
    Error unknownKey(const YAML::Node &key, const std::string &field,
                     const Handlers &handlers) const;
    /// The same with the known names given.
    Error unknownKey(const YAML::Node &key, const std::string &field,
                     const std::vector<std::string_view> &known) const;

    /// A scalar as written; an empty value is an empty text.
    Result<std::string> string(const YAML::Node &node, const std::string &field) const;
    /// The same, refusing control characters other than tab, line feed and carriage return.
    Result<std::string> text(const YAML::Node &node, const std::string &field) const;
    Result<double> number(const YAML::Node &node, const std::string &field) const;
    Result<long long> integer(const YAML::Node &node, const std::string &field, long long min,
                              long long max) const;
    Result<bool> boolean(const YAML::Node &node, const std::string &field) const;
    /// Seconds: "10s", "500ms", "1m", "2h" or a number; not negative, at most a profile's length.
    Result<double> duration(const YAML::Node &node, const std::string &field) const;
    /// Bytes: a whole number, optionally with B, kB, MB, GB (powers of 1000) or KiB, MiB, GiB.
    Result<std::uint64_t> size(const YAML::Node &node, const std::string &field) const;

    /// The key read last (readMap notes each): an error on an empty value points at it.
    const YAML::Mark &lastKey() const { return m_lastKey; }
    /// Notes the key of a value read after its map (errors on it being empty point there).
    void noteKey(const YAML::Mark &key) const { m_lastKey = key; }

    /// "a map", "a list", "an empty value" or "a text", for messages.
    static std::string kind(const YAML::Node &node);
    const std::string &file() const { return m_file; }

private:
    std::string m_file;
    std::vector<Error> *m_warnings;
    mutable YAML::Mark m_lastKey = YAML::Mark::null_mark();
};

/// Assigns a converted value to `target`, so handler tables stay one line per key.
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

} // namespace Loadwizard::Yaml
