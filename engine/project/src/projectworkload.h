#pragma once

#include <loadwizard/project.h>
#include <loadwizard/settings.h>
#include <loadwizard/yamlreader.h>

#include <string>

#include <yaml-cpp/yaml.h>

namespace Loadwizard {

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
