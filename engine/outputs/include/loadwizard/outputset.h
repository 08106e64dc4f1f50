#pragma once

#include <loadwizard/error.h>
#include <loadwizard/output.h>

#include <memory>
#include <string>
#include <vector>

#include <tl/expected.hpp>

namespace Loadwizard {

/// A run's outputs, each an OutputRunner on its own thread: built from the project's `outputs:`
/// and `--out` flags, fed by the run's snapshots, flushed together at the end. Shared by the
/// headless runner and the GUI.
class OutputSet
{
public:
    /// `configs` are a project's `outputs:` entries (from `file`), `flags` are `--out` values.
    /// Errors name the project entry (`file: outputs[1].options.db`) or the flag (`--out
    /// influxdb`).
    static tl::expected<std::unique_ptr<OutputSet>, Error>
    create(const std::vector<OutputConfig> &configs, const std::string &file,
           const std::vector<std::string> &flags, RunInfo info);
    /// A RunInfo for this machine and a fresh run id.
    static RunInfo runInfo(std::string project, std::string scenario);

    ~OutputSet();
    OutputSet(const OutputSet &) = delete;
    OutputSet &operator=(const OutputSet &) = delete;

    bool empty() const { return m_runners.empty(); }
    std::vector<std::string> names() const { return m_names; }
    /// The observer that queues every snapshot for every output (add it to the run before
    /// start()); it only enqueues: each output delivers on its own thread.
    SnapshotObserver observer() const;
    /// Delivers what is queued, all outputs at once, within `timeoutSeconds`; their counts.
    std::vector<OutputStats> finish(double timeoutSeconds);
    /// From any thread, during or before finish(): deliver nothing more (the second Ctrl-C).
    void cutFlush();
    std::vector<OutputStats> stats() const;

private:
    OutputSet() = default;

    std::vector<std::shared_ptr<OutputRunner>> m_runners;
    std::vector<std::string> m_names;
};

} // namespace Loadwizard
