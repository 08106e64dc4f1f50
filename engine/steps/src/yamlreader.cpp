#include <loadwizard/yamlreader.h>

#include <loadwizard/rampprofile.h>
#include <loadwizard/suggest.h>
#include <loadwizard/yamldocument.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>

namespace Loadwizard::Yaml {

YAML::Emitter &operator<<(YAML::Emitter &out, Text text)
{
    if (text.key && text.text.size() > 128) // escaped, 128 bytes may take 1024 characters
        out << YAML::LongKey;
    if (text.text.find('\r') != std::string_view::npos)
        out << YAML::DoubleQuoted;
    return out << std::string(text.text);
}

std::string formatNumber(double value)
{
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, result.ptr);
}

std::string trimmed(const std::string &text)
{
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos)
        return {};
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
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

namespace {

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
/// The longest map key read (YAML's own limit for implicit keys).
constexpr std::size_t maxKeyBytes = 1024;

class TextCheck
{
public:
    TextCheck(std::string_view yaml, std::string_view kind)
        : m_yaml(yaml)
        , m_notUtf8("this text is not valid UTF-8 (a " + std::string(kind) + " is UTF-8)")
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
            return std::pair{node.Mark(), m_notUtf8};
        if (node.IsScalar()) {
            if (unterminatedQuote(node, m_yaml))
                return std::pair{node.Mark(), std::string("this quoted text is never closed (it "
                                                          "runs to the end of the file)")};
            if (invalidUtf8(node.Scalar()) != std::string_view::npos)
                return std::pair{node.Mark(), m_notUtf8};
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
            // YAML limits implicit keys to 1024 characters; yaml-cpp 0.7 reads longer explicit
            // ones (`? key`) but cannot write them back (its emitter breaks the maps after
            // one: found by fuzz_project). No name of ours comes close.
            if (node.IsMap() && key.IsScalar() && key.Scalar().size() > maxKeyBytes) {
                return std::pair{key.Mark(), "a key of " + std::to_string(key.Scalar().size()) +
                                                 " characters: keys hold at most " +
                                                 std::to_string(maxKeyBytes)};
            }
            if (node.IsMap()) {
                if (auto problem = (*this)(it->second))
                    return problem;
            }
        }
        return std::nullopt;
    }

private:
    std::string_view m_yaml;
    std::string m_notUtf8;
    std::size_t m_budget = 1'000'000;
    std::set<int> m_walked; ///< collections walked, by their place in the text
};

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

/// "U+0001" for a control character.
std::string codePoint(unsigned char c)
{
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "U+%04X", unsigned(c));
    return buffer;
}

} // namespace

Result<YAML::Node> parseDocument(std::string_view yaml, const std::string &fileName,
                                 std::size_t maxBytes, std::string_view kind)
{
    const Reader reader(fileName, nullptr);
    if (yaml.size() > maxBytes) {
        Error error;
        error.message = "the file is larger than " + std::to_string(maxBytes >> 20) +
                        " MiB, the most a " + std::string(kind) + " may hold";
        error.file = fileName;
        return tl::unexpected(std::move(error));
    }
    try {
        // The first document, and an error for one after "---" rather than ignoring it.
        YamlDocument document = loadYamlDocument(yaml);
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
                                            "a second YAML document starts here: a " +
                                                std::string(kind) +
                                                " holds one (remove this \"---\" and what "
                                                "follows, or merge it into the first)"));
        }
        if (auto problem = TextCheck(yaml, kind)(document.root))
            return tl::unexpected(reader.at(problem->first, {}, std::move(problem->second)));
        return document.root;
    } catch (const YAML::Exception &exception) {
        std::string message = exception.msg;
        if (const auto quote = quoteOpenOnItsLine(yaml, exception.mark.line)) {
            message += " (the quote at line " + std::to_string(quote->first + 1) + ", column " +
                       std::to_string(quote->second + 1) +
                       " is not closed on its line: a missing closing quote?)";
        } else if (message.find("flow") != std::string::npos &&
                   lineAt(yaml, std::size_t(std::max(exception.mark.line, 0))).find("${") !=
                       std::string_view::npos) {
            // `json: {qty: ${qty}}`: braces end a {…} map, so a template there needs quotes.
            message += " (an unquoted ${...} cannot stand inside {...} or [...]: quote it, or "
                       "write the map or list one entry per line)";
        }
        return tl::unexpected(reader.at(exception.mark, {}, message));
    }
}

Result<std::string> readTextFile(const std::string &path, std::size_t maxBytes)
{
    auto failure = [&](const char *what) {
        Error error;
        error.message = std::string(what) + ' ' + path + ": " + std::strerror(errno);
        error.file = path;
        return tl::unexpected(std::move(error));
    };
    std::ifstream file(path, std::ios::binary);
    if (!file)
        return failure("cannot open");
    std::string text;
    char chunk[65536];
    while (text.size() <= maxBytes && file.read(chunk, sizeof chunk).gcount() > 0)
        text.append(chunk, std::size_t(file.gcount()));
    if (file.bad())
        return failure("cannot read");
    return text;
}

Reader::Reader(std::string file, std::vector<Error> *warnings)
    : m_file(std::move(file))
    , m_warnings(warnings)
{}

Error Reader::error(const YAML::Node &node, const std::string &field, std::string message) const
{
    // yaml-cpp marks an empty value ("key:" and a new line) at the next key; point at its own
    // key instead. Empty values are never descended into, so the last key read is the one.
    const bool empty = node.IsNull() && !m_lastKey.is_null();
    return at(empty ? m_lastKey : node.Mark(), field, std::move(message));
}

Error Reader::at(const YAML::Mark &mark, const std::string &field, std::string message) const
{
    Error error;
    error.message = std::move(message);
    error.file = m_file;
    error.line = mark.is_null() ? 0 : mark.line + 1;
    error.column = mark.is_null() ? 0 : mark.column + 1;
    error.field = field;
    return error;
}

void Reader::warn(const YAML::Node &node, const std::string &field, std::string message) const
{
    if (m_warnings)
        m_warnings->push_back(error(node, field, std::move(message)));
}

void Reader::warn(Error warning) const
{
    if (m_warnings)
        m_warnings->push_back(std::move(warning));
}

Status Reader::readMap(const YAML::Node &map, const std::string &field, const Handlers &handlers,
                       const Unknown &unknown) const
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
        const auto handler = std::find_if(handlers.begin(), handlers.end(),
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

Error Reader::unknownKey(const YAML::Node &key, const std::string &field,
                         const Handlers &handlers) const
{
    std::vector<std::string_view> known;
    for (const auto &entry : handlers)
        known.push_back(entry.first);
    return unknownKey(key, field, known);
}

Error Reader::unknownKey(const YAML::Node &key, const std::string &field,
                         const std::vector<std::string_view> &known) const
{
    return error(key, field,
                 "unknown key \"" + shortened(key.Scalar()) + '"' +
                     suggestionFor(key.Scalar(), known));
}

Result<std::string> Reader::string(const YAML::Node &node, const std::string &field) const
{
    if (node.IsNull())
        return std::string();
    if (!node.IsScalar())
        return tl::unexpected(error(node, field, "expected a text, not " + kind(node)));
    return node.Scalar();
}

Result<std::string> Reader::text(const YAML::Node &node, const std::string &field) const
{
    auto value = string(node, field);
    if (!value)
        return value;
    // A control character in a template is a paste accident, and one in a header or URL would
    // be sent as is: refuse it where it was written.
    for (const char c : *value) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte < 0x20 && c != '\t' && c != '\n' && c != '\r') || byte == 0x7F)
            return tl::unexpected(error(node, field,
                                        "this text holds a control character (" + codePoint(byte) +
                                            "), which a scenario cannot send"));
    }
    return value;
}

Result<double> Reader::number(const YAML::Node &node, const std::string &field) const
{
    if (!node.IsScalar())
        return tl::unexpected(error(node, field, "expected a number, not " + kind(node)));
    if (const auto value = toNumber<double>(node.Scalar()))
        return *value;
    return tl::unexpected(
        error(node, field, '"' + shortened(node.Scalar()) + "\" is not a number"));
}

Result<long long> Reader::integer(const YAML::Node &node, const std::string &field, long long min,
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

Result<bool> Reader::boolean(const YAML::Node &node, const std::string &field) const
{
    bool value = false;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value))
        return tl::unexpected(error(node, field, "expected true or false"));
    return value;
}

Result<double> Reader::duration(const YAML::Node &node, const std::string &field) const
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
Result<std::uint64_t> Reader::size(const YAML::Node &node, const std::string &field) const
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

std::string Reader::kind(const YAML::Node &node)
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

} // namespace Loadwizard::Yaml
