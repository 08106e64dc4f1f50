#include <loadwizard/yamlmerge.h>

#include <loadwizard/yamlreader.h>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <vector>

namespace Loadwizard::Yaml {

namespace {

/// A text's lines, each with its line break, so that joining them gives the text back.
std::vector<std::string_view> splitLines(std::string_view text)
{
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        const std::size_t length = end == std::string_view::npos ? text.size() : end + 1;
        lines.push_back(text.substr(0, length));
        text.remove_prefix(length);
    }
    return lines;
}

int indentOf(std::string_view line)
{
    const std::size_t first = line.find_first_not_of(' ');
    return first == std::string_view::npos ? int(line.size()) : int(first);
}

/// A blank line, or a comment line no deeper than `column` (one deeper may be a block
/// scalar's text, which is the entry above's).
bool isLeadLine(std::string_view line, int column)
{
    const std::size_t first = line.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return true;
    return line[first] == '#' && int(first) <= column;
}

/// One `key: value` of a block map and the lines it covers: [lead, key) are the comments and
/// blank lines above it, [key, end) the entry itself.
struct Entry
{
    std::string key;
    YAML::Node value;
    int lead = 0;
    int keyLine = 0;
    int keyColumn = 0;
    int end = 0;
};

/// The entries of a block map whose text lies in lines [first, last); none when its keys are
/// not each at the start of a line of their own (then it is replaced whole).
std::optional<std::vector<Entry>>
entriesOf(const YAML::Node &map, const std::vector<std::string_view> &lines, int first, int last)
{
    if (!map.IsMap() || map.Style() != YAML::EmitterStyle::Block || map.size() == 0)
        return std::nullopt;
    std::vector<Entry> entries;
    for (auto it = map.begin(); it != map.end(); ++it) {
        if (!it->first.IsScalar())
            return std::nullopt;
        const YAML::Mark mark = it->first.Mark();
        if (mark.line < first || mark.line >= last || mark.line >= int(lines.size()))
            return std::nullopt;
        if (!entries.empty() && mark.line <= entries.back().keyLine)
            return std::nullopt;
        if (indentOf(lines[std::size_t(mark.line)]) != mark.column)
            return std::nullopt;
        entries.push_back({it->first.Scalar(), it->second, 0, mark.line, mark.column, 0});
    }
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const int floor = i == 0 ? first : entries[i - 1].keyLine + 1;
        int lead = entries[i].keyLine;
        while (lead > floor && isLeadLine(lines[std::size_t(lead - 1)], entries[i].keyColumn))
            --lead;
        entries[i].lead = lead;
        if (i > 0)
            entries[i - 1].end = lead;
    }
    entries.back().end = last;
    return entries;
}

bool sameScalar(const YAML::Node &a, const YAML::Node &b, ScalarMatch match)
{
    if (match == ScalarMatch::Exact)
        return a.Scalar() == b.Scalar() && a.Tag() == b.Tag();
    if (a.Scalar() == b.Scalar())
        return true;
    if (const auto x = toSeconds(a.Scalar()), y = toSeconds(b.Scalar()); x && y)
        return *x == *y;
    const Reader reader({}, nullptr);
    if (const auto x = reader.size(a, {}), y = reader.size(b, {}); x && y)
        return *x == *y;
    bool x = false, y = false;
    return YAML::convert<bool>::decode(a, x) && YAML::convert<bool>::decode(b, y) && x == y;
}

bool equivalent(const YAML::Node &a, const YAML::Node &b, ScalarMatch match)
{
    if (a.Type() != b.Type())
        return false;
    switch (a.Type()) {
    case YAML::NodeType::Scalar:
        return sameScalar(a, b, match);
    case YAML::NodeType::Sequence:
        if (a.size() != b.size())
            return false;
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (!equivalent(a[i], b[i], match))
                return false;
        }
        return true;
    case YAML::NodeType::Map:
        if (a.size() != b.size())
            return false;
        for (auto it = a.begin(); it != a.end(); ++it) {
            if (!it->first.IsScalar())
                return false;
            const YAML::Node other = b[it->first.Scalar()];
            if (!other.IsDefined() || !equivalent(it->second, other, match))
                return false;
        }
        return true;
    default:
        return true; // both null (or both undefined)
    }
}

/// Lines [first, last) moved right by `shift` columns (left when negative: only spaces go).
std::string shifted(const std::vector<std::string_view> &lines, int first, int last, int shift)
{
    std::string text;
    for (int i = first; i < last; ++i) {
        std::string_view line = lines[std::size_t(i)];
        const bool blank = line.find_first_not_of(" \t\r\n") == std::string_view::npos;
        if (shift > 0 && !blank)
            text.append(std::size_t(shift), ' ');
        else if (shift < 0)
            line.remove_prefix(std::size_t(std::min(-shift, indentOf(line))));
        text += line;
    }
    if (!text.empty() && text.back() != '\n')
        text += '\n';
    return text;
}

std::string joined(const std::vector<std::string_view> &lines, int first, int last)
{
    return shifted(lines, first, last, 0);
}

class Merger
{
public:
    Merger(std::string_view original, std::string_view emitted, ScalarMatch match, bool addNewKeys)
        : m_original(splitLines(original))
        , m_emitted(splitLines(emitted))
        , m_match(match)
        , m_addNewKeys(addNewKeys)
    {}

    /// The original map (its text in lines [first, last)) merged with the emitted one.
    std::optional<std::string> mergeMap(const YAML::Node &original, int first, int last,
                                        const YAML::Node &emitted, int emittedFirst,
                                        int emittedLast) const
    {
        const auto ours = entriesOf(original, m_original, first, last);
        const auto theirs = entriesOf(emitted, m_emitted, emittedFirst, emittedLast);
        if (!ours || !theirs)
            return std::nullopt;
        const int shift = ours->front().keyColumn - theirs->front().keyColumn;
        const auto find = [](const std::vector<Entry> &entries, const std::string &key) {
            return std::find_if(entries.begin(), entries.end(),
                                [&](const Entry &entry) { return entry.key == key; });
        };

        // The original's order; a key new in the emitted text goes after the one it follows
        // there (first when it follows none).
        struct Item
        {
            const Entry *ours;
            const Entry *theirs;
        };
        std::vector<Item> items;
        for (const Entry &entry : *ours) {
            if (const auto match = find(*theirs, entry.key); match != theirs->end())
                items.push_back({&entry, &*match});
        }
        for (std::size_t j = 0; j < theirs->size(); ++j) {
            const Entry &entry = (*theirs)[j];
            if (find(*ours, entry.key) != ours->end())
                continue;
            auto at = items.begin();
            for (std::size_t k = j; k-- > 0;) {
                const std::string &previous = (*theirs)[k].key;
                const auto found = std::find_if(items.begin(), items.end(), [&](const Item &item) {
                    return (item.ours ? item.ours->key : item.theirs->key) == previous;
                });
                if (found != items.end()) {
                    at = found + 1;
                    break;
                }
            }
            items.insert(at, {nullptr, &entry});
        }

        std::string text = joined(m_original, first, ours->front().lead);
        for (const Item &item : items) {
            if (!item.ours) {
                if (m_addNewKeys)
                    text += shifted(m_emitted, item.theirs->keyLine, item.theirs->end, shift);
                continue;
            }
            const Entry &entry = *item.ours;
            if (equivalent(entry.value, item.theirs->value, m_match)) {
                text += joined(m_original, entry.lead, entry.end);
                continue;
            }
            // The comments above a changed entry stay; so does its key line when its map is
            // merged key by key.
            text += joined(m_original, entry.lead, entry.keyLine);
            if (auto merged =
                    mergeMap(entry.value, entry.keyLine + 1, entry.end, item.theirs->value,
                             item.theirs->keyLine + 1, item.theirs->end)) {
                text += joined(m_original, entry.keyLine, entry.keyLine + 1) + *merged;
                continue;
            }
            text += shifted(m_emitted, item.theirs->keyLine, item.theirs->end, shift);
        }
        return text;
    }

    int originalLines() const { return int(m_original.size()); }
    int emittedLines() const { return int(m_emitted.size()); }

private:
    std::vector<std::string_view> m_original;
    std::vector<std::string_view> m_emitted;
    ScalarMatch m_match;
    bool m_addNewKeys;
};

} // namespace

std::optional<std::string> mergeYamlText(std::string_view original, std::string_view emitted,
                                         ScalarMatch match, bool addNewKeys)
{
    YAML::Node originalRoot, emittedRoot;
    try {
        originalRoot = YAML::Load(std::string(original));
        emittedRoot = YAML::Load(std::string(emitted));
    } catch (const YAML::Exception &) {
        return std::nullopt;
    }
    const Merger merger(original, emitted, match, addNewKeys);
    try {
        return merger.mergeMap(originalRoot, 0, merger.originalLines(), emittedRoot, 0,
                               merger.emittedLines());
    } catch (const YAML::Exception &) {
        return std::nullopt;
    }
}

} // namespace Loadwizard::Yaml
