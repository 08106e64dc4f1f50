// The table behind outputregistry.h, and the lookups every user of it shares. Help texts are
// what docs/outputs.md shows in its option tables (tst_outputdocs compares them).

#include <loadwizard/outputregistry.h>

#include <loadwizard/suggest.h>

#include <loadwizard/outputsinks.h>

#include <algorithm>

namespace Loadwizard {

namespace {

using enum OptionType;
namespace N = OptionName;

constexpr std::string_view tlsHelp = "verify HTTPS certificates; `ca_file` for a private CA";
constexpr std::string_view caHelp = "a CA bundle (PEM) for a private CA";

std::vector<OutputKind> buildKinds()
{
    using namespace Engine;
    std::vector<OutputKind> kinds;
    kinds.push_back(
        {.name = "influxdb",
         .target = "`http[s]://host:port/DATABASE`",
         .targetHelp = "the database (1.x) or bucket (2.x) is the URL path: "
                       "`http://host:8086/loadwizard`",
         .exampleTarget = "http://127.0.0.1:8086/loadwizard",
         .options =
             {{.name = N::db,
               .defaultNote = "from the URL path",
               .help = "the 1.x database; overrides the URL path",
               .aliases = {N::database}},
              {.name = N::bucket,
               .defaultNote = "from the URL path",
               .help = "the 2.x bucket; overrides the URL path"},
              {.name = N::rp,
               .defaultNote = "server default",
               .help = "1.x retention policy",
               .aliases = {N::retentionPolicy}},
              {.name = N::version,
               .type = Enum,
               .defaultValue = "auto",
               .help = "`auto` detects it from `GET /ping`'s `X-Influxdb-Version`",
               .values = {"1", "2", "auto"}},
              {.name = N::username,
               .help = "1.x basic auth; also as URL user info `http://user:pass@host…`",
               .aliases = {N::user}},
              {.name = N::password, .help = "1.x basic auth; use `${ENV_VAR}`", .secret = true},
              {.name = N::token,
               .help = "2.x `Authorization: Token …` (also sent to 1.x when there is no "
                       "username); use `${ENV_VAR}`",
               .secret = true},
              {.name = N::org, .help = "2.x organisation (required with `version=2`)"},
              {.name = N::precision,
               .type = Enum,
               .defaultValue = "ms",
               .help = "timestamp precision (written as `u` for 1.x, which treats an unknown "
                       "`us` as ns)",
               .values = {"ns", "us", "ms", "s"}},
              {.name = N::schema,
               .type = Enum,
               .defaultValue = "native",
               .help = "the layout of the points, below",
               .values = {"native", "jmeter"}},
              {.name = N::createDb,
               .type = Bool,
               .defaultValue = "true",
               .help = "1.x: `CREATE DATABASE` at the start (and again if a restarted server "
                       "lost it)"},
              {.name = N::gzip,
               .type = Bool,
               .defaultValue = "true",
               .help = "`Content-Encoding: gzip` bodies"},
              {.name = N::verifyTls,
               .type = Bool,
               .defaultValue = "true",
               .help = tlsHelp,
               // The inverse spelling: the sink flips its value.
               .aliases = {N::insecureSkipTlsVerify}},
              {.name = N::caFile, .help = caHelp},
              {.name = N::timeout,
               .type = Duration,
               .defaultValue = "10",
               .help = "seconds per HTTP request, 0.1–3600"},
              {.name = N::maxRetries,
               .type = Int,
               .defaultValue = "10",
               .help = "attempts after the first before a batch is dropped (backoff 0.5 s "
                       "doubling up to 30 s, ±20 % jitter)"},
              {.name = N::batchSize,
               .type = Int,
               .defaultValue = "5000",
               .help = "lines per request, 1–5000"},
              {.name = N::events,
               .type = Int,
               .defaultValue = "100",
               .help = "log events per second written to `events` (native schema), 0 for none"},
              {.name = N::application,
               .defaultNote = "project name",
               .help = "JMeter's `application` tag"},
              {.name = N::testTags, .help = "JMeter's `tags` tag on the start/end annotations"},
              {.name = N::tagPrefix,
               .help = "an extra tag on every native point (`tag.env=staging`)",
               .isPrefix = true}},
         .make = makeInfluxSink});
    kinds.push_back(
        {.name = "graphite",
         .target = "`tcp://host:port`",
         .targetHelp = "`tcp://host[:port]`, port 2003 when left out",
         .exampleTarget = "tcp://127.0.0.1:2003",
         .options = {{.name = N::prefix,
                      .defaultNote = "`loadwizard.<project>` (`loadwizard` with `tags=true`, "
                                     "`gatling.<project>` with `scheme=gatling`)",
                      .help = "dot-separated path prefix; each component is sanitised like any "
                              "other"},
                     {.name = N::scheme,
                      .type = Enum,
                      .defaultValue = "native",
                      .help = "the path layout, below",
                      .values = {"native", "gatling"}},
                     {.name = N::tags,
                      .type = Bool,
                      .defaultValue = "false",
                      .help = "write Graphite 1.1 tagged series (native scheme), below"},
                     {.name = N::timeout,
                      .type = Duration,
                      .defaultValue = "5",
                      .help = "seconds to connect and to write one batch"}},
         .make = makeGraphiteSink});
    kinds.push_back(
        {.name = "elasticsearch",
         .target = "`http[s]://host:port`",
         .targetHelp = "`http[s]://[user:password@]host:port[/path]`; a path (a proxy's prefix) "
                       "is kept, `/_bulk` is appended",
         .exampleTarget = "http://127.0.0.1:9200",
         .options =
             {{.name = N::index,
               .defaultValue = "loadwizard-metrics-%Y.%m.%d",
               .help = "index name of the metrics documents; date directives `%Y %y %m %d %H %j "
                       "%G %V %%` take the UTC date of each document's `@timestamp`. Given "
                       "without `logs_index`, the log events go there too"},
              {.name = N::logsIndex,
               .defaultValue = "loadwizard-logs-%Y.%m.%d",
               .help = "index name of the log events"},
              {.name = N::dataStream,
               .help = "write to this data stream instead of indices (log events too, unless "
                       "`logs_data_stream`); it needs an index template with `data_stream: {}`, "
                       "such as Elasticsearch's built-in `logs-*-*` and `metrics-*-*`"},
              {.name = N::logsDataStream, .help = "data stream of the log events"},
              {.name = N::user,
               .defaultNote = "URL user info",
               .help = "basic auth (percent-encode `:` `@` `%` in URL user info, or use these "
                       "options)"},
              {.name = N::password,
               .defaultNote = "URL user info",
               .help = "basic auth; use `${ENV_VAR}`",
               .secret = true},
              {.name = N::apiKey,
               .help = "`Authorization: ApiKey …`: either `id:api_key` (encoded here) or the "
                       "base64 `encoded` value Kibana shows; use `${ENV_VAR}`",
               .secret = true},
              {.name = N::verifyTls, .type = Bool, .defaultValue = "true", .help = tlsHelp},
              {.name = N::caFile, .help = caHelp},
              {.name = N::timeout,
               .type = Duration,
               .defaultValue = "10",
               .help = "seconds per request, up to 600"},
              {.name = N::maxBulkBytes,
               .type = Int,
               .defaultValue = "5242880",
               .help = "largest `_bulk` body (1 KiB – 100 MiB); bigger batches are split"},
              {.name = N::serviceName,
               .defaultValue = "loadwizard",
               .help = "the documents' `service.name`"}},
         .make = makeElasticsearchSink});
    kinds.push_back({.name = "logstash",
                     .target = "`tcp://host:port`",
                     .targetHelp = "`tcp://host:port`; the port is required (the tcp input has "
                                   "no default)",
                     .exampleTarget = "tcp://127.0.0.1:5000",
                     .options = {{.name = N::timeout,
                                  .type = Duration,
                                  .defaultValue = "5",
                                  .help = "seconds to connect and to write one batch"},
                                 {.name = N::serviceName,
                                  .defaultValue = "loadwizard",
                                  .help = "the documents' `service.name`"}},
                     .make = makeLogstashSink});
    const OutputOption append{.name = N::append,
                              .type = Bool,
                              .defaultValue = "false",
                              .help = "append instead of truncating (CSV then writes its header "
                                      "only into an empty file)"};
    kinds.push_back({.name = "json",
                     .target = "a file",
                     .targetHelp = "the file, replaced when the run ends; in a project, relative "
                                   "to the project file's folder",
                     .exampleTarget = "results.jsonl",
                     .options = {append},
                     .make = makeJsonLinesSink,
                     .fileTarget = true});
    kinds.push_back({.name = "csv",
                     .target = "a file",
                     .targetHelp = "the file, replaced when the run ends; in a project, relative "
                                   "to the project file's folder",
                     .exampleTarget = "results.csv",
                     .options = {append},
                     .make = makeCsvSink,
                     .fileTarget = true});
    return kinds;
}

std::string joined(const std::vector<std::string> &words, std::string_view last)
{
    std::string out;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i > 0)
            out += i + 1 == words.size() ? last : std::string_view(", ");
        out += words[i];
    }
    return out;
}

} // namespace

bool OutputOption::matches(std::string_view key) const
{
    if (isPrefix)
        return key.size() > name.size() && key.starts_with(name);
    return key == name || std::find(aliases.begin(), aliases.end(), key) != aliases.end();
}

const OutputOption *OutputKind::option(std::string_view key) const
{
    const auto it = std::find_if(options.begin(), options.end(),
                                 [key](const OutputOption &o) { return o.matches(key); });
    return it == options.end() ? nullptr : &*it;
}

std::string OutputKind::optionList() const
{
    std::string out;
    for (const OutputOption &option : options) {
        if (!out.empty())
            out += ", ";
        out += option.name;
        if (option.isPrefix)
            out += "NAME";
    }
    return out;
}

const std::vector<OutputKind> &outputKinds()
{
    static const std::vector<OutputKind> kinds = buildKinds();
    return kinds;
}

const OutputKind *findOutputKind(std::string_view name)
{
    for (const OutputKind &kind : outputKinds()) {
        if (kind.name == name)
            return &kind;
    }
    return nullptr;
}

std::string outputKindList()
{
    std::vector<std::string> names;
    for (const OutputKind &kind : outputKinds())
        names.emplace_back(kind.name);
    return joined(names, " or ");
}

tl::expected<const OutputKind *, Error> outputKind(std::string_view name)
{
    if (const OutputKind *kind = findOutputKind(name))
        return kind;
    Error error;
    error.message =
        "unknown output kind \"" + shortened(name) + "\" (use " + outputKindList() + ')';
    error.field = "kind";
    error.token = std::string(name);
    return tl::make_unexpected(std::move(error));
}

tl::expected<void, Error> checkOutputOptions(const OutputConfig &config)
{
    const OutputKind *kind = findOutputKind(config.kind);
    if (!kind)
        return tl::make_unexpected(outputKind(config.kind).error());
    for (const auto &[key, value] : config.options) {
        if (kind->option(key))
            continue;
        // A typo is the usual cause: name the closest option when it is a likely one.
        std::vector<std::string_view> names;
        for (const OutputOption &option : kind->options)
            names.push_back(option.name);
        const std::string closest = closestMatch(key, names);
        Error error;
        error.message = "unknown option \"" + shortened(key) + "\" for " + std::string(kind->name);
        if (!closest.empty())
            error.message += " (did you mean \"" + std::string(closest) + "\"?)";
        error.message += "; known: " + kind->optionList();
        error.field = "options." + key;
        error.token = key;
        return tl::make_unexpected(std::move(error));
    }
    return {};
}

std::optional<std::string> outputOption(const OutputConfig &config, std::string_view name)
{
    const OutputKind *kind = findOutputKind(config.kind);
    const OutputOption *option = kind ? kind->option(name) : nullptr;
    for (const auto &[key, value] : config.options) {
        if (key == name || (option && !option->isPrefix && option->matches(key)))
            return value;
    }
    if (option && !option->defaultValue.empty())
        return std::string(option->defaultValue);
    return std::nullopt;
}

std::map<std::string, std::string, std::less<>> withOutputDefaults(const OutputConfig &config)
{
    auto options = config.options;
    const OutputKind *kind = findOutputKind(config.kind);
    if (!kind)
        return options;
    for (const OutputOption &option : kind->options) {
        if (option.defaultValue.empty() || option.isPrefix)
            continue;
        const bool given =
            std::any_of(config.options.begin(), config.options.end(),
                        [&](const auto &entry) { return option.matches(entry.first); });
        if (!given)
            options.emplace(option.name, option.defaultValue);
    }
    return options;
}

} // namespace Loadwizard
