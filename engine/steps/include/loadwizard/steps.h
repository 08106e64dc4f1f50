#pragma once

// A declarative scenario: YAML steps instead of C++ (docs/declarative-scenarios.md). This is the
// model the YAML reader fills, the YAML writer saves, the importers (HAR, curl) produce, the
// workbench's step editor edits and the interpreter (stepscenario.h) runs. Every text a user
// writes is kept as written, templates (`${var}`) included: they are compiled when a run is
// prepared, never here.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace Loadwizard::Steps {

/// Where something was read from: 1-based line and column, 0 when unknown (built in code).
/// Never compared: a step read from a file equals the same step built by hand.
struct SourceSpot
{
    int line = 0;
    int column = 0;
    bool operator==(const SourceSpot &) const { return true; }
};

/// Ordered name/value pairs (headers, query, form, set, parameters): YAML maps in file order;
/// names may repeat where HTTP allows it (query, form, headers).
using Pairs = std::vector<std::pair<std::string, std::string>>;

/// A check on a response (`checks:` of a request step). It fails the check, never the vuser.
struct Check
{
    enum class Subject
    {
        Status,   ///< `status: 200` or `status: [200, 201]`
        Body,     ///< `body_contains` / `body_not_contains` / `body_matches`
        Json,     ///< `json: /pointer` with an operator (none: exists)
        Header,   ///< `header: Name` with an operator (none: exists)
        Duration, ///< `duration_below: 500ms`
    };
    enum class Op
    {
        Exists,
        Missing,
        Equals,
        NotEquals,
        Contains,
        NotContains,
        Matches, ///< ECMAScript regex, searched (not anchored)
        Less,
        LessOrEqual,
        Greater,
        GreaterOrEqual,
        OneOf, ///< status only: `statuses`
    };
    Subject subject = Subject::Status;
    std::string target; ///< JSON pointer or header name; empty for status, body, duration
    Op op = Op::OneOf;
    std::string value;         ///< template; Duration: seconds as text ("0.5")
    std::vector<int> statuses; ///< Status
    std::string name;          ///< metrics name; empty: generated ("status is 200")
    SourceSpot at;

    bool operator==(const Check &) const = default;
};

/// An extraction into a vuser variable (`extract:` of a request step).
struct Extraction
{
    enum class Source
    {
        Json,    ///< `json: /pointer`: strings as they are, other values as JSON text
        Regex,   ///< `regex: "id=(\\d+)"`, `group: 1` (0: the whole match)
        Between, ///< `between: [left, right]`
        Header,  ///< `header: Location` (case-insensitive)
        Cookie,  ///< `cookie: session` (from the vuser's jar after the response)
    };
    std::string variable;
    Source source = Source::Json;
    std::string expression; ///< pointer, regex, left boundary, header or cookie name
    std::string right;      ///< Between: the right boundary
    int group = 1;          ///< Regex
    std::optional<std::string> defaultValue; ///< when nothing matches; none: a failed check
    SourceSpot at;

    bool operator==(const Extraction &) const = default;
};

/// A file sent in a multipart body (`files:` of a request step).
struct FileField
{
    std::string field;       ///< form field name
    std::string path;        ///< template; relative to the scenario's (or project's) folder
    std::string fileName;    ///< empty: the path's last component
    std::string contentType; ///< empty: application/octet-stream
    bool operator==(const FileField &) const = default;
};

/// In RequestStep::json, an unquoted YAML scalar that is exactly one template (`qty: ${qty}`)
/// is not a string but a JSON binary value (which YAML never yields) of the template's bytes with
/// this subtype: the interpreter expands it and sends a number, true, false or null when the
/// expanded text is one (else a string), and the writer writes it back unquoted. A quoted
/// scalar, or a template with other text around it, is an ordinary JSON string (a template too).
inline constexpr std::uint8_t plainTemplateSubtype = 0x7B;

/// The JSON value of an unquoted `${...}` (see plainTemplateSubtype).
inline nlohmann::ordered_json plainTemplate(std::string_view text)
{
    return nlohmann::ordered_json::binary(std::vector<std::uint8_t>(text.begin(), text.end()),
                                          plainTemplateSubtype);
}

/// The template of a value made by plainTemplate(), none for any other value.
inline std::optional<std::string> plainTemplateText(const nlohmann::ordered_json &value)
{
    if (!value.is_binary() || value.get_binary().subtype() != plainTemplateSubtype)
        return std::nullopt;
    const auto &bytes = value.get_binary();
    return std::string(bytes.begin(), bytes.end());
}

/// `- request: METHOD URL` and its fields.
struct RequestStep
{
    std::string method = "GET";
    std::string url;  ///< template; relative URLs resolve against the base URL
    std::string name; ///< metrics name (template); empty: METHOD /path
    Pairs headers;
    Pairs query;
    /// At most one body: `body` (text), `json` (any YAML value; strings are templates), `form`
    /// (URL-encoded, or multipart with `files`).
    std::optional<std::string> body;
    /// Keys in the order written; unquoted `${...}` scalars: plainTemplate().
    std::optional<nlohmann::ordered_json> json;
    Pairs form;
    std::vector<FileField> files;
    double timeoutSeconds = 0;           ///< 0: the project's http.timeout
    std::optional<bool> followRedirects; ///< none: the SDK's default (follow)
    int expectMin = 0, expectMax = 0;
    /// `on_failure: end_iteration`: when the request fails (transport error, unexpected status)
    /// or one of its checks or extractions does, the iteration ends there, counted as failed
    /// (JMeter's "start next thread loop"); otherwise the steps go on.
    bool endIterationOnFailure = false; ///< `expect_status: 200-299`; 0: the SDK's 200–399
    std::vector<Check> checks;
    std::vector<Extraction> extractions;

    bool operator==(const RequestStep &) const = default;
};

/// One step. `kind` says which fields are used.
struct Step
{
    enum class Kind
    {
        Request,     ///< request
        Think,       ///< seconds [, maxSeconds]: think time (scaled by the project's multiplier)
        Pace,        ///< seconds: wait until the iteration is this old
        Transaction, ///< text: name; steps
        Rendezvous,  ///< text: name
        Repeat,      ///< text: count (a number or a template); steps
        If,          ///< text: subject template; condition, value; steps, elseSteps
        Log,         ///< text: message template
        Set,         ///< assignments: variable -> template
    };
    /// How `if:` compares its subject with `value` (None: the subject is non-empty and not
    /// "0" or "false").
    enum class Condition
    {
        None,
        Equals,
        NotEquals,
        Contains,
        Matches,
        Less,
        LessOrEqual,
        Greater,
        GreaterOrEqual,
        Empty,
        NotEmpty,
    };

    Kind kind = Kind::Log;
    bool disabled = false; ///< kept in the file, skipped when run
    RequestStep request;
    double seconds = 0;
    double maxSeconds = 0; ///< Think: a range [seconds, maxSeconds] when > seconds
    std::string text;
    Condition condition = Condition::None;
    std::string value; ///< If: the template compared with
    std::vector<Step> steps;
    std::vector<Step> elseSteps;
    Pairs assignments;
    SourceSpot at;

    bool operator==(const Step &) const = default;
};

/// A whole declarative scenario: a `.yaml` scenario file, or `scenario:` inline in a project.
struct StepScenario
{
    std::string name;
    std::string description;
    /// Declared parameters and their defaults (`parameters:`): the project's `parameters:`
    /// and `--param` override them; templates read them as `${name}`.
    Pairs parameters;
    /// Each vuser's variables before its first step (`variables:`), as templates.
    Pairs variables;
    std::vector<Step> init;  ///< once per vuser, before its first iteration
    std::vector<Step> steps; ///< every iteration
    /// Top-level keys this version does not know, as YAML text, kept so a save loses nothing.
    Pairs extraKeys;

    bool operator==(const StepScenario &) const = default;
};

} // namespace Loadwizard::Steps
