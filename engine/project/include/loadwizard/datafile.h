#pragma once

#include <loadwizard/data.h>
#include <loadwizard/datasettings.h>
#include <loadwizard/error.h>
#include <loadwizard/project.h>

#include <cstdint>
#include <memory>
#include <string>

#include <tl/expected.hpp>

namespace Loadwizard {

/// The largest data file read (1 GiB): a table keeps the file's bytes plus 4 per cell, so a
/// bigger one is refused with a message instead of exhausting memory mid-start.
inline constexpr std::uint64_t maxDataFileBytes = 1ull << 30;

/// The most cells a table holds (256 Mi: 1 GiB of offsets). A 1 GiB file of one-byte cells
/// would otherwise need 4 GiB of offsets on top of itself.
inline constexpr std::uint64_t maxDataCells = 1ull << 28;

using DataTablePtr = std::shared_ptr<const DataTable>;

/// Parses CSV per RFC 4180: the first record names the columns; quoted fields may hold the
/// delimiter, line breaks and "" for a quote; CRLF or LF; a UTF-8 BOM is skipped; blank lines
/// are skipped. Errors carry `fileName` and the 1-based line (for an unterminated quote, the
/// line where the quoted field began). Takes the text by value: it becomes the table's arena.
tl::expected<DataTablePtr, Error> parseCsv(std::string text, const std::string &feeder,
                                           const std::string &fileName, char delimiter = ',');
/// Parses JSON lines: one object per line, the first line's keys are the columns and every line
/// must have the same keys; string values as they are, others as their JSON text.
tl::expected<DataTablePtr, Error> parseJsonLines(std::string_view text, const std::string &feeder,
                                                 const std::string &fileName);
/// Reads a feeder's file: `file` with ${VAR} expanded, relative to `baseDir` (the project file's
/// folder; empty: the working directory). Refuses files above `maxBytes`.
tl::expected<DataTablePtr, Error> loadDataFile(const DataSourceSettings &settings,
                                               const std::string &baseDir,
                                               std::uint64_t maxBytes = maxDataFileBytes);

/// `--data NAME=PATH`: feeder NAME reads PATH instead (relative to the working directory, like
/// every command-line path), keeping its strategy. A project without feeders gets a new
/// sequential one; in a project with feeders, an unknown NAME is an error listing them.
tl::expected<void, Error> overrideDataFile(Project &project, std::string_view spec);

} // namespace Loadwizard
