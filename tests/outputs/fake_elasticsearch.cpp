#include "fake_elasticsearch.h"

#include <chrono>
#include <cstdio>
#include <string_view>

#include <httplib.h>

using Json = nlohmann::json;

struct FakeElasticsearch::State
{
    httplib::Server server;
    mutable std::mutex mutex;
    Faults faults;
    std::set<std::string> dataStreams;
    std::vector<Document> documents;
    std::map<std::string, std::set<std::string>> ids; // index → ids stored
    std::map<std::string, int> attempts;
    std::vector<Request> requests;
    std::vector<std::string> protocolErrors;
    std::uint64_t nextAutoId = 0;
    std::uint64_t seqNo = 0;
};

namespace {

Json errorBody(int status, const std::string &type, const std::string &reason)
{
    const Json cause = {{"type", type}, {"reason", reason}};
    return {{"error", {{"root_cause", Json::array({cause})}, {"type", type}, {"reason", reason}}},
            {"status", status}};
}

void answer(httplib::Response &response, int status, const Json &body)
{
    response.status = status;
    response.set_header("X-elastic-product", "Elasticsearch");
    response.set_content(body.dump(), "application/json");
}

// Elasticsearch's MetadataCreateIndexService.validateIndexOrAliasName and lower-case rule.
std::string invalidIndexReason(const std::string &name)
{
    if (name.empty())
        return "must not be empty";
    if (name == "." || name == "..")
        return "must not be '.' or '..'";
    if (name.size() > 255)
        return "index name is too long";
    if (name.front() == '-' || name.front() == '_' || name.front() == '+')
        return "must not start with '_', '-', or '+'";
    for (const char c : name) {
        if (c >= 'A' && c <= 'Z')
            return "must be lowercase";
        if (std::string_view("\\/*?\"<>| ,#:").find(c) != std::string_view::npos)
            return "must not contain the following characters [ , \", *, \\, <, |, ,, >, /, ?]";
    }
    return {};
}

Json itemError(const std::string &op, const std::string &index, const std::string &id, int status,
               const std::string &type, const std::string &reason)
{
    Json result = {
        {"_index", index}, {"status", status}, {"error", {{"type", type}, {"reason", reason}}}};
    if (!id.empty())
        result["_id"] = id;
    return Json{{op, std::move(result)}};
}

} // namespace

FakeElasticsearch::FakeElasticsearch(int port)
    : m_state(std::make_unique<State>())
{
    State &state = *m_state;
    state.server.Get("/", [](const httplib::Request &, httplib::Response &response) {
        answer(response, 200,
               {{"name", "fake-node"},
                {"cluster_name", "loadwizard-test"},
                {"cluster_uuid", "fake"},
                {"version",
                 {{"number", "8.11.0"},
                  {"build_flavor", "default"},
                  {"lucene_version", "9.8.0"},
                  {"minimum_wire_compatibility_version", "7.17.0"}}},
                {"tagline", "You Know, for Search"}});
    });

    const auto bulk = [&state](const httplib::Request &request, httplib::Response &response) {
        Request seen;
        seen.method = request.method;
        seen.path = request.path;
        seen.contentType = request.get_header_value("Content-Type");
        seen.authorization = request.get_header_value("Authorization");
        seen.bodyBytes = request.body.size();
        Faults faults;
        bool failWhole429 = false;
        bool storeThenFail = false;
        {
            std::lock_guard lock(state.mutex);
            faults = state.faults;
            if (state.faults.wholeRequest429 > 0) {
                --state.faults.wholeRequest429;
                failWhole429 = true;
            }
        }
        const auto finish = [&](int status, const Json &body) {
            answer(response, status, body);
            seen.status = status;
            std::lock_guard lock(state.mutex);
            state.requests.push_back(seen);
        };
        const auto protocolError = [&](const std::string &message) {
            std::lock_guard lock(state.mutex);
            state.protocolErrors.push_back(message);
        };

        if (!faults.requiredAuthorization.empty() &&
            seen.authorization != faults.requiredAuthorization) {
            response.set_header("WWW-Authenticate", "Basic realm=\"security\" charset=\"UTF-8\"");
            response.set_header("WWW-Authenticate", "ApiKey");
            return finish(401, errorBody(401, "security_exception",
                                         "missing authentication credentials for REST request "
                                         "[/_bulk]"));
        }
        const std::string mediaType = seen.contentType.substr(0, seen.contentType.find(';'));
        if (mediaType != "application/json" && mediaType != "application/x-ndjson") {
            protocolError("Content-Type " + seen.contentType);
            response.status = 406;
            response.set_content("{\"error\":\"Content-Type header [" + seen.contentType +
                                     "] is not supported\",\"status\":406}",
                                 "application/json");
            seen.status = 406;
            std::lock_guard lock(state.mutex);
            state.requests.push_back(seen);
            return;
        }
        if (request.body.size() > faults.maxBodyBytes) {
            // Netty refuses the body before any handler runs: no JSON, just the status.
            response.status = 413;
            seen.status = 413;
            std::lock_guard lock(state.mutex);
            state.requests.push_back(seen);
            return;
        }
        if (failWhole429) {
            return finish(429, errorBody(429, "es_rejected_execution_exception",
                                         "rejected execution of coordinating operation "
                                         "[coordinating_and_primary_bytes=0, "
                                         "max_coordinating_and_primary_bytes=0]"));
        }
        if (faults.delayMs > 0)
            std::this_thread::sleep_for(std::chrono::milliseconds(faults.delayMs));
        if (request.body.empty()) {
            protocolError("empty body");
            return finish(400, errorBody(400, "action_request_validation_exception",
                                         "Validation Failed: 1: no requests added;"));
        }
        if (request.body.back() != '\n') {
            protocolError("body does not end with a newline");
            return finish(400, errorBody(400, "illegal_argument_exception",
                                         "The bulk request must be terminated by a newline [\\n]"));
        }
        const std::string pathIndex =
            request.matches.size() > 1 ? std::string(request.matches[1]) : std::string();

        // Split into lines and pair each action with its source, as the REST layer does before
        // any document is looked at: a malformed line fails the whole request.
        struct Pending
        {
            std::string op;
            std::string index;
            std::string id;
            std::string sourceText;
            bool hasSource = false;
        };
        std::vector<Pending> pending;
        std::size_t lineNumber = 0;
        std::size_t position = 0;
        const std::string &body = request.body;
        while (position < body.size()) {
            const auto end = body.find('\n', position);
            const std::string line = body.substr(position, end - position);
            position = end + 1;
            ++lineNumber;
            const Json action = Json::parse(line, nullptr, false);
            if (!action.is_object() || action.size() != 1) {
                protocolError("malformed action line " + std::to_string(lineNumber) + ": " + line);
                return finish(400, errorBody(400, "illegal_argument_exception",
                                             "Malformed action/metadata line [" +
                                                 std::to_string(lineNumber) +
                                                 "], expected START_OBJECT"));
            }
            Pending item;
            item.op = action.begin().key();
            if (item.op != "create" && item.op != "index" && item.op != "update" &&
                item.op != "delete") {
                protocolError("unknown action " + item.op);
                return finish(400, errorBody(400, "illegal_argument_exception",
                                             "Malformed action/metadata line [" +
                                                 std::to_string(lineNumber) +
                                                 "], expected field [create], [delete], [index] "
                                                 "or [update] but found [" +
                                                 item.op + "]"));
            }
            const Json &meta = action.begin().value();
            item.index = meta.is_object() ? meta.value("_index", pathIndex) : pathIndex;
            item.id = meta.is_object() && meta.contains("_id") && meta["_id"].is_string()
                          ? meta["_id"].get<std::string>()
                          : std::string();
            if (item.index.empty()) {
                protocolError("action without an index");
                return finish(400, errorBody(400, "action_request_validation_exception",
                                             "Validation Failed: 1: index is missing;"));
            }
            if (item.op != "delete") {
                if (position >= body.size()) {
                    protocolError("action without a source line");
                    return finish(400, errorBody(400, "illegal_argument_exception",
                                                 "The bulk request must be terminated by a "
                                                 "newline [\\n]"));
                }
                const auto sourceEnd = body.find('\n', position);
                item.sourceText = body.substr(position, sourceEnd - position);
                item.hasSource = true;
                position = sourceEnd + 1;
                ++lineNumber;
            }
            pending.push_back(std::move(item));
        }

        const auto started = std::chrono::steady_clock::now();
        Json items = Json::array();
        bool errors = false;
        {
            std::lock_guard lock(state.mutex);
            if (state.faults.storeThenFail > 0) {
                --state.faults.storeThenFail;
                storeThenFail = true;
            }
            for (Pending &item : pending) {
                const bool dataStream = state.dataStreams.contains(item.index);
                const std::string shownIndex =
                    dataStream ? ".ds-" + item.index + "-2026.01.01-000001" : item.index;
                if (!item.id.empty())
                    ++state.attempts[item.id];
                const auto fail = [&](int status, const std::string &type,
                                      const std::string &reason) {
                    errors = true;
                    items.push_back(itemError(item.op, shownIndex, item.id, status, type, reason));
                };
                if (const auto reason = invalidIndexReason(item.index); !reason.empty()) {
                    fail(400, "invalid_index_name_exception",
                         "Invalid index name [" + item.index + "], " + reason);
                    continue;
                }
                if (item.op != "create" && item.op != "index") {
                    fail(400, "illegal_argument_exception", "not supported by this test server");
                    continue;
                }
                const Json source = Json::parse(item.sourceText, nullptr, false);
                if (!source.is_object()) {
                    fail(400, "mapper_parsing_exception", "failed to parse");
                    continue;
                }
                if (dataStream && item.op != "create") {
                    fail(400, "illegal_argument_exception",
                         "only write ops with an op_type of create are allowed in data streams");
                    continue;
                }
                if (dataStream && !source.contains("@timestamp")) {
                    fail(400, "mapper_parsing_exception",
                         "data stream timestamp field [@timestamp] is missing");
                    continue;
                }
                if (!item.id.empty() && state.attempts[item.id] <= faults.item429Attempts) {
                    fail(429, "es_rejected_execution_exception",
                         "rejected execution of primary operation [shard_detail=[" + item.index +
                             "][0]]");
                    continue;
                }
                if (faults.reject400 && faults.reject400(source)) {
                    fail(400, "mapper_parsing_exception",
                         "failed to parse field [loadwizard.count] of type [long] in document "
                         "with id '" +
                             item.id + "'");
                    continue;
                }
                auto &stored = state.ids[item.index];
                if (item.id.empty()) {
                    char text[24];
                    std::snprintf(text, sizeof text, "auto%016llx",
                                  static_cast<unsigned long long>(++state.nextAutoId));
                    item.id = text;
                }
                const bool exists = stored.contains(item.id);
                if (exists && item.op == "create") {
                    fail(409, "version_conflict_engine_exception",
                         "[" + item.id +
                             "]: version conflict, document already exists (current "
                             "version [1])");
                    continue;
                }
                stored.insert(item.id);
                if (!exists)
                    state.documents.push_back({item.index, item.id, item.op, source});
                items.push_back({{item.op,
                                  {{"_index", shownIndex},
                                   {"_id", item.id},
                                   {"_version", 1},
                                   {"result", exists ? "updated" : "created"},
                                   {"_shards", {{"total", 2}, {"successful", 1}, {"failed", 0}}},
                                   {"_seq_no", state.seqNo++},
                                   {"_primary_term", 1},
                                   {"status", exists ? 200 : 201}}}});
            }
        }
        if (storeThenFail) {
            return finish(503, errorBody(503, "unavailable_shards_exception",
                                         "[loadwizard][0] primary shard is not active"));
        }
        const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - started)
                              .count();
        finish(200, {{"took", took}, {"errors", errors}, {"items", std::move(items)}});
    };
    state.server.Post("/_bulk", bulk);
    state.server.Post(R"(/([^/_][^/]*)/_bulk)", bulk);
    state.server.set_payload_max_length(200 * 1024 * 1024);

    if (port == 0) {
        m_port = state.server.bind_to_any_port("127.0.0.1");
    } else {
        m_port = state.server.bind_to_port("127.0.0.1", port) ? port : -1;
    }
    if (m_port > 0) {
        m_thread = std::thread([&state] { state.server.listen_after_bind(); });
        // stop() before the loop runs would be lost and the destructor would wait forever.
        while (!state.server.is_running())
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

FakeElasticsearch::~FakeElasticsearch()
{
    m_state->server.stop();
    if (m_thread.joinable())
        m_thread.join();
}

std::string FakeElasticsearch::url() const
{
    return "http://127.0.0.1:" + std::to_string(m_port);
}

void FakeElasticsearch::setFaults(Faults faults)
{
    std::lock_guard lock(m_state->mutex);
    m_state->faults = std::move(faults);
}

void FakeElasticsearch::addDataStream(const std::string &name)
{
    std::lock_guard lock(m_state->mutex);
    m_state->dataStreams.insert(name);
}

std::vector<FakeElasticsearch::Document> FakeElasticsearch::documents() const
{
    std::lock_guard lock(m_state->mutex);
    return m_state->documents;
}

std::vector<FakeElasticsearch::Request> FakeElasticsearch::requests() const
{
    std::lock_guard lock(m_state->mutex);
    return m_state->requests;
}

std::map<std::string, int> FakeElasticsearch::attempts() const
{
    std::lock_guard lock(m_state->mutex);
    return m_state->attempts;
}

std::vector<std::string> FakeElasticsearch::protocolErrors() const
{
    std::lock_guard lock(m_state->mutex);
    return m_state->protocolErrors;
}
