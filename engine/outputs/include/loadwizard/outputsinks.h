#pragma once

// One factory per output kind, which the registry (outputregistry.cpp) hands to makeOutput()
// with the configuration already ${VAR}-expanded; public so the sink tests can build one sink
// directly. Each lives next to its sink in src/sinks/:
//   influxdb.cpp       makeInfluxSink
//   graphite.cpp       makeGraphiteSink
//   elasticsearch.cpp  makeElasticsearchSink
//   logstash.cpp       makeLogstashSink
//   files.cpp          makeJsonLinesSink, makeCsvSink
// Errors name the option in Error::field ("target", "options.version", …); makeOutput() prefixes
// the kind. Sinks must never put secrets (URL userinfo, passwords, tokens, API keys) into name(),
// errors or log lines: use redactedTarget() below.

#include <loadwizard/error.h>
#include <loadwizard/output.h>

#include <memory>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace Loadwizard::Engine {

using SinkResult = tl::expected<std::unique_ptr<OutputSink>, Error>;

SinkResult makeInfluxSink(const OutputConfig &config);
SinkResult makeGraphiteSink(const OutputConfig &config);
SinkResult makeElasticsearchSink(const OutputConfig &config);
SinkResult makeLogstashSink(const OutputConfig &config);
SinkResult makeJsonLinesSink(const OutputConfig &config);
SinkResult makeCsvSink(const OutputConfig &config);

/// `target` without URL userinfo (`http://user:pass@host/x` → `http://host/x`) and without the
/// values of secret query options; for names, logs and errors.
std::string redactedTarget(std::string_view target);
/// True for option names that hold secrets (password, token, api_key, apikey, secret, …).
bool isSecretOption(std::string_view key);
/// "<kind> <redacted target>": what OutputSink::name() should return.
std::string outputDisplayName(const OutputConfig &config);

} // namespace Loadwizard::Engine
