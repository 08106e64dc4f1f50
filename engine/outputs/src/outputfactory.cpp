// makeOutput() and parseOutputFlag(): from `--out KIND=TARGET?key=value` or an `outputs:` entry
// to a sink; plus the redaction helpers every sink uses for its name and errors.

#include <loadwizard/outputsinks.h>

#include <loadwizard/output.h>
#include <loadwizard/outputregistry.h>
#include <loadwizard/urlparts.h>
#include <loadwizard/variables.h>

#include <algorithm>
#include <cctype>

namespace Loadwizard {

namespace {

std::string lowered(std::string_view text)
{
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return out;
}

Error flagError(std::string message, std::string token = {})
{
    Error error;
    error.message = std::move(message);
    error.field = "--out";
    error.token = std::move(token);
    return error;
}

} // namespace

namespace Engine {

bool isSecretOption(std::string_view key)
{
    // An option some kind declares is secret exactly when the registry says so.
    bool known = false;
    for (const OutputKind &kind : outputKinds()) {
        if (const OutputOption *option = kind.option(key)) {
            if (option->secret)
                return true;
            known = true;
        }
    }
    if (known)
        return false;
    // Any other key (a typo such as "pasword", or a query parameter inside a target URL that no
    // kind declares) is judged by its name: a secret shown by mistake cannot be taken back.
    const std::string name = lowered(key);
    for (std::string_view secret :
         {"password", "passwd", "token", "secret", "api_key", "apikey", "auth", "credential"}) {
        if (name.find(secret) != std::string::npos)
            return true;
    }
    return false;
}

std::string redactedTarget(std::string_view target)
{
    std::string out(target);
    // Not splitUrl(): a target libcurl refuses must be redacted all the same, and a password
    // may hold an unencoded '/', '?', '#' or '@'.
    if (const auto scheme = out.find("://"); scheme != std::string::npos) {
        const auto authorityStart = scheme + 3;
        const auto authorityEnd = out.find_first_of("/?#", authorityStart);
        auto at =
            out.rfind('@', authorityEnd == std::string::npos ? out.size() - 1 : authorityEnd - 1);
        if (at == std::string::npos || at < authorityStart) {
            // No '@' in the authority as URLs parse it: "user:pa/ss@host" still has userinfo
            // when what precedes the last '@' reads "user:…" and not "host:port/…".
            at = out.rfind('@');
            if (at != std::string::npos && at > authorityStart) {
                const std::string_view before(out.data() + authorityStart, at - authorityStart);
                const auto colon = before.find(':');
                const auto slash = before.find_first_of("/?#");
                std::size_t digits = colon == std::string_view::npos ? 0 : colon + 1;
                while (digits < before.size() &&
                       std::isdigit(static_cast<unsigned char>(before[digits])))
                    ++digits;
                const bool port = colon != std::string_view::npos && digits > colon + 1 &&
                                  digits < before.size() && before[digits] == '/';
                if (colon == std::string_view::npos || colon > slash || port)
                    at = std::string::npos;
            } else {
                at = std::string::npos;
            }
        }
        if (at != std::string::npos)
            out.erase(authorityStart, at + 1 - authorityStart);
    }
    // secret query values
    const auto query = out.find('?');
    if (query == std::string::npos)
        return out;
    std::string rebuilt = out.substr(0, query + 1);
    std::string_view rest = std::string_view(out).substr(query + 1);
    bool first = true;
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
        const auto eq = pair.find('=');
        const std::string_view key = pair.substr(0, eq);
        if (!first)
            rebuilt += '&';
        first = false;
        rebuilt += std::string(key);
        if (eq != std::string_view::npos) {
            rebuilt += '=';
            if (isSecretOption(key))
                rebuilt += "***";
            else
                rebuilt.append(pair.substr(eq + 1));
        }
    }
    return rebuilt;
}

std::string outputDisplayName(const OutputConfig &config)
{
    return config.kind + ' ' + redactedTarget(config.target);
}

} // namespace Engine

tl::expected<OutputConfig, Error> parseOutputFlag(const std::string &flag)
{
    const auto eq = flag.find('=');
    const std::string kind = lowered(flag.substr(0, eq));
    if (eq == std::string::npos || eq == 0)
        return tl::make_unexpected(flagError(
            "expected KIND=TARGET (e.g. influxdb=http://127.0.0.1:8086/loadwizard), got \"" +
                Engine::redactedTarget(flag) + '"',
            kind));
    if (auto known = outputKind(kind); !known)
        return tl::make_unexpected(flagError(known.error().message, kind));
    OutputConfig config;
    config.kind = kind;
    std::string rest = flag.substr(eq + 1);
    const auto question = rest.find('?');
    config.target = rest.substr(0, question);
    if (config.target.empty())
        return tl::make_unexpected(flagError("output " + kind + " has no target", kind));
    if (question == std::string::npos)
        return config;
    std::string_view query = std::string_view(rest).substr(question + 1);
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (pair.empty())
            continue;
        const auto equals = pair.find('=');
        const auto key = Engine::queryComponentDecoded(pair.substr(0, equals));
        const auto value = Engine::queryComponentDecoded(
            equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1));
        if (!key || !value || key->empty())
            return tl::make_unexpected(flagError(
                "bad option \"" + std::string(pair.substr(0, equals)) + "\" in output " + kind,
                std::string(pair.substr(0, equals))));
        if (config.options.contains(*key))
            return tl::make_unexpected(
                flagError("option \"" + *key + "\" given twice in output " + kind, *key));
        config.options[*key] = *value;
    }
    return config;
}

tl::expected<std::unique_ptr<OutputSink>, Error> makeOutput(const OutputConfig &config)
{
    OutputConfig expanded;
    expanded.kind = lowered(config.kind);
    auto target = expandVariables(config.target, "target");
    if (!target)
        return tl::make_unexpected(target.error());
    expanded.target = *target;
    for (const auto &[key, value] : config.options) {
        auto text = expandVariables(value, key);
        if (!text)
            return tl::make_unexpected(text.error());
        expanded.options[key] = *text;
    }
    if (expanded.target.empty())
        return tl::make_unexpected(
            Error{"output " + expanded.kind + " has no target", {}, 0, 0, "target"});

    const auto kind = outputKind(expanded.kind);
    if (!kind)
        return tl::make_unexpected(kind.error());
    if (auto known = checkOutputOptions(expanded); !known)
        return tl::make_unexpected(known.error());
    return (*kind)->make(expanded);
}

} // namespace Loadwizard
