#include "stepsjson.h"

#include <loadwizard/steps.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

namespace Loadwizard::Steps {

namespace {

using namespace Yaml;

/// JSON nested deeper than this is refused (yaml-cpp allows about 2000 levels; a body never
/// needs more than a few dozen).
constexpr int maxJsonDepth = 256;

bool isDigit(char c, int base)
{
    if (base == 16)
        return std::isxdigit(static_cast<unsigned char>(c)) != 0;
    return c >= '0' && c < char('0' + base);
}

bool allDigits(std::string_view text, int base)
{
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [base](char c) { return isDigit(c, base); });
}

std::string_view withoutSign(std::string_view text)
{
    if (!text.empty() && (text[0] == '+' || text[0] == '-'))
        text.remove_prefix(1);
    return text;
}

enum class Kind
{
    String,
    Null,
    Boolean,
    Decimal, ///< [-+]?[0-9]+
    Octal,   ///< 0o[0-7]+
    Hex,     ///< 0x[0-9a-fA-F]+
    Float,   ///< [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
    Special, ///< [-+]?\.inf, \.nan in their three spellings
};

bool isFloat(std::string_view text)
{
    text = withoutSign(text);
    const std::size_t exponent = text.find_first_of("eE");
    std::string_view mantissa = text.substr(0, exponent);
    if (exponent != std::string_view::npos &&
        !allDigits(withoutSign(text.substr(exponent + 1)), 10))
        return false;
    const std::size_t dot = mantissa.find('.');
    if (dot == std::string_view::npos)
        return allDigits(mantissa, 10);
    const std::string_view whole = mantissa.substr(0, dot);
    const std::string_view fraction = mantissa.substr(dot + 1);
    if (whole.empty())
        return allDigits(fraction, 10);
    return allDigits(whole, 10) && (fraction.empty() || allDigits(fraction, 10));
}

Kind classify(std::string_view text)
{
    static const std::set<std::string_view> nulls = {"~", "null", "Null", "NULL", ""};
    static const std::set<std::string_view> booleans = {"true",  "True",  "TRUE",
                                                        "false", "False", "FALSE"};
    static const std::set<std::string_view> specials = {".inf", ".Inf", ".INF",
                                                        ".nan", ".NaN", ".NAN"};
    if (nulls.contains(text))
        return Kind::Null;
    if (booleans.contains(text))
        return Kind::Boolean;
    if (allDigits(withoutSign(text), 10))
        return Kind::Decimal;
    if (text.starts_with("0o") && allDigits(text.substr(2), 8))
        return Kind::Octal;
    if (text.starts_with("0x") && allDigits(text.substr(2), 16))
        return Kind::Hex;
    if (isFloat(text))
        return Kind::Float;
    const std::string_view bare = withoutSign(text);
    if (specials.contains(text) || (bare.size() < text.size() && specials.contains(bare) &&
                                    !bare.ends_with("an") && !bare.ends_with("AN")))
        return Kind::Special;
    return Kind::String;
}

template <typename T>
std::optional<T> parseWhole(std::string_view digits, int base)
{
    T value{};
    const auto [end, ec] =
        std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
    if (ec != std::errc() || end != digits.data() + digits.size())
        return std::nullopt;
    return value;
}

std::optional<nlohmann::ordered_json> parseFloat(std::string_view text)
{
    std::string copy(text.starts_with('+') ? text.substr(1) : text);
    if (copy.starts_with('.') || copy.starts_with("-."))
        copy.insert(copy.starts_with('-') ? 1 : 0, "0"); // from_chars wants a digit first
    double value = 0;
    const auto [end, ec] = std::from_chars(copy.data(), copy.data() + copy.size(), value);
    if (ec != std::errc() || end != copy.data() + copy.size() || !std::isfinite(value))
        return std::nullopt;
    return nlohmann::ordered_json(value);
}

} // namespace

bool isCoreSchemaNonString(std::string_view text)
{
    return classify(text) != Kind::String;
}

std::optional<nlohmann::ordered_json> coreSchemaValue(std::string_view text)
{
    switch (classify(text)) {
    case Kind::String:
    case Kind::Special:
        return std::nullopt;
    case Kind::Null:
        return nlohmann::ordered_json(nullptr);
    case Kind::Boolean:
        return nlohmann::ordered_json(text[0] == 't' || text[0] == 'T');
    case Kind::Decimal: {
        const std::string_view digits = text.starts_with('+') ? text.substr(1) : text;
        if (const auto value = parseWhole<std::int64_t>(digits, 10))
            return nlohmann::ordered_json(*value);
        if (const auto value = parseWhole<std::uint64_t>(digits, 10))
            return nlohmann::ordered_json(*value);
        return parseFloat(text); // larger than 64 bits: as JSON parsers read it
    }
    case Kind::Octal:
    case Kind::Hex:
        if (const auto value = parseWhole<std::uint64_t>(text.substr(2), text[1] == 'o' ? 8 : 16))
            return *value <= std::uint64_t(INT64_MAX) ? nlohmann::ordered_json(std::int64_t(*value))
                                                      : nlohmann::ordered_json(*value);
        return std::nullopt;
    case Kind::Float:
        return parseFloat(text);
    }
    return std::nullopt;
}

bool isOneTemplate(std::string_view text)
{
    return text.size() > 3 && text.starts_with("${") && text.find('}') == text.size() - 1 &&
           text.find("${", 2) == std::string_view::npos;
}

int collectionPlace(const YAML::Node &node)
{
    if ((!node.IsMap() && !node.IsSequence()) || node.Mark().is_null())
        return -1;
    return node.Mark().pos;
}

namespace {

int height(const nlohmann::ordered_json &value)
{
    int most = 0;
    if (value.is_structured()) {
        for (const auto &item : value)
            most = std::max(most, height(item));
    }
    return most + 1;
}

Result<nlohmann::ordered_json> convert(const Reader &reader, const YAML::Node &node,
                                       const std::string &field, JsonContext &context, int depth);

} // namespace

Result<nlohmann::ordered_json> yamlToJson(const Reader &reader, const YAML::Node &node,
                                          const std::string &field, JsonContext &context, int depth)
{
    const int place = collectionPlace(node);
    if (const auto *kept = context.memo.find(place)) {
        if (depth + kept->height > maxJsonDepth + 1)
            return tl::unexpected(reader.error(node, field,
                                               "JSON nested deeper than " +
                                                   std::to_string(maxJsonDepth) + " levels"));
        if (kept->items > context.budget || kept->items > context.aliasBudget)
            return tl::unexpected(reader.error(node, field,
                                               "aliases repeat more than " +
                                                   std::to_string(maxAliasItems) +
                                                   " values (write the JSON out, or repeat a "
                                                   "smaller part)"));
        context.budget -= kept->items;
        context.aliasBudget -= kept->items;
        return kept->value;
    }
    const bool repeated = context.memo.repeated(place);
    const std::size_t before = context.budget;
    auto value = convert(reader, node, field, context, depth);
    if (value && repeated)
        context.memo.keep(place, {*value, before - context.budget, height(*value)});
    return value;
}

namespace {

Result<nlohmann::ordered_json> convert(const Reader &reader, const YAML::Node &node,
                                       const std::string &field, JsonContext &context, int depth)
{
    std::size_t &budget = context.budget;
    if (budget == 0)
        return tl::unexpected(reader.error(node, field,
                                           "the scenario is too large (aliases repeating a large "
                                           "part of it?)"));
    --budget;
    if (depth > maxJsonDepth)
        return tl::unexpected(reader.error(
            node, field, "JSON nested deeper than " + std::to_string(maxJsonDepth) + " levels"));
    if (node.IsNull())
        return nlohmann::ordered_json(nullptr);
    if (node.IsScalar()) {
        auto text = reader.text(node, field);
        if (!text)
            return tl::unexpected(text.error());
        // "!" is a quoted (or block) scalar, "?" a plain one; an explicit !!str is a string too.
        if (node.Tag() != "?")
            return nlohmann::ordered_json(std::move(*text));
        if (isCoreSchemaNonString(*text)) {
            if (auto value = coreSchemaValue(*text))
                return std::move(*value);
            return tl::unexpected(reader.error(node, field,
                                               '"' + shortened(*text) +
                                                   "\" is a number JSON cannot hold (quote it "
                                                   "to send it as a text)"));
        }
        if (isOneTemplate(*text))
            return plainTemplate(*text);
        return nlohmann::ordered_json(std::move(*text));
    }
    if (node.IsSequence()) {
        nlohmann::ordered_json array = nlohmann::ordered_json::array();
        for (std::size_t i = 0; i < node.size(); ++i) {
            auto value = yamlToJson(reader, node[i], indexed(field, i), context, depth + 1);
            if (!value)
                return value;
            array.push_back(std::move(*value));
        }
        return array;
    }
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    for (auto it = node.begin(); it != node.end(); ++it) {
        const YAML::Node key = it->first;
        const YAML::Node value = it->second;
        if (!key.IsScalar())
            return tl::unexpected(reader.error(
                key, field, "a JSON key is a text (quote it: \"null\" or \"\" for an empty one)"));
        auto name = reader.text(key, field);
        if (!name)
            return tl::unexpected(name.error());
        const std::string path = join(field, *name);
        if (object.contains(*name))
            return tl::unexpected(
                reader.error(key, path, "duplicate key \"" + shortened(*name) + '"'));
        auto converted = yamlToJson(reader, value, path, context, depth + 1);
        if (!converted)
            return converted;
        object[*name] = std::move(*converted);
    }
    return object;
}

bool isShortScalar(const nlohmann::ordered_json &value)
{
    if (value.is_structured() || value.is_binary())
        return false;
    return !value.is_string() || value.get_ref<const std::string &>().size() <= 40;
}

/// Small containers of scalars read well on one line; a plain template cannot be written in a
/// flow collection (its braces would end it), so anything holding one is written in blocks.
bool fitsFlow(const nlohmann::ordered_json &value)
{
    if (value.empty())
        return true;
    if (value.size() > 4)
        return false;
    std::size_t length = 0;
    for (auto it = value.begin(); it != value.end(); ++it) {
        if (!isShortScalar(*it))
            return false;
        length += value.is_object() ? it.key().size() : 0;
        length += it->is_string() ? it->get_ref<const std::string &>().size() : 8;
    }
    return length <= 60;
}

std::string floatText(double value)
{
    std::string text = formatNumber(value);
    // "5" would read back as an integer; "1e+300" and "0.5" already read as floats.
    if (text.find_first_of(".eEn") == std::string::npos)
        text += ".0";
    return text;
}

} // namespace

void emitJson(YAML::Emitter &out, const nlohmann::ordered_json &value)
{
    switch (value.type()) {
    case nlohmann::ordered_json::value_t::null:
    case nlohmann::ordered_json::value_t::discarded:
        out << YAML::LowerNull << YAML::Null;
        return;
    case nlohmann::ordered_json::value_t::boolean:
        out << (value.get<bool>() ? "true" : "false");
        return;
    case nlohmann::ordered_json::value_t::number_integer:
        out << std::to_string(value.get<std::int64_t>());
        return;
    case nlohmann::ordered_json::value_t::number_unsigned:
        out << std::to_string(value.get<std::uint64_t>());
        return;
    case nlohmann::ordered_json::value_t::number_float:
        out << floatText(value.get<double>());
        return;
    case nlohmann::ordered_json::value_t::binary: {
        const auto &bytes = value.get_binary();
        out << std::string(bytes.begin(), bytes.end());
        return;
    }
    case nlohmann::ordered_json::value_t::string: {
        const auto &text = value.get_ref<const std::string &>();
        if (isCoreSchemaNonString(text) || isOneTemplate(text))
            out << YAML::DoubleQuoted;
        out << Yaml::Text{text};
        return;
    }
    case nlohmann::ordered_json::value_t::array:
        if (fitsFlow(value))
            out << YAML::Flow;
        out << YAML::BeginSeq;
        for (const auto &item : value)
            emitJson(out, item);
        out << YAML::EndSeq;
        return;
    case nlohmann::ordered_json::value_t::object:
        if (fitsFlow(value))
            out << YAML::Flow;
        out << YAML::BeginMap;
        for (auto it = value.begin(); it != value.end(); ++it) {
            out << YAML::Key << Yaml::Text{it.key(), true} << YAML::Value;
            emitJson(out, *it);
        }
        out << YAML::EndMap;
        return;
    }
}

} // namespace Loadwizard::Steps
