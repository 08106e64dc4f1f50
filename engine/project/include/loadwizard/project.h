#pragma once

#include <loadwizard/arrivalprofile.h>
#include <loadwizard/datasettings.h>
#include <loadwizard/error.h>
#include <loadwizard/output.h>
#include <loadwizard/rampprofile.h>
#include <loadwizard/settings.h>
#include <loadwizard/steps.h>
#include <loadwizard/threshold.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

namespace Loadwizard {

/// One group of a project with `groups:` (a user type of a scenario mix): its own scenario,
/// parameters, data and workload. Its metrics stay apart from the other groups'.
struct ProjectGroup
{
    std::string name;     ///< unique in the project; letters, digits, '_', '-', '.'
    std::string scenario; ///< as Project::scenario
    std::optional<Steps::StepScenario> inlineScenario;
    /// On top of the project's parameters (the group's win).
    std::map<std::string, std::string, std::less<>> parameters;
    /// The group's own profile, closed or (arrivalRate not empty) open; both empty with a
    /// weight: a share of the project's profile.
    RampProfile profile;
    ArrivalProfile arrivalRate;
    long long preAllocatedVusers = 0;
    long long maxVusers = 0;
    double weight = 0;            ///< `weight`: a share of the project's profile (e.g. 70)
    double startDelaySeconds = 0; ///< `start_delay`: the group's profile starts this much later
    PacingSettings pacing;        ///< closed model only
    /// The group's own feeders, besides the project's (which every group shares).
    std::vector<DataSourceSettings> data;

    bool operator==(const ProjectGroup &other) const;
    /// Its scenario path resolved against the project file's folder.
    std::string scenarioPath(const std::string &projectFolder) const;
};

/// Everything a run needs; what `loadwizard run project.yaml` reads and the GUI edits.
/// Strings may hold ${ENV_VAR} references: they are kept as written (so secrets never land in a
/// saved file) and expanded only when a run is prepared.
struct Project
{
    static constexpr int schemaVersion = 1;

    std::string name;
    std::string description;
    std::string scenario; ///< .so, .cpp or .yaml (steps), relative to the project file's folder
    /// A declarative scenario written inline (`scenario:` as a map); then `scenario` is empty.
    std::optional<Steps::StepScenario> inlineScenario;
    std::map<std::string, std::string, std::less<>> parameters;
    RampProfile profile; ///< the closed model (`profile.rampup` or `profile.steps`)
    /// The open model (`profile.arrival_rate`) when not empty; then `profile` is empty.
    ArrivalProfile arrivalRate;
    long long preAllocatedVusers = 0; ///< `profile.pool.pre_allocated`
    long long maxVusers = 0;          ///< `profile.pool.max` (0: the pre-allocated count)
    PacingSettings pacing;            ///< `pacing`, closed model only
    ThinkTimeSettings thinkTime;
    double gracefulStopSeconds = 30;
    int workers = 0; ///< 0: one per core
    HttpSettings http;
    std::vector<RendezvousPolicy> rendezvous;
    /// Where metrics go during the run (`outputs:`); ${VAR} kept as written.
    std::vector<OutputConfig> outputs;
    /// Test data feeders (`data:`), in the file's order; files as written.
    std::vector<DataSourceSettings> data;
    /// Pass/fail criteria (`thresholds:`), expressions as written; checked when loaded.
    std::vector<ThresholdSettings> thresholds;
    /// A scenario mix (`groups:`) when not empty: then `scenario`, `inlineScenario` and `pacing`
    /// stay empty (each group has its own), `parameters` and `data` are shared by every group,
    /// and `profile`/`arrivalRate` is the total the weighted groups share (empty when none is
    /// weighted). Empty: the project is one group made of the fields above.
    std::vector<ProjectGroup> groups;
    /// Top-level keys this version does not know, as YAML text, kept so a save loses nothing.
    std::vector<std::pair<std::string, std::string>> extraKeys;

    /// Where it was loaded from or last saved to (not part of the file).
    std::string path;

    bool operator==(const Project &other) const;
    /// The scenario path resolved against the project file's folder.
    std::string scenarioPath() const;
    /// The project file's folder (absolute), empty for a project never loaded or saved.
    std::string folder() const;
    /// The policy for a rendezvous point (the default policy when none is named).
    RendezvousPolicy rendezvousPolicy(std::string_view name) const;
    /// The groups' names, in order; {"default"} for a project without groups (what a
    /// threshold's {group=NAME} may name).
    std::vector<std::string> groupNames() const;
};

/// A group's workload for people: "rampup 10,1,0,3", "70 % of rampup 10,1,0,3", "arrival rate
/// 0,0,20,2 (pool 2 to 5 vusers), after 1 s"; the share of a weighted group against the
/// project's other weighted groups.
std::string describeGroupWorkload(const Project &project, const ProjectGroup &group);

/// The open model's pool limits, shared by the project reader and the command line: an error
/// message, or empty when the pre-allocated count and the maximum go together.
std::string poolProblem(long long preAllocated, long long max);

/// The largest project file read (16 MiB): a bigger one is an error, not gigabytes of memory.
inline constexpr std::size_t maxProjectBytes = 16u << 20;

/// Parses project YAML. `fileName` is used in errors. Unknown keys become warnings.
tl::expected<Project, Error> parseProject(std::string_view yaml, const std::string &fileName,
                                          std::vector<Error> *warnings = nullptr);
tl::expected<Project, Error> loadProject(const std::string &path,
                                         std::vector<Error> *warnings = nullptr);
/// The YAML text of a project (schema `loadwizard: 1`).
std::string projectToYaml(const Project &project);
/// The same, keeping what a person wrote in `original` (the file's text as it was loaded):
/// comments, the order of keys and the spelling of each value that did not change ("10s"
/// stays "10s"). The text always reads back as projectToYaml(project) does; when the merge
/// cannot promise that, it is projectToYaml(project).
std::string projectToYaml(const Project &project, std::string_view original);
/// Writes atomically: a temporary file in the same folder, fsync, then rename. The text of the
/// file the project was loaded from (`project.path`), when there is one, is kept as
/// projectToYaml(project, original) keeps it.
tl::expected<void, Error> saveProject(const Project &project, const std::string &path);

} // namespace Loadwizard
