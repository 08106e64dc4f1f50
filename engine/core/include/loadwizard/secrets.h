#pragma once

// The process's secrets: values that came from the environment through ${VAR}, redacted as
// "${VAR}" wherever the engine prints or sends text (request names, log lines, errors, the
// summary, outputs). Thread-safe; registration is rare (when a run is prepared), redaction runs
// where text leaves the runtime, never per request.

#include <string>
#include <string_view>
#include <vector>

namespace Loadwizard {

/// Shorter values are redacted only when looksSecret(variableName): they would match everywhere.
inline constexpr std::size_t minimumSecretLength = 4;

/// True when a variable's name says it holds a secret: it contains PASS, PW, SECRET, TOKEN, KEY,
/// AUTH, CRED, COOKIE or SESSION (case-insensitive).
bool looksSecret(std::string_view variableName);

/// Remembers `value` of environment variable `variableName` as a secret, with its percent-encoded
/// and Base64 forms. Empty values are refused; values shorter than minimumSecretLength and generic
/// ones (a number, true/false/null/none) are refused unless looksSecret(variableName). Returns
/// whether the value is redacted from now on.
bool registerSecret(std::string_view variableName, std::string_view value);

/// `text` with every registered secret (and its encoded forms) replaced by "${NAME}". Where two
/// secrets overlap, both placeholders are written, so no character of either is left.
std::string redactSecrets(std::string_view text);

/// The placeholders in use ("${API_TOKEN}", …), sorted: to tell the user what is redacted.
std::vector<std::string> secretPlaceholders();

/// True when any secret is registered.
bool haveSecrets();

/// Forgets every secret (for tests).
void clearSecrets();

} // namespace Loadwizard
