#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace Loadwizard::Yaml {

/// When a value of the original text counts as the one a writer emitted.
enum class ScalarMatch
{
    SameValue, ///< "10s" and "10", "1 MiB" and "1048576", yes and true, "a" and a
    Exact      ///< the same text, quoted the same way
};

/// The text a writer `emitted` for a document, with the hand-written `original` kept wherever
/// it says the same: comments and blank lines, the order of keys, and each block-map entry
/// whose value matches the emitted one (`match`) keeps its own lines; a changed entry takes
/// the emitted lines, indented as its neighbours (a changed block map is merged key by key).
/// Keys only in `emitted` come after the keys they follow there (left out when not
/// `addNewKeys`: a writer that spells out defaults tries without them first); keys only in
/// `original` go.
/// None when either text is not a block map at the top. yaml-cpp drops comments, so a writer
/// calls this and then checks that the result reads back as `emitted` does (see
/// projectToYaml()): where `match` was too lenient for some field, a stricter match or the
/// emitted text is the answer.
std::optional<std::string> mergeYamlText(std::string_view original, std::string_view emitted,
                                         ScalarMatch match, bool addNewKeys = true);

} // namespace Loadwizard::Yaml
