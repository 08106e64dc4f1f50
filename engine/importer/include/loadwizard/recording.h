#pragma once

// What the importers (HAR, curl) read, before it becomes steps: recorded exchanges, the options
// of an import, and the conversion shared by both (docs/import.md).

#include <loadwizard/correlation.h>
#include <loadwizard/error.h>
#include <loadwizard/steps.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace Loadwizard::Import {

/// One recorded request and, from a HAR file, its response.
struct RecordedExchange
{
    int entry = 0;              ///< 1-based HAR entry or curl command number, for messages
    std::string page;           ///< transaction name; empty: none
    double startedSeconds = -1; ///< Unix seconds; < 0 when unknown
    double durationSeconds = 0; ///< the exchange's total time
    std::string method = "GET";
    std::string url; ///< absolute
    Steps::Pairs headers;
    std::string bodyMimeType;
    std::optional<std::string> bodyText;  ///< the request body as text
    std::optional<Steps::Pairs> bodyForm; ///< form fields when the recording lists them
    std::vector<Steps::FileField> files;  ///< multipart files (content not kept)
    std::vector<std::size_t> fileSizes;   ///< bytes of each file in the recording (0: unknown)
    bool bodyBinary = false;              ///< a body that is not text: left out
    /// Lower-case names of headers kept although isDroppedHeader() (curl's -b, -A: on purpose).
    std::vector<std::string> keptHeaders;
    double timeoutSeconds = 0;
    int status = 0; ///< 0: no response recorded (curl)
    Steps::Pairs responseHeaders;
    std::string responseMimeType;
    std::string responseBody; ///< decoded text; empty when none or binary
};

/// What an import does besides reading.
struct ImportOptions
{
    /// Requests to this origin become relative (`/login`); empty: the first request's origin.
    std::string baseUrl;
    std::string exclude;        ///< ECMAScript regex: requests whose URL it finds are dropped
    bool includeStatic = false; ///< keep images, CSS, fonts, scripts, media, favicons
    bool correlate = true;      ///< HAR: turn recorded dynamic values into extract + ${var}
    std::string sourceName;     ///< the file or "curl": the scenario's name and description
};

/// An imported scenario and what the import has to say about it.
struct ImportResult
{
    Steps::StepScenario scenario;
    std::string baseUrl; ///< the origin made relative (`--base-url` when running)
    std::vector<std::string> warnings;
    CorrelationReport correlation;
    int requests = 0;        ///< request steps written
    int droppedStatic = 0;   ///< static resources left out
    int droppedExcluded = 0; ///< requests --exclude left out
};

/// Exchanges to steps: filtering, relative URLs, headers, bodies, checks, transactions, think
/// times and (when asked and responses were recorded) correlation. `warnings` are kept first.
tl::expected<ImportResult, Error> buildScenario(const std::vector<RecordedExchange> &exchanges,
                                                const ImportOptions &options,
                                                std::vector<std::string> warnings = {});

/// Request headers an import leaves out: the HTTP client sets them (Host, Content-Length, …),
/// the browser adds them (sec-*, Accept-Encoding, …) or the cookie jar does (Cookie).
bool isDroppedHeader(std::string_view name);
/// Images, CSS, fonts, scripts, media and favicons, by response MIME type or URL extension.
bool isStaticResource(const RecordedExchange &exchange);
/// "http://host:port" of an absolute http(s) URL (scheme and host lower-cased, default port
/// left out); empty when `url` is not one.
std::string originOf(std::string_view url);
/// A recorded text as a template: every `${` becomes `$${`.
std::string escapeTemplate(std::string_view text);
/// application/x-www-form-urlencoded (or a query string) to pairs; nullopt when not one.
std::optional<Steps::Pairs> parseUrlEncoded(std::string_view text);
/// The deepest nesting of [ and { outside strings in JSON text (not validated).
int jsonDepth(std::string_view text);
/// NUL bytes or invalid UTF-8.
bool looksBinary(std::string_view text);
/// %XX (and '+' as a space when `plusIsSpace`) decoded.
std::string percentDecode(std::string_view text, bool plusIsSpace);

} // namespace Loadwizard::Import
