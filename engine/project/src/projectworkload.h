#pragma once

#include <loadwizard/project.h>
#include <loadwizard/settings.h>
#include <loadwizard/yamlreader.h>

#include <string>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace Loadwizard {

/// A profile's list of {KEY, seconds} maps (ramp-up steps, arrival stages) as read, with the
/// nodes of each pair's values, so a problem found when the whole list is checked is placed.
struct PairList
{
    std::vector<std::pair<double, double>> values;
    std::vector<std::pair<YAML::Node, YAML::Node>> nodes;
};

/// Reads `list` (a non-empty sequence, checked by the caller) as {`key`, seconds} maps.
tl::expected<PairList, Error> readPairList(const Yaml::Reader &reader, const YAML::Node &list,
                                           const std::string &path, const std::string &key);
/// `cause` from RampProfile::fromSteps() or ArrivalProfile::fromStages() (its position numbers
/// the values 1, 2, … as in the text form), placed at its value's node and named `where`.
Error placedPairError(const Yaml::Reader &reader, const PairList &list, const Error &cause,
                      const std::string &where);

/// `profile.arrival_rate`: "target,seconds,…" text or a list of {target, seconds}.
Yaml::Status readArrivalRate(const Yaml::Reader &reader, const YAML::Node &node,
                             const std::string &field, ArrivalProfile &profile);
/// `profile.pool`: {pre_allocated: N, max: N}.
Yaml::Status readPool(const Yaml::Reader &reader, const YAML::Node &node, const std::string &field,
                      Project &workload);
/// `pacing`: a duration ("2s") or {min, max}.
Yaml::Status readPacing(const Yaml::Reader &reader, const YAML::Node &node,
                        const std::string &field, PacingSettings &pacing);
/// Emits `arrival_rate:` and `pool:` (inside the profile map).
void emitWorkload(YAML::Emitter &out, const Project &workload);
/// Emits `pacing:` when set.
void emitPacing(YAML::Emitter &out, const PacingSettings &pacing);

} // namespace Loadwizard
