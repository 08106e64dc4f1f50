#include <loadwizard/project.h>

#include "projectworkload.h"

#include <loadwizard/atomicfile.h>
#include <loadwizard/httpsyntax.h>
#include <loadwizard/outputregistry.h>
#include <loadwizard/stepsyaml.h>
#include <loadwizard/suggest.h>
#include <loadwizard/weights.h>
#include <loadwizard/yamlmerge.h>
#include <loadwizard/yamlreader.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <optional>
#include <set>
#include <sstream>
#include <system_error>

#include <yaml-cpp/yaml.h>

namespace Loadwizard {

namespace {

namespace fs = std::filesystem;
using namespace Yaml;

/// A size as a person writes it: "8MiB", "512KiB", else bytes.
std::string formatSize(std::uint64_t bytes)
{
    if (bytes >= (1u << 20) && bytes % (1u << 20) == 0)
        return std::to_string(bytes >> 20) + "MiB";
    if (bytes >= 1024 && bytes % 1024 == 0)
        return std::to_string(bytes >> 10) + "KiB";
    return std::to_string(bytes);
}

Status readProfile(const Reader &reader, const YAML::Node &node, const std::string &field,
                   Project &project)
{
    RampProfile &profile = project.profile;
    if (node.IsNull() || (node.IsMap() && node.size() == 0))
        return tl::unexpected(reader.error(
            node, field, "the profile is empty (give rampup:, steps: or arrival_rate:)"));
    std::optional<YAML::Node> rampup;
    std::optional<YAML::Node> steps;
    std::optional<YAML::Node> arrivalRate;
    std::optional<YAML::Node> pool;
    auto keep = [](std::optional<YAML::Node> &slot) {
        return [&slot](const YAML::Node &value, const std::string &) -> Status {
            slot = value;
            return {};
        };
    };
    if (auto status = reader.readMap(node, field,
                                     {{"rampup", keep(rampup)},
                                      {"steps", keep(steps)},
                                      {"arrival_rate", keep(arrivalRate)},
                                      {"pool", keep(pool)}});
        !status)
        return status;
    if (rampup && steps)
        return tl::unexpected(reader.error(node, field, "give either rampup: or steps:, not both"));
    if (arrivalRate && (rampup || steps))
        return tl::unexpected(
            reader.error(node, join(field, "arrival_rate"),
                         std::string("give either arrival_rate: (the open model) or ") +
                             (rampup ? "rampup:" : "steps:") + " (the closed model), not both"));
    if (pool && !arrivalRate)
        return tl::unexpected(reader.error(*pool, join(field, "pool"),
                                           "pool: sizes the vusers of an arrival_rate: profile"));
    if (arrivalRate) {
        if (auto status = readArrivalRate(reader, *arrivalRate, join(field, "arrival_rate"),
                                          project.arrivalRate);
            !status)
            return status;
        if (!pool)
            return tl::unexpected(reader.error(node, join(field, "pool"),
                                               "an arrival_rate: profile needs pool: "
                                               "{pre_allocated: N, max: N}"));
        return readPool(reader, *pool, join(field, "pool"), project);
    }
    if (!rampup && !steps)
        return tl::unexpected(
            reader.error(node, field, "the profile needs rampup:, steps: or arrival_rate:"));

    if (rampup) {
        const std::string path = join(field, "rampup");
        const auto spec = reader.string(*rampup, path);
        if (!spec)
            return tl::unexpected(spec.error());
        auto parsed = RampProfile::parse(*spec);
        if (!parsed) {
            Error error = reader.error(*rampup, path, parsed.error().message);
            error.token = parsed.error().token;
            error.position = parsed.error().position;
            return tl::unexpected(std::move(error));
        }
        profile = std::move(*parsed);
        return {};
    }

    const std::string path = join(field, "steps");
    if (!steps->IsSequence())
        return tl::unexpected(reader.error(*steps, path, "expected a list of {rate, seconds}"));
    if (steps->size() == 0)
        return tl::unexpected(reader.error(*steps, path, "the profile has no steps"));
    auto list = readPairList(reader, *steps, path, "rate");
    if (!list)
        return tl::unexpected(list.error());
    std::vector<RampStep> values;
    for (const auto &[rate, seconds] : list->values)
        values.push_back({rate, seconds});
    auto checked = RampProfile::fromSteps(std::move(values));
    if (!checked) // fromSteps names "steps[i].x", under this profile's field
        return tl::unexpected(
            placedPairError(reader, *list, checked.error(), join(field, checked.error().field)));
    profile = std::move(*checked);
    return {};
}

Status readOutputs(const Reader &reader, const YAML::Node &node, const std::string &field,
                   std::vector<OutputConfig> &outputs)
{
    if (node.IsNull())
        return {};
    if (!node.IsSequence())
        return tl::unexpected(reader.error(node, field, "expected a list of outputs"));
    for (std::size_t i = 0; i < node.size(); ++i) {
        const YAML::Node entry = node[i];
        const std::string path = indexed(field, i);
        if (!entry.IsMap())
            return tl::unexpected(reader.error(entry, path, "expected a map {kind, target, …}"));
        OutputConfig output;
        std::optional<YAML::Node> kindNode;
        std::map<std::string, YAML::Mark, std::less<>> optionMarks;
        // Every key but kind and target is an option of that kind, kept as text.
        auto status = reader.readMap(
            entry, path,
            {{"kind",
              [&](const YAML::Node &n, const std::string &f) -> Status {
                  kindNode = n;
                  return into(output.kind,
                              [&](auto &a, auto &b) { return reader.string(a, b); })(n, f);
              }},
             {"target",
              into(output.target, [&](auto &a, auto &b) { return reader.string(a, b); })}},
            [&](const YAML::Node &key, const YAML::Node &value, const std::string &f) -> Status {
                const auto text = reader.string(value, f);
                if (!text)
                    return tl::unexpected(text.error());
                output.options[key.Scalar()] = *text;
                optionMarks[key.Scalar()] = key.Mark();
                return {};
            });
        if (!status)
            return status;
        // `kidn: influxdb` reads as an option of the output, and the error would only say that
        // the kind is missing: name the key and what it was probably meant to be.
        const OutputKind *knownKind = findOutputKind(output.kind);
        for (const auto &[key, mark] : optionMarks) {
            if (knownKind && knownKind->option(key))
                continue;
            const std::string closest = closestMatch(key, {"kind", "target"});
            if (!closest.empty())
                return tl::unexpected(reader.at(mark, join(path, key),
                                                "unknown key \"" + shortened(key) +
                                                    "\" (did you mean \"" + closest + "\"?)"));
        }
        if (output.kind.empty())
            return tl::unexpected(reader.error(
                entry, join(path, "kind"), "an output needs a kind (" + outputKindList() + ')'));
        if (auto known = outputKind(output.kind); !known)
            return tl::unexpected(
                reader.error(*kindNode, join(path, "kind"), known.error().message));
        // Option names are checked now, with their line, so `validate` catches a typo.
        if (auto known = checkOutputOptions(output); !known) {
            const auto mark = optionMarks.find(known.error().token);
            return tl::unexpected(reader.at(mark == optionMarks.end() ? entry.Mark() : mark->second,
                                            join(path, known.error().token),
                                            known.error().message));
        }
        if (output.target.empty())
            return tl::unexpected(reader.error(entry, join(path, "target"),
                                               "an output needs a target (a URL, "
                                               "tcp://HOST:PORT or a file)"));
        outputs.push_back(std::move(output));
    }
    return {};
}

/// `thresholds:` — each an expression, or {threshold, abort, grace}.
Status readThresholds(const Reader &reader, const YAML::Node &node, const std::string &field,
                      std::vector<ThresholdSettings> &thresholds,
                      const std::vector<std::string> &groups)
{
    if (node.IsNull())
        return {};
    if (!node.IsSequence())
        return tl::unexpected(
            reader.error(node, field,
                         "expected a list of thresholds (\"p95(requests) < 500ms\" or a map "
                         "{threshold, abort, grace})"));
    for (std::size_t i = 0; i < node.size(); ++i) {
        const YAML::Node entry = node[i];
        const std::string path = indexed(field, i);
        ThresholdSettings threshold;
        // Not a YAML::Node assigned later: assigning to one writes into the tree it refers to.
        std::optional<YAML::Node> expressionNode;
        std::string expressionPath = path;
        if (entry.IsMap()) {
            bool given = false;
            auto status = reader.readMap(
                entry, path,
                {{"threshold",
                  [&](const YAML::Node &n, const std::string &f) -> Status {
                      given = true;
                      expressionNode.emplace(n);
                      expressionPath = f;
                      return {};
                  }},
                 {"abort",
                  into(threshold.abort, [&](auto &a, auto &b) { return reader.boolean(a, b); })},
                 {"grace", into(threshold.graceSeconds,
                                [&](auto &a, auto &b) { return reader.duration(a, b); })}});
            if (!status)
                return status;
            if (!given)
                return tl::unexpected(reader.error(entry, join(path, "threshold"),
                                                   "missing threshold (the expression)"));
            // A warning, not an error: the workbench keeps a grace when abort is unticked.
            if (threshold.graceSeconds > 0 && !threshold.abort)
                reader.warn(entry["grace"], join(path, "grace"),
                            "grace only delays an abort: without abort: true it has no effect");
        } else if (entry.IsScalar()) {
            expressionNode.emplace(entry);
        } else {
            return tl::unexpected(reader.error(
                entry, path, "expected an expression or a map {threshold, abort, grace}"));
        }
        const auto expression = reader.string(*expressionNode, expressionPath);
        if (!expression)
            return tl::unexpected(expression.error());
        if (auto parsed = parseThreshold(*expression, groups); !parsed) {
            // `p95 < 1s;abort` is the command line's form; a file says it with keys.
            const std::string hint =
                expression->find(';') == std::string::npos
                    ? std::string()
                    : " (;abort and ;grace= are --threshold's; in a project write {threshold: "
                      "\"…\", abort: true, grace: 10s})";
            return tl::unexpected(reader.error(*expressionNode, expressionPath,
                                               parsed.error().message + " in \"" +
                                                   shortened(*expression) + "\"" + hint));
        }
        threshold.expression = *expression;
        thresholds.push_back(std::move(threshold));
    }
    return {};
}

Status readRendezvous(const Reader &reader, const YAML::Node &node, const std::string &field,
                      std::vector<RendezvousPolicy> &policies)
{
    if (node.IsNull())
        return {};
    if (!node.IsSequence())
        return tl::unexpected(reader.error(node, field, "expected a list of rendezvous points"));
    for (std::size_t i = 0; i < node.size(); ++i) {
        const YAML::Node entry = node[i];
        const std::string path = indexed(field, i);
        if (!entry.IsMap())
            return tl::unexpected(reader.error(entry, path, "expected a map {name, policy, …}"));
        RendezvousPolicy policy;
        std::optional<YAML::Node> valueNode;
        auto status = reader.readMap(
            entry, path,
            {{"name", into(policy.name, [&](auto &a, auto &b) { return reader.string(a, b); })},
             {"policy",
              [&](const YAML::Node &n, const std::string &f) -> Status {
                  const auto text = reader.string(n, f);
                  if (!text)
                      return tl::unexpected(text.error());
                  if (*text == "all")
                      policy.kind = RendezvousPolicy::Kind::AllRunning;
                  else if (*text == "count")
                      policy.kind = RendezvousPolicy::Kind::Count;
                  else if (*text == "percent")
                      policy.kind = RendezvousPolicy::Kind::Percent;
                  else
                      return tl::unexpected(reader.error(n, f,
                                                         "unknown policy \"" + shortened(*text) +
                                                             "\" (use all, count or percent)"));
                  return {};
              }},
             {"value",
              [&](const YAML::Node &n, const std::string &) -> Status {
                  valueNode = n;
                  return {};
              }},
             {"timeout", into(policy.timeoutSeconds,
                              [&](auto &a, auto &b) { return reader.duration(a, b); })}});
        if (!status)
            return status;
        if (policy.name.empty())
            return tl::unexpected(
                reader.error(entry, join(path, "name"), "a rendezvous point needs a name"));
        for (const RendezvousPolicy &other : policies) {
            if (other.name == policy.name)
                return tl::unexpected(reader.error(entry, join(path, "name"),
                                                   "rendezvous point \"" + shortened(policy.name) +
                                                       "\" is listed twice"));
        }
        const std::string valuePath = join(path, "value");
        if (policy.kind == RendezvousPolicy::Kind::AllRunning) {
            if (valueNode)
                reader.warn(*valueNode, valuePath, "ignored with policy all");
        } else if (!valueNode) {
            return tl::unexpected(
                reader.error(entry, valuePath, "policies count and percent need a value"));
        } else {
            const auto value = reader.number(*valueNode, valuePath);
            if (!value)
                return tl::unexpected(value.error());
            const bool isCount = policy.kind == RendezvousPolicy::Kind::Count;
            if (isCount && (*value < 1 || *value != std::floor(*value)))
                return tl::unexpected(reader.error(*valueNode, valuePath,
                                                   "a count must be a whole number of at least 1"));
            if (!isCount && (*value <= 0 || *value > 100))
                return tl::unexpected(reader.error(*valueNode, valuePath,
                                                   "a percentage must be above 0 and at most 100"));
            policy.value = *value;
        }
        policies.push_back(std::move(policy));
    }
    return {};
}

Status readData(const Reader &reader, const YAML::Node &node, const std::string &field,
                std::vector<DataSourceSettings> &feeders)
{
    if (node.IsNull())
        return {};
    if (!node.IsMap())
        return tl::unexpected(
            reader.error(node, field, "expected a map of feeder names to {file, strategy, …}"));
    auto text = [&](auto &a, auto &b) { return reader.string(a, b); };
    return reader.readMap(
        node, field, {},
        [&](const YAML::Node &key, const YAML::Node &entry, const std::string &path) -> Status {
            DataSourceSettings feeder;
            feeder.name = key.Scalar();
            if (!isValidDataName(feeder.name))
                return tl::unexpected(
                    reader.error(key, path,
                                 "feeder name \"" + shortened(feeder.name) +
                                     "\" may only have letters, digits, _ and -"));
            if (!entry.IsMap())
                return tl::unexpected(
                    reader.error(entry, path, "expected a map {file, format, strategy, …}"));
            std::optional<YAML::Node> delimiterNode, exhaustedNode;
            auto choice = [&](auto &target, auto fromName,
                              std::vector<std::string_view> names) -> Reader::Handler {
                return [&target, fromName, names, &reader](const YAML::Node &n,
                                                           const std::string &f) -> Status {
                    const auto value = reader.string(n, f);
                    if (!value)
                        return tl::unexpected(value.error());
                    const auto known = fromName(*value);
                    if (!known) {
                        return tl::unexpected(reader.error(n, f,
                                                           "unknown value \"" + shortened(*value) +
                                                               '"' + suggestionFor(*value, names)));
                    }
                    target = *known;
                    return {};
                };
            };
            auto status = reader.readMap(
                entry, path,
                {{"file", into(feeder.file, text)},
                 {"format", choice(feeder.format, dataFormatFromName, {"csv", "jsonl"})},
                 {"delimiter",
                  [&](const YAML::Node &n, const std::string &f) -> Status {
                      delimiterNode = n;
                      auto value = reader.string(n, f);
                      if (!value)
                          return tl::unexpected(value.error());
                      if (*value == "\\t" || *value == "tab")
                          *value = "\t";
                      if (value->size() != 1 || *value == "\"" || *value == "\n" || *value == "\r")
                          return tl::unexpected(reader.error(
                              n, f,
                              "a delimiter is one character other than a quote or a line break "
                              "(\"\\t\" for a tab)"));
                      feeder.delimiter = *value;
                      return {};
                  }},
                 {"strategy", choice(feeder.strategy, dataStrategyFromName,
                                     {"sequential", "unique", "random", "per-vuser"})},
                 {"on_exhausted",
                  [&, handler = choice(feeder.onExhausted, dataExhaustionFromName,
                                       {"recycle", "stop-vuser", "stop-run"})](
                      const YAML::Node &n, const std::string &f) -> Status {
                      exhaustedNode = n;
                      return handler(n, f);
                  }}});
            if (!status)
                return status;
            if (feeder.file.empty())
                return tl::unexpected(reader.error(entry, join(path, "file"),
                                                   "a feeder needs a file (CSV or JSON lines)"));
            if (delimiterNode && feeder.effectiveFormat() != DataFormat::Csv)
                return tl::unexpected(reader.error(*delimiterNode, join(path, "delimiter"),
                                                   "a delimiter is for CSV files only"));
            if (exhaustedNode && feeder.strategy != DataStrategy::Sequential &&
                feeder.strategy != DataStrategy::Unique)
                return tl::unexpected(reader.error(
                    *exhaustedNode, join(path, "on_exhausted"),
                    "only sequential and unique feeders run out of rows (" +
                        std::string(dataStrategyName(feeder.strategy)) + " never does)"));
            feeders.push_back(std::move(feeder));
            return {};
        });
}

/// `scenario`: a file, or a declarative scenario written inline (a map with steps:).
Status readScenario(const Reader &reader, const YAML::Node &node, const std::string &field,
                    std::string &file, std::optional<Steps::StepScenario> &inlineScenario)
{
    // A map is a declarative scenario written inline; its errors carry this file's lines, and
    // its templates are its own (never ${VAR}-expanded as project texts).
    if (node.IsSequence())
        return tl::unexpected(reader.error(node, field,
                                           "expected a scenario file, or an inline scenario (a "
                                           "map with steps:), not a list"));
    if (!node.IsMap())
        return into(file, [&](auto &a, auto &b) { return reader.string(a, b); })(node, field);
    std::vector<Error> scenarioWarnings;
    auto scenario = Steps::readStepScenario(node, reader.file(), field, &scenarioWarnings);
    if (!scenario)
        return tl::unexpected(scenario.error());
    for (Error &warning : scenarioWarnings)
        reader.warn(warning);
    inlineScenario = std::move(*scenario);
    return {};
}

Status readParameters(const Reader &reader, const YAML::Node &node, const std::string &field,
                      std::map<std::string, std::string, std::less<>> &parameters)
{
    return reader.readMap(
        node, field, {},
        [&](const YAML::Node &key, const YAML::Node &value, const std::string &path) -> Status {
            const auto parameter = reader.string(value, path);
            if (!parameter)
                return tl::unexpected(parameter.error());
            parameters[key.Scalar()] = *parameter;
            return {};
        });
}

/// A group name: what a threshold's {group=NAME}, an InfluxDB tag and a Graphite path take.
bool validGroupName(std::string_view name)
{
    return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
    });
}

/// One entry of `groups:`.
Status readGroup(const Reader &reader, const YAML::Node &node, const std::string &field,
                 const Project &project, ProjectGroup &group)
{
    if (!node.IsMap())
        return tl::unexpected(
            reader.error(node, field, "expected a group: {name, scenario, profile or weight}"));
    bool named = false, scenarioGiven = false, profiled = false, weighted = false, delayed = false;
    Project workload; // the group's profile, read as a project's is
    auto status = reader.readMap(
        node, field,
        {{"name",
          [&](const YAML::Node &value, const std::string &path) -> Status {
              const auto name = reader.string(value, path);
              if (!name)
                  return tl::unexpected(name.error());
              if (!validGroupName(*name))
                  return tl::unexpected(reader.error(
                      value, path,
                      "a group name is 1 to 64 letters, digits, '_', '-' or '.' (it becomes a "
                      "metrics tag): \"" +
                          shortened(*name) + "\""));
              for (const ProjectGroup &other : project.groups) {
                  if (other.name == *name)
                      return tl::unexpected(
                          reader.error(value, path, "two groups are named \"" + *name + "\""));
              }
              group.name = *name;
              named = true;
              return {};
          }},
         {"scenario",
          [&](const YAML::Node &value, const std::string &path) -> Status {
              scenarioGiven = true;
              return readScenario(reader, value, path, group.scenario, group.inlineScenario);
          }},
         {"parameters",
          [&](const YAML::Node &value, const std::string &path) -> Status {
              return readParameters(reader, value, path, group.parameters);
          }},
         {"profile",
          [&](const YAML::Node &value, const std::string &path) -> Status {
              profiled = true;
              return readProfile(reader, value, path, workload);
          }},
         {"weight",
          [&](const YAML::Node &value, const std::string &path) -> Status {
              const auto weight = reader.number(value, path);
              if (!weight)
                  return tl::unexpected(weight.error());
              if (!(*weight > 0) || *weight > 1e6)
                  return tl::unexpected(reader.error(
                      value, path, "a weight is a number above 0 (e.g. 70 for 70 %), at most 1e6"));
              group.weight = *weight;
              weighted = true;
              return {};
          }},
         {"start_delay",
          [&](const YAML::Node &value, const std::string &path) -> Status {
              const auto delay = reader.duration(value, path);
              if (!delay)
                  return tl::unexpected(delay.error());
              if (*delay > RampProfile::maxSeconds)
                  return tl::unexpected(reader.error(value, path, "at most a year"));
              group.startDelaySeconds = *delay;
              delayed = true;
              return {};
          }},
         {"pacing",
          [&](const YAML::Node &value, const std::string &path) -> Status {
              return readPacing(reader, value, path, group.pacing);
          }},
         {"data", [&](const YAML::Node &value, const std::string &path) -> Status {
              return readData(reader, value, path, group.data);
          }}});
    if (!status)
        return status;
    if (!named)
        return tl::unexpected(reader.error(node, join(field, "name"), "a group needs a name:"));
    if (!scenarioGiven)
        return tl::unexpected(reader.error(node, join(field, "scenario"),
                                           "group \"" + group.name + "\" needs a scenario:"));
    if (profiled && weighted)
        return tl::unexpected(reader.error(
            node["weight"], join(field, "weight"),
            "give either profile: (the group's own) or weight: (a share of the project's "
            "profile), not both"));
    if (!profiled && !weighted)
        return tl::unexpected(reader.error(
            node, join(field, "profile"),
            "group \"" + group.name +
                "\" needs profile: (its own) or weight: (a share of the project's profile)"));
    if (delayed && weighted)
        return tl::unexpected(reader.error(
            node["start_delay"], join(field, "start_delay"),
            "start_delay: shifts a group's own profile; a weighted group follows the project's"));
    if (group.pacing.enabled() && !workload.arrivalRate.empty())
        return tl::unexpected(reader.error(node["pacing"], join(field, "pacing"),
                                           "pacing spaces a vuser's iterations in the closed "
                                           "model; an arrival_rate: profile plans every "
                                           "iteration's start itself"));
    for (const DataSourceSettings &feeder : group.data) {
        for (const DataSourceSettings &shared : project.data) {
            if (feeder.name == shared.name)
                return tl::unexpected(
                    reader.error(node["data"], join(join(field, "data"), feeder.name),
                                 "the project's data: already has a feeder \"" + feeder.name +
                                     "\" (every group shares it): name this one differently"));
        }
    }
    group.profile = std::move(workload.profile);
    group.arrivalRate = std::move(workload.arrivalRate);
    group.preAllocatedVusers = workload.preAllocatedVusers;
    group.maxVusers = workload.maxVusers;
    return {};
}

/// `groups:`, once the rest of the project is read.
Status readGroups(const Reader &reader, const YAML::Node &root, const YAML::Node &node,
                  bool profiled, const std::optional<YAML::Node> &scenarioNode, Project &project)
{
    const std::string field = "groups";
    if (!node.IsSequence() || node.size() == 0)
        return tl::unexpected(reader.error(
            node, field, "expected a list of groups ({name, scenario, profile or weight})"));
    if (scenarioNode)
        return tl::unexpected(reader.error(
            *scenarioNode, "scenario",
            "with groups:, each group names its scenario: move scenario: into the groups"));
    if (project.pacing.enabled())
        return tl::unexpected(reader.at(root["pacing"].Mark(), "pacing",
                                        "with groups:, pacing: goes into each group"));
    bool anyWeighted = false;
    for (std::size_t i = 0; i < node.size(); ++i) {
        ProjectGroup group;
        if (auto status = readGroup(reader, node[i], indexed(field, i), project, group); !status)
            return status;
        if (group.weight > 0 && !profiled)
            return tl::unexpected(reader.error(
                node[i]["weight"], join(indexed(field, i), "weight"),
                "a weight shares the project's profile: among the weighted groups, and the "
                "project has no profile:"));
        anyWeighted = anyWeighted || group.weight > 0;
        project.groups.push_back(std::move(group));
    }
    if (profiled && !anyWeighted)
        return tl::unexpected(reader.at(
            root["profile"].Mark(), "profile",
            "with groups:, profile: is the total the groups with a weight: share, and no group "
            "has one (give each group its own profile:, or weights)"));
    return {};
}

Status readProject(const Reader &reader, const YAML::Node &root, Project &project)
{
    if (!root.IsMap())
        return tl::unexpected(
            reader.at(root.IsDefined() && !root.IsNull() ? root.Mark() : YAML::Mark(), "loadwizard",
                      "not a Loadwizard project (expected a map starting "
                      "with \"loadwizard: 1\")"));
    bool versioned = false;
    bool profiled = false;
    // Not YAML::Node assigned later: assigning to one writes into the tree it refers to.
    std::optional<YAML::Node> scenarioNode, groupsNode, thresholdsNode;
    auto duration = [&](auto &a, auto &b) { return reader.duration(a, b); };
    auto text = [&](auto &a, auto &b) { return reader.string(a, b); };
    auto boolean = [&](auto &a, auto &b) { return reader.boolean(a, b); };

    const Reader::Handlers handlers = {
        {"loadwizard",
         [&](const YAML::Node &node, const std::string &field) -> Status {
             const auto version =
                 node.IsScalar() ? toNumber<long long>(node.Scalar()) : std::optional<long long>();
             if (version != Project::schemaVersion)
                 return tl::unexpected(reader.error(
                     node, field,
                     "unsupported schema version \"" +
                         shortened(node.IsScalar() ? node.Scalar() : "") + "\" (this build reads " +
                         std::to_string(Project::schemaVersion) + ')'));
             versioned = true;
             return {};
         }},
        {"name", into(project.name, text)},
        {"description", into(project.description, text)},
        {"scenario",
         [&](const YAML::Node &node, const std::string &field) -> Status {
             scenarioNode.emplace(node);
             return readScenario(reader, node, field, project.scenario, project.inlineScenario);
         }},
        {"parameters",
         [&](const YAML::Node &node, const std::string &field) -> Status {
             return readParameters(reader, node, field, project.parameters);
         }},
        {"groups",
         [&](const YAML::Node &node, const std::string &) -> Status {
             // After the rest of the map: a group's feeders are checked against the project's.
             groupsNode.emplace(node);
             return {};
         }},
        {"profile",
         [&](const YAML::Node &node, const std::string &field) -> Status {
             profiled = true;
             return readProfile(reader, node, field, project);
         }},
        {"think_time",
         [&](const YAML::Node &node, const std::string &field) -> Status {
             return reader.readMap(node, field,
                                   {{"multiplier",
                                     [&](const YAML::Node &n, const std::string &f) -> Status {
                                         const auto value = reader.number(n, f);
                                         if (!value)
                                             return tl::unexpected(value.error());
                                         if (*value < 0 || *value > 1000)
                                             return tl::unexpected(
                                                 reader.error(n, f, "must be from 0 to 1000"));
                                         project.thinkTime.multiplier = *value;
                                         return {};
                                     }},
                                    {"max_seconds", into(project.thinkTime.maxSeconds, duration)}});
         }},
        {"pacing",
         [&](const YAML::Node &node, const std::string &field) -> Status {
             return readPacing(reader, node, field, project.pacing);
         }},
        {"graceful_stop", into(project.gracefulStopSeconds, duration)},
        {"workers", into(project.workers,
                         [&](auto &a, auto &b) { return reader.integer(a, b, 0, maxWorkers); })},
        {"http",
         [&](const YAML::Node &node, const std::string &field) -> Status {
             HttpSettings &http = project.http;
             return reader.readMap(
                 node, field,
                 {{"timeout", into(http.timeoutSeconds, duration)},
                  {"verify_tls", into(http.verifyTls, boolean)},
                  {"http2", into(http.http2, boolean)},
                  {"max_redirects",
                   into(http.maxRedirects,
                        [&](auto &a, auto &b) { return reader.integer(a, b, 0, 1000); })},
                  {"buffer_size",
                   into(http.bufferSize,
                        [&](auto &a, auto &b) { return reader.integer(a, b, 1024, 524288); })},
                  {"max_body",
                   into(http.maxBodyBytes, [&](auto &a, auto &b) { return reader.size(a, b); })},
                  {"max_names",
                   into(http.maxNames,
                        [&](auto &a, auto &b) { return reader.integer(a, b, 1, 1000000); })},
                  {"user_agent", into(http.userAgent, text)},
                  {"base_url", into(http.baseUrl, text)},
                  {"headers",
                   [&](const YAML::Node &headers, const std::string &headersField) -> Status {
                       return reader.readMap(
                           headers, headersField, {},
                           [&](const YAML::Node &key, const YAML::Node &value,
                               const std::string &path) -> Status {
                               const auto header = reader.string(value, path);
                               if (!header)
                                   return tl::unexpected(header.error());
                               if (auto bad = headerProblem(key.Scalar(), *header); !bad.empty())
                                   return tl::unexpected(reader.error(key, path, bad));
                               http.headers.emplace_back(key.Scalar(), *header);
                               return {};
                           });
                   }}});
         }},
        {"rendezvous",
         [&](const YAML::Node &node, const std::string &field) -> Status {
             return readRendezvous(reader, node, field, project.rendezvous);
         }},
        {"outputs",
         [&](const YAML::Node &node, const std::string &field) -> Status {
             return readOutputs(reader, node, field, project.outputs);
         }},
        {"data",
         [&](const YAML::Node &node, const std::string &field) -> Status {
             return readData(reader, node, field, project.data);
         }},
        {"thresholds",
         [&](const YAML::Node &node, const std::string &) -> Status {
             // After the groups, which a threshold's {group=NAME} names.
             thresholdsNode.emplace(node);
             return {};
         }},
    };

    auto status = reader.readMap(
        root, {}, handlers,
        [&](const YAML::Node &key, const YAML::Node &value, const std::string &field) -> Status {
            // Extensions ("x-team: checkout") are the user's or other tools': kept on save.
            if (!key.Scalar().starts_with("x-"))
                return tl::unexpected(reader.unknownKey(key, field, handlers));
            project.extraKeys.emplace_back(key.Scalar(), YAML::Dump(value));
            return {};
        });
    if (!status)
        return status;
    if (!versioned)
        return tl::unexpected(reader.at(root.Mark(), "loadwizard",
                                        "missing \"loadwizard: 1\" (is this a Loadwizard "
                                        "project file?)"));
    if (groupsNode) {
        if (auto grouped = readGroups(reader, root, *groupsNode, profiled, scenarioNode, project);
            !grouped)
            return grouped;
    } else if (!profiled) {
        return tl::unexpected(reader.at(root.Mark(), "profile", "missing profile"));
    }
    if (thresholdsNode) {
        if (auto read = readThresholds(reader, *thresholdsNode, "thresholds", project.thresholds,
                                       project.groupNames());
            !read)
            return read;
    }
    if (project.pacing.enabled() && !project.arrivalRate.empty())
        return tl::unexpected(reader.at(root["pacing"].Mark(), "pacing",
                                        "pacing spaces a vuser's iterations in the closed model; "
                                        "an arrival_rate: profile plans every iteration's start "
                                        "itself"));
    return {};
}

void emitNumber(YAML::Emitter &out, std::string_view key, double value)
{
    out << YAML::Key << std::string(key) << YAML::Value << formatNumber(value);
}

void emitScenario(YAML::Emitter &out, const std::string &file,
                  const std::optional<Steps::StepScenario> &inlineScenario)
{
    if (inlineScenario)
        Steps::emitStepScenario(out, *inlineScenario);
    else
        out << Yaml::Text{file};
}

void emitParameters(YAML::Emitter &out,
                    const std::map<std::string, std::string, std::less<>> &parameters)
{
    out << YAML::Key << "parameters" << YAML::Value;
    if (parameters.empty())
        out << YAML::Flow;
    out << YAML::BeginMap;
    for (const auto &[key, value] : parameters)
        out << YAML::Key << Yaml::Text{key, true} << YAML::Value << Yaml::Text{value};
    out << YAML::EndMap;
}

/// `profile:` of a project or (through a project holding its fields) a group.
void emitProfile(YAML::Emitter &out, const Project &workload)
{
    out << YAML::Key << "profile" << YAML::Value << YAML::BeginMap;
    if (workload.arrivalRate.empty())
        out << YAML::Key << "rampup" << YAML::Value << YAML::DoubleQuoted
            << workload.profile.toString();
    else
        emitWorkload(out, workload);
    out << YAML::EndMap;
}

/// Only what was written (a default left out stays out), so a save changes nothing.
void emitData(YAML::Emitter &out, const std::vector<DataSourceSettings> &data)
{
    if (data.empty())
        return;
    out << YAML::Key << "data" << YAML::Value << YAML::BeginMap;
    for (const DataSourceSettings &feeder : data) {
        out << YAML::Key << Yaml::Text{feeder.name, true} << YAML::Value << YAML::BeginMap;
        out << YAML::Key << "file" << YAML::Value << Yaml::Text{feeder.file};
        if (feeder.format != DataFormat::Auto)
            out << YAML::Key << "format" << YAML::Value
                << std::string(dataFormatName(feeder.format));
        if (!feeder.delimiter.empty())
            out << YAML::Key << "delimiter" << YAML::Value << YAML::DoubleQuoted
                << feeder.delimiter;
        out << YAML::Key << "strategy" << YAML::Value
            << std::string(dataStrategyName(feeder.strategy));
        if (feeder.onExhausted != DataExhaustion::Default)
            out << YAML::Key << "on_exhausted" << YAML::Value
                << std::string(dataExhaustionName(feeder.onExhausted));
        out << YAML::EndMap;
    }
    out << YAML::EndMap;
}

void emitGroup(YAML::Emitter &out, const ProjectGroup &group)
{
    out << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << Yaml::Text{group.name};
    out << YAML::Key << "scenario" << YAML::Value;
    emitScenario(out, group.scenario, group.inlineScenario);
    if (!group.parameters.empty())
        emitParameters(out, group.parameters);
    if (group.weight > 0) {
        emitNumber(out, "weight", group.weight);
    } else {
        Project workload;
        workload.profile = group.profile;
        workload.arrivalRate = group.arrivalRate;
        workload.preAllocatedVusers = group.preAllocatedVusers;
        workload.maxVusers = group.maxVusers;
        emitProfile(out, workload);
    }
    if (group.startDelaySeconds > 0)
        emitNumber(out, "start_delay", group.startDelaySeconds);
    emitPacing(out, group.pacing);
    emitData(out, group.data);
    out << YAML::EndMap;
}

} // namespace

bool Project::operator==(const Project &other) const
{
    return name == other.name && description == other.description && scenario == other.scenario &&
           parameters == other.parameters && profile.steps() == other.profile.steps() &&
           arrivalRate.stages() == other.arrivalRate.stages() &&
           preAllocatedVusers == other.preAllocatedVusers && maxVusers == other.maxVusers &&
           pacing == other.pacing && thinkTime == other.thinkTime &&
           gracefulStopSeconds == other.gracefulStopSeconds && workers == other.workers &&
           http == other.http && rendezvous == other.rendezvous && outputs == other.outputs &&
           data == other.data && thresholds == other.thresholds && extraKeys == other.extraKeys &&
           inlineScenario == other.inlineScenario && groups == other.groups;
}

bool ProjectGroup::operator==(const ProjectGroup &other) const
{
    return name == other.name && scenario == other.scenario &&
           inlineScenario == other.inlineScenario && parameters == other.parameters &&
           profile.steps() == other.profile.steps() &&
           arrivalRate.stages() == other.arrivalRate.stages() &&
           preAllocatedVusers == other.preAllocatedVusers && maxVusers == other.maxVusers &&
           weight == other.weight && startDelaySeconds == other.startDelaySeconds &&
           pacing == other.pacing && data == other.data;
}

std::string ProjectGroup::scenarioPath(const std::string &projectFolder) const
{
    if (scenario.empty())
        return {};
    const fs::path relative(scenario);
    if (relative.is_absolute() || projectFolder.empty())
        return scenario;
    return (fs::path(projectFolder) / relative).string();
}

std::string describeGroupWorkload(const Project &project, const ProjectGroup &group)
{
    const auto profileText = [](const RampProfile &profile, const ArrivalProfile &arrivalRate,
                                long long pre, long long max) {
        if (arrivalRate.empty())
            return "rampup " + profile.toString();
        return "arrival rate " + arrivalRate.toString() + " (pool " + std::to_string(pre) + " to " +
               std::to_string(std::max(pre, max)) + " vusers)";
    };
    std::string text;
    if (group.weight > 0) {
        double weights = 0;
        for (const ProjectGroup &other : project.groups)
            weights += other.weight;
        text = formatNumber(std::round(group.weight / weights * 1000) / 10) + " % of ";
        if (project.arrivalRate.empty()) {
            text += "rampup " + project.profile.toString();
        } else {
            // Its own part of the shared pool, as the schedule gives it.
            const long long pre = poolShare(project.preAllocatedVusers, group.weight, weights);
            const long long max = poolShare(std::max(project.maxVusers, project.preAllocatedVusers),
                                            group.weight, weights);
            text += "arrival rate " + project.arrivalRate.toString() + " (pool " +
                    std::to_string(pre) + " to " + std::to_string(max) + " vusers)";
        }
    } else {
        text = profileText(group.profile, group.arrivalRate, group.preAllocatedVusers,
                           group.maxVusers);
        if (group.startDelaySeconds > 0)
            text += ", after " + formatNumber(group.startDelaySeconds) + " s";
    }
    if (group.pacing.enabled())
        text += ", pacing " + formatNumber(group.pacing.minSeconds) +
                (group.pacing.maxSeconds > group.pacing.minSeconds
                     ? "-" + formatNumber(group.pacing.maxSeconds)
                     : std::string()) +
                " s";
    return text;
}

std::vector<std::string> Project::groupNames() const
{
    if (groups.empty())
        return {"default"};
    std::vector<std::string> names;
    for (const ProjectGroup &group : groups)
        names.push_back(group.name);
    return names;
}

std::string Project::scenarioPath() const
{
    if (scenario.empty())
        return {};
    const fs::path relative(scenario);
    if (relative.is_absolute() || path.empty())
        return scenario;
    return (fs::path(path).parent_path() / relative).string();
}

std::string Project::folder() const
{
    if (path.empty())
        return {};
    std::error_code error;
    const fs::path absolute = fs::absolute(fs::path(path), error);
    return (error ? fs::path(path) : absolute).parent_path().lexically_normal().string();
}

RendezvousPolicy Project::rendezvousPolicy(std::string_view name) const
{
    for (const RendezvousPolicy &policy : rendezvous) {
        if (policy.name == name)
            return policy;
    }
    RendezvousPolicy policy;
    policy.name = std::string(name);
    return policy;
}

tl::expected<Project, Error> parseProject(std::string_view yaml, const std::string &fileName,
                                          std::vector<Error> *warnings)
{
    auto root = parseDocument(yaml, fileName, maxProjectBytes, "project file");
    if (!root)
        return tl::unexpected(root.error());
    // Warnings are only handed out with a project that loaded.
    std::vector<Error> found;
    const Reader reader(fileName, &found);
    Project project;
    try {
        if (auto status = readProject(reader, *root, project); !status)
            return tl::unexpected(status.error());
    } catch (const YAML::Exception &exception) {
        return tl::unexpected(reader.at(exception.mark, {}, exception.msg));
    }
    if (warnings)
        warnings->insert(warnings->end(), found.begin(), found.end());
    return project;
}

tl::expected<Project, Error> loadProject(const std::string &path, std::vector<Error> *warnings)
{
    const auto text = readTextFile(path, maxProjectBytes);
    if (!text)
        return tl::unexpected(text.error());
    auto project = parseProject(*text, path, warnings);
    if (project)
        project->path = path;
    return project;
}

std::string projectToYaml(const Project &project)
{
    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "loadwizard" << YAML::Value << Project::schemaVersion;
    out << YAML::Key << "name" << YAML::Value << Yaml::Text{project.name};
    out << YAML::Key << "description" << YAML::Value << Yaml::Text{project.description};
    const bool grouped = !project.groups.empty();
    if (!grouped) {
        out << YAML::Key << "scenario" << YAML::Value;
        emitScenario(out, project.scenario, project.inlineScenario);
    }
    emitParameters(out, project.parameters);
    // With groups, only when some group shares it (a weight).
    if (!project.profile.empty() || !project.arrivalRate.empty())
        emitProfile(out, project);
    if (grouped) {
        out << YAML::Key << "groups" << YAML::Value << YAML::BeginSeq;
        for (const ProjectGroup &group : project.groups)
            emitGroup(out, group);
        out << YAML::EndSeq;
    } else {
        emitPacing(out, project.pacing);
    }

    out << YAML::Key << "think_time" << YAML::Value << YAML::Flow << YAML::BeginMap;
    emitNumber(out, "multiplier", project.thinkTime.multiplier);
    emitNumber(out, "max_seconds", project.thinkTime.maxSeconds);
    out << YAML::EndMap;
    emitNumber(out, "graceful_stop", project.gracefulStopSeconds);
    out << YAML::Key << "workers" << YAML::Value << project.workers;

    const HttpSettings &http = project.http;
    out << YAML::Key << "http" << YAML::Value << YAML::BeginMap;
    emitNumber(out, "timeout", http.timeoutSeconds);
    out << YAML::Key << "verify_tls" << YAML::Value << http.verifyTls;
    out << YAML::Key << "http2" << YAML::Value << http.http2;
    out << YAML::Key << "max_redirects" << YAML::Value << http.maxRedirects;
    out << YAML::Key << "buffer_size" << YAML::Value << http.bufferSize;
    out << YAML::Key << "max_body" << YAML::Value << formatSize(http.maxBodyBytes);
    out << YAML::Key << "max_names" << YAML::Value << http.maxNames;
    out << YAML::Key << "user_agent" << YAML::Value << Yaml::Text{http.userAgent};
    out << YAML::Key << "base_url" << YAML::Value << Yaml::Text{http.baseUrl};
    out << YAML::Key << "headers" << YAML::Value;
    if (http.headers.empty())
        out << YAML::Flow;
    out << YAML::BeginMap;
    for (const auto &[name, value] : http.headers)
        out << YAML::Key << Yaml::Text{name, true} << YAML::Value << Yaml::Text{value};
    out << YAML::EndMap;
    out << YAML::EndMap;

    out << YAML::Key << "rendezvous" << YAML::Value;
    if (project.rendezvous.empty())
        out << YAML::Flow;
    out << YAML::BeginSeq;
    for (const RendezvousPolicy &policy : project.rendezvous) {
        out << YAML::Flow << YAML::BeginMap;
        out << YAML::Key << "name" << YAML::Value << Yaml::Text{policy.name};
        switch (policy.kind) {
        case RendezvousPolicy::Kind::AllRunning:
            out << YAML::Key << "policy" << YAML::Value << "all";
            break;
        case RendezvousPolicy::Kind::Count:
            out << YAML::Key << "policy" << YAML::Value << "count";
            emitNumber(out, "value", policy.value);
            break;
        case RendezvousPolicy::Kind::Percent:
            out << YAML::Key << "policy" << YAML::Value << "percent";
            emitNumber(out, "value", policy.value);
            break;
        }
        emitNumber(out, "timeout", policy.timeoutSeconds);
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;

    out << YAML::Key << "outputs" << YAML::Value;
    if (project.outputs.empty())
        out << YAML::Flow;
    out << YAML::BeginSeq;
    for (const OutputConfig &output : project.outputs) {
        out << YAML::Flow << YAML::BeginMap;
        out << YAML::Key << "kind" << YAML::Value << Yaml::Text{output.kind};
        out << YAML::Key << "target" << YAML::Value << Yaml::Text{output.target};
        for (const auto &[key, value] : output.options)
            out << YAML::Key << Yaml::Text{key, true} << YAML::Value << Yaml::Text{value};
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;

    emitData(out, project.data);

    // Only when there are some: a project without thresholds saves as it did before them.
    if (!project.thresholds.empty()) {
        out << YAML::Key << "thresholds" << YAML::Value << YAML::BeginSeq;
        for (const ThresholdSettings &threshold : project.thresholds) {
            if (!threshold.abort && threshold.graceSeconds == 0) {
                out << Yaml::Text{threshold.expression};
                continue;
            }
            out << YAML::Flow << YAML::BeginMap;
            out << YAML::Key << "threshold" << YAML::Value << Yaml::Text{threshold.expression};
            out << YAML::Key << "abort" << YAML::Value << threshold.abort;
            if (threshold.graceSeconds != 0)
                emitNumber(out, "grace", threshold.graceSeconds);
            out << YAML::EndMap;
        }
        out << YAML::EndSeq;
    }

    for (const auto &[key, text] : project.extraKeys) {
        YAML::Node value;
        try {
            value = YAML::Load(text);
        } catch (const YAML::Exception &) {
            value = YAML::Node(text); // not YAML after all: keep it as a string
        }
        out << YAML::Key << Yaml::Text{key, true} << YAML::Value << value;
    }
    out << YAML::EndMap;
    return std::string(out.c_str()) + '\n';
}

std::string projectToYaml(const Project &project, std::string_view original)
{
    std::string emitted = projectToYaml(project);
    if (original.empty())
        return emitted;
    // yaml-cpp drops comments: the emitted text is merged into the original, then read back.
    // The lenient match keeps "10s" for an unchanged 10; should it keep a text that means
    // something else in its place (a parameter "10s" changed to "10"), the exact one decides.
    const auto meaning = parseProject(emitted, "emitted");
    if (!meaning)
        return emitted;
    // The keys the writer spells out but the person left out (defaults) stay out when the
    // text means the same without them.
    for (const auto match : {Yaml::ScalarMatch::SameValue, Yaml::ScalarMatch::Exact}) {
        for (const bool addNewKeys : {false, true}) {
            const auto merged = Yaml::mergeYamlText(original, emitted, match, addNewKeys);
            if (!merged)
                return emitted;
            const auto reread = parseProject(*merged, "merged");
            if (reread && *reread == *meaning)
                return *merged;
        }
    }
    return emitted;
}

tl::expected<void, Error> saveProject(const Project &project, const std::string &path)
{
    std::string original;
    if (!project.path.empty()) {
        if (auto text = readTextFile(project.path, maxProjectBytes))
            original = std::move(*text);
    }
    return writeFileAtomically(path, projectToYaml(project, original));
}

} // namespace Loadwizard
