#pragma once

#include <loadwizard/error.h>
#include <loadwizard/recording.h>

#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace Loadwizard::Import {

/// Splits shell text into commands of words as bash would for "Copy as cURL (bash)": `\` at a
/// line's end, '…', "…", $'…' (ANSI-C escapes), `#` comments; commands end at an unquoted
/// newline, `;`, `&&` or `||`. Empty commands are left out. Errors name `source` and the line.
tl::expected<std::vector<std::vector<std::string>>, Error>
splitShellCommands(std::string_view text, const std::string &source);

/// One curl command (its words, "curl" first) as an exchange; flags that do not matter or are
/// unknown become warnings naming them. `number` is the command's 1-based number.
tl::expected<RecordedExchange, Error> readCurlCommand(const std::vector<std::string> &words,
                                                      int number, const std::string &source,
                                                      std::vector<std::string> *warnings);

/// Every command of every text (each a command line, or a file's contents), in order.
tl::expected<ImportResult, Error> importCurl(const std::vector<std::string> &texts,
                                             const std::vector<std::string> &sources,
                                             const ImportOptions &options);

} // namespace Loadwizard::Import
