#pragma once

// The one list of output kinds and their options. makeOutput(), the redaction helpers, the
// project parser, the GUI's outputs editor and the sinks themselves read it; a test compares
// docs/outputs.md's option tables with it, so none of them keeps a list of its own.

#include <loadwizard/error.h>
#include <loadwizard/output.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace Loadwizard {

/// Every option name, spelled once: the registry's table and the sinks' parsing both use these.
namespace OptionName {
inline constexpr std::string_view db = "db";
inline constexpr std::string_view database = "database";
inline constexpr std::string_view bucket = "bucket";
inline constexpr std::string_view rp = "rp";
inline constexpr std::string_view retentionPolicy = "retention_policy";
inline constexpr std::string_view org = "org";
inline constexpr std::string_view username = "username";
inline constexpr std::string_view user = "user";
inline constexpr std::string_view password = "password";
inline constexpr std::string_view token = "token";
inline constexpr std::string_view version = "version";
inline constexpr std::string_view precision = "precision";
inline constexpr std::string_view schema = "schema";
inline constexpr std::string_view createDb = "create_db";
inline constexpr std::string_view gzip = "gzip";
inline constexpr std::string_view verifyTls = "verify_tls";
inline constexpr std::string_view insecureSkipTlsVerify = "insecure_skip_tls_verify";
inline constexpr std::string_view caFile = "ca_file";
inline constexpr std::string_view timeout = "timeout";
inline constexpr std::string_view maxRetries = "max_retries";
inline constexpr std::string_view batchSize = "batch_size";
inline constexpr std::string_view events = "events";
inline constexpr std::string_view application = "application";
inline constexpr std::string_view testTags = "test_tags";
inline constexpr std::string_view tagPrefix = "tag."; ///< tag.NAME
inline constexpr std::string_view prefix = "prefix";
inline constexpr std::string_view scheme = "scheme";
inline constexpr std::string_view tags = "tags";
inline constexpr std::string_view index = "index";
inline constexpr std::string_view logsIndex = "logs_index";
inline constexpr std::string_view dataStream = "data_stream";
inline constexpr std::string_view logsDataStream = "logs_data_stream";
inline constexpr std::string_view apiKey = "api_key";
inline constexpr std::string_view maxBulkBytes = "max_bulk_bytes";
inline constexpr std::string_view serviceName = "service_name";
inline constexpr std::string_view append = "append";
} // namespace OptionName

/// How an option's value is read (the sink still checks its range).
enum class OptionType
{
    String,
    Int,
    Double,
    Bool,
    Duration, ///< seconds, fractions allowed
    Enum      ///< one of OutputOption::values
};

/// One option of an output kind.
struct OutputOption
{
    std::string_view name;
    OptionType type = OptionType::String;
    std::string_view defaultValue; ///< as it would be written; empty when there is none
    std::string_view defaultNote;  ///< a default that is no fixed value ("from the URL path")
    std::string_view help;         ///< one sentence, Markdown code spans allowed
    bool secret = false;           ///< never shown: redacted in names, masked in the GUI
    std::vector<std::string_view> values;  ///< Enum: the accepted values
    std::vector<std::string_view> aliases; ///< other spellings the sink accepts
    bool isPrefix = false;                 ///< `name` is a prefix taking any suffix (tag.NAME)

    /// True when `key` is this option: its name, an alias, or name + suffix for a prefix.
    bool matches(std::string_view key) const;
};

using OutputFactory = tl::expected<std::unique_ptr<OutputSink>, Error> (*)(const OutputConfig &);

/// One output kind: what `--out KIND=…` and `kind:` accept.
struct OutputKind
{
    std::string_view name;
    std::string_view target;        ///< the target's shape, Markdown ("`tcp://host:port`")
    std::string_view targetHelp;    ///< what the target means, Markdown
    std::string_view exampleTarget; ///< a working target on this machine, for new outputs
    std::vector<OutputOption> options;
    OutputFactory make = nullptr;
    /// The target is a file path: relative to the project file's folder when it came from a
    /// project (as `scenario:` is), to the working folder when it came from `--out`.
    bool fileTarget = false;

    /// The option `key` names (resolving aliases and prefixes), nullptr when unknown.
    const OutputOption *option(std::string_view key) const;
    /// "db, bucket, …, tag.NAME": the documented names, for errors and hints.
    std::string optionList() const;
};

/// All kinds, in the order the docs and the GUI list them.
const std::vector<OutputKind> &outputKinds();
/// The kind called `name` (lower case), nullptr when unknown.
const OutputKind *findOutputKind(std::string_view name);
/// "influxdb, graphite, elasticsearch, logstash, json or csv".
std::string outputKindList();
/// `name`'s kind, or "unknown output kind "x" (use …)" with field "kind" and the token.
tl::expected<const OutputKind *, Error> outputKind(std::string_view name);
/// Rejects an option the kind does not have, naming it (field "options.KEY") and the valid ones.
tl::expected<void, Error> checkOutputOptions(const OutputConfig &config);
/// The option's value as given (under its name or an alias), else its registry default.
std::optional<std::string> outputOption(const OutputConfig &config, std::string_view name);
/// `config.options` plus the registry default of every option not given under any spelling.
std::map<std::string, std::string, std::less<>> withOutputDefaults(const OutputConfig &config);

} // namespace Loadwizard
