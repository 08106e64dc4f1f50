#include "template.h"

#include <loadwizard/helpers.h>
#include <loadwizard/secrets.h>
#include <loadwizard/suggest.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string_view>

namespace Loadwizard::Steps {

namespace {

// Built-ins without arguments, and those that take them (for suggestions).
constexpr std::string_view builtinNames[] = {"vuser_id", "iteration",  "worker",
                                             "uuid",     "unix",       "unix_ms",
                                             "iso_time", "random_int", "random_string"};

bool isNameChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
}

std::string_view trim(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

std::optional<long long> integer(std::string_view text)
{
    text = trim(text);
    long long value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || text.empty())
        return std::nullopt;
    return value;
}

/// A JSON number literal, true, false or null: written into JSON as it is.
bool isJsonScalar(std::string_view text)
{
    if (text == "true" || text == "false" || text == "null")
        return true;
    if (text.empty())
        return false;
    // RFC 8259: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    std::size_t i = 0;
    auto digits = [&] {
        const std::size_t start = i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9')
            ++i;
        return i - start;
    };
    if (text[i] == '-')
        ++i;
    if (i < text.size() && text[i] == '0')
        ++i;
    else if (digits() == 0)
        return false;
    if (i < text.size() && text[i] == '.') {
        ++i;
        if (digits() == 0)
            return false;
    }
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        if (i < text.size() && (text[i] == '+' || text[i] == '-'))
            ++i;
        if (digits() == 0)
            return false;
    }
    if (i != text.size())
        return false;
    // 1e999 is JSON by the grammar, but parsers (the target's too) refuse what a double cannot
    // hold: such a value is sent as a string, as the reader refuses it in a literal.
    const std::string copy(text);
    return std::isfinite(std::strtod(copy.c_str(), nullptr));
}

} // namespace

void appendJsonEscaped(std::string_view text, std::string &out)
{
    static constexpr char hex[] = "0123456789abcdef";
    for (const char c : text) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                out += "\\u00";
                out += hex[(c >> 4) & 0xf];
                out += hex[c & 0xf];
            } else {
                out += c;
            }
        }
    }
}

tl::expected<Template, std::string> Template::compile(std::string_view text,
                                                      const TemplateScope &scope, Escape escape)
{
    Template result;
    result.m_scope = &scope;
    result.m_escape = escape;
    std::string literal; // unescaped text gathered between two value pieces
    auto flushLiteral = [&] {
        if (literal.empty())
            return;
        Piece piece;
        if (escape == Escape::JsonString)
            appendJsonEscaped(literal, piece.text);
        else
            piece.text = std::move(literal);
        literal.clear();
        result.m_pieces.push_back(std::move(piece));
    };

    std::size_t i = 0;
    while (i < text.size()) {
        if (text.compare(i, 3, "$${") == 0) { // an escaped "${"
            literal += "${";
            i += 3;
            continue;
        }
        if (text.compare(i, 2, "${") != 0) {
            literal += text[i++];
            continue;
        }
        const std::size_t close = text.find('}', i + 2);
        if (close == std::string_view::npos) {
            return tl::unexpected("\"${\" at position " + std::to_string(i + 1) +
                                  " is not closed by \"}\" (write \"$${\" for a literal \"${\")");
        }
        const std::string_view whole = text.substr(i, close - i + 1);
        if (whole.find("${", 2) != std::string_view::npos) {
            return tl::unexpected(std::string(whole) +
                                  ": templates cannot be nested (a ${…} inside another); "
                                  "compute the inner value in a set: step first, or write it "
                                  "out");
        }
        std::string_view inner = trim(text.substr(i + 2, close - i - 2));
        i = close + 1;

        Piece piece;
        if (const auto bar = inner.find('|'); bar != std::string_view::npos) {
            const std::string_view filter = trim(inner.substr(bar + 1));
            inner = trim(inner.substr(0, bar));
            if (filter == "url")
                piece.filter = Filter::Url;
            else if (filter == "base64")
                piece.filter = Filter::Base64;
            else
                return tl::unexpected("unknown filter \"" + std::string(filter) + "\" in " +
                                      std::string(whole) + " (filters: url, base64)");
        }
        std::string_view arguments;
        bool hasArguments = false;
        if (const auto open = inner.find('('); open != std::string_view::npos) {
            if (inner.back() != ')')
                return tl::unexpected(std::string(whole) + ": \"(\" without a closing \")\"");
            arguments = inner.substr(open + 1, inner.size() - open - 2);
            inner = trim(inner.substr(0, open));
            hasArguments = true;
        }
        if (inner.empty())
            return tl::unexpected(std::string(whole) + " names nothing");
        for (const char c : inner) {
            if (!isNameChar(c)) {
                return tl::unexpected(std::string(whole) + ": \"" + std::string(1, c) +
                                      "\" cannot be part of a name (letters, digits, _ - .)");
            }
        }
        const std::string name(inner);

        // Constants first: folded into the literal text.
        std::optional<std::string> constant;
        if (name.starts_with("env.")) {
            const std::string variable = name.substr(4);
            std::optional<std::string> value;
            if (scope.environment) {
                value = scope.environment(variable);
            } else if (const char *found = std::getenv(variable.c_str())) {
                value = std::string(found);
            }
            if (!value)
                return tl::unexpected("environment variable " + variable + " (in " +
                                      std::string(whole) + ") is not set");
            // As for the project's ${VAR}: what the environment gives is redacted wherever the
            // engine prints it (-v, --http-debug, request names, the summary).
            registerSecret(variable, *value);
            constant = std::move(*value);
        } else if (const auto dot = name.find('.'); dot != std::string::npos) {
            const std::string feeder = name.substr(0, dot), column = name.substr(dot + 1);
            std::size_t f = 0;
            while (f < scope.feeders.size() && scope.feeders[f] != feeder)
                ++f;
            if (f == scope.feeders.size()) {
                std::vector<std::string_view> known(scope.feeders.begin(), scope.feeders.end());
                return tl::unexpected(
                    std::string(whole) + ": no data feeder \"" + feeder + "\"" +
                    (known.empty()
                         ? std::string(
                               " (the project declares none under data:; without a project, "
                               "give --data " +
                               feeder + "=FILE)")
                         : suggestionFor(feeder, known)));
            }
            const auto &columns = scope.feederColumns[f];
            std::size_t c = 0;
            while (c < columns.size() && columns[c] != column)
                ++c;
            if (c == columns.size()) {
                std::vector<std::string_view> known(columns.begin(), columns.end());
                return tl::unexpected(std::string(whole) + ": data feeder \"" + feeder +
                                      "\" has no column \"" + column + "\"" +
                                      suggestionFor(column, known));
            }
            piece.kind = Kind::Data;
            piece.index = int(f);
            piece.column = int(c);
        } else if (const auto variable = scope.variables.find(name);
                   variable != scope.variables.end()) {
            piece.kind = Kind::Variable;
            piece.index = variable->second;
        } else if (scope.parameters && scope.parameters->contains(name)) {
            constant = scope.parameters->find(name)->second;
        } else if (name == "vuser_id") {
            piece.kind = Kind::VuserId;
        } else if (name == "iteration") {
            piece.kind = Kind::Iteration;
        } else if (name == "worker") {
            piece.kind = Kind::Worker;
        } else if (name == "uuid") {
            piece.kind = Kind::Uuid;
        } else if (name == "unix") {
            piece.kind = Kind::Unix;
        } else if (name == "unix_ms") {
            piece.kind = Kind::UnixMillis;
        } else if (name == "iso_time") {
            piece.kind = Kind::IsoTime;
        } else if (name == "random_int") {
            const auto comma = arguments.find(',');
            const auto low = integer(arguments.substr(0, comma));
            const auto high = comma == std::string_view::npos
                                  ? std::nullopt
                                  : integer(arguments.substr(comma + 1));
            if (!low || !high || *high < *low)
                return tl::unexpected(std::string(whole) +
                                      ": write random_int(MIN,MAX) with whole numbers, MIN <= MAX");
            piece.kind = Kind::RandomInt;
            piece.a = *low;
            piece.b = *high;
        } else if (name == "random_string") {
            const auto length = integer(arguments);
            if (!length || *length < 0 || *length > 1'000'000)
                return tl::unexpected(std::string(whole) +
                                      ": write random_string(LENGTH), LENGTH from 0 to 1000000");
            piece.kind = Kind::RandomString;
            piece.a = *length;
        } else {
            std::vector<std::string_view> known(std::begin(builtinNames), std::end(builtinNames));
            for (const auto &[variableName, slot] : scope.variables)
                known.push_back(variableName);
            if (scope.parameters) {
                for (const auto &[parameter, value] : *scope.parameters)
                    known.push_back(parameter);
            }
            return tl::unexpected(std::string(whole) + ": no variable, parameter or built-in \"" +
                                  name + "\"" + suggestionFor(name, known));
        }
        const bool takesArguments =
            piece.kind == Kind::RandomInt || piece.kind == Kind::RandomString;
        if (hasArguments && !takesArguments)
            return tl::unexpected(std::string(whole) + ": \"" + name + "\" takes no arguments");
        if (!hasArguments && takesArguments)
            return tl::unexpected(std::string(whole) + ": \"" + name + "\" needs arguments");

        if (constant) {
            if (piece.filter == Filter::Url)
                literal += urlEncode(*constant);
            else if (piece.filter == Filter::Base64)
                literal += base64Encode(*constant);
            else
                literal += *constant;
            continue;
        }
        flushLiteral();
        result.m_pieces.push_back(std::move(piece));
    }
    if (result.m_pieces.empty()) { // all constant
        if (escape == Escape::JsonString) {
            appendJsonEscaped(literal, result.m_constant);
        } else if (escape == Escape::JsonValue && !isJsonScalar(literal)) {
            result.m_constant = "\"";
            appendJsonEscaped(literal, result.m_constant);
            result.m_constant += '"';
        } else {
            result.m_constant = std::move(literal);
        }
        return result;
    }
    flushLiteral();
    return result;
}

void Template::appendValue(const Piece &piece, Vuser &vuser, VuserValues &values,
                           std::string &out) const
{
    std::string scratch;
    std::string_view value;
    switch (piece.kind) {
    case Kind::Literal:
        out += piece.text;
        return;
    case Kind::Variable:
        if (!values.assigned[std::size_t(piece.index)]) {
            throw UnsetVariable("variable \"" + m_scope->variableNames[std::size_t(piece.index)] +
                                "\" has no value yet (an extraction that failed, or a step "
                                "that did not run?)");
        }
        value = values.variables[std::size_t(piece.index)];
        break;
    case Kind::Data: {
        const auto f = std::size_t(piece.index);
        if (!values.drawn[f]) { // one row per feeder per iteration
            values.rows[f] = vuser.data(m_scope->feeders[f]);
            values.drawn[f] = 1;
        }
        value = values.rows[f].at(std::size_t(piece.column));
        break;
    }
    case Kind::VuserId:
        scratch = std::to_string(vuser.id());
        break;
    case Kind::Iteration:
        scratch = std::to_string(vuser.iteration());
        break;
    case Kind::Worker:
        scratch = std::to_string(vuser.workerIndex());
        break;
    case Kind::Uuid:
        scratch = vuser.uuid();
        break;
    case Kind::RandomInt:
        scratch = std::to_string(vuser.randomInt(piece.a, piece.b));
        break;
    case Kind::RandomString:
        scratch = vuser.randomString(std::size_t(piece.a));
        break;
    case Kind::Unix:
        scratch = std::to_string(unixSeconds());
        break;
    case Kind::UnixMillis:
        scratch = std::to_string(unixMillis());
        break;
    case Kind::IsoTime:
        scratch = isoTime();
        break;
    }
    if (value.data() == nullptr)
        value = scratch;
    if (piece.filter == Filter::Url) {
        scratch = urlEncode(value);
        value = scratch;
    } else if (piece.filter == Filter::Base64) {
        scratch = base64Encode(value);
        value = scratch;
    }
    if (m_escape == Escape::JsonString)
        appendJsonEscaped(value, out);
    else
        out += value;
}

namespace {

void checkLength(const std::string &text)
{
    if (text.size() > maxRenderedBytes) {
        throw RenderError("a template's text grew past " + std::to_string(maxRenderedBytes >> 20) +
                          " MiB (" + std::to_string(text.size()) +
                          " bytes), the most a text or variable may hold");
    }
}

} // namespace

void Template::renderTo(Vuser &vuser, VuserValues &values, std::string &out) const
{
    if (isConstant()) {
        out += m_constant;
        return;
    }
    if (m_escape != Escape::JsonValue) {
        for (const Piece &piece : m_pieces) {
            appendValue(piece, vuser, values, out);
            checkLength(out);
        }
        return;
    }
    std::string whole;
    for (const Piece &piece : m_pieces) {
        appendValue(piece, vuser, values, whole);
        checkLength(whole);
    }
    if (isJsonScalar(whole)) {
        out += whole;
    } else {
        out += '"';
        appendJsonEscaped(whole, out);
        out += '"';
    }
}

} // namespace Loadwizard::Steps
