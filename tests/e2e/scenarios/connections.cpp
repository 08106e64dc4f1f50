// Each vuser asks the target which connection its requests arrive on: the same one every time
// (kept alive), and one no other vuser ever used (connections are the vuser's own, as a
// browser's are).

#include <loadwizard/scenario.h>

#include <array>
#include <map>
#include <mutex>
#include <string>

namespace {

class ConnectionsScenario : public Loadwizard::Scenario
{
public:
    Loadwizard::Task<> iteration(Loadwizard::Vuser &vu) override
    {
        const std::string url = vu.param("base_url") + "/connection";
        std::string first;
        for (int i = 0; i < 3; ++i) {
            auto response = co_await vu.get(url, {.name = "connection"});
            const std::string port = portOf(response.body);
            if (i == 0)
                first = port;
            vu.check("kept alive", !port.empty() && port == first);
            vu.check("not another vuser's", owner(port, vu.id()) == vu.id());
        }
        co_await vu.sleep(0.1);
    }

private:
    static std::string portOf(const std::string &body)
    {
        const auto key = body.find("\"remote_port\"");
        if (key == std::string::npos)
            return {};
        auto start = body.find_first_of("0123456789", key);
        auto end = body.find_first_not_of("0123456789", start);
        return start == std::string::npos ? std::string() : body.substr(start, end - start);
    }

    // Shared by every vuser: behind a lock, as the SDK's rules ask.
    std::uint64_t owner(const std::string &port, std::uint64_t vuser)
    {
        std::lock_guard lock(m_mutex);
        return m_owners.try_emplace(port, vuser).first->second;
    }

    std::mutex m_mutex;
    std::map<std::string, std::uint64_t> m_owners;
};

constexpr std::array<lw_param, 1> parameters{{
    {"base_url", "http://127.0.0.1:8080", "The built-in target"},
}};

} // namespace

LOADWIZARD_PLUGIN(ConnectionsScenario, "connections", "Connections",
                  "Checks that every vuser keeps its own kept-alive connection", parameters)
