#include <loadwizard/threshold.h>

#include <loadwizard/suggest.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>

namespace Loadwizard {

namespace {

// A recursive-descent reader by hand: the grammar is one line with a dozen words, and a parser
// library would not give the column-exact messages users need more than this does.
class Reader
{
public:
    Reader(std::string_view text, const std::vector<std::string> &groups)
        : m_text(text)
        , m_groups(groups)
    {}

    tl::expected<ThresholdExpression, Error> read();

private:
    using Fail = tl::unexpected<Error>;

    /// 1-based column of a byte offset, counting characters (UTF-8), not bytes.
    int columnOf(std::size_t offset) const
    {
        int column = 1;
        for (std::size_t i = 0; i < offset && i < m_text.size(); ++i)
            column += (static_cast<unsigned char>(m_text[i]) & 0xC0) != 0x80;
        return column;
    }
    Fail fail(std::size_t offset, std::string_view token, const std::string &why) const
    {
        Error error;
        error.column = columnOf(offset);
        error.token = std::string(token);
        error.message = "column " + std::to_string(error.column) + ": " + why;
        return Fail(std::move(error));
    }
    void skipSpaces()
    {
        while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\t'))
            ++m_pos;
    }
    bool atEnd() const { return m_pos >= m_text.size(); }
    char peek() const { return atEnd() ? '\0' : m_text[m_pos]; }
    /// The token at the current position, for messages: up to the next space.
    std::string_view tokenHere() const
    {
        std::size_t end = m_pos;
        while (end < m_text.size() && m_text[end] != ' ')
            ++end;
        return m_text.substr(m_pos, end - m_pos);
    }
    std::string_view identifier()
    {
        const std::size_t start = m_pos;
        while (!atEnd()) {
            const char c = peek();
            if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.')
                ++m_pos;
            else
                break;
        }
        return m_text.substr(start, m_pos - start);
    }
    /// A name: "quoted" (\" and \\ escape), or bare up to one of `stops` (trimmed).
    tl::expected<std::string, Error> name(std::string_view stops);
    tl::expected<void, Error> subject(ThresholdExpression &expression, bool names,
                                      bool iterationsAndErrors);
    tl::expected<void, Error> selector(ThresholdExpression &expression);
    tl::expected<void, Error> comparison(ThresholdExpression &expression);
    tl::expected<void, Error> value(ThresholdExpression &expression);

    std::string_view m_text;
    const std::vector<std::string> &m_groups;
    std::size_t m_pos = 0;
};

const std::vector<std::string_view> metricNames{"p50",
                                                "p90",
                                                "p95",
                                                "p99",
                                                "p99.9",
                                                "med",
                                                "avg",
                                                "min",
                                                "max",
                                                "error_rate",
                                                "checks",
                                                "rate",
                                                "count",
                                                "iterations_failed",
                                                "iterations_dropped"};

tl::expected<std::string, Error> Reader::name(std::string_view stops)
{
    skipSpaces();
    const std::size_t start = m_pos;
    if (peek() == '"') {
        std::string out;
        ++m_pos;
        while (!atEnd() && peek() != '"') {
            if (peek() == '\\' && m_pos + 1 < m_text.size())
                ++m_pos;
            out += m_text[m_pos++];
        }
        if (atEnd())
            return fail(start, m_text.substr(start), "unterminated quoted name");
        ++m_pos;
        if (out.empty())
            return fail(start, "\"\"", "empty name");
        return out;
    }
    while (!atEnd() && stops.find(peek()) == std::string_view::npos)
        ++m_pos;
    std::string_view bare = m_text.substr(start, m_pos - start);
    while (!bare.empty() && (bare.back() == ' ' || bare.back() == '\t'))
        bare.remove_suffix(1);
    if (bare.empty())
        return fail(start, tokenHere(), "expected a name");
    return std::string(bare);
}

tl::expected<void, Error> Reader::subject(ThresholdExpression &expression, bool names,
                                          bool iterationsAndErrors)
{
    skipSpaces();
    const std::size_t start = m_pos;
    const std::string_view kind = identifier();
    std::vector<std::string_view> known{"requests"};
    if (names) {
        known.push_back("request");
        known.push_back("transaction");
    }
    if (iterationsAndErrors) {
        known.push_back("iterations");
        known.push_back("errors");
    }
    if (std::find(known.begin(), known.end(), kind) == known.end()) {
        const std::string_view token = kind.empty() ? tokenHere() : kind;
        return fail(
            start, token,
            "expected " +
                std::string(names ? "requests, request:NAME or transaction:NAME" : "requests") +
                (iterationsAndErrors ? std::string(", iterations or errors") : "") + ", got \"" +
                shortened(token) + "\"" + (kind.empty() ? "" : suggestionFor(kind, known)));
    }
    if (kind == "request" || kind == "transaction") {
        skipSpaces();
        if (peek() != ':')
            return fail(m_pos, tokenHere(), "expected ':' and a name after " + std::string(kind));
        ++m_pos;
        auto named = name(")");
        if (!named)
            return tl::make_unexpected(named.error());
        expression.subject =
            kind == "request" ? ThresholdSubject::Request : ThresholdSubject::Transaction;
        expression.name = std::move(*named);
    } else if (kind == "iterations") {
        expression.subject = ThresholdSubject::Iterations;
    } else if (kind == "errors") {
        expression.subject = ThresholdSubject::Errors;
    } else {
        expression.subject = ThresholdSubject::Requests;
    }
    skipSpaces();
    if (peek() != ')')
        return fail(m_pos, atEnd() ? std::string_view("end") : tokenHere(), "expected ')'");
    ++m_pos;
    return {};
}

tl::expected<void, Error> Reader::selector(ThresholdExpression &expression)
{
    const std::size_t open = m_pos;
    ++m_pos; // '{'
    bool grouped = false, from = false;
    for (;;) {
        skipSpaces();
        const std::size_t keyAt = m_pos;
        const std::string_view key = identifier();
        const std::string_view keyToken = key.empty() ? tokenHere() : key;
        if (key != "group" && key != "from")
            return fail(keyAt, keyToken,
                        "unknown selector \"" + shortened(keyToken) + "\"" +
                            suggestionFor(keyToken, {"group", "from"}));
        if ((key == "group" && grouped) || (key == "from" && from))
            return fail(keyAt, key, "selector \"" + std::string(key) + "\" given twice");
        skipSpaces();
        if (peek() != '=')
            return fail(m_pos, tokenHere(), "expected '=' after " + std::string(key));
        ++m_pos;
        skipSpaces();
        const std::size_t valueAt = m_pos;
        auto named = name("},");
        if (!named)
            return tl::make_unexpected(named.error());
        skipSpaces();
        if (peek() != ',' && peek() != '}')
            return fail(open, m_text.substr(open, m_pos - open),
                        "expected '}' closing the selector");
        if (key == "group") {
            grouped = true;
            if (std::find(m_groups.begin(), m_groups.end(), *named) == m_groups.end()) {
                std::vector<std::string_view> known(m_groups.begin(), m_groups.end());
                return fail(valueAt, *named,
                            "the project has no group \"" + shortened(*named) + "\"" +
                                suggestionFor(*named, known));
            }
            expression.group = std::move(*named);
        } else {
            from = true;
            if (*named != "intended" && *named != "send")
                return fail(valueAt, *named,
                            "from= takes intended (latency from the open model's intended start) "
                            "or send (the service time, the default), got \"" +
                                shortened(*named) + "\"" +
                                suggestionFor(*named, {"intended", "send"}));
            if (expression.metric != ThresholdMetric::Latency)
                return fail(keyAt, m_text.substr(keyAt, m_pos - keyAt),
                            "from= applies to latency (pN, med, avg, min, max) only");
            expression.fromIntended = *named == "intended";
            if (expression.fromIntended && expression.subject == ThresholdSubject::Transaction)
                return fail(keyAt, m_text.substr(keyAt, m_pos - keyAt),
                            "from=intended reads requests (requests, request:NAME); a "
                            "transaction has only its duration");
            if (expression.fromIntended &&
                expression.aggregation == ThresholdAggregation::Percentile &&
                expression.percentile != 50 && expression.percentile != 90 &&
                expression.percentile != 95 && expression.percentile != 99)
                return fail(keyAt, m_text.substr(keyAt, m_pos - keyAt),
                            "latency from the intended start has p50, p90, p95 and p99 (and "
                            "avg, min, max), not p" +
                                fmt::format("{:g}", expression.percentile));
        }
        if (peek() == ',') {
            ++m_pos;
            continue;
        }
        ++m_pos; // '}'
        return {};
    }
}

tl::expected<void, Error> Reader::comparison(ThresholdExpression &expression)
{
    skipSpaces();
    const std::size_t start = m_pos;
    static const std::pair<std::string_view, ThresholdComparison> operators[] = {
        {"<=", ThresholdComparison::LessEqual}, {">=", ThresholdComparison::GreaterEqual},
        {"==", ThresholdComparison::Equal},     {"!=", ThresholdComparison::NotEqual},
        {"<", ThresholdComparison::Less},       {">", ThresholdComparison::Greater}};
    for (const auto &[text, op] : operators) {
        if (m_text.substr(m_pos, text.size()) == text) {
            m_pos += text.size();
            expression.comparison = op;
            return {};
        }
    }
    return fail(start, atEnd() ? std::string_view("end") : tokenHere(),
                atEnd() ? "expected a comparison (< <= > >= == !=) and a value"
                        : "expected a comparison (< <= > >= == !=), got \"" +
                              shortened(tokenHere()) + "\"");
}

tl::expected<void, Error> Reader::value(ThresholdExpression &expression)
{
    skipSpaces();
    const std::size_t start = m_pos;
    double number = 0;
    const char *begin = m_text.data() + m_pos;
    const auto [end, ec] = std::from_chars(begin, m_text.data() + m_text.size(), number);
    if (ec != std::errc() || !std::isfinite(number))
        return fail(start, atEnd() ? std::string_view("end") : tokenHere(),
                    atEnd() ? std::string("expected a value")
                            : "expected a number, got \"" + shortened(tokenHere()) + "\"");
    m_pos += std::size_t(end - begin);
    if (std::signbit(number)) // -0 too
        return fail(start, m_text.substr(start, m_pos - start),
                    "a threshold's value is not negative (no latency, rate or count is)");
    skipSpaces();
    const std::size_t unitAt = m_pos;
    std::string_view unit = m_text.substr(m_pos);
    while (!unit.empty() && (unit.back() == ' ' || unit.back() == '\t'))
        unit.remove_suffix(1);
    m_pos = m_text.size();
    const auto badUnit = [&](const std::string &allowed) {
        return fail(unitAt, unit,
                    "unit \"" + shortened(unit) + "\" does not fit this metric (" + allowed + ")");
    };
    switch (expression.metric) {
    case ThresholdMetric::Latency:
        if (unit.empty() || unit == "ms")
            expression.value = number;
        else if (unit == "s")
            expression.value = number * 1000;
        else
            return badUnit("ms, s, or a plain number of milliseconds");
        break;
    case ThresholdMetric::ErrorRate:
    case ThresholdMetric::Checks:
        if (unit == "%") {
            if (number > 100)
                return fail(start, m_text.substr(start, m_pos - start),
                            "a percentage is at most 100%");
            expression.value = number / 100;
        } else if (unit.empty()) {
            if (number < 0 || number > 1)
                return fail(start, m_text.substr(start, unitAt - start),
                            "a plain rate is a fraction from 0 to 1 (did you mean " +
                                std::string(m_text.substr(start, unitAt - start)) + "%?)");
            expression.value = number;
        } else {
            return badUnit("%, or a plain fraction from 0 to 1");
        }
        break;
    case ThresholdMetric::Rate:
        if (!unit.empty() && unit != "/s")
            return badUnit("a plain number per second, or /s");
        expression.value = number;
        break;
    case ThresholdMetric::Count:
    case ThresholdMetric::IterationsFailed:
    case ThresholdMetric::IterationsDropped:
        if (!unit.empty())
            return badUnit("a plain number");
        expression.value = number;
        break;
    }
    return {};
}

tl::expected<ThresholdExpression, Error> Reader::read()
{
    ThresholdExpression expression;
    // A control character is never meant (a name with one cannot be typed either), and it must
    // not reach the terminal through the summary's threshold lines.
    for (std::size_t i = 0; i < m_text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(m_text[i]);
        if ((byte < 0x20 && m_text[i] != '\t') || byte == 0x7f)
            return fail(i, "", fmt::format("control character U+{:04X} in the expression", byte));
    }
    skipSpaces();
    if (atEnd())
        return fail(m_pos, "", "empty threshold (expected e.g. \"p95(requests) < 500ms\")");
    const std::size_t start = m_pos;
    const std::string_view metric = identifier();
    const auto unknown = [&] {
        const std::string_view token = metric.empty() ? tokenHere() : metric;
        return fail(start, token,
                    "unknown metric \"" + shortened(token) + "\"" +
                        suggestionFor(token, metricNames));
    };
    bool parenthesis = false; // whether a (subject) may follow
    bool names = true, iterationsAndErrors = false, required = false;
    if (metric.size() > 1 && metric[0] == 'p' &&
        std::isdigit(static_cast<unsigned char>(metric[1]))) {
        // Digits and one point only: from_chars alone would read p1e2 as p100.
        if (metric.find_first_not_of("0123456789.", 1) != std::string_view::npos ||
            std::count(metric.begin(), metric.end(), '.') > 1)
            return unknown();
        double p = 0;
        const auto [end, ec] = std::from_chars(metric.data() + 1, metric.data() + metric.size(), p);
        if (ec != std::errc() || end != metric.data() + metric.size())
            return unknown();
        if (!(p > 0 && p <= 100))
            return fail(start, metric,
                        "a percentile is above 0 and at most 100, got \"" + std::string(metric) +
                            "\"");
        expression.metric = ThresholdMetric::Latency;
        expression.percentile = p;
        parenthesis = true;
    } else if (metric == "med" || metric == "avg" || metric == "min" || metric == "max") {
        expression.metric = ThresholdMetric::Latency;
        expression.aggregation = metric == "med"   ? ThresholdAggregation::Percentile
                                 : metric == "avg" ? ThresholdAggregation::Mean
                                 : metric == "min" ? ThresholdAggregation::Min
                                                   : ThresholdAggregation::Max;
        expression.percentile = metric == "med" ? 50 : 0;
        parenthesis = true;
    } else if (metric == "error_rate") {
        expression.metric = ThresholdMetric::ErrorRate;
        parenthesis = true;
    } else if (metric == "checks") {
        expression.metric = ThresholdMetric::Checks;
        expression.subject = ThresholdSubject::Check;
        skipSpaces();
        if (peek() == ':') {
            ++m_pos;
            auto named = name("{<>=!");
            if (!named)
                return tl::make_unexpected(named.error());
            expression.name = std::move(*named);
        }
    } else if (metric == "rate" || metric == "count") {
        expression.metric = metric == "rate" ? ThresholdMetric::Rate : ThresholdMetric::Count;
        parenthesis = required = true;
        names = metric == "count";
        iterationsAndErrors = true;
    } else if (metric == "iterations_failed") {
        expression.metric = ThresholdMetric::IterationsFailed;
        expression.subject = ThresholdSubject::Iterations;
    } else if (metric == "iterations_dropped") {
        expression.metric = ThresholdMetric::IterationsDropped;
        expression.subject = ThresholdSubject::Iterations;
    } else {
        return unknown();
    }
    skipSpaces();
    if (parenthesis && peek() == '(') {
        ++m_pos;
        if (auto ok = subject(expression, names, iterationsAndErrors); !ok)
            return tl::make_unexpected(ok.error());
    } else if (required) {
        return fail(m_pos, atEnd() ? std::string_view("end") : tokenHere(),
                    std::string(metric) + " needs what to take it of, e.g. " + std::string(metric) +
                        "(requests)");
    }
    skipSpaces();
    if (peek() == '{') {
        if (auto ok = selector(expression); !ok)
            return tl::make_unexpected(ok.error());
    }
    if (auto ok = comparison(expression); !ok)
        return tl::make_unexpected(ok.error());
    if (auto ok = value(expression); !ok)
        return tl::make_unexpected(ok.error());
    return expression;
}

std::optional<double> parseSeconds(std::string_view text)
{
    double number = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec != std::errc() || !std::isfinite(number) || number < 0)
        return std::nullopt;
    const std::string_view unit = text.substr(std::size_t(end - text.data()));
    if (unit.empty() || unit == "s")
        return number;
    if (unit == "ms")
        return number / 1000;
    if (unit == "m")
        return number * 60;
    if (unit == "h")
        return number * 3600;
    return std::nullopt;
}

} // namespace

tl::expected<ThresholdExpression, Error> parseThreshold(std::string_view text,
                                                        const std::vector<std::string> &groups)
{
    return Reader(text, groups).read();
}

std::optional<double> parseGraceSeconds(std::string_view text)
{
    return parseSeconds(text);
}

tl::expected<ThresholdSettings, Error> parseThresholdFlag(std::string_view text,
                                                          const std::vector<std::string> &groups)
{
    ThresholdSettings settings;
    // Options follow the first ';' outside quotes: names may hold ';' only when quoted.
    std::size_t cut = text.size();
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && quoted)
            ++i;
        else if (text[i] == '"')
            quoted = !quoted;
        else if (text[i] == ';' && !quoted) {
            cut = i;
            break;
        }
    }
    settings.expression = std::string(text.substr(0, cut));
    const auto optionError = [&](std::size_t offset, std::string_view option,
                                 const std::string &why) {
        Error error;
        error.column = 1;
        for (std::size_t i = 0; i < offset; ++i)
            error.column += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
        error.message = "column " + std::to_string(error.column) + ": " + why;
        error.field = "--threshold";
        error.token = std::string(option);
        return tl::make_unexpected(std::move(error));
    };
    const auto unknownOption = [](std::string_view option) {
        return "unknown option \"" + shortened(option) + "\" after ';'" +
               suggestionFor(option, {"abort", "grace="});
    };
    bool graced = false;
    std::size_t at = cut; // the ';' before the option
    while (at < text.size()) {
        std::size_t next = text.find(';', at + 1);
        if (next == std::string_view::npos)
            next = text.size();
        std::size_t from = at + 1, to = next;
        while (from < to && text[from] == ' ')
            ++from;
        while (to > from && text[to - 1] == ' ')
            --to;
        const std::string_view option = text.substr(from, to - from);
        at = next;
        if (option == "abort") {
            if (settings.abort)
                return optionError(from, option, "option \"abort\" given twice");
            settings.abort = true;
        } else if (option.substr(0, 6) == "grace=") {
            if (graced)
                return optionError(from, option, "option \"grace=\" given twice");
            graced = true;
            const auto seconds = parseSeconds(option.substr(6));
            if (!seconds)
                return optionError(from + 6, option.substr(6),
                                   "bad grace period \"" + shortened(option.substr(6)) +
                                       "\" (expected e.g. 10s, 1m, 500ms or plain seconds)");
            settings.graceSeconds = *seconds;
        } else {
            return optionError(from, option,
                               option.empty()
                                   ? std::string("empty option after ';' (expected abort or "
                                                 "grace=DURATION)")
                                   : unknownOption(option));
        }
    }
    if (graced && !settings.abort)
        return optionError(text.find("grace="), "grace=",
                           "grace= only delays an abort: add ;abort (a threshold without it is "
                           "judged at the end whatever the grace)");
    auto parsed = parseThreshold(settings.expression, groups);
    if (!parsed) {
        Error error = parsed.error();
        error.field = "--threshold";
        return tl::make_unexpected(std::move(error));
    }
    return settings;
}

std::string_view comparisonText(ThresholdComparison comparison)
{
    switch (comparison) {
    case ThresholdComparison::Less:
        return "<";
    case ThresholdComparison::LessEqual:
        return "<=";
    case ThresholdComparison::Greater:
        return ">";
    case ThresholdComparison::GreaterEqual:
        return ">=";
    case ThresholdComparison::Equal:
        return "==";
    case ThresholdComparison::NotEqual:
        return "!=";
    }
    return "<";
}

} // namespace Loadwizard
