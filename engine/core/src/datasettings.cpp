#include <loadwizard/datasettings.h>

#include <algorithm>
#include <cctype>

namespace Loadwizard {

namespace {

bool endsWithNoCase(std::string_view text, std::string_view suffix)
{
    if (text.size() < suffix.size())
        return false;
    return std::equal(suffix.begin(), suffix.end(), text.end() - std::ptrdiff_t(suffix.size()),
                      [](char a, char b) {
                          return std::tolower(static_cast<unsigned char>(a)) ==
                                 std::tolower(static_cast<unsigned char>(b));
                      });
}

} // namespace

DataFormat DataSourceSettings::effectiveFormat() const
{
    if (format != DataFormat::Auto)
        return format;
    if (endsWithNoCase(file, ".jsonl") || endsWithNoCase(file, ".ndjson"))
        return DataFormat::JsonLines;
    return DataFormat::Csv;
}

char DataSourceSettings::effectiveDelimiter() const
{
    if (!delimiter.empty())
        return delimiter.front();
    return endsWithNoCase(file, ".tsv") ? '\t' : ',';
}

DataExhaustion DataSourceSettings::effectiveExhaustion() const
{
    switch (strategy) {
    case DataStrategy::Random:
    case DataStrategy::PerVuser:
        return DataExhaustion::Recycle;
    case DataStrategy::Unique:
        return onExhausted == DataExhaustion::Default ? DataExhaustion::StopVuser : onExhausted;
    case DataStrategy::Sequential:
        break;
    }
    return onExhausted == DataExhaustion::Default ? DataExhaustion::Recycle : onExhausted;
}

std::string_view dataFormatName(DataFormat format)
{
    switch (format) {
    case DataFormat::Csv:
        return "csv";
    case DataFormat::JsonLines:
        return "jsonl";
    case DataFormat::Auto:
        break;
    }
    return "";
}

std::string_view dataStrategyName(DataStrategy strategy)
{
    switch (strategy) {
    case DataStrategy::Sequential:
        return "sequential";
    case DataStrategy::Unique:
        return "unique";
    case DataStrategy::Random:
        return "random";
    case DataStrategy::PerVuser:
        return "per-vuser";
    }
    return "";
}

std::string_view dataExhaustionName(DataExhaustion exhaustion)
{
    switch (exhaustion) {
    case DataExhaustion::Recycle:
        return "recycle";
    case DataExhaustion::StopVuser:
        return "stop-vuser";
    case DataExhaustion::StopRun:
        return "stop-run";
    case DataExhaustion::Default:
        break;
    }
    return "";
}

std::optional<DataFormat> dataFormatFromName(std::string_view name)
{
    if (name == "csv")
        return DataFormat::Csv;
    if (name == "jsonl")
        return DataFormat::JsonLines;
    return std::nullopt;
}

std::optional<DataStrategy> dataStrategyFromName(std::string_view name)
{
    for (auto strategy : {DataStrategy::Sequential, DataStrategy::Unique, DataStrategy::Random,
                          DataStrategy::PerVuser}) {
        if (dataStrategyName(strategy) == name)
            return strategy;
    }
    return std::nullopt;
}

std::optional<DataExhaustion> dataExhaustionFromName(std::string_view name)
{
    for (auto exhaustion :
         {DataExhaustion::Recycle, DataExhaustion::StopVuser, DataExhaustion::StopRun}) {
        if (dataExhaustionName(exhaustion) == name)
            return exhaustion;
    }
    return std::nullopt;
}

bool isValidDataName(std::string_view name)
{
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    });
}

} // namespace Loadwizard
