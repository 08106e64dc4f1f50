#pragma once

// `json:` bodies: any YAML value as nlohmann::ordered_json and back, with YAML 1.2's core schema
// for unquoted scalars (docs/declarative-scenarios.md, "Requests").

#include <loadwizard/yamlreader.h>

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <set>
#include <string_view>

namespace Loadwizard::Steps {

/// Whether an unquoted scalar is not a string under YAML 1.2's core schema: `~`, `null`,
/// `true`, `False`, `12`, `0x1F`, `0o17`, `-1.5e3`, `.inf`, `.nan`, …
bool isCoreSchemaNonString(std::string_view text);

/// The null, boolean or number such a scalar means; none for `.inf`, `.nan` and numbers out of
/// range (JSON has no such value) and for strings.
std::optional<nlohmann::ordered_json> coreSchemaValue(std::string_view text);

/// Whether `text` is exactly one template: `${` … `}` with no other `${` or `}` inside.
bool isOneTemplate(std::string_view text);

/// Where a map or list starts in the text, the same for each alias (`*name`) of it; -1 for
/// anything else.
int collectionPlace(const YAML::Node &node);

/// Values read from a place reached again through an alias: read twice, then copied. A file
/// whose aliases repeat a part many times ("billion laughs") then costs its expanded size in
/// the budget, not in work.
template <typename T>
class AliasMemo
{
public:
    struct Entry
    {
        T value;
        std::size_t items = 0; ///< budget it took
        int height = 0;        ///< nesting levels it holds
    };

    /// The value kept for `place`, if any.
    const Entry *find(int place) const
    {
        const auto it = m_kept.find(place);
        return it == m_kept.end() ? nullptr : &it->second;
    }
    /// Whether `place` was read before (and notes that it is now).
    bool repeated(int place) { return place >= 0 && !m_seen.insert(place).second; }
    void keep(int place, Entry entry) { m_kept.emplace(place, std::move(entry)); }

private:
    std::set<int> m_seen;
    std::map<int, Entry> m_kept;
};

/// What converting one scenario's JSON bodies shares: the scenario's budget of values.
struct JsonContext
{
    std::size_t &budget;
    std::size_t &aliasBudget; ///< what aliases may repeat, a part of the budget
    AliasMemo<nlohmann::ordered_json> memo;
};

/// Steps, checks and JSON values aliases may repeat in one scenario: reusing a few steps by
/// `*name` is a convenience, a thousandfold repetition is an attack on memory.
inline constexpr std::size_t maxAliasItems = 50'000;

/// Converts a `json:` value. The budget counts values down (aliases can make a small file a
/// huge tree); an error when it runs out.
Yaml::Result<nlohmann::ordered_json> yamlToJson(const Yaml::Reader &reader, const YAML::Node &node,
                                                const std::string &field, JsonContext &context,
                                                int depth = 0);

/// Writes a `json:` value so yamlToJson() reads it back equal: strings that would read as
/// something else are quoted, plain templates are written unquoted (so in block style).
void emitJson(YAML::Emitter &out, const nlohmann::ordered_json &value);

} // namespace Loadwizard::Steps
