#pragma once

// A test server that answers like Elasticsearch's `_bulk` API, with fault injection.
//
// Elasticsearch, OpenSearch and Logstash cannot be installed offline on Debian 12 (none is
// packaged, nor on npm), so the Elasticsearch output is tested against this server instead. It
// was written from the official bulk API documentation (docs-bulk: "Bulk API", request body and
// response body sections) and follows it where the output depends on it:
//   - `POST /_bulk` and `POST /<index>/_bulk`, NDJSON body of action lines each followed by a
//     source line (none for `delete`), and the body must end with '\n' (else 400
//     illegal_argument_exception "The bulk request must be terminated by a newline [\n]");
//   - Content-Type `application/json` or `application/x-ndjson` (else 406);
//   - the answer is HTTP 200 even when items fail: `{"took","errors","items":[{"<op>":{"_index",
//     "_id","status",...}}]}` in request order, a failed item carrying `error: {type, reason}`;
//   - `create` of an existing `_id` fails with 409 version_conflict_engine_exception;
//   - index names are checked (lower case, no `\ / * ? " < > | , # :` or space, not starting
//     with `-_+`): invalid_index_name_exception;
//   - data streams take only `create` and need `@timestamp`;
//   - whole-request errors are `{"error":{"root_cause":[…],"type","reason"},"status":N}`.
// It does not index, search or map anything: documents are kept as received.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

class FakeElasticsearch
{
public:
    struct Document
    {
        std::string index;
        std::string id;
        std::string op;
        nlohmann::json source;
    };

    struct Faults
    {
        /// Answer this many upcoming bulk requests with a whole-request 429.
        int wholeRequest429 = 0;
        /// Refuse each document with an item-level 429 the first N times it is sent.
        int item429Attempts = 0;
        /// Documents refused with an item-level 400 mapper_parsing_exception.
        std::function<bool(const nlohmann::json &source)> reject400;
        /// Bodies larger than this get 413 (http.max_content_length, 100 MB by default).
        std::size_t maxBodyBytes = 100 * 1024 * 1024;
        /// Sleep this long before answering each bulk request.
        int delayMs = 0;
        /// Store the documents of this many upcoming bulk requests, then answer 503 as if the
        /// answer had been lost (a client must resend; the resent creates meet 409).
        int storeThenFail = 0;
        /// When set, requests must carry exactly this Authorization header (else 401).
        std::string requiredAuthorization;
    };

    struct Request
    {
        std::string method;
        std::string path;
        std::string contentType;
        std::string authorization;
        std::size_t bodyBytes = 0;
        int status = 0;
    };

    /// Listens on 127.0.0.1:`port` (0: a free port).
    explicit FakeElasticsearch(int port = 0);
    ~FakeElasticsearch();
    FakeElasticsearch(const FakeElasticsearch &) = delete;
    FakeElasticsearch &operator=(const FakeElasticsearch &) = delete;

    int port() const { return m_port; }
    std::string url() const;
    bool listening() const { return m_port > 0; }

    void setFaults(Faults faults);
    void addDataStream(const std::string &name);

    std::vector<Document> documents() const;
    std::vector<Request> requests() const;
    /// Per document id, how many times it was sent.
    std::map<std::string, int> attempts() const;
    /// Protocol mistakes a real server would have refused (missing newline, bad content type…).
    std::vector<std::string> protocolErrors() const;

private:
    struct State;
    std::unique_ptr<State> m_state;
    int m_port = 0;
    std::thread m_thread;
};
