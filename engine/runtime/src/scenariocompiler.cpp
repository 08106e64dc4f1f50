#include <loadwizard/scenariocompiler.h>

#include <loadwizard/paths.h>
#include <loadwizard/scenario.h>

#include "compilerdiagnostics.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string_view>
#include <system_error>
#include <utility>

extern char **environ;

namespace fs = std::filesystem;

namespace Loadwizard {

namespace {

tl::unexpected<Error> compileError(const std::string &path, std::string message)
{
    Error error;
    error.message = std::move(message);
    error.file = path;
    return tl::unexpected(std::move(error));
}

std::string environment(const char *name)
{
    const char *value = std::getenv(name);
    return value ? value : "";
}

std::optional<std::string> readFile(const fs::path &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (in.bad())
        return std::nullopt;
    return std::move(bytes).str();
}

// SHA-256 from libcrypto rather than a hand-rolled hash: the key names files that get dlopen()ed,
// so a collision would silently run another scenario. Each field is length-prefixed so that
// moving bytes between fields changes the key.
std::optional<std::string> hashFields(const std::vector<std::string_view> &fields)
{
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                    &EVP_MD_CTX_free);
    if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1)
        return std::nullopt;
    for (const auto field : fields) {
        std::array<unsigned char, 8> size{};
        for (std::size_t i = 0; i < size.size(); ++i)
            size[i] = static_cast<unsigned char>(std::uint64_t(field.size()) >> (8 * i));
        if (EVP_DigestUpdate(context.get(), size.data(), size.size()) != 1 ||
            EVP_DigestUpdate(context.get(), field.data(), field.size()) != 1)
            return std::nullopt;
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(context.get(), digest.data(), &length) != 1)
        return std::nullopt;
    // 128 bits name a file well enough and keep cache names short.
    static constexpr char digits[] = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < length && i < 16; ++i) {
        hex += digits[digest[i] >> 4];
        hex += digits[digest[i] & 0xf];
    }
    return hex;
}

struct ProcessResult
{
    int exitCode = -1; ///< -1 when killed by a signal
    int signal = 0;
    std::string output; ///< stdout and stderr interleaved, as a terminal would show them
};

/// The compiler running now (0: none), so cancelCompilation() can end it from a signal thread.
std::atomic<pid_t> runningCompiler{0};

/// In the forked supervisor: the compiler's process group, killed when Loadwizard dies.
volatile pid_t g_compilerGroup = 0;

void killCompilerGroup(int)
{
    ::kill(-g_compilerGroup, SIGKILL); // the supervisor is in the group too
    _exit(128 + SIGKILL);
}

/// The forked child's life, with async-signal-safe calls only (the parent has threads). It leads
/// a process group and starts the compiler in it; should Loadwizard die (even by SIGKILL),
/// PR_SET_PDEATHSIG tells it, and it kills the group: the driver and the cc1plus, as, ld it
/// runs, which a death signal on the driver alone would leave running. Its exit status is the
/// compiler's.
[[noreturn]] void superviseCompiler(char *const *argv, pid_t parent, int pipeWrite,
                                    int execErrorWrite)
{
    setpgid(0, 0);
    g_compilerGroup = getpid();
    struct sigaction action
    {};
    action.sa_handler = &killCompilerGroup;
    sigemptyset(&action.sa_mask);
    sigaction(SIGUSR1, &action, nullptr);
    // The CLI blocks SIGINT/SIGTERM/SIGHUP (a thread waits for them) and ignores SIGPIPE; a
    // child inherits both across exec, which would make the compiler deaf to Ctrl-C.
    struct sigaction defaults
    {};
    defaults.sa_handler = SIG_DFL;
    sigemptyset(&defaults.sa_mask);
    for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGPIPE})
        sigaction(signal, &defaults, nullptr);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    prctl(PR_SET_PDEATHSIG, SIGUSR1);
    if (getppid() != parent) // died before the death signal was armed
        killCompilerGroup(0);

    const int devNull = open("/dev/null", O_RDONLY);
    if (devNull < 0 || dup2(devNull, STDIN_FILENO) < 0 || dup2(pipeWrite, STDOUT_FILENO) < 0 ||
        dup2(pipeWrite, STDERR_FILENO) < 0)
        _exit(127);
    if (devNull > STDERR_FILENO)
        close(devNull);
    const pid_t compiler = fork();
    if (compiler < 0)
        _exit(127);
    if (compiler == 0) {
        signal(SIGUSR1, SIG_DFL);
        execvp(argv[0], argv);
        const int error = errno; // the parent tells the user why (the pipe closes on exec)
        (void)!write(execErrorWrite, &error, sizeof error);
        _exit(127);
    }
    close(execErrorWrite);
    close(pipeWrite);
    close(STDOUT_FILENO); // only the compiler holds the pipe: its end is the output's end
    close(STDERR_FILENO);
    int status = 0;
    while (waitpid(compiler, &status, 0) < 0) {
        if (errno != EINTR)
            _exit(127);
    }
    if (WIFSIGNALED(status)) {
        signal(WTERMSIG(status), SIG_DFL);
        ::kill(getpid(), WTERMSIG(status));
        _exit(128 + WTERMSIG(status));
    }
    _exit(WEXITSTATUS(status));
}

// fork + exec without a shell, so arguments (paths with spaces) pass through untouched.
tl::expected<ProcessResult, std::string> runProcess(const std::vector<std::string> &arguments)
{
    std::vector<char *> argv;
    for (const auto &argument : arguments)
        argv.push_back(const_cast<char *>(argument.c_str()));
    argv.push_back(nullptr);

    int pipeFds[2];
    if (pipe2(pipeFds, O_CLOEXEC) != 0)
        return tl::unexpected(std::string("cannot create a pipe: ") + std::strerror(errno));
    int execErrorFds[2];
    if (pipe2(execErrorFds, O_CLOEXEC) != 0) {
        close(pipeFds[0]);
        close(pipeFds[1]);
        return tl::unexpected(std::string("cannot create a pipe: ") + std::strerror(errno));
    }

    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid == 0)
        superviseCompiler(argv.data(), parent, pipeFds[1], execErrorFds[1]);
    const int forkError = errno;
    close(execErrorFds[1]);
    // The group exists from the child's setpgid(); doing it here too closes the race with a
    // cancelCompilation() that comes before the child ran.
    if (pid > 0) {
        setpgid(pid, pid);
        runningCompiler.store(pid);
    }
    close(pipeFds[1]);
    if (pid < 0) {
        close(pipeFds[0]);
        close(execErrorFds[0]);
        return tl::unexpected("cannot run '" + arguments.front() +
                              "': " + std::strerror(forkError));
    }

    ProcessResult result;
    std::array<char, 4096> buffer;
    for (;;) {
        const ssize_t count = read(pipeFds[0], buffer.data(), buffer.size());
        if (count > 0)
            result.output.append(buffer.data(), std::size_t(count));
        else if (count == 0 || errno != EINTR)
            break;
    }
    close(pipeFds[0]);

    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            runningCompiler.store(0);
            return tl::unexpected(std::string("waiting for the compiler: ") + std::strerror(errno));
        }
    }
    runningCompiler.store(0);
    int execError = 0;
    const bool execFailed =
        read(execErrorFds[0], &execError, sizeof execError) == ssize_t(sizeof execError);
    close(execErrorFds[0]);
    if (execFailed)
        return tl::unexpected("cannot run '" + arguments.front() +
                              "': " + std::strerror(execError));
    if (WIFEXITED(status))
        result.exitCode = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        result.signal = WTERMSIG(status);
    return result;
}

/// Removes the build folders of compiles that did not end (Loadwizard killed mid-compile):
/// those whose process is gone, and any older than ten minutes (a process id reused since).
/// Their names are ".build-STEM-PID-XXXXXX".
void removeStaleBuilds(const fs::path &cacheDir)
{
    std::error_code ec;
    const auto now = fs::file_time_type::clock::now();
    for (fs::directory_iterator it(cacheDir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (!name.starts_with(".build-") || !it->is_directory(ec))
            continue;
        const auto suffix = name.rfind('-');
        const auto pidStart = suffix == std::string::npos || suffix == 0
                                  ? std::string::npos
                                  : name.rfind('-', suffix - 1);
        long pid = 0;
        if (pidStart != std::string::npos) {
            const std::string digits = name.substr(pidStart + 1, suffix - pidStart - 1);
            if (!digits.empty() && digits.find_first_not_of("0123456789") == std::string::npos &&
                digits.size() < 10)
                pid = std::stol(digits);
        }
        const bool ownerGone =
            pid > 0 && pid != long(getpid()) && ::kill(pid_t(pid), 0) != 0 && errno == ESRCH;
        std::error_code timeError;
        const auto written = fs::last_write_time(it->path(), timeError);
        const bool old = !timeError && now - written > std::chrono::minutes(10);
        if (ownerGone || old) {
            std::error_code removeError;
            fs::remove_all(it->path(), removeError);
        }
    }
}

std::string describeExit(const ProcessResult &result)
{
    if (result.signal != 0)
        return "was killed by signal " + std::to_string(result.signal);
    return "exited with status " + std::to_string(result.exitCode);
}

// $CXX is taken as one program path (no word splitting), so "ccache g++" needs a wrapper script.
std::string resolveCompiler(const CompileOptions &options)
{
    if (!options.compiler.empty())
        return options.compiler;
    if (auto cxx = environment("CXX"); !cxx.empty())
        return cxx;
#ifdef LOADWIZARD_PREFER_CLANG
    // See engine/runtime/CMakeLists.txt: this GCC rejects braced lists inside co_await.
    if (const std::string path = environment("PATH"); !path.empty()) {
        for (const char *name : {"clang++", "clang++-19", "clang++-18", "clang++-17", "clang++-16",
                                 "clang++-15", "clang++-14"}) {
            std::string_view rest = path;
            while (!rest.empty()) {
                const auto colon = rest.find(':');
                const std::string dir(rest.substr(0, colon));
                rest =
                    colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
                const std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
                if (access(candidate.c_str(), X_OK) == 0)
                    return candidate;
            }
        }
    }
#endif
#ifdef LOADWIZARD_CXX_COMPILER
    if (access(LOADWIZARD_CXX_COMPILER, X_OK) == 0)
        return LOADWIZARD_CXX_COMPILER;
#endif
    return "c++";
}

// Running `--version` costs a fork and tens of milliseconds; a compiler does not change under a
// running process often enough to pay that on every cache hit.
tl::expected<std::string, std::string> compilerIdentity(const std::string &compiler)
{
    static std::mutex mutex;
    static std::map<std::string, std::string> identities;
    {
        std::lock_guard lock(mutex);
        if (auto it = identities.find(compiler); it != identities.end())
            return it->second;
    }
    auto result = runProcess({compiler, "--version"});
    if (!result)
        return tl::unexpected(result.error());
    if (result->exitCode != 0) {
        return tl::unexpected("'" + compiler + " --version' " + describeExit(*result) + ": " +
                              result->output);
    }
    std::lock_guard lock(mutex);
    identities.emplace(compiler, result->output);
    return result->output;
}

// Points the Error at the first error in the scenario itself, so that Error::toString() does.
// The compiler names the source as it was passed (`sourceArgument`), the user knows `cppPath`.
void attachDiagnostics(const std::string &cppPath, const std::string &sourceArgument,
                       const std::string &output, Error &error)
{
    error.diagnostics = parseCompilerDiagnostics(output);
    for (Diagnostic &diagnostic : error.diagnostics) {
        if (diagnostic.file == sourceArgument)
            diagnostic.file = cppPath;
    }
    for (const Diagnostic &diagnostic : error.diagnostics) {
        if (diagnostic.severity == Diagnostic::Severity::Error && diagnostic.file == cppPath &&
            diagnostic.line > 0) {
            error.line = diagnostic.line;
            error.column = diagnostic.column;
            return;
        }
    }
}

} // namespace

const std::vector<std::string> &scenarioCompileFlags()
{
    // -Wunused-result is GCC's and Clang's group for [[nodiscard]] alike.
    static const std::vector<std::string> flags = {"-std=c++20", "-fPIC", "-fvisibility=hidden",
                                                   "-Wall", "-Werror=unused-result"};
    return flags;
}

std::string withCoAwaitHints(const std::string &compilerOutput)
{
    static constexpr std::string_view hint =
        " (did you forget co_await? a request, think, sleep, rendezvous or transaction that is "
        "neither awaited nor kept does nothing)";
    std::string out;
    out.reserve(compilerOutput.size());
    std::size_t start = 0;
    while (start < compilerOutput.size()) {
        auto end = compilerOutput.find('\n', start);
        const bool lastLine = end == std::string::npos;
        if (lastLine)
            end = compilerOutput.size();
        const std::string_view line(compilerOutput.data() + start, end - start);
        out.append(line);
        // GCC: "[-Werror=unused-result]"; Clang: "[-Werror,-Wunused-result]".
        if (line.find("unused-result]") != std::string_view::npos &&
            line.find("co_await?") == std::string_view::npos)
            out.append(hint);
        if (!lastLine)
            out.push_back('\n');
        start = end + 1;
    }
    return out;
}

tl::expected<std::string, Error> compileScenario(const std::string &cppPath,
                                                 const CompileOptions &options, bool *cacheHit)
{
    if (cacheHit)
        *cacheHit = false;
    std::error_code ec;
    if (!fs::is_regular_file(cppPath, ec))
        return compileError(cppPath, "no such scenario source file");
    const auto source = readFile(cppPath);
    if (!source)
        return compileError(cppPath, "cannot read the scenario source");

    const fs::path sdk =
        options.sdkIncludeDir.empty() ? Paths::sdkIncludeDir() : options.sdkIncludeDir;
    // Every SDK header is part of the key: a changed helper must not reuse a stale plugin.
    std::vector<std::string> sdkHeaders;
    {
        std::vector<fs::path> names;
        for (const auto &entry : fs::directory_iterator(sdk / "loadwizard", ec)) {
            if (entry.path().extension() == ".h")
                names.push_back(entry.path());
        }
        std::sort(names.begin(), names.end());
        for (const auto &name : names) {
            if (auto text = readFile(name))
                sdkHeaders.push_back(name.filename().string() + '\n' + *text);
        }
    }
    const auto scenarioHeader = readFile(sdk / "loadwizard" / "scenario.h");
    if (sdk.empty() || !scenarioHeader) {
        return compileError(cppPath, "the scenario SDK headers are not in '" + sdk.string() +
                                         "' (set LOADWIZARD_SDK_INCLUDE to the folder holding "
                                         "loadwizard/scenario.h)");
    }

    const std::string compiler = resolveCompiler(options);
    const auto identity = compilerIdentity(compiler);
    if (!identity)
        return compileError(cppPath, "no usable C++ compiler: " + identity.error());

    std::vector<std::string> flags = scenarioCompileFlags();
    flags.insert(flags.end(), {"-O2", "-shared", "-I" + sdk.string()});
    const std::vector<std::string> &userFlags = options.extraFlags;

    const std::string apiVersion = std::to_string(LOADWIZARD_API_VERSION);
    std::vector<std::string_view> keyFields = {*source, compiler, *identity, apiVersion};
    for (const auto &header : sdkHeaders)
        keyFields.push_back(header);
    for (const auto &flag : flags)
        keyFields.push_back(flag);
    keyFields.push_back("--");
    for (const auto &flag : userFlags)
        keyFields.push_back(flag);
    const auto key = hashFields(keyFields);
    if (!key)
        return compileError(cppPath, "cannot compute the cache key (SHA-256 unavailable)");

    const fs::path cacheDir = options.cacheDir.empty() ? Paths::cacheDir() : options.cacheDir;
    if (cacheDir.empty())
        return compileError(cppPath, "no cache folder: set XDG_CACHE_HOME or HOME");
    const std::string stem = fs::path(cppPath).stem().string();
    const fs::path output = cacheDir / (stem + "-" + *key + ".so");
    if (fs::is_regular_file(output, ec)) {
        if (cacheHit)
            *cacheHit = true;
        return output.string();
    }

    fs::create_directories(cacheDir, ec);
    if (ec) {
        return compileError(cppPath, "cannot create the cache folder '" + cacheDir.string() +
                                         "': " + ec.message());
    }
    // Build in a private folder, then rename(): concurrent runs never see a half-written plugin
    // and the last one to finish simply replaces an identical file.
    // The process id in the name tells a later compile whether this one still runs.
    removeStaleBuilds(cacheDir);
    std::string scratchTemplate =
        (cacheDir / (".build-" + stem + "-" + std::to_string(getpid()) + "-XXXXXX")).string();
    if (!mkdtemp(scratchTemplate.data())) {
        return compileError(cppPath, "cannot create a build folder in '" + cacheDir.string() +
                                         "': " + std::strerror(errno));
    }
    const fs::path scratch = scratchTemplate;
    const fs::path scratchOutput = scratch / "scenario.so";

    // A source named "-x.cpp" must not read as an option.
    const std::string sourceArgument = cppPath.starts_with('-') ? "./" + cppPath : cppPath;
    std::vector<std::string> command = {compiler};
    command.insert(command.end(), flags.begin(), flags.end());
    command.push_back(sourceArgument);
    // After the source, so that -l flags resolve symbols it uses.
    command.insert(command.end(), userFlags.begin(), userFlags.end());
    command.push_back("-o");
    command.push_back(scratchOutput.string());

    if (options.onCompiling)
        options.onCompiling(cppPath);
    auto result = runProcess(command);
    tl::expected<std::string, Error> outcome;
    if (!result) {
        outcome = compileError(cppPath, "no usable C++ compiler: " + result.error());
    } else if (result->exitCode != 0) {
        std::string diagnostics = withCoAwaitHints(result->output);
        while (!diagnostics.empty() && diagnostics.back() == '\n')
            diagnostics.pop_back();
        Error error;
        error.file = cppPath;
        error.message =
            "does not compile (" + compiler + " " + describeExit(*result) + "):\n" + diagnostics;
        if (diagnostics.find("array used as initializer") != std::string::npos) {
            error.message += "\nhint: GCC 11.2 to 12.x cannot compile a braced list inside "
                             "co_await (`co_await vu.post(url, {.form = {{...}}})`); install "
                             "clang (apt-get install clang), which Loadwizard then prefers, or "
                             "set CXX=clang++, or build the options before the co_await";
        }
        attachDiagnostics(cppPath, sourceArgument, diagnostics, error);
        outcome = tl::unexpected(std::move(error));
    } else {
        fs::rename(scratchOutput, output, ec);
        if (ec) {
            outcome = compileError(cppPath, "cannot move the compiled plugin to '" +
                                                output.string() + "': " + ec.message());
        } else {
            outcome = output.string();
            if (options.onWarnings && !result->output.empty())
                options.onWarnings(cppPath, result->output);
        }
    }
    fs::remove_all(scratch, ec);
    return outcome;
}

tl::expected<std::shared_ptr<Plugin>, Error>
loadScenarioPlugin(const std::string &path, const CompileOptions &options, bool *cacheHit)
{
    if (cacheHit)
        *cacheHit = false;
    const std::string extension = fs::path(path).extension().string();
    if (extension != ".cpp" && extension != ".cc" && extension != ".cxx")
        return Plugin::load(path);
    bool hit = false;
    auto library = compileScenario(path, options, &hit);
    if (!library)
        return tl::unexpected(std::move(library.error()));
    auto plugin = Plugin::load(*library);
    if (!plugin && hit) {
        // A cached library that no longer loads (a write cut short, a disk full): compile
        // again rather than fail the same way on every run.
        std::error_code ec;
        fs::remove(*library, ec);
        library = compileScenario(path, options, &hit);
        if (!library)
            return tl::unexpected(std::move(library.error()));
        plugin = Plugin::load(*library);
    }
    if (cacheHit)
        *cacheHit = hit;
    if (!plugin) {
        // The user wrote the .cpp; the cached .so is ours: name the source, keep the library's
        // path as a detail.
        Error error = plugin.error();
        error.message += " (compiled from it into " + *library + ")";
        error.file = path;
        return tl::unexpected(std::move(error));
    }
    return plugin;
}

void cancelCompilation()
{
    if (const pid_t pid = runningCompiler.load(); pid > 0)
        ::kill(-pid, SIGKILL); // the whole group; SIGTERM waits for a shell's foreground child
}

} // namespace Loadwizard
