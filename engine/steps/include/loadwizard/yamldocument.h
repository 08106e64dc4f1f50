#pragma once

#include <optional>
#include <string_view>

#include <yaml-cpp/yaml.h>

namespace Loadwizard {

/// The first YAML document of a text, and where a second one starts.
struct YamlDocument
{
    YAML::Node root;
    /// Where a second document starts (a "---" followed by content), if there is one.
    std::optional<YAML::Mark> secondDocument;
};

/// Parses the first document of `text` and looks for a second one, without
/// YAML::LoadAll(): yaml-cpp 0.7 (Debian 12) accepts some malformed input (`,"1, a: []}`) as
/// an endless stream of empty documents, so LoadAll() never returns and eats memory (upstream
/// jbeder/yaml-cpp#1319, fixed after 0.8). Here a document that starts where the previous one
/// did is a syntax error at that place. Throws YAML::Exception like YAML::Load().
YamlDocument loadYamlDocument(std::string_view text);

} // namespace Loadwizard
