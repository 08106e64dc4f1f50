#pragma once

#include <loadwizard/error.h>

#include <string>

#include <tl/expected.hpp>

namespace Loadwizard::App {

/// The seed's --cpuprofile / --memprofile, with gperftools (files readable by pprof).
class Profiling
{
public:
    Profiling(std::string cpuFile, std::string heapFile);
    ~Profiling();

    /// The heap profiler needs tcmalloc as the allocator: with --memprofile, re-executes this
    /// program once with libtcmalloc preloaded (before any thread exists). Returns only when no
    /// re-exec was needed or it failed.
    static void reexecForHeapProfile(int argc, char **argv);

    tl::expected<void, Error> start();
    void stop();

private:
    std::string m_cpuFile;
    std::string m_heapFile;
    bool m_cpuRunning = false;
    bool m_heapRunning = false;
};

} // namespace Loadwizard::App
