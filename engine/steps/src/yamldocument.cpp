#include <loadwizard/yamldocument.h>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <sstream>
#include <string>
#include <vector>

namespace Loadwizard {

namespace {

/// Notes where each document starts and whether it held anything but one empty node.
class DocumentStarts : public YAML::EventHandler
{
public:
    struct Start
    {
        YAML::Mark mark;
        bool empty = true;
    };
    std::vector<Start> starts;

    void OnDocumentStart(const YAML::Mark &mark) override { starts.push_back({mark, true}); }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark &, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark &, YAML::anchor_t) override { content(); }
    void OnScalar(const YAML::Mark &, const std::string &, YAML::anchor_t,
                  const std::string &) override
    {
        content();
    }
    void OnSequenceStart(const YAML::Mark &, const std::string &, YAML::anchor_t,
                         YAML::EmitterStyle::value) override
    {
        content();
    }
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark &, const std::string &, YAML::anchor_t,
                    YAML::EmitterStyle::value) override
    {
        content();
    }
    void OnMapEnd() override {}

private:
    void content()
    {
        if (!starts.empty())
            starts.back().empty = false;
    }
};

} // namespace

YamlDocument loadYamlDocument(std::string_view text)
{
    YamlDocument document;
    const std::string copy(text);
    document.root = YAML::Load(copy); // the first document only: this never loops

    std::istringstream stream(copy);
    YAML::Parser parser(stream);
    DocumentStarts handler;
    // Each further document is either real content (an error for the caller) or empty; the
    // loop ends at the end of the stream, at the first document with content after the first,
    // or when the parser stops moving forward (the yaml-cpp 0.7 endless loop).
    while (parser.HandleNextDocument(handler)) {
        const auto &starts = handler.starts;
        if (starts.size() >= 2) {
            const YAML::Mark &previous = starts[starts.size() - 2].mark;
            const YAML::Mark &current = starts.back().mark;
            if (current.pos <= previous.pos) {
                throw YAML::ParserException(current, "this is not YAML that can be read: "
                                                     "unexpected text at the start of a value");
            }
            if (!starts.back().empty) {
                document.secondDocument = current;
                break;
            }
        }
    }
    return document;
}

} // namespace Loadwizard
