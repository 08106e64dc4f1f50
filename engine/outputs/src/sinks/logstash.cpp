// Logstash output: the Elasticsearch output's ECS documents, one JSON document per line, to a
// Logstash `tcp` input with `codec => json_lines`. The tcp input never answers, so a batch whose
// send failed is resent whole on a new connection: Logstash may then see part of it twice (it has
// no ids to deduplicate by; give the elasticsearch output in the pipeline `document_id =>
// "%{[loadwizard][id]}"` to make the copies harmless).

#include "ecsdocuments.h"
#include "tcpconnection.h"
#include <loadwizard/outputsinks.h>

#include <loadwizard/output.h>
#include <loadwizard/outputregistry.h>
#include <loadwizard/snapshot.h>

#include <charconv>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace Loadwizard::Engine {

namespace {

using Json = nlohmann::json;

Error optionError(const std::string &field, std::string message, std::string token = {})
{
    Error error;
    error.message = std::move(message);
    error.field = field;
    error.token = std::move(token);
    return error;
}

class LogstashSink final : public OutputSink
{
public:
    LogstashSink(TcpEndpoint endpoint, double timeoutSeconds, std::string serviceName)
        : m_connection(std::move(endpoint), timeoutSeconds)
        , m_serviceName(std::move(serviceName))
    {}

    std::string name() const override
    {
        return "logstash tcp://" + m_connection.endpoint().toString();
    }

    tl::expected<void, Error> start(const RunInfo &info, DeliveryContext &context) override
    {
        m_documents.emplace(info, m_serviceName);
        std::uint64_t count = 0;
        m_pending = lines({m_documents->runStarted()}, count);
        m_pendingCount = count;
        // Logstash being down now is not fatal: the start event waits for the first batch.
        auto sent = m_connection.connect().and_then([&] { return m_connection.send(m_pending); });
        if (sent) {
            m_pending.clear();
            m_pendingCount = 0;
        } else {
            context.setError(sent.error().message);
        }
        return {};
    }

    tl::expected<std::uint64_t, Error> deliver(const Snapshot &snapshot,
                                               DeliveryContext &context) override
    {
        if (!m_documents)
            return tl::unexpected(Error{"deliver() before start()"});
        auto documents = m_documents->interval(snapshot);
        return sendPendingAnd(documents, context);
    }

    void finish(const Snapshot *last, DeliveryContext &context) override
    {
        if (m_documents)
            (void)sendPendingAnd({m_documents->runStopped(last)}, context);
        m_connection.close();
    }

    tl::expected<void, Error> testConnection() override
    {
        TcpLineConnection probe(m_connection.endpoint());
        return probe.connect();
    }

private:
    static std::string lines(const std::vector<EcsDocument> &documents, std::uint64_t &count)
    {
        std::string payload;
        for (const EcsDocument &document : documents) {
            Json source = document.source;
            source["loadwizard"]["id"] = document.id;
            // dump() escapes control characters, so a message's own newlines stay inside it.
            payload += source.dump(-1, ' ', false, Json::error_handler_t::replace);
            payload += '\n';
            ++count;
        }
        return payload;
    }

    tl::expected<std::uint64_t, Error> sendPendingAnd(const std::vector<EcsDocument> &documents,
                                                      DeliveryContext &context)
    {
        std::uint64_t count = m_pendingCount;
        const std::string payload = m_pending + lines(documents, count);
        m_pending.clear();
        m_pendingCount = 0;
        if (auto sent = m_connection.sendWithRetry(payload, context); !sent)
            return tl::unexpected(sent.error());
        return count;
    }

    TcpLineConnection m_connection;
    std::string m_serviceName;
    std::optional<EcsDocuments> m_documents;
    std::string m_pending; ///< the start event, when Logstash was down at the start
    std::uint64_t m_pendingCount = 0;
};

} // namespace

SinkResult makeLogstashSink(const OutputConfig &config)
{
    if (auto known = checkOutputOptions(config); !known)
        return tl::unexpected(known.error());
    // The tcp input has no default port: it must be spelled out.
    auto endpoint = parseTcpTarget(config.target, 0);
    if (!endpoint)
        return tl::unexpected(endpoint.error());
    const auto timeout = timeoutOption(config);
    if (!timeout)
        return tl::unexpected(timeout.error());
    std::string serviceName = *outputOption(config, OptionName::serviceName);
    if (serviceName.empty())
        return tl::unexpected(
            optionError("options." + std::string(OptionName::serviceName), "must not be empty"));
    return std::make_unique<LogstashSink>(std::move(*endpoint), *timeout, std::move(serviceName));
}

} // namespace Loadwizard::Engine
