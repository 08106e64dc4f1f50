#include <loadwizard/secrets.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <memory>
#include <mutex>
#include <vector>

namespace Loadwizard {

namespace {

/// One text to find and what replaces it.
struct Form
{
    std::string text;
    std::string placeholder;
};

/// Longest first, so that of two forms starting at the same place the longer one wins.
using Table = std::vector<Form>;

struct Registry
{
    std::mutex mutex;
    std::shared_ptr<const Table> table = std::make_shared<Table>();
    std::atomic<bool> any = false;
};

Registry &registry()
{
    static Registry instance;
    return instance;
}

std::string upper(std::string_view text)
{
    std::string out(text);
    for (char &c : out)
        c = char(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

bool isGeneric(std::string_view value)
{
    const bool numberLike =
        std::any_of(value.begin(), value.end(),
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) &&
        std::all_of(value.begin(), value.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+';
        });
    if (numberLike)
        return true;
    const std::string word = upper(value);
    return word == "TRUE" || word == "FALSE" || word == "NULL" || word == "NONE";
}

// By hand: the engine's core links no URL or codec library, and these are a few lines each.
std::string percentEncoded(std::string_view value, const char *digits)
{
    std::string out;
    for (const char c : value) {
        const auto byte = static_cast<unsigned char>(c);
        if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += c;
        } else {
            out += '%';
            out += digits[byte >> 4];
            out += digits[byte & 15];
        }
    }
    return out;
}

std::string base64(std::string_view bytes, const char *alphabet)
{
    std::string out;
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        std::uint32_t group = 0;
        for (std::size_t k = 0; k < 3; ++k) {
            group <<= 8;
            if (i + k < bytes.size())
                group |= static_cast<unsigned char>(bytes[i + k]);
        }
        for (int shift = 18; shift >= 0; shift -= 6)
            out += alphabet[(group >> shift) & 63];
    }
    return out;
}

/// The Base64 characters that depend on `value` alone, for each of the three alignments it can
/// have inside a longer encoded text (a password after "user:" in a Basic authorization).
std::vector<std::string> base64Fragments(std::string_view value, const char *alphabet)
{
    // Too short a fragment could turn up in any other Base64 text.
    constexpr std::size_t minimumFragment = 6;
    std::vector<std::string> out;
    for (std::size_t skew = 0; skew < 3; ++skew) {
        const std::string stream = std::string(skew, '\0') + std::string(value);
        const std::string encoded = base64(stream, alphabet);
        // Character j holds bits [6j, 6j + 6); the value's bits are [8 skew, 8 (skew + size)).
        const std::size_t first = (8 * skew + 5) / 6;
        const std::size_t last = (8 * (skew + value.size())) / 6;
        if (last > first && last - first >= minimumFragment)
            out.push_back(encoded.substr(first, last - first));
    }
    return out;
}

/// Where one form was found.
struct Hit
{
    std::size_t begin;
    std::size_t end;
    const std::string *placeholder;
};

} // namespace

bool looksSecret(std::string_view variableName)
{
    const std::string name = upper(variableName);
    for (const char *word :
         {"PASS", "PW", "SECRET", "TOKEN", "KEY", "AUTH", "CRED", "COOKIE", "SESSION"}) {
        if (name.find(word) != std::string::npos)
            return true;
    }
    return false;
}

namespace {

// RFC 8259's escapes, as nlohmann-json writes them (the other control characters as \u00XX).
std::string jsonEscaped(std::string_view text)
{
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
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
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
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
    return out;
}

} // namespace

bool registerSecret(std::string_view variableName, std::string_view value)
{
    // A short value is hidden only when the name says it is secret: "ab" from HOST_SUFFIX
    // would be replaced in every word, but a three-letter password must not show.
    if (value.empty())
        return false;
    const bool secretName = looksSecret(variableName);
    if (value.size() < minimumSecretLength && !secretName)
        return false;
    if (isGeneric(value) && !secretName)
        return false;
    const std::string placeholder = "${" + std::string(variableName) + "}";
    std::vector<std::string> texts{std::string(value), percentEncoded(value, "0123456789ABCDEF"),
                                   percentEncoded(value, "0123456789abcdef")};
    static const char *standard =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    static const char *urlSafe = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (const char *alphabet : {standard, urlSafe}) {
        for (auto &fragment : base64Fragments(value, alphabet))
            texts.push_back(std::move(fragment));
    }
    // As a JSON string shows it (an echoed header, a body a server built): \" \\ \n \uXXXX.
    if (std::string escaped = jsonEscaped(value); escaped != value)
        texts.push_back(std::move(escaped));

    auto &r = registry();
    std::lock_guard lock(r.mutex);
    auto table = std::make_shared<Table>(*r.table);
    for (auto &text : texts) {
        // The first variable to bring a value names it.
        const bool known = std::any_of(table->begin(), table->end(),
                                       [&](const Form &form) { return form.text == text; });
        if (!known)
            table->push_back({std::move(text), placeholder});
    }
    std::stable_sort(table->begin(), table->end(),
                     [](const Form &a, const Form &b) { return a.text.size() > b.text.size(); });
    r.table = std::move(table);
    r.any = true;
    return true;
}

std::string redactSecrets(std::string_view text)
{
    auto &r = registry();
    if (!r.any.load(std::memory_order_acquire) || text.empty())
        return std::string(text);
    std::shared_ptr<const Table> table;
    {
        std::lock_guard lock(r.mutex);
        table = r.table;
    }
    std::vector<Hit> hits;
    for (const Form &form : *table) {
        for (auto at = text.find(form.text); at != std::string_view::npos;
             at = text.find(form.text, at + 1))
            hits.push_back({at, at + form.text.size(), &form.placeholder});
    }
    if (hits.empty())
        return std::string(text);
    // By start, then longest first (the table's order, kept by the stable sort).
    std::stable_sort(hits.begin(), hits.end(),
                     [](const Hit &a, const Hit &b) { return a.begin < b.begin; });
    std::string out;
    std::size_t done = 0; // text before this is written or replaced
    for (const Hit &hit : hits) {
        if (hit.end <= done)
            continue; // inside what a longer or earlier secret already replaced
        if (hit.begin > done)
            out.append(text.substr(done, hit.begin - done));
        // An overlapping hit adds its own placeholder: none of its characters may be left.
        out += *hit.placeholder;
        done = hit.end;
    }
    out.append(text.substr(done));
    return out;
}

std::vector<std::string> secretPlaceholders()
{
    std::shared_ptr<const Table> table;
    {
        auto &r = registry();
        std::lock_guard lock(r.mutex);
        table = r.table;
    }
    std::vector<std::string> out;
    for (const Form &form : *table) {
        if (std::find(out.begin(), out.end(), form.placeholder) == out.end())
            out.push_back(form.placeholder);
    }
    std::sort(out.begin(), out.end());
    return out;
}

bool haveSecrets()
{
    return registry().any.load(std::memory_order_acquire);
}

void clearSecrets()
{
    auto &r = registry();
    std::lock_guard lock(r.mutex);
    r.table = std::make_shared<Table>();
    r.any = false;
}

} // namespace Loadwizard
