#include "projectworkload.h"

#include <loadwizard/rampprofile.h>

#include <optional>
#include <vector>

namespace Loadwizard {

using namespace Yaml;

namespace {

constexpr long long maxPool = static_cast<long long>(RampProfile::maxVusers);

} // namespace

std::string poolProblem(long long preAllocated, long long max)
{
    if (preAllocated == 0 && max == 0)
        return "an arrival rate needs vusers to run its iterations: give pre-allocated vusers "
               "or a maximum above 0";
    if (max > 0 && max < preAllocated)
        return "the maximum (" + std::to_string(max) + ") is below the pre-allocated vusers (" +
               std::to_string(preAllocated) + ")";
    return {};
}

Status readArrivalRate(const Reader &reader, const YAML::Node &node, const std::string &field,
                       ArrivalProfile &profile)
{
    if (node.IsScalar()) {
        const auto spec = reader.string(node, field);
        if (!spec)
            return tl::unexpected(spec.error());
        auto parsed = ArrivalProfile::parse(*spec);
        if (!parsed) {
            Error error = reader.error(node, field, parsed.error().message);
            error.token = parsed.error().token;
            error.position = parsed.error().position;
            return tl::unexpected(std::move(error));
        }
        profile = std::move(*parsed);
        return {};
    }
    if (!node.IsSequence() || node.size() == 0)
        return tl::unexpected(reader.error(node, field,
                                           "expected \"target,seconds,…\" or a list of "
                                           "{target, seconds} (iterations per second)"));
    std::vector<ArrivalStage> stages;
    std::vector<std::pair<YAML::Node, YAML::Node>> nodes; // to place errors
    for (std::size_t i = 0; i < node.size(); ++i) {
        const YAML::Node stage = node[i];
        const std::string path = indexed(field, i);
        if (!stage.IsMap())
            return tl::unexpected(reader.error(stage, path, "expected a map {target, seconds}"));
        ArrivalStage value;
        std::optional<YAML::Node> targetNode, secondsNode;
        auto status = reader.readMap(
            stage, path,
            {{"target",
              [&](const YAML::Node &n, const std::string &f) -> Status {
                  targetNode = n;
                  return into(value.target,
                              [&](auto &a, auto &b) { return reader.number(a, b); })(n, f);
              }},
             {"seconds", [&](const YAML::Node &n, const std::string &f) -> Status {
                  secondsNode = n;
                  return into(value.seconds,
                              [&](auto &a, auto &b) { return reader.duration(a, b); })(n, f);
              }}});
        if (!status)
            return status;
        if (!targetNode)
            return tl::unexpected(reader.error(stage, join(path, "target"), "missing target"));
        if (!secondsNode)
            return tl::unexpected(reader.error(stage, join(path, "seconds"), "missing seconds"));
        stages.push_back(value);
        nodes.emplace_back(*targetNode, *secondsNode);
    }
    auto checked = ArrivalProfile::fromStages(std::move(stages));
    if (!checked) {
        const Error &cause = checked.error();
        const std::size_t index = cause.position > 0 ? std::size_t(cause.position - 1) : 0;
        const auto &[targetNode, secondsNode] = nodes.at(std::min(index / 2, nodes.size() - 1));
        // fromStages names "stages[i].x"; here the list is the field itself.
        const std::string where = field + cause.field.substr(std::string("stages").size());
        Error error = reader.error(index % 2 ? secondsNode : targetNode, where, cause.message);
        error.token = cause.token;
        error.position = cause.position;
        return tl::unexpected(std::move(error));
    }
    profile = std::move(*checked);
    return {};
}

Status readPool(const Reader &reader, const YAML::Node &node, const std::string &field,
                Project &workload)
{
    auto count = [&](auto &a, auto &b) { return reader.integer(a, b, 0, maxPool); };
    auto status = reader.readMap(node, field,
                                 {{"pre_allocated", into(workload.preAllocatedVusers, count)},
                                  {"max", into(workload.maxVusers, count)}});
    if (!status)
        return status;
    if (const std::string problem = poolProblem(workload.preAllocatedVusers, workload.maxVusers);
        !problem.empty())
        return tl::unexpected(reader.error(node, field, problem));
    return {};
}

Status readPacing(const Reader &reader, const YAML::Node &node, const std::string &field,
                  PacingSettings &pacing)
{
    if (node.IsMap()) {
        std::optional<double> min, max;
        auto status = reader.readMap(
            node, field,
            {{"min", into(min, [&](auto &a, auto &b) { return reader.duration(a, b); })},
             {"max", into(max, [&](auto &a, auto &b) { return reader.duration(a, b); })}});
        if (!status)
            return status;
        if (!min || !max)
            return tl::unexpected(reader.error(node, join(field, min ? "max" : "min"),
                                               "a pacing range needs min: and max:"));
        if (*max < *min)
            return tl::unexpected(reader.error(node, join(field, "max"), "max is below min"));
        pacing = {*min, *max};
        return {};
    }
    const auto seconds = reader.duration(node, field);
    if (!seconds)
        return tl::unexpected(seconds.error());
    pacing = {*seconds, *seconds};
    return {};
}

void emitWorkload(YAML::Emitter &out, const Project &workload)
{
    out << YAML::Key << "arrival_rate" << YAML::Value << YAML::DoubleQuoted
        << workload.arrivalRate.toString();
    out << YAML::Key << "pool" << YAML::Value << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "pre_allocated" << YAML::Value << workload.preAllocatedVusers;
    out << YAML::Key << "max" << YAML::Value << workload.maxVusers;
    out << YAML::EndMap;
}

void emitPacing(YAML::Emitter &out, const PacingSettings &pacing)
{
    if (!pacing.enabled())
        return;
    out << YAML::Key << "pacing" << YAML::Value;
    if (pacing.minSeconds == pacing.maxSeconds) {
        out << formatNumber(pacing.minSeconds);
        return;
    }
    out << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "min" << YAML::Value << formatNumber(pacing.minSeconds);
    out << YAML::Key << "max" << YAML::Value << formatNumber(pacing.maxSeconds);
    out << YAML::EndMap;
}

} // namespace Loadwizard
