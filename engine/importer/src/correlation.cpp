#include <loadwizard/correlation.h>

#include <loadwizard/helpers.h>
#include <loadwizard/recording.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <functional>
#include <set>

namespace Loadwizard::Import {

namespace {

using Json = nlohmann::json;

/// Values shorter than this are too common to be server-issued by chance (ids excepted).
constexpr std::size_t minValueLength = 8;
/// Short ids ("ORD-17") are correlated only from a JSON key named like an id.
constexpr std::size_t minIdLength = 4;
/// Boundaries of a `between` extraction are at most this long.
constexpr std::size_t maxBoundary = 20;
/// A left boundary this short is widened (to the start of its word) so it reads as context.
constexpr std::size_t preferredBoundary = 12;
/// Responses are searched in their first bytes only: a correlated value sits in a page's head
/// or a JSON answer, and a 50 MB recording must not take minutes.
constexpr std::size_t maxSearchedBody = 2u << 20;
/// The budget of bytes searched in all (see correlate()).
constexpr std::size_t maxSearchedBytes = std::size_t(8) << 30;
/// JSON nested deeper than this is not walked (a hostile body must not exhaust the stack).
constexpr int maxJsonDepth = 64;

std::string lower(std::string_view text)
{
    std::string out(text);
    for (char &c : out)
        c = char(std::tolower((unsigned char)c));
    return out;
}

/// Where a value is sent in a request.
struct Use
{
    std::string value;
    std::string where;  ///< "form csrf", "header Authorization", "URL path", "json /token"
    std::string name;   ///< the field's name, a variable name candidate
    bool whole = false; ///< the whole field (or path segment), not a word in it
};

std::vector<std::string> words(std::string_view text, std::string_view separators)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = std::min(text.find_first_of(separators, start), text.size());
        if (end > start)
            out.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

template <class AnyJson>
void jsonLeaves(const AnyJson &value, const std::string &pointer,
                const std::function<void(const std::string &, const AnyJson &)> &visit)
{
    if (value.is_object()) {
        for (const auto &[key, item] : value.items()) {
            std::string token; // RFC 6901: ~ is ~0, / is ~1
            for (char c : key)
                token += c == '~'   ? std::string("~0")
                         : c == '/' ? std::string("~1")
                                    : std::string(1, c);
            jsonLeaves<AnyJson>(item, pointer + "/" + token, visit);
        }
    } else if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i)
            jsonLeaves<AnyJson>(value[i], pointer + "/" + std::to_string(i), visit);
    } else {
        visit(pointer, value);
    }
}

std::string lastKey(const std::string &pointer)
{
    const auto slash = pointer.rfind('/');
    return slash == std::string::npos ? pointer : pointer.substr(slash + 1);
}

std::string pathOf(const std::string &url)
{
    auto start = url.find("://");
    start = start == std::string::npos ? 0 : url.find('/', start + 3);
    if (start == std::string::npos)
        return "/";
    return url.substr(start, url.find_first_of("?#", start) - start);
}

/// Every value a request sends, with where.
std::vector<Use> usesOf(const RecordedExchange &exchange)
{
    std::vector<Use> uses;
    const std::string path = pathOf(exchange.url);
    std::string previous;
    for (const auto &segment : words(path, "/;,")) {
        uses.push_back({percentDecode(segment, false), "URL path", previous, true});
        previous = segment;
    }
    if (const auto question = exchange.url.find('?'); question != std::string::npos) {
        const auto end = exchange.url.find('#', question);
        const std::string query = exchange.url.substr(question + 1, end - question - 1);
        if (auto pairs = parseUrlEncoded(query)) {
            for (const auto &[name, value] : *pairs)
                uses.push_back({value, "query " + name, name, true});
        }
    }
    for (const auto &[name, value] : exchange.headers) {
        const std::string key = lower(name);
        if (isDroppedHeader(key) &&
            std::find(exchange.keptHeaders.begin(), exchange.keptHeaders.end(), key) ==
                exchange.keptHeaders.end())
            continue;
        uses.push_back({value, "header " + name, name, true});
        for (const auto &word : words(value, " ,;=\t"))
            uses.push_back({word, "header " + name, name, false});
    }
    std::optional<Steps::Pairs> form = exchange.bodyForm;
    if (!form && exchange.bodyText && lower(exchange.bodyMimeType).starts_with("application/x-www"))
        form = parseUrlEncoded(*exchange.bodyText);
    if (form) {
        for (const auto &[name, value] : *form)
            uses.push_back({value, "form " + name, name, true});
    } else if (exchange.bodyText) {
        const Json json = jsonDepth(*exchange.bodyText) <= maxJsonDepth
                              ? Json::parse(*exchange.bodyText, nullptr, false)
                              : Json(Json::value_t::discarded);
        if (!json.is_discarded() && (json.is_object() || json.is_array())) {
            jsonLeaves<Json>(json, "", [&](const std::string &pointer, const Json &leaf) {
                if (leaf.is_string())
                    uses.push_back(
                        {leaf.get<std::string>(), "json " + pointer, lastKey(pointer), true});
            });
        } else {
            for (const auto &word : words(*exchange.bodyText, " \t\r\n\"'<>()[]{},;:=&?/\\"))
                uses.push_back({percentDecode(word, true), "body", "", false});
        }
    }
    return uses;
}

bool ignorable(const std::string &value)
{
    if (value.size() < minIdLength)
        return true;
    if (value.find_first_of("${}\r\n") != std::string::npos)
        return true;
    const std::string key = lower(value);
    if (key == "true" || key == "false" || key == "null" || key == "undefined")
        return true;
    // Small numbers (quantities, page numbers, product ids) are everywhere.
    return std::all_of(value.begin(), value.end(),
                       [](char c) { return std::isdigit((unsigned char)c); }) &&
           value.size() < minValueLength;
}

/// Server-issued values look like tokens: letters, digits and -_.~+/=% only, at least one
/// digit. Words ("products", "application/json"), URLs and typed text are not candidates.
bool tokenLike(const std::string &value)
{
    bool digit = false;
    for (const char c : value) {
        if (std::isdigit((unsigned char)c))
            digit = true;
        else if (!std::isalpha((unsigned char)c) &&
                 std::string_view("-_.~+/=%").find(c) == std::string_view::npos)
            return false;
    }
    return digit;
}

std::string_view bodyOf(const RecordedExchange &exchange)
{
    return std::string_view(exchange.responseBody).substr(0, maxSearchedBody);
}

/// The recorded request's texts (for "was it sent before it came back?").
bool requestContains(const RecordedExchange &exchange, const std::vector<Use> &uses,
                     const std::string &value, bool whole)
{
    for (const auto &use : uses) {
        if (whole ? use.value == value : use.value.find(value) != std::string::npos)
            return true;
    }
    if (!whole && exchange.bodyText && exchange.bodyText->find(value) != std::string::npos)
        return true;
    return false;
}

/// What `between(left, right)` gives on `body` (the SDK's rule: first left, next right).
std::optional<std::string> between(const std::string &body, const std::string &left,
                                   const std::string &right)
{
    const auto l = body.find(left);
    if (l == std::string::npos)
        return std::nullopt;
    const auto start = l + left.size();
    const auto r = body.find(right, start);
    if (r == std::string::npos)
        return std::nullopt;
    return body.substr(start, r - start);
}

std::size_t countOf(const std::string &text, const std::string &part)
{
    std::size_t count = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
        ++count;
    return count;
}

/// Boundaries around the first occurrence of `value`, each at most maxBoundary characters, the
/// left one found once in the body; nullopt when there are none.
std::optional<std::pair<std::string, std::string>> boundaries(const std::string &body,
                                                              const std::string &value)
{
    const auto pos = body.find(value);
    if (pos == std::string::npos || pos == 0)
        return std::nullopt;
    std::size_t n = 0;
    for (std::size_t length = 1; length <= std::min(pos, maxBoundary); ++length) {
        if (countOf(body, body.substr(pos - length, length)) == 1) {
            n = length;
            break;
        }
    }
    if (n == 0)
        return std::nullopt;
    // Wider reads better (`name="csrf" value="` rather than `value="`): to the start of a word.
    n = std::max(n, std::min(pos, preferredBoundary));
    while (n < maxBoundary && n < pos &&
           std::string_view(" \t\r\n<>{},").find(body[pos - n - 1]) == std::string_view::npos)
        ++n;
    const std::string left = body.substr(pos - n, n);
    const auto end = pos + value.size();
    for (std::size_t length = 1; length <= maxBoundary && end + length <= body.size(); ++length) {
        const std::string right = body.substr(end, length);
        if (between(body, left, right) == value)
            return std::pair{left, right};
    }
    return std::nullopt;
}

std::string quoted(const std::string &text)
{
    std::string out = "'";
    for (char c : text) {
        if (c == '\n')
            out += "\\n";
        else if (c == '\'')
            out += "''";
        else
            out += c;
    }
    return out + "'";
}

std::string variableName(std::string base, const std::set<std::string> &taken)
{
    std::string name;
    for (char c : base)
        name += std::isalnum((unsigned char)c) ? char(std::tolower((unsigned char)c)) : '_';
    while (name.find("__") != std::string::npos)
        name.replace(name.find("__"), 2, "_");
    while (!name.empty() && name.front() == '_')
        name.erase(0, 1);
    while (!name.empty() && name.back() == '_')
        name.pop_back();
    if (name.empty() || std::isdigit((unsigned char)name.front()))
        name = "value" + (name.empty() ? std::string() : "_" + name);
    static const std::set<std::string> builtIns = {
        "vuser_id", "iteration", "worker",     "uuid",          "unix",
        "unix_ms",  "iso_time",  "random_int", "random_string", "env"};
    std::string candidate = name;
    for (int n = 2; taken.count(candidate) || builtIns.count(candidate); ++n)
        candidate = name + "_" + std::to_string(n);
    return candidate;
}

/// Replaces `from` with `to` in `text`; whole: only when it is all of `text`.
bool replaceIn(std::string &text, const std::string &from, const std::string &to, bool whole)
{
    if (from.empty())
        return false;
    if (whole) {
        if (text != from)
            return false;
        text = to;
        return true;
    }
    bool changed = false;
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
        changed = true;
    }
    return changed;
}

/// Puts `${var}` where `value` is sent in `step`; says where.
std::vector<std::string> substitute(Steps::RequestStep &step, const std::string &value,
                                    const std::string &variable, bool whole)
{
    std::vector<std::string> where;
    const std::string plain = "${" + variable + "}";
    const std::string encoded = urlEncode(value);
    // The URL path: whole segments for short ids.
    {
        bool changed = false;
        if (whole) {
            auto segments = step.url;
            std::string out;
            std::size_t start = 0;
            while (start <= segments.size()) {
                auto end = std::min(segments.find('/', start), segments.size());
                std::string segment = segments.substr(start, end - start);
                if (segment == value) {
                    segment = plain;
                    changed = true;
                } else if (segment == encoded) {
                    segment = "${" + variable + "|url}";
                    changed = true;
                }
                out += segment;
                if (end < segments.size())
                    out += '/';
                start = end + 1;
            }
            step.url = out;
        } else {
            changed = replaceIn(step.url, value, plain, false);
            if (encoded != value)
                changed = replaceIn(step.url, encoded, "${" + variable + "|url}", false) || changed;
        }
        if (changed)
            where.push_back("URL");
    }
    for (auto &[name, text] : step.query) {
        if (replaceIn(text, value, plain, whole))
            where.push_back("query " + name);
    }
    for (auto &[name, text] : step.headers) {
        if (replaceIn(text, value, plain, whole))
            where.push_back("header " + name);
    }
    for (auto &[name, text] : step.form) {
        if (replaceIn(text, value, plain, whole))
            where.push_back("form " + name);
    }
    if (step.json) {
        std::vector<std::pair<std::string, std::string>> edits;
        using Ordered = nlohmann::ordered_json;
        jsonLeaves<Ordered>(*step.json, "", [&](const std::string &pointer, const Ordered &leaf) {
            if (!leaf.is_string())
                return;
            std::string text = leaf.get<std::string>();
            if (replaceIn(text, value, plain, whole))
                edits.emplace_back(pointer, text);
        });
        for (const auto &[pointer, text] : edits) {
            (*step.json)[Ordered::json_pointer(pointer)] = text;
            where.push_back("json " + pointer);
        }
    }
    if (step.body && !whole) {
        bool changed = replaceIn(*step.body, value, plain, false);
        if (encoded != value)
            changed = replaceIn(*step.body, encoded, "${" + variable + "|url}", false) || changed;
        if (changed)
            where.push_back("body");
    }
    return where;
}

/// One metrics name for every value a URL takes: "GET /api/orders/{order_id}" (the default
/// name would count each order on its own).
void nameAfterUrl(Steps::RequestStep &step)
{
    std::string name = step.method + " ";
    for (std::size_t i = 0; i < step.url.size(); ++i) {
        if (step.url.compare(i, 3, "$${") == 0) {
            name += "$${";
            i += 2;
        } else if (step.url.compare(i, 2, "${") == 0 &&
                   step.url.find('}', i) != std::string::npos) {
            const auto end = step.url.find('}', i);
            std::string variable = step.url.substr(i + 2, end - i - 2);
            variable.resize(std::min(variable.find('|'), variable.size()));
            name += "{" + variable + "}";
            i = end;
        } else {
            name += step.url[i];
        }
    }
    step.name = name;
}

std::string describe(const RecordedExchange &exchange)
{
    return "entry " + std::to_string(exchange.entry) + " (" + exchange.method + " " +
           pathOf(exchange.url) + ")";
}

std::string shown(const std::string &value)
{
    if (value.size() <= 16)
        return "\"" + value + "\"";
    return "\"" + value.substr(0, 12) + "…\" (" + std::to_string(value.size()) + " characters)";
}

} // namespace

std::string CorrelationReport::toText() const
{
    std::string out;
    for (const auto &note : notes)
        out += note + "\n";
    for (const auto &made : made) {
        out += "correlated ${" + made.variable + "} = " + shown(made.value) + ": extract " +
               made.extraction + " from entry " + std::to_string(made.sourceEntry) + "; used in ";
        for (std::size_t i = 0; i < made.uses.size(); ++i)
            out += (i ? ", " : "") + made.uses[i];
        if (!made.alsoIn.empty()) {
            out += std::string("; also in the response") + (made.alsoIn.size() > 1 ? "s" : "") +
                   " of entr" + (made.alsoIn.size() > 1 ? "ies " : "y ");
            for (std::size_t i = 0; i < made.alsoIn.size(); ++i)
                out += (i ? ", " : "") + std::to_string(made.alsoIn[i]);
            out += " (ambiguous: the first is extracted, check it is the one)";
        }
        out += "\n";
    }
    for (const auto &skipped : skipped)
        out += "not correlated " + shown(skipped.value) + " (entry " +
               std::to_string(skipped.entry) + " " + skipped.where + "): " + skipped.reason + "\n";
    if (made.empty() && skipped.empty() && notes.empty())
        out += "correlation: no value of a response is sent again in a later request\n";
    return out;
}

CorrelationReport correlate(const std::vector<RecordedExchange> &exchanges,
                            std::vector<Steps::RequestStep> &steps)
{
    CorrelationReport report;
    std::set<std::string> seen;
    std::set<std::string> variables;
    // Parsed once: the JSON leaves of each response.
    std::vector<std::optional<Json>> responseJson(exchanges.size());
    for (std::size_t k = 0; k < exchanges.size(); ++k) {
        const auto &body = exchanges[k].responseBody;
        const auto first = body.find_first_not_of(" \t\r\n");
        if (first != std::string::npos && (body[first] == '{' || body[first] == '[') &&
            body.size() <= maxSearchedBody && jsonDepth(body) <= maxJsonDepth) {
            Json json = Json::parse(body, nullptr, false);
            if (!json.is_discarded())
                responseJson[k] = std::move(json);
        }
    }
    const auto pointersOf = [&](std::size_t k, const std::string &value) {
        std::vector<std::string> pointers;
        if (!responseJson[k])
            return pointers;
        jsonLeaves<Json>(*responseJson[k], "", [&](const std::string &pointer, const Json &leaf) {
            if ((leaf.is_string() && leaf.get<std::string>() == value) ||
                (leaf.is_number() && leaf.dump() == value))
                pointers.push_back(pointer);
        });
        return pointers;
    };
    const auto skip = [&](const Use &use, int entry, std::string reason) {
        report.skipped.push_back({use.value, entry, use.where, std::move(reason)});
    };

    std::vector<std::vector<Use>> uses;
    for (const auto &exchange : exchanges)
        uses.push_back(usesOf(exchange));
    // Bytes searched: a recording of thousands of entries with a unique id in each must end in
    // seconds, not hours. Past the budget the rest is left as recorded, and said so.
    std::size_t work = 0;
    for (std::size_t j = 1; j < exchanges.size(); ++j) {
        for (const Use &use : uses[j]) {
            const std::string &value = use.value;
            if (ignorable(value) || !tokenLike(value) || seen.count(value))
                continue;
            if (work > maxSearchedBytes) {
                report.notes.push_back("correlation stopped at entry " +
                                       std::to_string(exchanges[j].entry) + " after searching " +
                                       std::to_string(work >> 20) +
                                       " MiB of responses: later values are left as recorded");
                return report;
            }
            const bool shortValue = value.size() < minValueLength;
            // The first earlier response that has it (body or a header other than Set-Cookie).
            std::optional<std::size_t> source;
            bool inCookie = false;
            std::vector<std::string> pointers;
            for (std::size_t k = 0; k < j && !source; ++k) {
                const auto &exchange = exchanges[k];
                work += exchange.responseBody.size() / 4 + 64;
                if (shortValue) {
                    pointers = pointersOf(k, value);
                    if (!pointers.empty())
                        source = k;
                    continue;
                }
                if (bodyOf(exchange).find(value) != std::string::npos)
                    source = k;
                for (const auto &[name, header] : exchange.responseHeaders) {
                    if (header.find(value) == std::string::npos)
                        continue;
                    if (lower(name) == "set-cookie")
                        inCookie = true;
                    else
                        source = k;
                }
            }
            if (!source) {
                if (inCookie) {
                    seen.insert(value);
                    skip(use, exchanges[j].entry,
                         "only in a Set-Cookie header: the vuser's cookie jar sends it");
                }
                continue;
            }
            seen.insert(value);
            const auto &from = exchanges[*source];
            // Sent before the server had it: the user's input echoed back, not a server value.
            std::optional<std::size_t> sentFirst;
            for (std::size_t r = 0; r <= *source && !sentFirst; ++r) {
                if (requestContains(exchanges[r], uses[r], value, shortValue))
                    sentFirst = r;
            }
            if (sentFirst) {
                if (!shortValue)
                    skip(use, exchanges[j].entry,
                         "sent in entry " + std::to_string(exchanges[*sentFirst].entry) +
                             " before a response had it: an input, not a server's value");
                continue;
            }
            Steps::Extraction extraction;
            std::string how;
            std::string nameBase = use.name;
            if (!shortValue)
                pointers = pointersOf(*source, value);
            if (shortValue) {
                const std::string key = lastKey(pointers.front());
                const bool idKey = lower(key) == "id" || lower(key).ends_with("_id") ||
                                   key.ends_with("Id") || key.ends_with("ID");
                if (!idKey || pointers.size() != 1) {
                    skip(use, exchanges[j].entry,
                         "too short (" + std::to_string(value.size()) +
                             " characters) and not under a JSON key named like an id");
                    continue;
                }
            }
            const std::string body(bodyOf(from));
            if (pointers.size() == 1) {
                extraction.source = Steps::Extraction::Source::Json;
                extraction.expression = pointers.front();
                how = "json " + pointers.front();
                nameBase = lastKey(pointers.front());
                if (lower(nameBase) == "id") {
                    // POST /api/orders → {"id": …}: order_id reads better than id.
                    auto segments = words(pathOf(from.url), "/");
                    std::string noun = segments.empty() ? std::string() : segments.back();
                    if (noun.size() > 3 && noun.back() == 's')
                        noun.pop_back();
                    nameBase = noun.empty() ? "id" : noun + "_id";
                }
            } else if (body.find(value) != std::string::npos) {
                const auto bounds = boundaries(body, value);
                if (!bounds) {
                    skip(use, exchanges[j].entry,
                         "ambiguous: no boundaries of at most " + std::to_string(maxBoundary) +
                             " characters around it in the response of " + describe(from) +
                             " find it");
                    continue;
                }
                extraction.source = Steps::Extraction::Source::Between;
                extraction.expression = escapeTemplate(bounds->first);
                extraction.right = escapeTemplate(bounds->second);
                how = "between [" + quoted(bounds->first) + ", " + quoted(bounds->second) + "]";
            } else {
                const Steps::Pairs::value_type *header = nullptr;
                for (const auto &pair : from.responseHeaders) {
                    if (lower(pair.first) != "set-cookie" &&
                        pair.second.find(value) != std::string::npos) {
                        header = &pair;
                        break;
                    }
                }
                if (!header || header->second != value) {
                    skip(use, exchanges[j].entry,
                         "only part of the response header " +
                             (header ? header->first : std::string("?")) + " of " + describe(from) +
                             " (headers are extracted whole)");
                    continue;
                }
                extraction.source = Steps::Extraction::Source::Header;
                extraction.expression = header->first;
                how = "header " + header->first;
                if (nameBase.empty())
                    nameBase = header->first;
            }
            if (lower(nameBase) == "authorization" || nameBase.empty())
                nameBase = use.where.starts_with("header") ? "token" : "value";
            const std::string variable = variableName(nameBase, variables);
            Correlation made{variable, value, from.entry, how, {}, {}};
            // Other responses before the use that hold it too: reported, not guessed away.
            for (std::size_t k = *source + 1; k < j; ++k) {
                const auto &other = exchanges[k];
                work += other.responseBody.size() / 4 + 64;
                bool holds = shortValue ? !pointersOf(k, value).empty()
                                        : bodyOf(other).find(value) != std::string::npos;
                for (const auto &[name, header] : other.responseHeaders)
                    holds = holds || (!shortValue && lower(name) != "set-cookie" &&
                                      header.find(value) != std::string::npos);
                if (holds)
                    made.alsoIn.push_back(other.entry);
            }
            for (std::size_t m = *source + 1; m < exchanges.size(); ++m) {
                for (const auto &where : substitute(steps[m], value, variable, shortValue)) {
                    made.uses.push_back("entry " + std::to_string(exchanges[m].entry) + " " +
                                        where);
                    if (where == "URL")
                        nameAfterUrl(steps[m]);
                }
            }
            if (made.uses.empty())
                continue; // a longer value already took its place
            variables.insert(variable);
            extraction.variable = variable;
            steps[*source].extractions.push_back(extraction);
            report.made.push_back(std::move(made));
        }
    }
    return report;
}

} // namespace Loadwizard::Import
