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
#include <zlib.h>

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
                             RunEnding::Aborted, RunEnding::FailedThresholds, RunEnding::Crashed}) {
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

namespace {

/// A command-line value: `key=value` whose key looks secret (--param password=…), or a URL.
std::string redactedValue(const std::string &value)
{
    if (const auto equals = value.find('='); equals != std::string::npos &&
                                             value.find("://") > equals &&
                                             looksSecret(value.substr(0, equals)))
        return value.substr(0, equals + 1) + "<redacted>";
    return redactUrlCredentials(value);
}

} // namespace

std::string redactUrlCredentials(std::string_view text)
{
    std::string out(text);
    if (const auto scheme = out.find("://"); scheme != std::string::npos) {
        const auto at = out.find('@', scheme);
        const auto colon = out.find(':', scheme + 3);
        const auto end = out.find_first_of("/?#", scheme + 3);
        if (at != std::string::npos && colon != std::string::npos && colon < at &&
            (end == std::string::npos || at < end))
            out = out.substr(0, colon + 1) + "<redacted>" + out.substr(at);
    }
    // Query parameters (an output's ?token=…&password=…).
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
}

std::vector<std::string> redactCommandLine(const std::vector<std::string> &arguments)
{
    std::vector<std::string> out;
    out.reserve(arguments.size());
    bool valueOfSecretFlag = false;
    for (const std::string &argument : arguments) {
        std::string shown;
        if (valueOfSecretFlag) {
            shown = "<redacted>";
            valueOfSecretFlag = false;
        } else if (argument.rfind("--", 0) == 0) {
            // --flag, or --flag=value (CLI11 takes both).
            const auto equals = argument.find('=');
            const std::string flag = argument.substr(0, equals);
            if (equals == std::string::npos) {
                shown = argument;
                valueOfSecretFlag = looksSecret(flag);
            } else {
                const std::string value = argument.substr(equals + 1);
                shown = flag + "=" + (looksSecret(flag) ? "<redacted>" : redactedValue(value));
            }
        } else {
            shown = redactedValue(argument);
        }
        out.push_back(redactSecrets(shown));
    }
    return out;
}

namespace {

/// One .jsonl file the writer appends to, plain or gzip-compressed. Lines collect in memory and
/// go to the file at flush(), once per interval; a compressed file gets a sync flush then, so a
/// killed run leaves a stream that zcat and the reader decompress up to the last interval.
class LineFile
{
public:
    LineFile(const char *name, bool compressed)
        : m_name(name)
        , m_compressed(compressed)
    {}
    ~LineFile() { close(false); }
    LineFile(const LineFile &) = delete;
    LineFile &operator=(const LineFile &) = delete;

    const char *name() const { return m_name; }
    /// 0, or the errno.
    int open(const fs::path &folder)
    {
        m_fd = ::open((folder / m_name).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (m_fd < 0)
            return errno;
        if (m_compressed) {
            // gzclose() closes the descriptor it was given: a duplicate, ours stays for fsync.
            const int duplicate = ::dup(m_fd);
            m_gz = duplicate < 0 ? nullptr : gzdopen(duplicate, "wb6");
            if (!m_gz) {
                if (duplicate >= 0)
                    ::close(duplicate);
                return ENOMEM;
            }
        }
        return 0;
    }
    void add(std::string_view line) { m_pending.append(line); }
    /// Writes what was added since the last flush: 0, or the errno.
    int flush()
    {
        if (m_fd < 0)
            return EBADF;
        if (m_compressed) {
            if (!m_pending.empty() &&
                gzwrite(m_gz, m_pending.data(), unsigned(m_pending.size())) <= 0)
                return gzError();
            m_pending.clear();
            return gzflush(m_gz, Z_SYNC_FLUSH) == Z_OK ? 0 : gzError();
        }
        std::string_view rest = m_pending;
        while (!rest.empty()) {
            const ssize_t written = ::write(m_fd, rest.data(), rest.size());
            if (written < 0 && errno == EINTR)
                continue;
            if (written <= 0)
                return written < 0 ? errno : EIO;
            rest.remove_prefix(std::size_t(written));
        }
        m_pending.clear();
        return 0;
    }
    /// Flushes, ends the compressed stream, syncs (`sync`) and closes: 0, or the errno.
    int close(bool sync)
    {
        if (m_fd < 0)
            return 0;
        int result = flush();
        if (m_gz) {
            const int ended = gzclose(m_gz);
            m_gz = nullptr;
            if (!result && ended != Z_OK)
                result = ended == Z_ERRNO ? errno : EIO;
        }
        if (sync && !result && ::fsync(m_fd) != 0)
            result = errno;
        if (::close(m_fd) != 0 && !result)
            result = errno;
        m_fd = -1;
        return result;
    }

private:
    int gzError() const
    {
        int code = Z_OK;
        gzerror(m_gz, &code);
        return code == Z_ERRNO && errno ? errno : EIO;
    }

    const char *m_name;
    bool m_compressed;
    int m_fd = -1;
    gzFile m_gz = nullptr;
    std::string m_pending;
};

} // namespace

class ResultsWriter::Private
{
public:
    static constexpr std::size_t maxQueued = 3600;

    std::string folder;
    ResultsManifest manifest;
    // The histograms compress about fourfold (runs of small numbers): an hour's run of twenty
    // busy names is tens of MB rather than hundreds. The series stays plain for `tail -f`.
    LineFile series{"series.jsonl", false};
    LineFile histograms{"histograms.jsonl.gz", true};
    LineFile events{"events.jsonl", false};

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

    static void writeLine(LineFile &file, const Json &line)
    {
        file.add(line.dump(-1, ' ', false, Json::error_handler_t::replace));
        file.add("\n");
    }

    void write(const std::shared_ptr<const Snapshot> &snapshot)
    {
        if (failure)
            return; // the first error stands; the run goes on without its folder
        writeLine(series, Results::seriesLine(*snapshot, previous.get()));
        writeLine(histograms, Results::histogramLine(*snapshot));
        for (const LogEvent &event : snapshot->events)
            writeLine(events, Results::eventJson(event));
        if (snapshot->eventsDropped)
            writeLine(events, Json{{"t", snapshot->elapsedSeconds},
                                   {"level", "warning"},
                                   {"dropped", snapshot->eventsDropped}});
        // Written every interval: a killed run leaves every line so far.
        for (LineFile *file : {&series, &histograms, &events}) {
            if (const int code = file->flush(); code && !failure)
                fail(file->name(), code);
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

    // Claimed before anything is written: two runs given the same empty folder at once must not
    // both write into it (the manifest is replaced atomically later, its name stays taken).
    if (const int claim =
            ::open((path / "manifest.json").c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        claim >= 0) {
        ::close(claim);
    } else {
        return failure(path.string(), errno == EEXIST
                                          ? "the results folder is not empty: another run is "
                                            "writing into it"
                                          : std::string("cannot create the results folder: ") +
                                                std::strerror(errno));
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
    for (LineFile *file : {&d.series, &d.histograms, &d.events}) {
        if (const int code = file->open(d.folder))
            return failure(d.folder + "/" + file->name(),
                           std::string("cannot create: ") + std::strerror(code));
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
    // The files close with Private: a writer dropped without finish() (a failed start) leaves
    // what it wrote.
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
    for (LineFile *file : {&d->series, &d->histograms, &d->events}) {
        if (const int code = file->close(true); code && !d->failure)
            d->fail(file->name(), code);
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
    // The manifest may still go through (the disk had room again): it says what is missing.
    if (d->failure)
        d->manifest.incomplete = d->failure->toString() + ": later intervals were not written";
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
