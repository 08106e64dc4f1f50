#pragma once

// Test data for scenarios: the project's `data:` feeders, read with `vu.data("users")`.
// Standard library only, like the rest of the SDK.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace Loadwizard {

/// An immutable table read from a data file: every cell's text in one contiguous arena with an
/// offset per cell, so a million-row file costs its own size plus 4 bytes a cell. Loaded once
/// before the run and shared by every worker; never changed after.
class DataTable
{
public:
    /// `offsets` holds rows × columns + 1 entries: cell i is arena[offsets[i], offsets[i+1]).
    DataTable(std::string feeder, std::vector<std::string> columns, std::string arena,
              std::vector<std::uint32_t> offsets)
        : m_feeder(std::move(feeder))
        , m_columns(std::move(columns))
        , m_arena(std::move(arena))
        , m_offsets(std::move(offsets))
    {}

    /// The feeder's name in the project (`data: users:` → "users").
    const std::string &feeder() const { return m_feeder; }
    const std::vector<std::string> &columns() const { return m_columns; }
    std::size_t columnCount() const { return m_columns.size(); }
    std::size_t rowCount() const
    {
        return m_columns.empty() || m_offsets.empty() ? 0
                                                      : (m_offsets.size() - 1) / m_columns.size();
    }
    /// No bounds check: row < rowCount(), column < columnCount().
    std::string_view cell(std::size_t row, std::size_t column) const
    {
        const std::size_t i = row * m_columns.size() + column;
        return std::string_view(m_arena).substr(m_offsets[i], m_offsets[i + 1] - m_offsets[i]);
    }
    /// The column's position, or npos.
    std::size_t columnIndex(std::string_view name) const
    {
        for (std::size_t i = 0; i < m_columns.size(); ++i) {
            if (m_columns[i] == name)
                return i;
        }
        return npos;
    }
    /// "a, b, c": for messages.
    std::string columnList() const
    {
        std::string list;
        for (const auto &column : m_columns)
            list += (list.empty() ? "" : ", ") + column;
        return list;
    }
    /// Bytes held (arena and offsets).
    std::size_t memoryBytes() const
    {
        return m_arena.capacity() + m_offsets.capacity() * sizeof(std::uint32_t);
    }

    static constexpr std::size_t npos = std::size_t(-1);

private:
    std::string m_feeder;
    std::vector<std::string> m_columns;
    std::string m_arena;
    std::vector<std::uint32_t> m_offsets;
};

/// One row of a feeder, as `vu.data("users")` hands it out. A cheap value (a pointer and an
/// index); its string_views stay valid for the whole run.
class DataRow
{
public:
    DataRow() = default;
    DataRow(const DataTable *table, std::size_t row)
        : m_table(table)
        , m_row(row)
    {}

    /// The cell in column `column`; throws std::out_of_range naming the feeder and its columns.
    std::string_view operator[](std::string_view column) const
    {
        const std::size_t i = m_table ? m_table->columnIndex(column) : DataTable::npos;
        if (i == DataTable::npos) {
            throw std::out_of_range(
                m_table ? "data " + m_table->feeder() + ": no column \"" + std::string(column) +
                              "\" (columns: " + m_table->columnList() + ")"
                        : "empty data row: no column \"" + std::string(column) + '"');
        }
        return m_table->cell(m_row, i);
    }
    /// The cell at a 0-based column position; throws std::out_of_range.
    std::string_view at(std::size_t column) const
    {
        if (column >= size()) {
            throw std::out_of_range("data " + (m_table ? m_table->feeder() : std::string("row")) +
                                    ": no column " + std::to_string(column) + " (it has " +
                                    std::to_string(size()) + ")");
        }
        return m_table->cell(m_row, column);
    }
    /// Number of columns.
    std::size_t size() const { return m_table ? m_table->columnCount() : 0; }
    /// Column names, in the file's order.
    const std::vector<std::string> &columns() const
    {
        static const std::vector<std::string> none;
        return m_table ? m_table->columns() : none;
    }
    /// 0-based row number in the file (the header and blank lines not counted).
    std::size_t index() const { return m_row; }
    /// The feeder's name.
    std::string_view feeder() const { return m_table ? m_table->feeder() : std::string_view(); }

private:
    const DataTable *m_table = nullptr;
    std::size_t m_row = 0;
};

/// Thrown by Vuser::data() when a feeder has no rows left and its `on_exhausted` is stop-vuser
/// or stop-run. The engine ends the vuser (its current iteration counts as interrupted, neither
/// completed nor failed). Deliberately not a std::exception, so that a scenario's
/// `catch (const std::exception &)` does not swallow it; a `catch (...)` must rethrow it.
class StopVuser
{
public:
    explicit StopVuser(std::string reason)
        : m_reason(std::move(reason))
    {}
    const char *what() const noexcept { return m_reason.c_str(); }

private:
    std::string m_reason;
};

} // namespace Loadwizard
