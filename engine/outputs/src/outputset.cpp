#include <loadwizard/outputset.h>

#include <loadwizard/outputregistry.h>
#include <loadwizard/secrets.h>

#include <filesystem>

#include <cstdio>
#include <random>
#include <thread>

#include <unistd.h>

namespace Loadwizard {

tl::expected<std::unique_ptr<OutputSet>, Error>
OutputSet::create(const std::vector<OutputConfig> &configs, const std::string &file,
                  const std::vector<std::string> &flags, RunInfo info)
{
    std::vector<std::unique_ptr<OutputSink>> sinks;
    for (std::size_t i = 0; i < configs.size(); ++i) {
        OutputConfig config = configs[i];
        const OutputKind *kind = findOutputKind(config.kind);
        if (kind && kind->fileTarget && !file.empty() && !config.target.empty() &&
            !config.target.starts_with('/') && !config.target.starts_with("${")) {
            config.target =
                (std::filesystem::path(file).parent_path() / config.target).lexically_normal();
        }
        auto sink = makeOutput(config).and_then(
            [](auto made) { return made->prepare().map([&made] { return std::move(made); }); });
        if (!sink) {
            Error error = sink.error();
            error.file = file;
            error.field = "outputs[" + std::to_string(i) + "]" +
                          (error.field.empty() ? std::string() : "." + error.field);
            return tl::make_unexpected(error);
        }
        sinks.push_back(std::move(*sink));
    }
    for (const auto &flag : flags) {
        auto config = parseOutputFlag(flag);
        auto sink = (config ? makeOutput(*config) : tl::make_unexpected(config.error()))
                        .and_then([](auto made) {
                            return made->prepare().map([&made] { return std::move(made); });
                        });
        if (!sink) {
            Error error = sink.error();
            // "--out influxdb options.db", or just "--out" when the flag itself is malformed.
            std::string field = "--out";
            if (config)
                field += " " + config->kind;
            if (!error.field.empty() && error.field != "--out")
                field += " " + error.field;
            error.field = std::move(field);
            return tl::make_unexpected(error);
        }
        sinks.push_back(std::move(*sink));
    }
    std::unique_ptr<OutputSet> set(new OutputSet);
    for (auto &sink : sinks) {
        set->m_names.push_back(redactSecrets(sink->name()));
        set->m_runners.push_back(std::make_shared<OutputRunner>(std::move(sink), info));
    }
    return set;
}

RunInfo OutputSet::runInfo(std::string project, std::string scenario)
{
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) != 0)
        std::snprintf(host, sizeof host, "localhost");
    std::random_device random;
    char id[17];
    std::snprintf(id, sizeof id, "%08x%08x", random(), random());
    return {std::move(project), std::move(scenario), host, id, std::chrono::system_clock::now()};
}

OutputSet::~OutputSet() = default;

SnapshotObserver OutputSet::observer() const
{
    return [runners = m_runners](const std::shared_ptr<const Snapshot> &snapshot) {
        for (const auto &runner : runners)
            runner->push(snapshot);
    };
}

std::vector<OutputStats> OutputSet::finish(double timeoutSeconds)
{
    std::vector<std::thread> threads;
    for (auto &runner : m_runners)
        threads.emplace_back([runner, timeoutSeconds] { runner->finish(timeoutSeconds); });
    for (auto &thread : threads)
        thread.join();
    return stats();
}

void OutputSet::cutFlush()
{
    for (auto &runner : m_runners)
        runner->cutFlush();
}

std::vector<OutputStats> OutputSet::stats() const
{
    std::vector<OutputStats> out;
    for (const auto &runner : m_runners) {
        // Sinks redact their own settings; a value from the environment can also reach a name
        // or an error through a server's answer or a path.
        OutputStats stats = runner->stats();
        stats.name = redactSecrets(stats.name);
        stats.lastError = redactSecrets(stats.lastError);
        out.push_back(std::move(stats));
    }
    return out;
}

} // namespace Loadwizard
