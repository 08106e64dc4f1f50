#pragma once

#include <loadwizard/error.h>
#include <loadwizard/recording.h>

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace Loadwizard::Import {

/// The largest HAR file read (a browser's export of a long session with bodies).
inline constexpr std::size_t maxHarBytes = std::size_t(200) << 20;

/// Reads HAR 1.1/1.2 text (log.version, log.pages, log.entries) into exchanges. Errors name
/// `fileName` and, for JSON errors, line and column; an entry that cannot be used is a warning
/// ("entry 7: …") and is skipped.
tl::expected<std::vector<RecordedExchange>, Error>
readHar(std::string_view text, const std::string &fileName, std::vector<std::string> *warnings);

/// readHar() + buildScenario().
tl::expected<ImportResult, Error> importHar(std::string_view text, const std::string &fileName,
                                            const ImportOptions &options);
/// Reads the file (at most maxHarBytes) and imports it.
tl::expected<ImportResult, Error> importHarFile(const std::string &path,
                                                const ImportOptions &options);

} // namespace Loadwizard::Import
