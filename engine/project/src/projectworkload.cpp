#include "projectworkload.h"

#include <loadwizard/rampprofile.h>

#include <algorithm>
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

tl::expected<PairList, Error> readPairList(const Reader &reader, const YAML::Node &list,
                                           const std::string &path, const std::string &key)
{
    PairList pairs;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const YAML::Node item = list[i];
        const std::string itemPath = indexed(path, i);
        if (!item.IsMap())
            return tl::unexpected(
                reader.error(item, itemPath, "expected a map {" + key + ", seconds}"));
        double value = 0;
        double seconds = 0;
        std::optional<YAML::Node> valueNode, secondsNode;
        auto status = reader.readMap(
            item, itemPath,
            {{key,
              [&](const YAML::Node &n, const std::string &f) -> Status {
                  valueNode = n;
                  return into(value, [&](auto &a, auto &b) { return reader.number(a, b); })(n, f);
              }},
             {"seconds", [&](const YAML::Node &n, const std::string &f) -> Status {
                  secondsNode = n;
                  return into(seconds, [&](auto &a, auto &b) { return reader.duration(a, b); })(n,
                                                                                                f);
              }}});
        if (!status)
            return tl::unexpected(status.error());
        if (!valueNode)
            return tl::unexpected(reader.error(item, join(itemPath, key), "missing " + key));
        if (!secondsNode)
            return tl::unexpected(reader.error(item, join(itemPath, "seconds"), "missing seconds"));
        pairs.values.emplace_back(value, seconds);
        pairs.nodes.emplace_back(*valueNode, *secondsNode);
    }
    return pairs;
}

Error placedPairError(const Reader &reader, const PairList &list, const Error &cause,
                      const std::string &where)
{
    const std::size_t index = cause.position > 0 ? std::size_t(cause.position - 1) : 0;
    const auto &[valueNode, secondsNode] =
        list.nodes.at(std::min(index / 2, list.nodes.size() - 1));
    Error error = reader.error(index % 2 ? secondsNode : valueNode, where, cause.message);
    error.token = cause.token;
    error.position = cause.position;
    return error;
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
    auto list = readPairList(reader, node, field, "target");
    if (!list)
        return tl::unexpected(list.error());
    std::vector<ArrivalStage> stages;
    for (const auto &[target, seconds] : list->values)
        stages.push_back({target, seconds});
    auto checked = ArrivalProfile::fromStages(std::move(stages));
    if (!checked) // fromStages names "stages[i].x"; here the list is the field itself
        return tl::unexpected(
            placedPairError(reader, *list, checked.error(),
                            field + checked.error().field.substr(std::string("stages").size())));
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
