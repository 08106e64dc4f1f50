#include <loadwizard/harimport.h>

#include <loadwizard/helpers.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>

namespace Loadwizard::Import {

namespace {

using Json = nlohmann::json;

std::string textOf(const Json &object, const char *key)
{
    if (!object.is_object())
        return {};
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

double numberOf(const Json &object, const char *key, double fallback)
{
    if (!object.is_object())
        return fallback;
    const auto it = object.find(key);
    return it != object.end() && it->is_number() ? it->get<double>() : fallback;
}

Steps::Pairs pairsOf(const Json &object, const char *key)
{
    Steps::Pairs out;
    if (!object.is_object() || !object.contains(key) || !object[key].is_array())
        return out;
    for (const auto &item : object[key]) {
        if (item.is_object() && item.contains("name") && item["name"].is_string())
            out.emplace_back(item["name"].get<std::string>(), textOf(item, "value"));
    }
    return out;
}

/// ISO 8601 as HAR writes it ("2026-12-02T17:10:43.123Z", "…+01:00") to Unix seconds; < 0
/// when it is not one.
double isoSeconds(const std::string &text)
{
    int year = 0, month = 0, day = 0, hour = 0, minute = 0;
    double second = 0;
    int used = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%lf%n", &year, &month, &day, &hour, &minute,
                    &second, &used) != 6)
        return -1;
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    double seconds = double(timegm(&tm)) + second;
    const std::string zone = text.substr(std::size_t(used));
    int zoneHours = 0, zoneMinutes = 0;
    if ((zone.starts_with("+") || zone.starts_with("-")) &&
        std::sscanf(zone.c_str() + 1, "%2d:%2d", &zoneHours, &zoneMinutes) == 2) {
        const double offset = zoneHours * 3600.0 + zoneMinutes * 60.0;
        seconds += zone.front() == '+' ? -offset : offset;
    }
    return seconds;
}

/// Base64 that may be broken: nullopt instead of an exception.
std::optional<std::string> fromBase64(const std::string &text)
{
    try {
        return base64Decode(text);
    } catch (const std::exception &) {
        return std::nullopt;
    }
}

/// 1-based line and column of a byte offset.
std::pair<int, int> lineAndColumn(std::string_view text, std::size_t offset)
{
    offset = std::min(offset, text.size());
    int line = 1;
    std::size_t lineStart = 0;
    for (std::size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++line;
            lineStart = i + 1;
        }
    }
    return {line, int(offset - lineStart) + 1};
}

/// Multipart text as Chrome exports it (no params): fields and file names.
void readMultipartText(const std::string &mimeType, const std::string &text,
                       RecordedExchange &exchange)
{
    auto at = mimeType.find("boundary=");
    if (at == std::string::npos)
        return;
    std::string boundary = mimeType.substr(at + 9);
    if (const auto semicolon = boundary.find(';'); semicolon != std::string::npos)
        boundary.resize(semicolon);
    if (boundary.size() >= 2 && boundary.front() == '"' && boundary.back() == '"')
        boundary = boundary.substr(1, boundary.size() - 2);
    const std::string delimiter = "--" + boundary;
    Steps::Pairs form;
    std::size_t pos = text.find(delimiter);
    while (pos != std::string::npos) {
        pos += delimiter.size();
        if (text.compare(pos, 2, "--") == 0)
            break;
        const auto headersEnd = text.find("\r\n\r\n", pos);
        const auto next = text.find(delimiter, pos);
        if (headersEnd == std::string::npos || next == std::string::npos || headersEnd > next)
            break;
        const std::string headers = text.substr(pos, headersEnd - pos);
        std::size_t contentEnd = next;
        if (contentEnd >= 2 && text.compare(contentEnd - 2, 2, "\r\n") == 0)
            contentEnd -= 2;
        const std::string content = text.substr(headersEnd + 4, contentEnd - headersEnd - 4);
        const auto quoted = [&headers](const std::string &key) -> std::optional<std::string> {
            const auto k = headers.find(key + "=\"");
            if (k == std::string::npos)
                return std::nullopt;
            const auto end = headers.find('"', k + key.size() + 2);
            return headers.substr(k + key.size() + 2, end - k - key.size() - 2);
        };
        const auto name = quoted(" name");
        const auto fileName = quoted("filename");
        std::string type;
        if (auto t = headers.find("Content-Type:"); t != std::string::npos) {
            type = headers.substr(t + 13, headers.find("\r\n", t) - t - 13);
            type.erase(0, type.find_first_not_of(' '));
        }
        if (name && fileName) {
            exchange.files.push_back({*name, *fileName, *fileName, type});
            exchange.fileSizes.push_back(content.size());
        } else if (name) {
            form.emplace_back(*name, content);
        }
        pos = next;
    }
    exchange.bodyForm = form;
}

void readPostData(const Json &postData, RecordedExchange &exchange)
{
    exchange.bodyMimeType = textOf(postData, "mimeType");
    const std::string lowerType = [&] {
        std::string t = exchange.bodyMimeType;
        std::transform(t.begin(), t.end(), t.begin(), ::tolower);
        return t;
    }();
    const bool hasText = postData.contains("text") && postData["text"].is_string();
    std::string text = textOf(postData, "text");
    if (textOf(postData, "encoding") == "base64") {
        auto decoded = fromBase64(text);
        if (!decoded) {
            exchange.bodyBinary = true;
            return;
        }
        text = std::move(*decoded);
    }
    if (lowerType.starts_with("multipart/form-data")) {
        if (postData.contains("params") && postData["params"].is_array() &&
            !postData["params"].empty()) {
            Steps::Pairs form;
            for (const auto &param : postData["params"]) {
                const std::string name = textOf(param, "name");
                if (param.contains("fileName") && param["fileName"].is_string()) {
                    const std::string fileName = textOf(param, "fileName");
                    exchange.files.push_back(
                        {name, fileName, fileName, textOf(param, "contentType")});
                    exchange.fileSizes.push_back(textOf(param, "value").size());
                } else {
                    form.emplace_back(name, textOf(param, "value"));
                }
            }
            exchange.bodyForm = form;
        } else if (hasText) {
            readMultipartText(exchange.bodyMimeType, text, exchange);
        }
        return;
    }
    if (hasText) {
        if (looksBinary(text))
            exchange.bodyBinary = true;
        else
            exchange.bodyText = text;
    } else if (postData.contains("params") && postData["params"].is_array()) {
        exchange.bodyForm = pairsOf(postData, "params");
    }
}

} // namespace

tl::expected<std::vector<RecordedExchange>, Error>
readHar(std::string_view text, const std::string &fileName, std::vector<std::string> *warnings)
{
    const auto fail = [&](std::string message, int line = 0, int column = 0,
                          std::string field = {}) {
        return tl::make_unexpected(
            Error{std::move(message), fileName, line, column, std::move(field)});
    };
    if (text.size() > maxHarBytes)
        return fail("larger than the " + std::to_string(maxHarBytes >> 20) +
                    " MiB a HAR file may have");
    if (text.find('\0') != std::string_view::npos)
        return fail("not a HAR file: binary data (NUL bytes)");
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
        return fail("not a HAR file: the file is empty");
    Json root;
    try {
        root = Json::parse(text.begin(), text.end());
    } catch (const Json::parse_error &e) {
        const auto [line, column] = lineAndColumn(text, e.byte > 0 ? e.byte - 1 : 0);
        std::string what = e.what();
        // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error …"
        if (const auto colon = what.find(": "); colon != std::string::npos)
            what = what.substr(colon + 2);
        return fail("not a HAR file: not valid JSON (" + what + ")", line, column);
    }
    if (!root.is_object() || !root.contains("log") || !root["log"].is_object())
        return fail("not a HAR file: no \"log\" object at the top", 0, 0, "log");
    const Json &log = root["log"];
    if (!log.contains("version"))
        return fail("not a HAR file: log.version is missing (expected \"1.2\")", 0, 0,
                    "log.version");
    if (!log["version"].is_string())
        return fail("log.version must be a text such as \"1.2\", not " +
                        (log["version"].is_primitive() ? log["version"].dump()
                                                       : std::string(log["version"].type_name())),
                    0, 0, "log.version");
    const std::string version = log["version"].get<std::string>();
    if (version != "1.1" && version != "1.2")
        return fail("HAR version \"" + shortened(version) + "\" is not supported (1.1 or 1.2)", 0,
                    0, "log.version");
    if (!log.contains("entries") || !log["entries"].is_array())
        return fail("not a HAR file: log.entries is missing or not a list", 0, 0, "log.entries");

    std::map<std::string, std::string> pageTitles;
    if (log.contains("pages") && log["pages"].is_array()) {
        for (const auto &page : log["pages"]) {
            const std::string id = textOf(page, "id");
            std::string title = textOf(page, "title");
            if (!id.empty())
                pageTitles[id] = title.empty() ? id : title;
        }
    }

    std::vector<RecordedExchange> out;
    int number = 0;
    for (const auto &entry : log["entries"]) {
        ++number;
        const auto skip = [&](const std::string &why) {
            if (warnings)
                warnings->push_back("entry " + std::to_string(number) + ": " + why + ": skipped");
        };
        if (!entry.is_object()) {
            skip("not an object");
            continue;
        }
        if (!entry.contains("request") || !entry["request"].is_object()) {
            skip("no request");
            continue;
        }
        const Json &request = entry["request"];
        RecordedExchange exchange;
        exchange.entry = number;
        exchange.method = textOf(request, "method");
        exchange.url = textOf(request, "url");
        if (exchange.method.empty()) {
            skip("no request.method");
            continue;
        }
        if (exchange.url.empty()) {
            skip("no request.url");
            continue;
        }
        const std::string pageref = textOf(entry, "pageref");
        if (!pageref.empty()) {
            const auto page = pageTitles.find(pageref);
            exchange.page = page == pageTitles.end() ? pageref : page->second;
        }
        exchange.startedSeconds = isoSeconds(textOf(entry, "startedDateTime"));
        exchange.durationSeconds = std::clamp(numberOf(entry, "time", 0) / 1000, 0.0, 86400.0);
        exchange.headers = pairsOf(request, "headers");
        if (request.contains("postData") && request["postData"].is_object())
            readPostData(request["postData"], exchange);
        if (entry.contains("response") && entry["response"].is_object()) {
            const Json &response = entry["response"];
            // Chrome writes 0 (or -1) for blocked and failed requests: no check for those.
            const double status = numberOf(response, "status", 0);
            exchange.status = status >= 100 && status <= 999 ? int(status) : 0;
            exchange.responseHeaders = pairsOf(response, "headers");
            if (response.contains("content") && response["content"].is_object()) {
                const Json &content = response["content"];
                exchange.responseMimeType = textOf(content, "mimeType");
                std::string body = textOf(content, "text");
                if (textOf(content, "encoding") == "base64")
                    body = fromBase64(body).value_or(std::string());
                if (!looksBinary(body))
                    exchange.responseBody = std::move(body);
            }
        }
        out.push_back(std::move(exchange));
    }
    return out;
}

tl::expected<ImportResult, Error> importHar(std::string_view text, const std::string &fileName,
                                            const ImportOptions &options)
{
    std::vector<std::string> warnings;
    auto exchanges = readHar(text, fileName, &warnings);
    if (!exchanges)
        return tl::make_unexpected(exchanges.error());
    ImportOptions withName = options;
    if (withName.sourceName.empty())
        withName.sourceName = fileName;
    auto result = buildScenario(*exchanges, withName, std::move(warnings));
    if (!result) {
        auto error = result.error();
        if (error.file.empty() && error.field.empty())
            error.file = fileName;
        return tl::make_unexpected(error);
    }
    return result;
}

tl::expected<ImportResult, Error> importHarFile(const std::string &path,
                                                const ImportOptions &options)
{
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        return tl::make_unexpected(Error{"is a folder, not a HAR file", path});
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec && size > maxHarBytes)
        return tl::make_unexpected(Error{"larger than the " + std::to_string(maxHarBytes >> 20) +
                                             " MiB a HAR file may have (" +
                                             std::to_string(size >> 20) + " MiB)",
                                         path});
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return tl::make_unexpected(
            Error{std::string("cannot open: ") + std::strerror(errno), path});
    std::string text;
    char buffer[1 << 16];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        text.append(buffer, std::size_t(in.gcount()));
        if (text.size() > maxHarBytes)
            return tl::make_unexpected(Error{
                "larger than the " + std::to_string(maxHarBytes >> 20) + " MiB a HAR file may have",
                path});
    }
    if (in.bad())
        return tl::make_unexpected(Error{"cannot read", path});
    ImportOptions withName = options;
    if (withName.sourceName.empty())
        withName.sourceName = std::filesystem::path(path).filename().string();
    return importHar(text, path, withName);
}

} // namespace Loadwizard::Import
