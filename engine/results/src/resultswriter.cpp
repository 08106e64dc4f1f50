#include "resultsjson.h"

#include <loadwizard/atomicfile.h>
#include <loadwizard/secrets.h>

#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace Loadwizard {

namespace fs = std::filesystem;
using Results::Json;

std::string_view runEndingName(RunEnding ending)
{
    switch (ending) {
    case RunEnding::Running:
        return "running";
    case RunEnding::Completed:
        return "completed";
    case RunEnding::Stopped:
        return "stopped";
    case RunEnding::Aborted:
        return "aborted";
    case RunEnding::FailedThresholds:
        return "failed_thresholds";
    case RunEnding::Crashed:
        return "crashed";
    }
    return "running";
}

std::string runEndingLabel(RunEnding ending, bool saved)
{
    switch (ending) {
    case RunEnding::Running:
        return saved ? "Crashed or killed" : "Running";
    case RunEnding::Completed:
        return "Completed";
    case RunEnding::Stopped:
        return "Stopped by user";
    case RunEnding::Aborted:
        return "Aborted";
    case RunEnding::FailedThresholds:
        return "Failed thresholds";
    case RunEnding::Crashed:
        return "Crashed";
    }
    return {};
}

std::optional<RunEnding> parseRunEnding(std::string_view name)
{
    for (RunEnding ending : {RunEnding::Running, RunEnding::Completed, RunEnding::Stopped,
                             RunEnding::Aborted, RunEnding::FailedThresholds,
                             RunEnding::Crashed}) {
        if (runEndingName(ending) == name)
            return ending;
    }
    return std::nullopt;
}

std::string defaultResultsFolder(const std::string &baseFolder, const std::string &projectName,
                                 std::chrono::system_clock::time_point started)
{
    std::string name;
    for (const char c : projectName) {
        const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
        name += safe ? c : '_';
    }
    if (name.empty() || name.find_first_not_of('.') == std::string::npos)
        name = "run";
    if (name.size() > 64)
        name.resize(64);
    const std::time_t seconds = std::chrono::system_clock::to_time_t(started);
    std::tm local{};
    localtime_r(&seconds, &local);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &local);
    const fs::path base = baseFolder.empty() ? fs::current_path() : fs::path(baseFolder);
    return (base / "results" / (std::string(stamp) + "-" + name)).string();
}

std::vector<std::string> redactCommandLine(const std::vector<std::string> &arguments)
{
    // A value is secret when its flag or key says so (--param api_token=…), or it is a URL with
    // a password (an output's target).
    const auto redactValue = [](const std::string &value) {
        std::string out = value;
        if (const auto equals = out.find('=');
            equals != std::string::npos && looksSecret(out.substr(0, equals)))
            return out.substr(0, equals + 1) + "<redacted>";
        if (const auto scheme = out.find("://"); scheme != std::string::npos) {
            const auto at = out.find('@', scheme);
            const auto colon = out.find(':', scheme + 3);
            const auto slash = out.find('/', scheme + 3);
            if (at != std::string::npos && colon != std::string::npos && colon < at &&
                (slash == std::string::npos || at < slash))
                out = out.substr(0, colon + 1) + "<redacted>" + out.substr(at);
        }
        // Options of an --out flag: ?token=…&password=…
        std::size_t pos = out.find('?');
        while (pos != std::string::npos) {
            const std::size_t start = pos + 1;
            const std::size_t end = out.find('&', start);
            const std::size_t equals = out.find('=', start);
            if (equals != std::string::npos && (end == std::string::npos || equals < end) &&
                looksSecret(out.substr(start, equals - start))) {
                const std::size_t valueEnd = end == std::string::npos ? out.size() : end;
                out.replace(equals + 1, valueEnd - equals - 1, "<redacted>");
            }
            pos = out.find('&', start);
        }
        return out;
    };
    std::vector<std::string> out;
    out.reserve(arguments.size());
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        std::string argument = redactValue(arguments[i]);
        if (i > 0 && arguments[i - 1].rfind("--", 0) == 0 && looksSecret(arguments[i - 1]))
            argument = "<redacted>";
        out.push_back(redactSecrets(argument));
    }
    return out;
}

class ResultsWriter::Private
{
public:
    static constexpr std::size_t maxQueued = 3600;

    std::string folder;
    ResultsManifest manifest;
    std::FILE *series = nullptr;
    std::FILE *histograms = nullptr;
    std::FILE *events = nullptr;

    std::mutex mutex;
    std::condition_variable wake;
    std::deque<std::shared_ptr<const Snapshot>> queue; ///< guarded by mutex
    bool closing = false;                              ///< guarded by mutex
    std::thread thread;

    std::shared_ptr<const Snapshot> previous; ///< the writer thread's
    std::optional<Error> failure; ///< the first write error (writer thread, then finish)
    bool finished = false;

    Error error(const std::string &file, const std::string &what) const
    {
        Error e;
        e.file = (fs::path(folder) / file).string();
        e.message = what;
        return e;
    }

    void fail(const std::string &file, int code)
    {
        if (!failure)
            failure = error(file, std::string("cannot write: ") + std::strerror(code));
    }

    void writeLine(std::FILE *file, const char *name, const Json &line)
    {
        if (failure)
            return;
        std::string text = line.dump(-1, ' ', false, Json::error_handler_t::replace);
        text += '\n';
        if (std::fwrite(text.data(), 1, text.size(), file) != text.size())
            fail(name, errno);
    }

    void write(const std::shared_ptr<const Snapshot> &snapshot)
    {
        writeLine(series, "series.jsonl", Results::seriesLine(*snapshot, previous.get()));
        writeLine(histograms, "histograms.jsonl", Results::histogramLine(*snapshot));
        for (const LogEvent &event : snapshot->events)
            writeLine(events, "events.jsonl", Results::eventJson(event));
        if (snapshot->eventsDropped)
            writeLine(events, "events.jsonl",
                      Json{{"t", snapshot->elapsedSeconds},
                           {"level", "warning"},
                           {"dropped", snapshot->eventsDropped}});
        // Flushed every interval: a killed run leaves every line written so far.
        for (auto [file, name] : {std::pair{series, "series.jsonl"},
                                  {histograms, "histograms.jsonl"},
                                  {events, "events.jsonl"}}) {
            if (!failure && std::fflush(file) != 0)
                fail(name, errno);
        }
        previous = snapshot;
    }

    void loop()
    {
        std::unique_lock lock(mutex);
        for (;;) {
            wake.wait(lock, [this] { return closing || !queue.empty(); });
            if (queue.empty() && closing)
                return;
            auto snapshot = std::move(queue.front());
            queue.pop_front();
            lock.unlock();
            write(snapshot);
            snapshot.reset();
            lock.lock();
        }
    }

    tl::expected<void, Error> writeManifest()
    {
        auto written = writeFileAtomically((fs::path(folder) / "manifest.json").string(),
                                           Results::manifestJson(manifest).dump(2) + "\n");
        if (!written) {
            Error e = written.error();
            return tl::make_unexpected(std::move(e));
        }
        return {};
    }
};

namespace {

/// Creates `folder`; false with errno when it exists (EEXIST) or cannot be made.
bool makeFolder(const fs::path &folder)
{
    std::error_code ignored;
    if (folder.has_parent_path())
        fs::create_directories(folder.parent_path(), ignored);
    return ::mkdir(folder.c_str(), 0777) == 0;
}

} // namespace

tl::expected<std::unique_ptr<ResultsWriter>, Error>
ResultsWriter::create(std::string folder, bool exclusive, ResultsManifest manifest,
                      const std::string &projectYaml, const std::string &field)
{
    const auto failure = [&](const std::string &path, const std::string &what) {
        Error e;
        e.file = path;
        e.field = field;
        e.message = what;
        return tl::make_unexpected(std::move(e));
    };
    std::error_code code;
    fs::path path = fs::absolute(folder, code);
    if (code)
        return failure(folder, "cannot resolve the results folder: " + code.message());
    path = path.lexically_normal();
    if (!path.has_filename())
        path = path.parent_path();
    if (exclusive) {
        const fs::path base = path;
        bool made = false;
        for (int n = 2; n < 1000 && !made; ++n) {
            made = makeFolder(path);
            if (!made && errno != EEXIST)
                break;
            if (!made)
                path = base.string() + "-" + std::to_string(n);
        }
        if (!made)
            return failure(path.string(), std::string("cannot create the results folder: ") +
                                              std::strerror(errno));
    } else if (fs::exists(path, code)) {
        if (!fs::is_directory(path, code))
            return failure(path.string(), "is not a folder: give --results a folder to create");
        if (!fs::is_empty(path, code))
            return failure(path.string(),
                           "the results folder is not empty: give a new folder, so that no "
                           "earlier results are overwritten");
    } else if (!makeFolder(path)) {
        return failure(path.string(),
                       std::string("cannot create the results folder: ") + std::strerror(errno));
    }

    std::unique_ptr<ResultsWriter> writer(new ResultsWriter);
    writer->d = std::make_unique<Private>();
    Private &d = *writer->d;
    d.folder = path.string();
    writer->m_folder = d.folder;
    d.manifest = std::move(manifest);
    d.manifest.version = resultsFormatVersion;
    d.manifest.status = RunEnding::Running;
    if (auto written = d.writeManifest(); !written)
        return failure(d.folder + "/manifest.json", written.error().message);
    if (!projectYaml.empty()) {
        auto written = writeFileAtomically(d.folder + "/project.yaml", projectYaml);
        if (!written)
            return failure(d.folder + "/project.yaml", written.error().message);
    }
    for (auto [slot, name] : {std::pair{&d.series, "series.jsonl"},
                              {&d.histograms, "histograms.jsonl"},
                              {&d.events, "events.jsonl"}}) {
        *slot = std::fopen((fs::path(d.folder) / name).c_str(), "we");
        if (!*slot)
            return failure(d.folder + "/" + name,
                           std::string("cannot create: ") + std::strerror(errno));
    }
    d.thread = std::thread([&d] { d.loop(); });
    return writer;
}

ResultsWriter::~ResultsWriter()
{
    if (!d)
        return;
    {
        std::lock_guard lock(d->mutex);
        d->closing = true;
    }
    d->wake.notify_one();
    if (d->thread.joinable())
        d->thread.join();
    for (std::FILE *file : {d->series, d->histograms, d->events}) {
        if (file)
            std::fclose(file);
    }
}

void ResultsWriter::push(std::shared_ptr<const Snapshot> snapshot)
{
    {
        std::lock_guard lock(d->mutex);
        if (d->closing)
            return;
        // A disk that stalls must not hold the run's memory: beyond an hour of intervals the
        // oldest waiting one goes, counted in the manifest.
        if (d->queue.size() >= Private::maxQueued) {
            d->queue.pop_front();
            ++d->manifest.intervalsDropped;
        }
        d->queue.push_back(std::move(snapshot));
    }
    d->wake.notify_one();
}

tl::expected<void, Error> ResultsWriter::finish(RunEnding ending, std::string reason,
                                                std::string verdict, const std::string &summaryJson)
{
    if (d->finished)
        return {};
    d->finished = true;
    {
        std::lock_guard lock(d->mutex);
        d->closing = true;
    }
    d->wake.notify_one();
    if (d->thread.joinable())
        d->thread.join();
    for (auto [slot, name] : {std::pair{&d->series, "series.jsonl"},
                              {&d->histograms, "histograms.jsonl"},
                              {&d->events, "events.jsonl"}}) {
        if (!d->failure && (std::fflush(*slot) != 0 || ::fsync(fileno(*slot)) != 0))
            d->fail(name, errno);
        if (std::fclose(*slot) != 0 && !d->failure)
            d->fail(name, errno);
        *slot = nullptr;
    }
    if (!summaryJson.empty()) {
        if (auto written = writeFileAtomically(d->folder + "/summary.json", summaryJson);
            !written && !d->failure)
            d->failure = written.error();
    }
    d->manifest.status = ending;
    d->manifest.reason = std::move(reason);
    d->manifest.verdict = std::move(verdict);
    d->manifest.ended = std::chrono::system_clock::now();
    if (d->previous)
        d->manifest.durationSeconds = d->previous->elapsedSeconds;
    if (auto written = d->writeManifest(); !written && !d->failure)
        d->failure = written.error();
    if (d->failure)
        return tl::make_unexpected(*d->failure);
    return {};
}

tl::expected<void, Error> ResultsWriter::recordExitCode(int code)
{
    d->manifest.exitCode = code;
    return d->writeManifest();
}

} // namespace Loadwizard
