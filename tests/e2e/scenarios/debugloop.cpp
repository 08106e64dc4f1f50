// For the debug-loop tests (-v, --http-debug, --iterations, --vus/--duration): per iteration,
// `logs` log lines "vuser V iteration I line L", then a request to `path` (POST with a body of
// `body_bytes` 'a's and `body_tail` when body_bytes is not 0), then `think` seconds of think time.

#include <loadwizard/scenario.h>

#include <array>
#include <string>

namespace {

class DebugLoopScenario : public Loadwizard::Scenario
{
public:
    void init(const Loadwizard::Parameters &parameters) override
    {
        m_base = parameters.at("base_url");
        m_path = parameters.at("path");
        m_logs = std::stoi(parameters.at("logs"));
        m_bodyBytes = std::stoul(parameters.at("body_bytes"));
        m_bodyTail = parameters.at("body_tail");
        m_think = std::stod(parameters.at("think"));
    }

    Loadwizard::Task<> iteration(Loadwizard::Vuser &vu) override
    {
        for (int line = 0; line < m_logs; ++line) {
            vu.log("vuser " + std::to_string(vu.id()) + " iteration " +
                   std::to_string(vu.iteration()) + " line " + std::to_string(line));
        }
        if (m_bodyBytes > 0) {
            auto response = co_await vu.post(m_base + m_path,
                                             {.headers = {{"Content-Type", "text/plain"}},
                                              .body = std::string(m_bodyBytes, 'a') + m_bodyTail});
            vu.check("status is 200", response.status == 200);
        } else if (!m_path.empty()) {
            auto response = co_await vu.get(m_base + m_path);
            vu.check("status is 200", response.status == 200);
        }
        co_await vu.think(m_think);
    }

private:
    std::string m_base;
    std::string m_path;
    int m_logs = 0;
    std::size_t m_bodyBytes = 0;
    std::string m_bodyTail;
    double m_think = 0;
};

constexpr std::array<lw_param, 6> parameters{{
    {"base_url", "http://127.0.0.1:8080", "Server"},
    {"path", "/health", "Path requested per iteration (empty: none)"},
    {"logs", "1", "Log lines per iteration"},
    {"body_bytes", "0", "POST a body of this many bytes instead of a GET"},
    {"body_tail", "", "Appended to the POST body"},
    {"think", "0", "Think time per iteration, seconds"},
}};

} // namespace

LOADWIZARD_PLUGIN(DebugLoopScenario, "debugloop", "Debug loop",
                  "Logs, one request and think time per iteration.", parameters)
