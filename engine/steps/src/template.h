#pragma once

// `${…}` templates of declarative scenarios, parsed once when the run starts into pieces:
// literals (parameters and environment variables already folded in), variable slots, data
// columns and built-ins. Rendering is one append per piece, no lookup by name.

#include <loadwizard/data.h>
#include <loadwizard/scenario.h>

#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace Loadwizard::Steps {

/// What one vuser's templates read at run time; kept across iterations (engineState()).
struct VuserValues
{
    std::vector<std::string> variables;
    std::vector<char> assigned;  ///< per variable: ever given a value
    std::vector<DataRow> rows;   ///< per feeder: this iteration's row
    std::vector<char> drawn;     ///< per feeder: rows[i] is this iteration's
    double iterationStart = 0;   ///< Vuser::elapsed() when the iteration began
    std::uint32_t busySteps = 0; ///< steps run since this vuser last waited (see runList())
};

/// Names a template may use, known when the scenario is compiled.
struct TemplateScope
{
    const std::map<std::string, std::string, std::less<>> *parameters = nullptr;
    std::map<std::string, int, std::less<>> variables; ///< name -> slot in VuserValues
    std::vector<std::string> feeders;
    std::vector<std::vector<std::string>> feederColumns;
    std::function<std::optional<std::string>(const std::string &)> environment;
    std::vector<std::string> variableNames; ///< by slot, for messages
};

/// Thrown while rendering when a template reads a variable that never got a value.
class UnsetVariable : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/// How a rendered value is written into its surroundings.
enum class Escape
{
    None,
    JsonString, ///< inside a JSON string literal
    JsonValue,  ///< a whole JSON value: a number, true, false or null as it is, else a string
};

class Template
{
public:
    Template() = default;
    /// Parses `text`; the error says what is wrong and quotes the offending `${…}`. `scope`
    /// must outlive the template.
    static tl::expected<Template, std::string>
    compile(std::string_view text, const TemplateScope &scope, Escape escape = Escape::None);
    /// Text taken as it is (no `${…}` parsed): JSON syntax between templated strings.
    static Template literal(std::string text)
    {
        Template result;
        result.m_constant = std::move(text);
        return result;
    }
    /// Text with no `${…}` left after parameters and environment were folded in.
    bool isConstant() const { return m_pieces.empty(); }
    const std::string &constant() const { return m_constant; }
    bool empty() const { return m_pieces.empty() && m_constant.empty(); }
    /// Appends the value to `out`. Throws UnsetVariable, or StopVuser from a data feeder.
    void renderTo(Vuser &vuser, VuserValues &values, std::string &out) const;
    std::string render(Vuser &vuser, VuserValues &values) const
    {
        if (isConstant())
            return m_constant;
        std::string out;
        renderTo(vuser, values, out);
        return out;
    }

private:
    enum class Kind : std::uint8_t
    {
        Literal,
        Variable,
        Data,
        VuserId,
        Iteration,
        Worker,
        Uuid,
        RandomInt,
        RandomString,
        Unix,
        UnixMillis,
        IsoTime,
    };
    enum class Filter : std::uint8_t
    {
        None,
        Url,
        Base64,
    };
    struct Piece
    {
        Kind kind = Kind::Literal;
        Filter filter = Filter::None;
        std::string text; ///< Literal: the text (already escaped)
        int index = 0;    ///< variable slot or feeder
        int column = 0;   ///< data column
        long long a = 0, b = 0;
    };

    void appendValue(const Piece &piece, Vuser &vuser, VuserValues &values, std::string &out) const;

    std::vector<Piece> m_pieces; ///< empty: m_constant is the whole text
    std::string m_constant;
    Escape m_escape = Escape::None;
    const TemplateScope *m_scope = nullptr; ///< owned by the compiled scenario, outlives this
};

/// `text` escaped for the inside of a JSON string.
void appendJsonEscaped(std::string_view text, std::string &out);

} // namespace Loadwizard::Steps
