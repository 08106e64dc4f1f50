#pragma once

// Correlation: a value the server handed out (a CSRF token, an access token, an order id) that
// the recording sends back later becomes an extraction on the first response that has it and
// `${var}` in the requests that use it (docs/import.md#correlation).

#include <loadwizard/steps.h>

#include <string>
#include <vector>

namespace Loadwizard::Import {

struct RecordedExchange;

/// One value turned into a variable.
struct Correlation
{
    std::string variable;
    std::string value;      ///< as recorded
    int sourceEntry = 0;    ///< the entry whose response it is extracted from
    std::string extraction; ///< "json /access_token", "between ['…', '\"']", "header Location"
    std::vector<std::string> uses; ///< "entry 3 form csrf", "entry 5 header Authorization"
    std::vector<int> alsoIn;       ///< other entries before the first use whose responses hold it
};

/// A recorded value that was seen in a response and sent again, but not turned into a variable.
struct SkippedCandidate
{
    std::string value;
    int entry = 0;      ///< where it was sent
    std::string where;  ///< "query q", "header X-Id"
    std::string reason; ///< "too short (5 characters)", "ambiguous: …", …
};

/// What correlation did, for the user (the CLI prints it on stderr).
struct CorrelationReport
{
    std::vector<Correlation> made;
    std::vector<SkippedCandidate> skipped;
    std::vector<std::string> notes; ///< e.g. why correlation stopped early
    /// Lines like "correlated csrf: from entry 1 by between [...]; used in entry 2 form csrf".
    std::string toText() const;
};

/// Finds the values and edits `steps` (one per exchange, same order): extractions on the source
/// requests, templates in the later ones.
CorrelationReport correlate(const std::vector<RecordedExchange> &exchanges,
                            std::vector<Steps::RequestStep> &steps);

} // namespace Loadwizard::Import
