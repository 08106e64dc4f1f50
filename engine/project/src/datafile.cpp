#include <loadwizard/datafile.h>

#include <loadwizard/suggest.h>
#include <loadwizard/variables.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>

#include <nlohmann/json.hpp>

namespace Loadwizard {

namespace fs = std::filesystem;

namespace {

tl::unexpected<Error> failure(const std::string &fileName, int line, std::string message)
{
    Error error;
    error.message = std::move(message);
    error.file = fileName;
    error.line = line;
    return tl::unexpected(std::move(error));
}

std::string plural(std::size_t count, const char *noun)
{
    return std::to_string(count) + ' ' + noun + (count == 1 ? "" : "s");
}

/// Column names must be unique and non-empty, or `row["name"]` could not reach every column.
tl::expected<void, Error> checkColumns(const std::vector<std::string> &columns,
                                       const std::string &fileName, int line)
{
    std::set<std::string_view> seen;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        if (columns[i].empty())
            return failure(fileName, line,
                           "column " + std::to_string(i + 1) + " of the header has no name");
        if (!seen.insert(columns[i]).second)
            return failure(fileName, line,
                           "column \"" + shortened(columns[i]) + "\" is named twice in the header");
    }
    return {};
}

/// What a JSON exception says, for a message. "[json.exception.parse_error.101] parse error at
/// line 1, column 5: …": the column and the reason. nlohmann quotes the token it stopped at
/// whole ("last read: '…'", "number overflow parsing '…'"): an unterminated string would put
/// the rest of a 1 GiB line into the message, so the token is shortened.
std::string jsonReason(const nlohmann::json::exception &e)
{
    std::string_view what = e.what();
    if (auto at = what.find("column "); at != std::string_view::npos)
        what.remove_prefix(at);
    else if (auto at = what.find("] "); at != std::string_view::npos)
        what.remove_prefix(at + 2);
    std::string reason(what);
    for (const std::string_view opener : {"last read: '", "parsing '"}) {
        const std::size_t at = what.find(opener);
        if (at == std::string_view::npos)
            continue;
        const std::size_t begin = at + opener.size();
        std::size_t end = what.rfind("'; expected "); // parse errors may end so
        if (end == std::string_view::npos || end < begin)
            end = what.rfind('\'');
        if (end != std::string_view::npos && end >= begin)
            reason = std::string(what.substr(0, begin)) +
                     shortened(what.substr(begin, end - begin)) + std::string(what.substr(end));
        break;
    }
    // A token holding "'; expected " itself could still leave it long.
    constexpr std::size_t longest = 400;
    if (reason.size() > longest) {
        std::size_t cut = longest;
        while (cut > 0 && (static_cast<unsigned char>(reason[cut]) & 0xC0) == 0x80)
            --cut;
        reason = reason.substr(0, cut) + "…";
    }
    return reason;
}

/// How deep arrays and objects may nest in a JSON line. A value that is not a string is kept as
/// its JSON text, and nlohmann writes that text out recursing once per level: 20 000 levels
/// (40 KB of brackets) overflowed the stack.
constexpr int maxJsonDepth = 100;

/// The 1-based column of the bracket that nests deeper than maxJsonDepth, or 0. Exact for valid
/// JSON; a line it misjudges is not valid JSON and is refused either way.
std::size_t tooDeepAt(std::string_view line)
{
    int depth = 0;
    bool inString = false;
    bool escaped = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > maxJsonDepth)
                return i + 1;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return 0;
}

std::string tooManyCells()
{
    return "more than " + std::to_string(maxDataCells) +
           " cells (rows times columns), the most a data file may have (split it)";
}

} // namespace

// Hand-written: Debian's one C CSV library (libcsv) reports neither the line of an error nor
// where a runaway quote began, and would hand every field over through a callback to be copied
// again; this parser compacts the fields in place, so the file's own buffer becomes the table's
// arena and a 1 GiB file needs no second gigabyte.
tl::expected<DataTablePtr, Error> parseCsv(std::string text, const std::string &feeder,
                                           const std::string &fileName, char delimiter)
{
    const std::size_t n = text.size();
    if (n > std::numeric_limits<std::uint32_t>::max()) // offsets are 32-bit
        return failure(fileName, 0, "the file has more than 4 GiB");
    std::size_t r = 0; // read position
    std::size_t w = 0; // write position: never ahead of r, every byte written was read
    int line = 1;
    if (text.starts_with("\xEF\xBB\xBF"))
        r = 3;
    const auto lineEndAt = [&](std::size_t i) {
        return text[i] == '\n' || (text[i] == '\r' && (i + 1 == n || text[i + 1] == '\n'));
    };

    std::vector<std::string> columns;
    std::vector<std::uint32_t> offsets;
    bool haveHeader = false;
    while (r < n) {
        if (lineEndAt(r)) { // a blank line: no record
            r += text[r] == '\r' ? 2 : 1;
            ++line;
            continue;
        }
        const int recordLine = line;
        std::size_t fields = 0;
        for (;;) {
            if (offsets.size() >= maxDataCells)
                return failure(fileName, line, tooManyCells());
            offsets.push_back(std::uint32_t(w));
            if (r < n && text[r] == '"') {
                const int quoteLine = line;
                ++r;
                for (;;) {
                    if (r >= n)
                        return failure(fileName, quoteLine,
                                       "unterminated quoted field: the quote that opens it on "
                                       "this line is never closed");
                    const char c = text[r];
                    if (c == '"') {
                        if (r + 1 < n && text[r + 1] == '"') {
                            text[w++] = '"';
                            r += 2;
                            continue;
                        }
                        ++r;
                        break;
                    }
                    if (c == '\n')
                        ++line;
                    text[w++] = c;
                    ++r;
                }
                if (r < n && text[r] != delimiter && !lineEndAt(r))
                    return failure(fileName, line,
                                   "text after a closing quote (a quote inside a quoted field is "
                                   "written \"\")");
            } else {
                while (r < n && text[r] != delimiter && !lineEndAt(r))
                    text[w++] = text[r++];
            }
            ++fields;
            if (r < n && text[r] == delimiter) {
                ++r;
                continue;
            }
            if (r < n && text[r] == '\r')
                ++r;
            if (r < n && text[r] == '\n') {
                ++r;
                ++line;
            }
            break;
        }
        if (!haveHeader) {
            offsets.push_back(std::uint32_t(w));
            for (std::size_t i = 0; i < fields; ++i)
                columns.emplace_back(text, offsets[i], offsets[i + 1] - offsets[i]);
            if (auto ok = checkColumns(columns, fileName, recordLine); !ok)
                return tl::unexpected(ok.error());
            offsets.clear();
            w = 0;
            haveHeader = true;
            continue;
        }
        if (fields != columns.size())
            return failure(fileName, recordLine,
                           plural(fields, "field") + " where the header has " +
                               std::to_string(columns.size()) + " (a ragged row)");
    }
    if (!haveHeader)
        return failure(fileName, 0, "the file is empty (expected a header row naming the columns)");
    if (offsets.empty())
        return failure(fileName, 0, "no rows after the header");
    offsets.push_back(std::uint32_t(w));
    text.resize(w);
    if (text.capacity() > w + w / 4)
        text.shrink_to_fit();
    offsets.shrink_to_fit();
    return std::make_shared<const DataTable>(feeder, std::move(columns), std::move(text),
                                             std::move(offsets));
}

tl::expected<DataTablePtr, Error> parseJsonLines(std::string_view text, const std::string &feeder,
                                                 const std::string &fileName)
{
    std::vector<std::string> columns;
    std::string arena;
    std::vector<std::uint32_t> offsets;
    int firstLine = 0;
    int line = 0;
    std::size_t start = 0;
    if (text.starts_with("\xEF\xBB\xBF"))
        start = 3;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos)
            end = text.size();
        std::string_view content = text.substr(start, end - start);
        start = end + 1;
        ++line;
        if (content.find_first_not_of(" \t\r") == std::string_view::npos)
            continue;
        if (const std::size_t column = tooDeepAt(content))
            return failure(fileName, line,
                           "column " + std::to_string(column) +
                               ": arrays and objects nest deeper than " +
                               std::to_string(maxJsonDepth) + " levels");
        nlohmann::ordered_json object;
        try {
            object = nlohmann::ordered_json::parse(content);
        } catch (const nlohmann::json::exception &e) {
            // A syntax error (parse_error) or a number out of double's range (out_of_range 406,
            // "1e999"): either is the line's fault, not a crash.
            return failure(fileName, line, "not a JSON object: " + jsonReason(e));
        }
        if (!object.is_object())
            return failure(fileName, line,
                           std::string("expected a JSON object, not ") + object.type_name());
        if (!firstLine) {
            firstLine = line;
            for (const auto &item : object.items())
                columns.push_back(item.key());
            if (columns.empty())
                return failure(fileName, line, "the first object has no keys to name columns");
            if (auto ok = checkColumns(columns, fileName, line); !ok)
                return tl::unexpected(ok.error());
        }
        std::size_t found = 0;
        for (const std::string &column : columns) {
            const auto it = object.find(column);
            if (it == object.end())
                return failure(fileName, line,
                               "no key \"" + shortened(column) + "\" (line " +
                                   std::to_string(firstLine) +
                                   " has it: every line needs the "
                                   "same keys)");
            ++found;
            if (offsets.size() >= maxDataCells)
                return failure(fileName, line, tooManyCells());
            offsets.push_back(std::uint32_t(arena.size()));
            if (it->is_string())
                arena += it->get_ref<const std::string &>();
            else
                arena += it->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
            if (arena.size() > maxDataFileBytes * 2)
                return failure(fileName, line, "the values take more than 2 GiB as text");
        }
        if (found != object.size()) {
            for (const auto &item : object.items()) {
                if (std::find(columns.begin(), columns.end(), item.key()) == columns.end())
                    return failure(fileName, line,
                                   "key \"" + shortened(item.key()) + "\" is not on line " +
                                       std::to_string(firstLine) +
                                       " (every line needs the same keys)");
            }
        }
    }
    if (!firstLine)
        return failure(fileName, 0, "the file has no JSON lines (no rows)");
    offsets.push_back(std::uint32_t(arena.size()));
    arena.shrink_to_fit();
    offsets.shrink_to_fit();
    return std::make_shared<const DataTable>(feeder, std::move(columns), std::move(arena),
                                             std::move(offsets));
}

tl::expected<void, Error> overrideDataFile(Project &project, std::string_view spec)
{
    const auto fail = [&](std::string message) {
        Error error;
        error.message = std::move(message);
        error.field = "--data";
        return tl::unexpected(std::move(error));
    };
    const auto eq = spec.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == spec.size())
        return fail("expected NAME=FILE, got \"" + shortened(spec) + '"');
    const std::string name(spec.substr(0, eq));
    std::error_code error;
    const fs::path given(spec.substr(eq + 1));
    const fs::path absolute = fs::absolute(given, error);
    const std::string file = (error ? given : absolute).lexically_normal().string();
    for (DataSourceSettings &feeder : project.data) {
        if (feeder.name == name) {
            feeder.file = file;
            return {};
        }
    }
    // A group's own feeder: every group that has one of that name takes the file.
    bool inGroups = false;
    std::vector<std::string_view> known;
    for (const DataSourceSettings &feeder : project.data)
        known.push_back(feeder.name);
    for (ProjectGroup &group : project.groups) {
        for (DataSourceSettings &feeder : group.data) {
            known.push_back(feeder.name);
            if (feeder.name == name) {
                feeder.file = file;
                inGroups = true;
            }
        }
    }
    if (inGroups)
        return {};
    if (!known.empty()) {
        return fail("the project has no data feeder \"" + shortened(name) + '"' +
                    suggestionFor(name, known));
    }
    if (!isValidDataName(name))
        return fail("feeder name \"" + shortened(name) +
                    "\" may only have letters, digits, _ and -");
    DataSourceSettings feeder;
    feeder.name = name;
    feeder.file = file;
    project.data.push_back(std::move(feeder));
    return {};
}

tl::expected<DataTablePtr, Error> loadDataFile(const DataSourceSettings &settings,
                                               const std::string &baseDir, std::uint64_t maxBytes)
{
    auto expanded = expandVariables(settings.file, "data." + settings.name + ".file");
    if (!expanded)
        return tl::unexpected(expanded.error());
    fs::path path(*expanded);
    if (path.is_relative() && !baseDir.empty())
        path = fs::path(baseDir) / path;
    const std::string fileName = path.string();
    const std::string what = "data " + settings.name + ": ";

    std::error_code code;
    if (fs::is_directory(path, code))
        return failure(fileName, 0, what + "is a folder, not a data file");
    // /dev/zero would be read up to the cap before being refused; a FIFO with no writer blocks
    // open() where no signal is watched yet (Ctrl-C would not end it).
    if (fs::is_character_file(path, code) || fs::is_block_file(path, code) ||
        fs::is_socket(path, code) || fs::is_fifo(path, code))
        return failure(fileName, 0, what + "is a device, a FIFO or a socket, not a data file");
    std::ifstream file(path, std::ios::binary);
    if (!file)
        return failure(fileName, 0, what + "cannot open: " + std::strerror(errno));
    const auto size = fs::file_size(path, code);
    if (!code && size > maxBytes)
        return failure(fileName, 0,
                       what + "the file has " + std::to_string(size) + " bytes, more than the " +
                           std::to_string(maxBytes) + " a data file may have (split it)");
    std::string text;
    if (!code)
        text.reserve(std::size_t(size));
    // Read at most one chunk past the cap: a growing file or a pipe is refused the same way.
    char chunk[65536];
    while (text.size() <= maxBytes && file.read(chunk, sizeof chunk).gcount() > 0)
        text.append(chunk, std::size_t(file.gcount()));
    if (file.bad())
        return failure(fileName, 0, what + "cannot read: " + std::strerror(errno));
    if (text.size() > maxBytes)
        return failure(fileName, 0,
                       what + "the file has more than " + std::to_string(maxBytes) +
                           " bytes, the most a data file may have (split it)");

    auto table =
        settings.effectiveFormat() == DataFormat::JsonLines
            ? parseJsonLines(text, settings.name, fileName)
            : parseCsv(std::move(text), settings.name, fileName, settings.effectiveDelimiter());
    if (!table) {
        Error error = table.error();
        error.message = what + error.message;
        return tl::unexpected(std::move(error));
    }
    return table;
}

} // namespace Loadwizard
