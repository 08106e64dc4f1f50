// For the arrival-rate benchmark: each iteration notes when it started (steady clock, ns) and,
// with request=1, makes one GET; the start times go to `out` when the plugin is unloaded.
#include <loadwizard/scenario.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

class ArrivalScenario : public Loadwizard::Scenario
{
public:
    void init(const Loadwizard::Parameters &parameters) override
    {
        m_url = parameters.at("base_url") + "/health";
        m_request = parameters.at("request") == "1";
        m_out = parameters.at("out");
        m_starts.reserve(4'000'000);
    }
    ~ArrivalScenario() override
    {
        std::FILE *file = std::fopen(m_out.c_str(), "w");
        if (!file)
            return;
        for (const std::int64_t ns : m_starts)
            std::fprintf(file, "%lld\n", static_cast<long long>(ns));
        std::fclose(file);
    }

    Loadwizard::Task<> iteration(Loadwizard::Vuser &vu) override
    {
        {
            std::lock_guard lock(m_mutex);
            m_starts.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
        }
        if (m_request)
            co_await vu.get(m_url, {.name = "health"});
    }

private:
    std::string m_url;
    bool m_request = false;
    std::string m_out;
    std::mutex m_mutex;
    std::vector<std::int64_t> m_starts;
};

static constexpr std::array<lw_param, 3> parameters{{
    {"base_url", "http://127.0.0.1:8080", "Target base URL (with request=1)"},
    {"request", "0", "1: one GET /health per iteration"},
    {"out", "/tmp/arrival-starts.txt", "Where the start times go (one ns value a line)"},
}};

LOADWIZARD_PLUGIN(ArrivalScenario, "arrival", "Arrival starts",
                  "Notes each iteration's start, optionally after one GET", parameters)
