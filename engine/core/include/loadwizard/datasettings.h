#pragma once

// A data feeder as the project declares it (`data:`): plain values, no file read yet.

#include <optional>
#include <string>
#include <string_view>

namespace Loadwizard {

/// How a data file is read.
enum class DataFormat
{
    Auto, ///< from the extension: .jsonl/.ndjson are JSON lines, anything else CSV
    Csv,
    JsonLines
};

/// Which row a vuser gets when it asks a feeder.
enum class DataStrategy
{
    Sequential, ///< rows in file order across all vusers
    Unique,     ///< each row at most once in the run
    Random,     ///< uniform, from the vuser's own generator
    PerVuser    ///< vuser N always gets row (N-1) mod rows
};

/// What a sequential or unique feeder does once every row was handed out.
enum class DataExhaustion
{
    Default,   ///< sequential: Recycle, unique: StopVuser
    Recycle,   ///< start over at the first row
    StopVuser, ///< the vuser that asks for more ends
    StopRun    ///< the run stops gracefully, as when the profile ends
};

/// One entry of the project's `data:` map.
struct DataSourceSettings
{
    std::string name; ///< [A-Za-z0-9_-]+
    std::string file; ///< as written: relative to the project file's folder, ${VAR} allowed
    DataFormat format = DataFormat::Auto;
    std::string delimiter; ///< CSV only; empty: "," ("\t" for .tsv)
    DataStrategy strategy = DataStrategy::Sequential;
    DataExhaustion onExhausted = DataExhaustion::Default;

    bool operator==(const DataSourceSettings &) const = default;

    /// The format after Auto was decided from the file name.
    DataFormat effectiveFormat() const;
    /// The CSV delimiter after the default was applied.
    char effectiveDelimiter() const;
    /// The exhaustion action after the strategy's default was applied (Recycle for random and
    /// per-vuser, which never run out).
    DataExhaustion effectiveExhaustion() const;
};

std::string_view dataFormatName(DataFormat format); ///< "csv", "jsonl"; "" for Auto
std::string_view dataStrategyName(DataStrategy strategy);
std::string_view dataExhaustionName(DataExhaustion exhaustion); ///< "" for Default
std::optional<DataFormat> dataFormatFromName(std::string_view name);
std::optional<DataStrategy> dataStrategyFromName(std::string_view name);
std::optional<DataExhaustion> dataExhaustionFromName(std::string_view name);
/// A feeder name the project and scenarios can both spell: [A-Za-z0-9_-]+.
bool isValidDataName(std::string_view name);

} // namespace Loadwizard
