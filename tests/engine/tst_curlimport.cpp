// The curl importer (curlimport.h): bash quoting as browsers' "Copy as cURL (bash)" writes it,
// every flag it reads, and what it refuses.

#include <loadwizard/curlimport.h>

#include <QTest>

using namespace Loadwizard;
using namespace Loadwizard::Import;

namespace {

Steps::Pairs pairs(std::initializer_list<std::pair<std::string, std::string>> list)
{
    return Steps::Pairs(list);
}

std::vector<std::string> split(const std::string &text)
{
    auto commands = splitShellCommands(text, "t");
    if (!commands || commands->size() != 1)
        return {};
    return commands->front();
}

/// One command imported: its request step.
Steps::RequestStep imported(const std::string &command,
                            std::vector<std::string> *warnings = nullptr)
{
    auto result = importCurl({command}, {"arg"}, {});
    if (!result || result->scenario.steps.size() != 1)
        return {};
    if (warnings)
        *warnings = result->warnings;
    return result->scenario.steps.front().request;
}

} // namespace

class TestCurlImport : public QObject
{
    Q_OBJECT

private slots:
    void splitsWordsAsBashDoes_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("words");
        QTest::newRow("plain") << "curl http://h/a" << QStringList{"curl", "http://h/a"};
        QTest::newRow("single quotes") << "curl 'http://h/a b' -H 'X: \"y\"'"
                                       << QStringList{"curl", "http://h/a b", "-H", "X: \"y\""};
        QTest::newRow("double quotes") << "curl \"a \\\"b\\\" \\$c \\\\ \\x\" \"it's\""
                                       << QStringList{"curl", "a \"b\" $c \\ \\x", "it's"};
        QTest::newRow("ANSI-C") << "curl $'a\\'b\\n\\t\\x41\\u00e9\\101\\\\'"
                                << QStringList{"curl", QString::fromUtf8("a'b\n\tAéA\\")};
        QTest::newRow("adjacent parts") << "curl a'b'\"c\"$'d'" << QStringList{"curl", "abcd"};
        QTest::newRow("continued lines")
            << "curl 'http://h/' \\\n  -H 'A: 1' \\\r\n  --compressed"
            << QStringList{"curl", "http://h/", "-H", "A: 1", "--compressed"};
        QTest::newRow("escaped space") << "curl a\\ b" << QStringList{"curl", "a b"};
        QTest::newRow("empty word") << "curl '' x" << QStringList{"curl", "", "x"};
        QTest::newRow("comment") << "curl x # the rest\n" << QStringList{"curl", "x"};
        QTest::newRow("hash inside a word")
            << "curl http://h/#frag" << QStringList{"curl", "http://h/#frag"};
    }

    void splitsWordsAsBashDoes()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, words);
        QStringList got;
        for (const auto &word : split(text.toStdString()))
            got << QString::fromStdString(word);
        QCOMPARE(got, words);
    }

    void splitsSeveralCommands()
    {
        // Chrome's "Copy all as cURL (bash)" joins them with " ;\n".
        auto commands = splitShellCommands(
            "curl 'http://h/1' \\\n  -H 'A: 1' ;\ncurl 'http://h/2' && curl http://h/3\n\n"
            "curl http://h/4 || true",
            "t");
        QVERIFY(commands);
        QCOMPARE(commands->size(), std::size_t(5));
        QCOMPARE((*commands)[1], std::vector<std::string>({"curl", "http://h/2"}));
        QCOMPARE((*commands)[4], std::vector<std::string>({"true"}));
    }

    void refusesUnterminatedQuotes_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("single") << "curl \\\n 'abc"
                                << "t:2: unterminated single quote (opened here)";
        QTest::newRow("double") << "curl \"abc"
                                << "t:1: unterminated double quote (opened here)";
        QTest::newRow("ANSI-C") << "curl $'abc\\'"
                                << "t:1: unterminated $' (opened here)";
    }

    void refusesUnterminatedQuotes()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        auto commands = splitShellCommands(text.toStdString(), "t");
        QVERIFY(!commands);
        QCOMPARE(QString::fromStdString(commands.error().toString()), message);
    }

    void readsMethodsAndUrls()
    {
        QCOMPARE(imported("curl http://h/a").method, std::string("GET"));
        QCOMPARE(imported("curl -X PUT http://h/a").method, std::string("PUT"));
        QCOMPARE(imported("curl -XDELETE http://h/a").method, std::string("DELETE"));
        QCOMPARE(imported("curl --request PATCH http://h/a").method, std::string("PATCH"));
        QCOMPARE(imported("curl -I http://h/a").method, std::string("HEAD"));
        QCOMPARE(imported("curl --head http://h/a").method, std::string("HEAD"));
        QCOMPARE(imported("curl --url http://h/u").url, std::string("/u"));
        // curl's default scheme.
        auto result = importCurl({"curl h:8080/p"}, {"arg"}, {});
        QVERIFY(result);
        QCOMPARE(result->baseUrl, std::string("http://h:8080"));
    }

    void readsHeaders()
    {
        std::vector<std::string> warnings;
        const auto step = imported("curl http://h/ -H 'X-A: 1' --header 'X-B:two words' "
                                   "-H 'Accept-Encoding: gzip' -H 'sec-ch-ua: \"x\"' "
                                   "-H 'X-Empty;' -H 'X-Removed:' -H 'nonsense' "
                                   "-H 'User-Agent: browser'",
                                   &warnings);
        QCOMPARE(step.headers, pairs({{"X-A", "1"}, {"X-B", "two words"}, {"X-Empty", ""}}));
        QCOMPARE(warnings, std::vector<std::string>(
                               {"arg: command 1: -H \"nonsense\" is not NAME: VALUE: ignored"}));
    }

    void readsData_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("method");
        QTest::addColumn<QString>("form");
        QTest::addColumn<QString>("body");
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("headers");
        QTest::newRow("-d form") << "curl http://h/ -d 'a=1&b=x%20y'"
                                 << "POST"
                                 << "a=1,b=x y"
                                 << ""
                                 << ""
                                 << "";
        QTest::newRow("several -d") << "curl http://h/ -d a=1 --data b=2 --data-ascii c=3"
                                    << "POST"
                                    << "a=1,b=2,c=3"
                                    << ""
                                    << ""
                                    << "";
        QTest::newRow("--data-raw text") << "curl http://h/ --data-raw '@not a file'"
                                         << "POST"
                                         << ""
                                         << "@not a file"
                                         << ""
                                         << "Content-Type=application/x-www-form-urlencoded";
        QTest::newRow("--data-binary JSON")
            << "curl http://h/ -H 'Content-Type: application/json' --data-binary '{\"a\":1}'"
            << "POST"
            << ""
            << ""
            << "{\"a\":1}"
            << "";
        QTest::newRow("--data-urlencode")
            << "curl http://h/ --data-urlencode 'q=a b&c' --data-urlencode '=x y' "
               "--data-urlencode 'plain text'"
            << "POST"
            << ""
            << "q=a%20b%26c&x%20y&plain%20text"
            << ""
            << "Content-Type=application/x-www-form-urlencoded";
        QTest::newRow("--json") << "curl http://h/ --json '{\"b\":[true]}'"
                                << "POST"
                                << ""
                                << ""
                                << "{\"b\":[true]}"
                                << "Accept=application/json";
        QTest::newRow("-G") << "curl -G http://h/s -d q=x --data-urlencode 'p=a b'"
                            << "GET"
                            << ""
                            << ""
                            << ""
                            << "";
        QTest::newRow("-X wins") << "curl -X PUT http://h/ -d a=1"
                                 << "PUT"
                                 << "a=1"
                                 << ""
                                 << ""
                                 << "";
        QTest::newRow("text with its type")
            << "curl http://h/ -H 'Content-Type: text/xml' -d '<a/>'"
            << "POST"
            << ""
            << "<a/>"
            << ""
            << "Content-Type=text/xml";
    }

    void readsData()
    {
        QFETCH(QString, command);
        QFETCH(QString, method);
        QFETCH(QString, form);
        QFETCH(QString, body);
        QFETCH(QString, json);
        QFETCH(QString, headers);
        const auto step = imported(command.toStdString());
        QCOMPARE(QString::fromStdString(step.method), method);
        QStringList formText;
        for (const auto &[name, value] : step.form)
            formText << QString::fromStdString(name + "=" + value);
        QCOMPARE(formText.join(","), form);
        QCOMPARE(QString::fromStdString(step.body.value_or("")), body);
        QCOMPARE(QString::fromStdString(step.json ? step.json->dump() : ""), json);
        QStringList headerText;
        for (const auto &[name, value] : step.headers)
            headerText << QString::fromStdString(name + "=" + value);
        QCOMPARE(headerText.join(","), headers);
    }

    void appendsDataToTheQueryWithGet()
    {
        const auto step = imported("curl -G http://h/s?x=1 -d q=x --data-urlencode 'p=a b'");
        QCOMPARE(step.url, std::string("/s"));
        QCOMPARE(step.query, pairs({{"x", "1"}, {"q", "x"}, {"p", "a b"}}));
    }

    void readsMultipartForms()
    {
        std::vector<std::string> warnings;
        const auto step =
            imported("curl http://h/up -F title=Report -F 'file=@data/r.csv;type=text/csv' "
                     "-F 'pic=@a.png;filename=b.png' --form-string 'raw=@literal' "
                     "-F 'note=<notes.txt'",
                     &warnings);
        QCOMPARE(step.method, std::string("POST"));
        QCOMPARE(step.form, pairs({{"title", "Report"}, {"raw", "@literal"}, {"note", ""}}));
        QCOMPARE(step.files, std::vector<Steps::FileField>({{"file", "data/r.csv", "", "text/csv"},
                                                            {"pic", "a.png", "b.png", ""}}));
        QCOMPARE(warnings.size(), std::size_t(3));
        QCOMPARE(warnings[0], std::string("arg: command 1: -F note=<notes.txt: a value read from "
                                          "a file is not imported (field left empty)"));
        QCOMPARE(warnings[1],
                 std::string("entry 1: multipart file \"\" (field \"file\") is not in the "
                             "recording: put a file at \"data/r.csv\" next to the scenario"));
    }

    void readsCredentialsCookiesAndOtherHeaders()
    {
        std::vector<std::string> warnings;
        const auto step = imported("curl http://h/ -u 'ada:s3cret' -b 'a=1; b=2' --cookie c=3 "
                                   "-A 'MyAgent/1.0' -e http://h/from --compressed -L -k -s",
                                   &warnings);
        QCOMPARE(step.headers, pairs({{"Authorization", "Basic YWRhOnMzY3JldA=="},
                                      {"User-Agent", "MyAgent/1.0"},
                                      {"Referer", "http://h/from"},
                                      {"Cookie", "a=1; b=2; c=3"}}));
        QCOMPARE(warnings,
                 std::vector<std::string>(
                     {"arg: command 1: -k/--insecure: certificate checks are the project's "
                      "http.verify_tls (set it to false for self-signed test servers)",
                      "arg: command 1: a Cookie header from a browser session is kept as "
                      "recorded: it expires; a scenario that logs in gets its own cookies"}));
        QCOMPARE(imported("curl http://h/ --user ada").headers,
                 pairs({{"Authorization", "Basic YWRhOg=="}}));
        QCOMPARE(imported("curl http://h/ -m 2.5").timeoutSeconds, 2.5);
        QCOMPARE(imported("curl -sSL http://h/x").url, std::string("/x"));
    }

    void namesUnknownAndIgnoredFlags()
    {
        std::vector<std::string> warnings;
        imported("curl http://h/ --frobnicate -Z --proxy http://p:3128 -b jar.txt "
                 "-d @body.json http://h/second",
                 &warnings);
        QCOMPARE(warnings,
                 std::vector<std::string>(
                     {"arg: command 1: unknown flag --frobnicate: ignored",
                      "arg: command 1: unknown flag -Z: ignored",
                      "arg: command 1: flag --proxy http://p:3128 has no effect on the scenario: "
                      "ignored",
                      "arg: command 1: -b jar.txt: a cookie file is not read (the vuser's cookie "
                      "jar starts empty)",
                      "arg: command 1: -d @body.json: a body read from a file is not imported "
                      "(put it in the step's body)",
                      "arg: command 1: 2 URLs: only the first, http://h/, is imported"}));
    }

    void refusesWhatIsNoCurlCommand_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("wget") << "wget http://h/"
                              << "arg: command 1: does not start with curl (\"wget\")";
        QTest::newRow("no URL") << "curl -H 'A: b'"
                                << "arg: command 1: no URL";
        QTest::newRow("flag without value") << "curl http://h/ -H"
                                            << "arg: command 1: -H needs a value";
        QTest::newRow("nothing") << "  \n# only a comment\n"
                                 << "arg: no curl command";
        QTest::newRow("second command bad") << "curl http://h/\nls -l"
                                            << "arg: command 2: does not start with curl (\"ls\")";
    }

    void refusesWhatIsNoCurlCommand()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        auto result = importCurl({text.toStdString()}, {"arg"}, {});
        QVERIFY(!result);
        QCOMPARE(QString::fromStdString(result.error().toString()), message);
    }

    void importsChromesCopyAllAsCurl()
    {
        const std::string text =
            "curl 'http://127.0.0.1:8080/api/token' \\\n"
            "  -H 'Accept: application/json' \\\n"
            "  -H 'Accept-Language: en-GB,en;q=0.9' \\\n"
            "  -H 'Connection: keep-alive' \\\n"
            "  -H 'Content-Type: application/json' \\\n"
            "  -H 'Origin: http://127.0.0.1:8080' \\\n"
            "  -H 'Sec-Fetch-Mode: cors' \\\n"
            "  -H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36' \\\n"
            "  -H 'sec-ch-ua: \"Chromium\";v=\"120\"' \\\n"
            "  --data-raw $'{\"user\":\"demo\",\"password\":\"secret\",\"note\":\"it\\'s\"}' \\\n"
            "  --compressed ;\n"
            "curl 'http://127.0.0.1:8080/health' \\\n"
            "  -H 'Accept: */*' \\\n"
            "  --compressed";
        auto result = importCurl({text}, {"chrome.sh"}, {});
        QVERIFY2(result, result ? "" : result.error().toString().c_str());
        QCOMPARE(result->requests, 2);
        QVERIFY(result->warnings.empty());
        const auto &first = result->scenario.steps[0].request;
        QCOMPARE(first.method, std::string("POST"));
        QCOMPARE(first.url, std::string("/api/token"));
        QVERIFY(*first.json == nlohmann::ordered_json(
                                   {{"user", "demo"}, {"password", "secret"}, {"note", "it's"}}));
        QCOMPARE(first.headers, pairs({{"Accept", "application/json"},
                                       {"Accept-Language", "en-GB,en;q=0.9"},
                                       {"Origin", "http://127.0.0.1:8080"}}));
        QVERIFY(first.checks.empty()); // no response recorded: nothing to check against
        QCOMPARE(result->scenario.steps[1].request.headers, pairs({{"Accept", "*/*"}}));
    }
};

QTEST_GUILESS_MAIN(TestCurlImport)
#include "tst_curlimport.moc"
