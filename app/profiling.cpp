#include "profiling.h"

#include <cstdlib>
#include <cstring>
#include <string_view>

#include <dlfcn.h>
#include <unistd.h>

#if LOADWIZARD_HAVE_GPERFTOOLS
#include <gperftools/profiler.h>
#endif

namespace Loadwizard::App {

namespace {

// Looked up at run time: the heap profiler lives in tcmalloc, which is only preloaded when a
// heap profile is asked for (linking it always would change the allocator of every run).
template <typename Function>
Function heapSymbol(const char *name)
{
    return reinterpret_cast<Function>(dlsym(RTLD_DEFAULT, name));
}

bool wantsHeapProfile(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg.starts_with("--memprofile") || arg.starts_with("-memprofile"))
            return true;
    }
    return false;
}

} // namespace

Profiling::Profiling(std::string cpuFile, std::string heapFile)
    : m_cpuFile(std::move(cpuFile))
    , m_heapFile(std::move(heapFile))
{}

Profiling::~Profiling()
{
    stop();
}

void Profiling::reexecForHeapProfile(int argc, char **argv)
{
    if (!wantsHeapProfile(argc, argv) || heapSymbol<void *>("HeapProfilerStart") ||
        std::getenv("LOADWIZARD_REEXECUTED"))
        return;
    const char *library = "libtcmalloc.so.4";
    if (void *probe = dlopen(library, RTLD_LAZY | RTLD_NOLOAD); probe)
        dlclose(probe);
    setenv("LD_PRELOAD", library, 1);
    setenv("LOADWIZARD_REEXECUTED", "1", 1);
    execv("/proc/self/exe", argv);
    // Falls through when exec fails; start() then reports the missing profiler.
}

tl::expected<void, Error> Profiling::start()
{
    if (!m_cpuFile.empty()) {
#if LOADWIZARD_HAVE_GPERFTOOLS
        if (!ProfilerStart(m_cpuFile.c_str()))
            return tl::make_unexpected(
                Error{"cannot start the CPU profiler", m_cpuFile, 0, 0, "--cpuprofile"});
        m_cpuRunning = true;
#else
        return tl::make_unexpected(
            Error{"built without gperftools (libgoogle-perftools-dev)", {}, 0, 0, "--cpuprofile"});
#endif
    }
    if (!m_heapFile.empty()) {
        auto start = heapSymbol<void (*)(const char *)>("HeapProfilerStart");
        if (!start) {
            return tl::make_unexpected(Error{"needs tcmalloc (Debian package google-perftools / "
                                             "libgoogle-perftools4), which could not be preloaded",
                                             {},
                                             0,
                                             0,
                                             "--memprofile"});
        }
        start(m_heapFile.c_str());
        m_heapRunning = true;
    }
    return {};
}

void Profiling::stop()
{
#if LOADWIZARD_HAVE_GPERFTOOLS
    if (m_cpuRunning)
        ProfilerStop();
#endif
    m_cpuRunning = false;
    if (m_heapRunning) {
        // Like Go's pprof heap profile: one dump of what is allocated at the end.
        if (auto dump = heapSymbol<void (*)(const char *)>("HeapProfilerDump"))
            dump("end of run");
        if (auto stopHeap = heapSymbol<void (*)()>("HeapProfilerStop"))
            stopHeap();
        m_heapRunning = false;
    }
}

} // namespace Loadwizard::App
