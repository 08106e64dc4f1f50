// Fuzzes the data-file parsers: parseCsv() and parseJsonLines() on text held in memory (nothing
// is opened: loadDataFile() is not called). The first byte picks the parser: '\n' for JSON lines,
// any other byte is the CSV delimiter (a quote or '\r', which no delimiter may be, means ',').
// A table that parses must have unique, named columns and at least one row, every cell in
// reach, and must read back the same after being written out again (CSV with every field quoted;
// JSON lines with every value a string).

#include "fuzzcheck.h"

#include <loadwizard/datafile.h>

#include <algorithm>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

namespace {

using Loadwizard::DataTable;

// The names errors carry; no file of that name is ever opened.
const std::string fakeFileName = "fuzz-data.csv";
const std::string feederName = "users";

void checkError(const Loadwizard::Error &error, std::string_view text)
{
    FUZZ_CHECK(error.file == fakeFileName, error.toString());
    FUZZ_CHECK(!error.message.empty(), text);
    // Line 0 is "the whole file"; a line is never past the last one.
    const auto lines = std::count(text.begin(), text.end(), '\n') + 1;
    FUZZ_CHECK(error.line >= 0 && error.line <= lines, error.toString());
    // Errors quote the user's text shortened: a 100 000-character cell helps nobody.
    FUZZ_CHECK(error.message.size() <= 1024, error.message);
}

void checkTable(const DataTable &table, std::string_view text)
{
    FUZZ_CHECK(table.feeder() == feederName, table.feeder());
    FUZZ_CHECK(table.columnCount() >= 1, text);
    FUZZ_CHECK(table.rowCount() >= 1, text);
    std::set<std::string_view> names;
    for (const std::string &column : table.columns()) {
        FUZZ_CHECK(!column.empty(), text);
        FUZZ_CHECK(names.insert(column).second, column);
        FUZZ_CHECK(table.columnIndex(column) < table.columnCount(), column);
    }
    // Every cell lies inside the arena (substr() would throw otherwise; ASan sees the rest).
    std::size_t bytes = 0;
    for (std::size_t row = 0; row < table.rowCount(); ++row) {
        for (std::size_t column = 0; column < table.columnCount(); ++column)
            bytes += table.cell(row, column).size();
    }
    FUZZ_CHECK(bytes <= table.memoryBytes(), text);
}

void checkSame(const DataTable &a, const DataTable &b, std::string_view written)
{
    FUZZ_CHECK(a.columns() == b.columns(), written);
    FUZZ_CHECK(a.rowCount() == b.rowCount(), written);
    for (std::size_t row = 0; row < a.rowCount(); ++row) {
        for (std::size_t column = 0; column < a.columnCount(); ++column)
            FUZZ_CHECK(a.cell(row, column) == b.cell(row, column), written);
    }
}

std::string csvField(std::string_view field)
{
    std::string out = "\"";
    for (const char c : field) {
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + '"';
}

std::string toCsv(const DataTable &table, char delimiter)
{
    std::string out;
    for (std::size_t i = 0; i < table.columnCount(); ++i)
        out += (i ? std::string(1, delimiter) : std::string()) + csvField(table.columns()[i]);
    out += "\r\n";
    for (std::size_t row = 0; row < table.rowCount(); ++row) {
        for (std::size_t column = 0; column < table.columnCount(); ++column)
            out += (column ? std::string(1, delimiter) : std::string()) +
                   csvField(table.cell(row, column));
        out += '\n';
    }
    return out;
}

std::string toJsonLines(const DataTable &table)
{
    std::string out;
    for (std::size_t row = 0; row < table.rowCount(); ++row) {
        nlohmann::ordered_json object = nlohmann::ordered_json::object();
        for (std::size_t column = 0; column < table.columnCount(); ++column)
            object[table.columns()[column]] = std::string(table.cell(row, column));
        out += object.dump() + '\n'; // throws on invalid UTF-8: a finding
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size == 0)
        return 0;
    const char mode = char(data[0]);
    const std::string_view text = LoadwizardFuzz::asText(data + 1, size - 1);
    if (mode == '\n') {
        const auto table = Loadwizard::parseJsonLines(text, feederName, fakeFileName);
        if (!table) {
            checkError(table.error(), text);
            return 0;
        }
        checkTable(**table, text);
        // No more rows than non-blank lines.
        FUZZ_CHECK((*table)->rowCount() <=
                       std::size_t(std::count(text.begin(), text.end(), '\n') + 1),
                   text);
        const std::string written = toJsonLines(**table);
        const auto again = Loadwizard::parseJsonLines(written, feederName, fakeFileName);
        FUZZ_CHECK(again.has_value(), written + "\n---- " + again.error().toString());
        checkSame(**table, **again, written);
        return 0;
    }

    const char delimiter = mode == '"' || mode == '\r' ? ',' : mode;
    const auto table = Loadwizard::parseCsv(std::string(text), feederName, fakeFileName, delimiter);
    if (!table) {
        checkError(table.error(), text);
        return 0;
    }
    checkTable(**table, text);
    // Every cell is at most the file: compacting in place never grows a field.
    for (std::size_t row = 0; row < (*table)->rowCount(); ++row) {
        for (std::size_t column = 0; column < (*table)->columnCount(); ++column)
            FUZZ_CHECK((*table)->cell(row, column).size() <= text.size(), text);
    }
    const std::string written = toCsv(**table, delimiter);
    const auto again = Loadwizard::parseCsv(written, feederName, fakeFileName, delimiter);
    FUZZ_CHECK(again.has_value(), written + "\n---- " + again.error().toString());
    checkSame(**table, **again, written);
    return 0;
}
