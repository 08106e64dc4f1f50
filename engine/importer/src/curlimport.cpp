#include <loadwizard/curlimport.h>

#include <loadwizard/helpers.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <set>

namespace Loadwizard::Import {

namespace {

/// UTF-8 of a code point (for $'\u00e9').
void appendUtf8(std::string &out, unsigned long code)
{
    if (code < 0x80) {
        out += char(code);
    } else if (code < 0x800) {
        out += char(0xC0 | (code >> 6));
        out += char(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
        out += char(0xE0 | (code >> 12));
        out += char(0x80 | ((code >> 6) & 0x3F));
        out += char(0x80 | (code & 0x3F));
    } else if (code < 0x110000) {
        out += char(0xF0 | (code >> 18));
        out += char(0x80 | ((code >> 12) & 0x3F));
        out += char(0x80 | ((code >> 6) & 0x3F));
        out += char(0x80 | (code & 0x3F));
    }
}

int hexValue(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

std::string lower(std::string_view text)
{
    std::string out(text);
    for (char &c : out)
        c = char(std::tolower((unsigned char)c));
    return out;
}

std::string trimmed(std::string_view text)
{
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos)
        return {};
    const auto last = text.find_last_not_of(" \t");
    return std::string(text.substr(first, last - first + 1));
}

} // namespace

tl::expected<std::vector<std::vector<std::string>>, Error>
splitShellCommands(std::string_view text, const std::string &source)
{
    std::vector<std::vector<std::string>> commands(1);
    std::string word;
    bool inWord = false;
    int line = 1;
    const auto endWord = [&] {
        if (inWord)
            commands.back().push_back(word);
        word.clear();
        inWord = false;
    };
    const auto endCommand = [&] {
        endWord();
        if (!commands.back().empty())
            commands.emplace_back();
    };
    const auto unterminated = [&](int startLine, const char *what) {
        return tl::make_unexpected(
            Error{std::string("unterminated ") + what + " (opened here)", source, startLine, 0});
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n')
            ++line;
        if (c == '\\') {
            if (i + 1 < text.size() && text[i + 1] == '\n') {
                ++i; // a continued line
                ++line;
                continue;
            }
            if (i + 2 < text.size() && text[i + 1] == '\r' && text[i + 2] == '\n') {
                i += 2; // the same, written on Windows
                ++line;
                continue;
            }
            if (i + 1 < text.size()) {
                word += text[++i];
                inWord = true;
            }
            continue;
        }
        if (c == '\'') {
            const int startLine = line;
            const auto end = text.find('\'', i + 1);
            if (end == std::string_view::npos)
                return unterminated(startLine, "single quote");
            word.append(text.substr(i + 1, end - i - 1));
            line += int(std::count(text.begin() + long(i), text.begin() + long(end), '\n'));
            i = end;
            inWord = true;
            continue;
        }
        if (c == '$' && i + 1 < text.size() && text[i + 1] == '\'') {
            // ANSI-C quoting: $'…' with backslash escapes.
            const int startLine = line;
            std::size_t k = i + 2;
            for (; k < text.size() && text[k] != '\''; ++k) {
                if (text[k] == '\n')
                    ++line;
                if (text[k] != '\\' || k + 1 >= text.size()) {
                    word += text[k];
                    continue;
                }
                const char e = text[++k];
                switch (e) {
                case 'n':
                    word += '\n';
                    break;
                case 't':
                    word += '\t';
                    break;
                case 'r':
                    word += '\r';
                    break;
                case 'a':
                    word += '\a';
                    break;
                case 'b':
                    word += '\b';
                    break;
                case 'f':
                    word += '\f';
                    break;
                case 'v':
                    word += '\v';
                    break;
                case 'e':
                case 'E':
                    word += '\x1b';
                    break;
                case '\\':
                    word += '\\';
                    break;
                case '\'':
                    word += '\'';
                    break;
                case '"':
                    word += '"';
                    break;
                case '?':
                    word += '?';
                    break;
                case 'x': {
                    unsigned value = 0;
                    int digits = 0;
                    while (digits < 2 && k + 1 < text.size() && hexValue(text[k + 1]) >= 0) {
                        value = value * 16 + unsigned(hexValue(text[++k]));
                        ++digits;
                    }
                    if (digits == 0)
                        word += "\\x";
                    else
                        word += char(value);
                    break;
                }
                case 'u':
                case 'U': {
                    unsigned long value = 0;
                    int digits = 0;
                    const int most = e == 'u' ? 4 : 8;
                    while (digits < most && k + 1 < text.size() && hexValue(text[k + 1]) >= 0) {
                        value = value * 16 + unsigned(hexValue(text[++k]));
                        ++digits;
                    }
                    if (digits == 0)
                        word += std::string("\\") + e;
                    else
                        appendUtf8(word, value);
                    break;
                }
                default:
                    if (e >= '0' && e <= '7') {
                        unsigned value = unsigned(e - '0');
                        for (int digits = 1; digits < 3 && k + 1 < text.size() &&
                                             text[k + 1] >= '0' && text[k + 1] <= '7';
                             ++digits)
                            value = value * 8 + unsigned(text[++k] - '0');
                        word += char(value & 0xFF);
                    } else {
                        word += '\\';
                        word += e;
                    }
                }
            }
            if (k >= text.size())
                return unterminated(startLine, "$'");
            i = k;
            inWord = true;
            continue;
        }
        if (c == '"') {
            const int startLine = line;
            std::size_t k = i + 1;
            for (; k < text.size() && text[k] != '"'; ++k) {
                if (text[k] == '\n')
                    ++line;
                if (text[k] == '\\' && k + 1 < text.size() &&
                    std::string_view("$`\"\\\n").find(text[k + 1]) != std::string_view::npos) {
                    if (text[k + 1] != '\n')
                        word += text[k + 1];
                    else
                        ++line;
                    ++k;
                    continue;
                }
                word += text[k];
            }
            if (k >= text.size())
                return unterminated(startLine, "double quote");
            i = k;
            inWord = true;
            continue;
        }
        if (c == '#' && !inWord) {
            while (i + 1 < text.size() && text[i + 1] != '\n')
                ++i;
            continue;
        }
        if (c == '\n' || c == ';') {
            endCommand();
            continue;
        }
        if ((c == '&' || c == '|') && i + 1 < text.size() && text[i + 1] == c) {
            endCommand();
            ++i;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r') {
            endWord();
            continue;
        }
        word += c;
        inWord = true;
    }
    endCommand();
    if (commands.back().empty())
        commands.pop_back();
    return commands;
}

tl::expected<RecordedExchange, Error> readCurlCommand(const std::vector<std::string> &words,
                                                      int number, const std::string &source,
                                                      std::vector<std::string> *warnings)
{
    const std::string label = "command " + std::to_string(number);
    const auto warn = [&](const std::string &message) {
        if (warnings)
            warnings->push_back(source + ": " + label + ": " + message);
    };
    const auto fail = [&](const std::string &message) {
        return tl::make_unexpected(Error{label + ": " + message, source});
    };
    if (words.empty() || (words.front() != "curl" && !words.front().ends_with("/curl")))
        return fail("does not start with curl (\"" +
                    shortened(words.empty() ? std::string() : words.front()) + "\")");

    RecordedExchange exchange;
    exchange.entry = number;
    std::optional<std::string> method;
    std::vector<std::string> urls;
    std::vector<std::string> data; // -d pieces, joined with &
    bool dataGiven = false;
    bool get = false, head = false, json = false;
    Steps::Pairs form;
    std::vector<std::string> cookies;
    bool insecureWarned = false;

    // Options that take an argument; their values are read by the loop below.
    static const std::set<std::string> withArgument = {"-X",
                                                       "--request",
                                                       "-H",
                                                       "--header",
                                                       "-d",
                                                       "--data",
                                                       "--data-raw",
                                                       "--data-binary",
                                                       "--data-ascii",
                                                       "--data-urlencode",
                                                       "-F",
                                                       "--form",
                                                       "--form-string",
                                                       "-u",
                                                       "--user",
                                                       "-b",
                                                       "--cookie",
                                                       "--url",
                                                       "-A",
                                                       "--user-agent",
                                                       "-e",
                                                       "--referer",
                                                       "--json",
                                                       "-m",
                                                       "--max-time",
                                                       "--connect-timeout",
                                                       "-o",
                                                       "--output",
                                                       "-c",
                                                       "--cookie-jar",
                                                       "--max-redirs",
                                                       "-w",
                                                       "--write-out",
                                                       "--retry",
                                                       "--proxy",
                                                       "-x",
                                                       "--resolve",
                                                       "--cacert",
                                                       "--cert",
                                                       "--key",
                                                       "-T",
                                                       "--upload-file",
                                                       "-r",
                                                       "--range",
                                                       "-z",
                                                       "--time-cond",
                                                       "--limit-rate",
                                                       "--interface",
                                                       "--dns-servers",
                                                       "--oauth2-bearer"};
    // Options that change nothing a load test needs (output, progress, protocol details).
    static const std::set<std::string> harmless = {"-s",
                                                   "--silent",
                                                   "-S",
                                                   "--show-error",
                                                   "-v",
                                                   "--verbose",
                                                   "-i",
                                                   "--include",
                                                   "-N",
                                                   "--no-buffer",
                                                   "-g",
                                                   "--globoff",
                                                   "--http1.1",
                                                   "--http2",
                                                   "--http2-prior-knowledge",
                                                   "-f",
                                                   "--fail",
                                                   "--fail-with-body",
                                                   "-#",
                                                   "--progress-bar",
                                                   "--compressed",
                                                   "-L",
                                                   "--location",
                                                   "-o",
                                                   "--output",
                                                   "-w",
                                                   "--write-out",
                                                   "-c",
                                                   "--cookie-jar",
                                                   "--max-redirs",
                                                   "-O",
                                                   "--remote-name",
                                                   "--retry",
                                                   "-4",
                                                   "-6",
                                                   "--ipv4",
                                                   "--ipv6",
                                                   "--tr-encoding",
                                                   "--path-as-is"};

    for (std::size_t i = 1; i < words.size(); ++i) {
        std::string flag = words[i];
        std::optional<std::string> value;
        if (flag.size() > 2 && flag[0] == '-' && flag[1] != '-') {
            // Short flags: clustered (-sSL) or with the value attached (-XPOST, -HAccept:…).
            std::string cluster = flag.substr(1);
            flag = "-" + cluster.substr(0, 1);
            std::size_t at = 1;
            while (!withArgument.count(flag) && at < cluster.size()) {
                if (!harmless.count(flag) && flag != "-k" && flag != "-G" && flag != "-I")
                    warn("unknown flag " + flag + ": ignored");
                else if (flag == "-k")
                    insecureWarned = true;
                else if (flag == "-G")
                    get = true;
                else if (flag == "-I")
                    head = true;
                flag = "-" + cluster.substr(at, 1);
                ++at;
            }
            if (at < cluster.size())
                value = cluster.substr(at);
        }
        if (withArgument.count(flag) && !value) {
            if (i + 1 >= words.size())
                return fail(flag + " needs a value");
            value = words[++i];
        }
        if (!flag.starts_with("-") || flag == "-") {
            urls.push_back(flag);
            continue;
        }
        if (flag == "-X" || flag == "--request") {
            method = *value;
        } else if (flag == "-H" || flag == "--header") {
            const auto colon = value->find(':');
            if (value->starts_with("@")) {
                warn(flag + " " + shortened(*value) + ": headers from a file are not read");
                continue;
            }
            if (colon == std::string::npos || colon == 0) {
                // "Name;" sends an empty header; anything else is not a header.
                if (value->ends_with(";"))
                    exchange.headers.emplace_back(value->substr(0, value->size() - 1), "");
                else
                    warn(flag + " \"" + shortened(*value) + "\" is not NAME: VALUE: ignored");
                continue;
            }
            const std::string name = trimmed(value->substr(0, colon));
            const std::string text = trimmed(value->substr(colon + 1));
            if (text.empty())
                continue; // "Name:" removes a header curl would send
            if (lower(name) == "cookie")
                cookies.push_back(text);
            else
                exchange.headers.emplace_back(name, text);
        } else if (flag == "-d" || flag == "--data" || flag == "--data-ascii" ||
                   flag == "--data-binary" || flag == "--data-raw" || flag == "--json") {
            dataGiven = true;
            json = json || flag == "--json";
            if (flag != "--data-raw" && value->starts_with("@")) {
                warn(flag + " " + shortened(*value) +
                     ": a body read from a file is not imported (put it in the step's body)");
                continue;
            }
            data.push_back(*value);
        } else if (flag == "--data-urlencode") {
            dataGiven = true;
            const auto equals = value->find('=');
            const auto at = value->find('@');
            if (at != std::string::npos && (equals == std::string::npos || at < equals)) {
                warn(flag + " " + shortened(*value) + ": a value read from a file is not imported");
                continue;
            }
            if (equals == std::string::npos)
                data.push_back(urlEncode(*value));
            else if (equals == 0)
                data.push_back(urlEncode(value->substr(1)));
            else
                data.push_back(value->substr(0, equals + 1) + urlEncode(value->substr(equals + 1)));
        } else if (flag == "-F" || flag == "--form" || flag == "--form-string") {
            const auto equals = value->find('=');
            if (equals == std::string::npos || equals == 0) {
                warn(flag + " \"" + shortened(*value) + "\" is not NAME=VALUE: ignored");
                continue;
            }
            const std::string name = value->substr(0, equals);
            std::string content = value->substr(equals + 1);
            if (flag != "--form-string" && content.starts_with("@")) {
                // name=@path[;type=…][;filename=…]
                auto parts = content.substr(1);
                Steps::FileField file;
                file.field = name;
                std::size_t semicolon = parts.find(';');
                file.path = parts.substr(0, semicolon);
                while (semicolon != std::string::npos) {
                    const auto next = parts.find(';', semicolon + 1);
                    const std::string option = parts.substr(semicolon + 1, next - semicolon - 1);
                    if (option.starts_with("type="))
                        file.contentType = option.substr(5);
                    else if (option.starts_with("filename="))
                        file.fileName = option.substr(9);
                    semicolon = next;
                }
                exchange.files.push_back(file);
                exchange.fileSizes.push_back(0);
            } else if (flag != "--form-string" && content.starts_with("<")) {
                warn(flag + " " + name + "=<" + shortened(content.substr(1)) +
                     ": a value read from a file is not imported (field left empty)");
                form.emplace_back(name, "");
            } else {
                if (flag != "--form-string") {
                    if (const auto semicolon = content.find(";type=");
                        semicolon != std::string::npos)
                        content.resize(semicolon);
                }
                form.emplace_back(name, content);
            }
        } else if (flag == "-u" || flag == "--user") {
            if (value->find(':') == std::string::npos)
                warn(flag + " without a password (curl would ask for it): sent with an empty one");
            const std::string credentials =
                value->find(':') == std::string::npos ? *value + ":" : *value;
            exchange.headers.emplace_back("Authorization", "Basic " + base64Encode(credentials));
        } else if (flag == "--oauth2-bearer") {
            exchange.headers.emplace_back("Authorization", "Bearer " + *value);
        } else if (flag == "-b" || flag == "--cookie") {
            if (value->find('=') == std::string::npos)
                warn(flag + " " + shortened(*value) +
                     ": a cookie file is not read (the vuser's cookie jar starts empty)");
            else
                cookies.push_back(*value);
        } else if (flag == "--url") {
            urls.push_back(*value);
        } else if (flag == "-A" || flag == "--user-agent") {
            exchange.headers.emplace_back("User-Agent", *value);
            exchange.keptHeaders.push_back("user-agent");
        } else if (flag == "-e" || flag == "--referer") {
            exchange.headers.emplace_back("Referer", value->substr(0, value->find(";auto")));
        } else if (flag == "-G" || flag == "--get") {
            get = true;
        } else if (flag == "-I" || flag == "--head") {
            head = true;
        } else if (flag == "-k" || flag == "--insecure") {
            insecureWarned = true;
        } else if (flag == "-m" || flag == "--max-time") {
            char *end = nullptr;
            const double seconds = std::strtod(value->c_str(), &end);
            if (end && *end == '\0' && seconds > 0 && seconds <= 86400)
                exchange.timeoutSeconds = seconds;
            else
                warn(flag + " \"" + shortened(*value) + "\" is not a number of seconds: ignored");
        } else if (harmless.count(flag) || flag == "--connect-timeout") {
            // Nothing a load test needs: output, progress, redirects (followed by default),
            // compression (the engine does not decode bodies, so Accept-Encoding stays out).
        } else if (withArgument.count(flag)) {
            warn("flag " + flag + " " + shortened(*value) +
                 " has no effect on the scenario: ignored");
        } else {
            warn("unknown flag " + flag + ": ignored");
        }
    }
    if (insecureWarned)
        warn("-k/--insecure: certificate checks are the project's http.verify_tls (set it to "
             "false for self-signed test servers)");
    if (urls.empty())
        return fail("no URL");
    if (urls.size() > 1)
        warn(std::to_string(urls.size()) + " URLs: only the first, " + shortened(urls.front()) +
             ", is imported");
    std::string url = urls.front();
    if (url.find("://") == std::string::npos)
        url = "http://" + url; // curl's default scheme
    if (!cookies.empty()) {
        std::string joined;
        for (const auto &cookie : cookies)
            joined += (joined.empty() ? "" : "; ") + cookie;
        exchange.headers.emplace_back("Cookie", joined);
        exchange.keptHeaders.push_back("cookie");
        warn("a Cookie header from a browser session is kept as recorded: it expires; a "
             "scenario that logs in gets its own cookies");
    }

    std::string body;
    for (const auto &piece : data)
        body += (body.empty() ? "" : "&") + piece;
    std::string contentType;
    for (const auto &[name, text] : exchange.headers) {
        if (lower(name) == "content-type")
            contentType = text;
    }
    if (get && dataGiven) {
        url += (url.find('?') == std::string::npos ? "?" : "&") + body;
        dataGiven = false;
    }
    exchange.url = url;
    if (!form.empty() || !exchange.files.empty()) {
        exchange.bodyMimeType = "multipart/form-data";
        exchange.bodyForm = form;
        exchange.method = "POST";
    } else if (dataGiven) {
        exchange.method = "POST";
        if (json && contentType.empty()) {
            exchange.headers.emplace_back("Content-Type", "application/json");
            exchange.headers.emplace_back("Accept", "application/json");
        }
        exchange.bodyMimeType = !contentType.empty() ? contentType
                                : json               ? "application/json"
                                                     : "application/x-www-form-urlencoded";
        if (looksBinary(body))
            exchange.bodyBinary = true;
        else
            exchange.bodyText = body;
    }
    if (head)
        exchange.method = "HEAD";
    else if (get)
        exchange.method = "GET";
    if (method)
        exchange.method = *method;
    return exchange;
}

tl::expected<ImportResult, Error> importCurl(const std::vector<std::string> &texts,
                                             const std::vector<std::string> &sources,
                                             const ImportOptions &options)
{
    std::vector<RecordedExchange> exchanges;
    std::vector<std::string> warnings;
    int number = 0;
    for (std::size_t t = 0; t < texts.size(); ++t) {
        const std::string source = t < sources.size() ? sources[t] : "curl";
        auto commands = splitShellCommands(texts[t], source);
        if (!commands)
            return tl::make_unexpected(commands.error());
        if (commands->empty())
            return tl::make_unexpected(Error{"no curl command", source});
        for (const auto &words : *commands) {
            auto exchange = readCurlCommand(words, ++number, source, &warnings);
            if (!exchange)
                return tl::make_unexpected(exchange.error());
            exchanges.push_back(std::move(*exchange));
        }
    }
    ImportOptions curlOptions = options;
    curlOptions.correlate = false;    // no responses to find values in
    curlOptions.includeStatic = true; // asked for one by one
    if (curlOptions.sourceName.empty())
        curlOptions.sourceName = "curl";
    return buildScenario(exchanges, curlOptions, std::move(warnings));
}

} // namespace Loadwizard::Import
