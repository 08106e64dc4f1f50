#pragma once

// `json:` bodies: any YAML value as nlohmann::ordered_json and back, with YAML 1.2's core schema for
// unquoted scalars (docs/declarative-scenarios.md, "Requests").

#include <loadwizard/yamlreader.h>

#include <nlohmann/json.hpp>

#include <optional>
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

/// Converts a `json:` value. `budget` counts values down (aliases can make a small file a huge
/// tree); an error when it runs out.
Yaml::Result<nlohmann::ordered_json> yamlToJson(const Yaml::Reader &reader, const YAML::Node &node,
                                        const std::string &field, std::size_t &budget,
                                        int depth = 0);

/// Writes a `json:` value so yamlToJson() reads it back equal: strings that would read as
/// something else are quoted, plain templates are written unquoted (so in block style).
void emitJson(YAML::Emitter &out, const nlohmann::ordered_json &value);

} // namespace Loadwizard::Steps
