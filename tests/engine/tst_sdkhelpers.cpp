// The scenario SDK's header-only helpers: encodings against their RFCs' own examples, request
// options turned into requests byte for byte, and extractors that name what they miss.

#include <loadwizard/scenario.h>

#include <QRegularExpression>
#include <QTest>

#include <stdexcept>
#include <string>

using namespace Loadwizard;

class TestSdkHelpers : public QObject
{
    Q_OBJECT

private slots:
    void urlEncodingKeepsOnlyUnreservedCharacters();
    void urlDecodingUndoesEncodingAndKeepsStrayPercents();
    void base64FollowsRfc4648_data();
    void base64FollowsRfc4648();
    void base64RefusesWhatIsNotBase64();
    void queryIsAppendedBeforeTheFragment();
    void jsonFormAndFilesSetBodyAndContentType();
    void multipartBodyIsExact();
    void twoBodyKindsAreRefused();
    void extractorsFindAndNameWhatIsMissing();
    void jsonErrorsNameThePointerAndTheBody();
    void aRegexOverALargeBodyDoesNotOverflowTheStack();
    void multipartRefusesLineBreaksInPartHeaders();
    void parametersConvertOrSayWhy();
    void timeStampsHaveTheirFormats();
};

void TestSdkHelpers::urlEncodingKeepsOnlyUnreservedCharacters()
{
    QCOMPARE(urlEncode("AZaz09-._~"), std::string("AZaz09-._~"));
    QCOMPARE(urlEncode("a b&c=d/é+%"), std::string("a%20b%26c%3Dd%2F%C3%A9%2B%25"));
    QCOMPARE(urlEncode(std::string("\0\xff", 2)), std::string("%00%FF"));
    QCOMPARE(formEncode({{"user", "a b"}, {"x&y", "1=2"}}), std::string("user=a%20b&x%26y=1%3D2"));
    QCOMPARE(formEncode({}), std::string());
}

void TestSdkHelpers::urlDecodingUndoesEncodingAndKeepsStrayPercents()
{
    const std::string text("a b&c=d/é+%\x01", 14);
    QCOMPARE(urlDecode(urlEncode(text)), text);
    QCOMPARE(urlDecode("a+b%2Bc"), std::string("a b+c"));
    QCOMPARE(urlDecode("a+b", false), std::string("a+b"));
    QCOMPARE(urlDecode("100%"), std::string("100%"));
    QCOMPARE(urlDecode("%zz%4"), std::string("%zz%4"));
    QCOMPARE(urlDecode("%c3%A9"), std::string("é"));
}

void TestSdkHelpers::base64FollowsRfc4648_data()
{
    QTest::addColumn<QByteArray>("plain");
    QTest::addColumn<QByteArray>("encoded");
    // RFC 4648 section 10.
    QTest::newRow("empty") << QByteArray("") << QByteArray("");
    QTest::newRow("f") << QByteArray("f") << QByteArray("Zg==");
    QTest::newRow("fo") << QByteArray("fo") << QByteArray("Zm8=");
    QTest::newRow("foo") << QByteArray("foo") << QByteArray("Zm9v");
    QTest::newRow("foob") << QByteArray("foob") << QByteArray("Zm9vYg==");
    QTest::newRow("fooba") << QByteArray("fooba") << QByteArray("Zm9vYmE=");
    QTest::newRow("foobar") << QByteArray("foobar") << QByteArray("Zm9vYmFy");
    QTest::newRow("binary") << QByteArray("\xfb\xff\xfe\x00", 4) << QByteArray("+//+AA==");
}

void TestSdkHelpers::base64FollowsRfc4648()
{
    QFETCH(QByteArray, plain);
    QFETCH(QByteArray, encoded);
    const std::string bytes = plain.toStdString();
    QCOMPARE(QByteArray::fromStdString(base64Encode(bytes)), encoded);
    QCOMPARE(QByteArray::fromStdString(base64Decode(encoded.toStdString())), plain);
    // The URL-safe alphabet without padding, as JWTs use it.
    QByteArray urlSafe = encoded;
    urlSafe.replace('+', '-').replace('/', '_').replace("=", "");
    QCOMPARE(QByteArray::fromStdString(base64Encode(bytes, true)), urlSafe);
    QCOMPARE(QByteArray::fromStdString(base64Decode(urlSafe.toStdString())), plain);
}

void TestSdkHelpers::base64RefusesWhatIsNotBase64()
{
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, base64Decode("Zm9v!"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, base64Decode("Zg==Zg"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, base64Decode("Z"));
    try {
        base64Decode("ab*d");
        QFAIL("no exception");
    } catch (const std::invalid_argument &e) {
        QVERIFY2(std::string(e.what()).find("offset 2") != std::string::npos, e.what());
    }
    QCOMPARE(base64Decode("Zm9v\nYmFy"), std::string("foobar"));
}

void TestSdkHelpers::queryIsAppendedBeforeTheFragment()
{
    QCOMPARE(Detail::buildRequest("GET", "/a", {.query = {{"q", "x y"}}}).url,
             std::string("/a?q=x%20y"));
    QCOMPARE(Detail::buildRequest("GET", "/a?b=1#top", {.query = {{"q", "1"}, {"r", "&"}}}).url,
             std::string("/a?b=1&q=1&r=%26#top"));
    QCOMPARE(Detail::buildRequest("GET", "/a", {}).url, std::string("/a"));
}

void TestSdkHelpers::jsonFormAndFilesSetBodyAndContentType()
{
    auto json = Detail::buildRequest("POST", "/j", {.json = {{"a", 1}}, .name = "n"});
    QCOMPARE(json.body, std::string("{\"a\":1}"));
    QCOMPARE(json.headers.size(), std::size_t(1));
    QCOMPARE(json.headers[0].value, std::string("application/json"));
    QCOMPARE(json.name, std::string("n"));

    auto null = Detail::buildRequest("POST", "/j", {.json = nullptr});
    QCOMPARE(null.body, std::string("null"));

    auto form = Detail::buildRequest("POST", "/f", {.form = {{"u", "a b"}}});
    QCOMPARE(form.body, std::string("u=a%20b"));
    QCOMPARE(form.headers[0].value, std::string("application/x-www-form-urlencoded"));

    // The scenario's own Content-Type wins, in any letter case.
    auto own = Detail::buildRequest(
        "POST", "/j", {.headers = {{"content-type", "application/vnd.x+json"}}, .json = 1});
    QCOMPARE(own.headers.size(), std::size_t(1));
    QCOMPARE(own.headers[0].value, std::string("application/vnd.x+json"));

    auto plain = Detail::buildRequest("PUT", "/b", {.body = "raw", .timeout = 2.5, .maxBody = 9});
    QCOMPARE(plain.body, std::string("raw"));
    QVERIFY(plain.headers.empty());
    QCOMPARE(plain.method, std::string("PUT"));
    QCOMPARE(plain.timeoutSeconds, 2.5);
    QCOMPARE(plain.maxBodyBytes, std::uint64_t(9));
}

void TestSdkHelpers::multipartBodyIsExact()
{
    auto r = Detail::buildRequest(
        "POST", "/u",
        {.form = {{"field", "v"}},
         .files = {{.field = "f", .fileName = "a\"b.txt", .content = "hi", .contentType = "t/x"}}});
    QCOMPARE(r.headers[0].value,
             std::string("multipart/form-data; boundary=loadwizard-boundary-0"));
    QCOMPARE(r.body, std::string("--loadwizard-boundary-0\r\n"
                                 "Content-Disposition: form-data; name=\"field\"\r\n\r\n"
                                 "v\r\n"
                                 "--loadwizard-boundary-0\r\n"
                                 "Content-Disposition: form-data; name=\"f\"; "
                                 "filename=\"a%22b.txt\"\r\n"
                                 "Content-Type: t/x\r\n\r\n"
                                 "hi\r\n"
                                 "--loadwizard-boundary-0--\r\n"));
    // Content that holds the boundary gets another one.
    auto clash = Detail::buildRequest(
        "POST", "/u",
        {.files = {{.field = "f", .fileName = "x", .content = "loadwizard-boundary-0"}}});
    QVERIFY(clash.headers[0].value.ends_with("boundary=loadwizard-boundary-1"));
}

void TestSdkHelpers::twoBodyKindsAreRefused()
{
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             Detail::buildRequest("POST", "/x", {.body = "a", .json = 1}));
    QVERIFY_THROWS_EXCEPTION(
        std::invalid_argument,
        Detail::buildRequest("POST", "/x", {.body = "a", .form = {{"a", "b"}}}));
}

void TestSdkHelpers::extractorsFindAndNameWhatIsMissing()
{
    Response r;
    r.name = "GET /page";
    r.body = "<input name=\"csrf\" value=\"abc123\"> <a id=\"1\"> <a id=\"22\">";
    r.headers = {{"Content-Type", "text/html"}, {"X-Id", "7"}};
    QCOMPARE(r.between("value=\"", "\""), std::string("abc123"));
    QCOMPARE(r.betweenAll("id=\"", "\""), (std::vector<std::string>{"1", "22"}));
    QCOMPARE(r.match("id=\"(\\d+)\""), std::string("1"));
    QCOMPARE(r.match(std::regex("id=\"\\d+\""), 0), std::string("id=\"1\""));
    QCOMPARE(r.matchAll(std::regex("id=\"(\\d+)\"")), (std::vector<std::string>{"1", "22"}));
    QCOMPARE(r.header("content-type"), std::string_view("text/html"));
    QCOMPARE(r.header("x-none"), std::string_view());
    QVERIFY(r.contains("csrf"));
    try {
        (void)r.between("token=", ";");
        QFAIL("no exception");
    } catch (const ExtractionError &e) {
        const std::string message = e.what();
        QVERIFY2(message.find("\"token=\"") != std::string::npos, e.what());
        QVERIFY2(message.find("\"GET /page\"") != std::string::npos, e.what());
    }
    QVERIFY_THROWS_EXCEPTION(ExtractionError, r.between("value=\"", "#"));
    QVERIFY_THROWS_EXCEPTION(ExtractionError, r.match("nomatch(\\d)"));
    QVERIFY_THROWS_EXCEPTION(ExtractionError, r.match("(unclosed"));
    QVERIFY_THROWS_EXCEPTION(ExtractionError, r.match("id", 2)); // no such group
}

void TestSdkHelpers::jsonErrorsNameThePointerAndTheBody()
{
    Response r;
    r.name = "POST /login";
    r.body = "{\"data\": [{\"id\": 5, \"token\": \"t\"}], \"n\": 1.5}";
    QCOMPARE(r.json("/data/0/id").get<int>(), 5);
    QCOMPARE(r.jsonText("/data/0/token"), std::string("t"));
    QCOMPARE(r.jsonText("/n"), std::string("1.5"));
    QCOMPARE(r.json()["data"].size(), std::size_t(1));
    try {
        (void)r.json("/data/1/id");
        QFAIL("no exception");
    } catch (const ExtractionError &e) {
        const std::string message = e.what();
        QVERIFY2(message.find("\"/data/1/id\"") != std::string::npos, e.what());
        QVERIFY2(message.find("\"POST /login\"") != std::string::npos, e.what());
        QVERIFY2(message.find("\"token\"") != std::string::npos, e.what()); // the body's start
    }
    QVERIFY_THROWS_EXCEPTION(ExtractionError, r.json("data")); // not a pointer
    r.body = std::string("{\"a\": \"\xff\xfe\"}");
    try {
        (void)r.json();
        QFAIL("no exception");
    } catch (const ExtractionError &e) {
        QVERIFY2(std::string(e.what()).find("not JSON") != std::string::npos, e.what());
    }
    r.body = std::string(1000, 'x');
    try {
        (void)r.json();
        QFAIL("no exception");
    } catch (const ExtractionError &e) {
        // A long body is quoted shortened, with its size.
        QVERIFY2(std::string(e.what()).find("(1000 bytes)") != std::string::npos, e.what());
        QVERIFY(std::string(e.what()).size() < 600);
    }
}

void TestSdkHelpers::aRegexOverALargeBodyDoesNotOverflowTheStack()
{
    // libstdc++ recurses per character here: 1 MiB overflows an 8 MiB thread stack. Under
    // AddressSanitizer each frame is several times larger: 128 KiB still overflows 8 MiB there.
    const std::size_t size =
        qEnvironmentVariableIsSet("LOADWIZARD_SANITIZED") ? 128 << 10 : 1 << 20;
    Response r;
    r.body = std::string(size - 5, 'a') + "<end>";
    QCOMPARE(r.match("([\\s\\S]*)<end>").size(), size - 5);
    QCOMPARE(r.matchAll(std::regex("((.|[^.])*)<end>")).size(), std::size_t(1));
    QVERIFY_THROWS_EXCEPTION(ExtractionError, r.match("(b+)"));
    // Beyond 1 MiB: an error that says what to use instead, never a crash.
    r.body = std::string(1 << 20, 'a') + "x";
    try {
        (void)r.match("(a)");
        QFAIL("no exception");
    } catch (const ExtractionError &e) {
        QVERIFY2(std::string(e.what()).find("at most 1 MiB") != std::string::npos, e.what());
    }
    QVERIFY_THROWS_EXCEPTION(ExtractionError, r.matchAll(std::regex("a")));
}

void TestSdkHelpers::multipartRefusesLineBreaksInPartHeaders()
{
    QVERIFY_THROWS_EXCEPTION(
        std::invalid_argument,
        Detail::buildRequest("POST", "/u",
                             {.files = {{.field = "f",
                                         .fileName = "x",
                                         .content = "c",
                                         .contentType = "text/plain\r\nX-Evil: 1"}}}));
    const auto r = Detail::buildRequest(
        "POST", "/u", {.files = {{.field = "f\r", .fileName = "a\r\nb", .content = "c"}}});
    QVERIFY2(r.body.find("name=\"f%0D\"; filename=\"a%0D%0Ab\"") != std::string::npos,
             r.body.c_str());
}

void TestSdkHelpers::parametersConvertOrSayWhy()
{
    const Parameters parameters{{"n", "42"}, {"big", "99999999999"}, {"x", "2.5"}, {"b", "yes"},
                                {"e", ""},   {"bad", "4x"}};
    QCOMPARE(param<int>(parameters, "n", 0), 42);
    QCOMPARE(param<long long>(parameters, "big", 0), 99999999999LL);
    QCOMPARE(param<double>(parameters, "x", 0.0), 2.5);
    QCOMPARE(param<bool>(parameters, "b", false), true);
    QCOMPARE(param<int>(parameters, "e", 7), 7);
    QCOMPARE(param<std::string>(parameters, "n", ""), std::string("42"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, param<int>(parameters, "bad", 0));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, param<int>(parameters, "big", 0));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, param<bool>(parameters, "n", false));
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, param<int>(parameters, "missing", 0));
    try {
        (void)param<int>(parameters, "bad", 0);
    } catch (const std::invalid_argument &e) {
        QCOMPARE(std::string(e.what()), std::string("parameter bad: \"4x\" is not an integer"));
    }
}

void TestSdkHelpers::timeStampsHaveTheirFormats()
{
    const QString iso = QString::fromStdString(isoTime());
    QVERIFY2(QRegularExpression("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$")
                 .match(iso)
                 .hasMatch(),
             qPrintable(iso));
    const QString date = QString::fromStdString(httpDate());
    QVERIFY2(
        QRegularExpression("^[A-Z][a-z]{2}, \\d\\d [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d GMT$")
            .match(date)
            .hasMatch(),
        qPrintable(date));
    const auto millis = unixMillis();
    QVERIFY(millis / 1000 - unixSeconds() <= 1);
    QVERIFY(unixSeconds() > 1'700'000'000);
}

QTEST_GUILESS_MAIN(TestSdkHelpers)
#include "tst_sdkhelpers.moc"
