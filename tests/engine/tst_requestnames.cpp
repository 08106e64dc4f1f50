// Default request names: METHOD /path with variable segments collapsed, never a host, userinfo
// or query; and the run's cap on distinct names.

#include <loadwizard/requestnames.h>
#include <loadwizard/secrets.h>

#include <QtTest>

using namespace Loadwizard;

class TestRequestNames : public QObject
{
    Q_OBJECT

private slots:
    void collapsesVariableSegments_data();
    void collapsesVariableSegments();
    void capsDistinctNamesAndWarnsOnce();
    void redactsSecretsBeforeCutting_data();
    void redactsSecretsBeforeCutting();
};

void TestRequestNames::collapsesVariableSegments_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("name");
    QTest::newRow("root") << "GET"
                          << "http://127.0.0.1:8080"
                          << "GET /";
    QTest::newRow("root slash") << "GET"
                                << "http://127.0.0.1:8080/"
                                << "GET /";
    QTest::newRow("number") << "GET"
                            << "http://h/bytes/5000"
                            << "GET /bytes/{id}";
    QTest::newRow("query and fragment") << "POST"
                                        << "https://h:1/cart?x=1#top"
                                        << "POST /cart";
    QTest::newRow("userinfo never") << "GET"
                                    << "http://user:secret@h/a"
                                    << "GET /a";
    QTest::newRow("uuid") << "DELETE"
                          << "http://h/o/123e4567-e89b-12d3-a456-426614174000/x"
                          << "DELETE /o/{uuid}/x";
    QTest::newRow("long hex") << "GET"
                              << "http://h/blob/0123456789abcdef0123"
                              << "GET /blob/{hex}";
    QTest::newRow("word kept") << "GET"
                               << "http://h/products/deadbeefcafebabe"
                               << "GET /products/deadbeefcafebabe"; // no digit: a word
    QTest::newRow("mixed kept") << "GET"
                                << "http://h/v2/items"
                                << "GET /v2/items";
    QTest::newRow("trailing slash") << "GET"
                                    << "http://h/a/7/"
                                    << "GET /a/{id}/";
    QTest::newRow("relative") << "GET"
                              << "/a/7?q"
                              << "GET /a/{id}";
    QTest::newRow("empty") << "GET"
                           << ""
                           << "GET /";
    // Userinfo never, however the URL is written (libcurl accepts all but the "bad URL" ones).
    QTest::newRow("no scheme") << "GET"
                               << "user:secret@h/a"
                               << "GET /a";
    QTest::newRow("no scheme, no path") << "GET"
                                        << "user:secret@h:81"
                                        << "GET /";
    QTest::newRow("one slash") << "GET"
                               << "http:/user:secret@h/a"
                               << "GET /a";
    QTest::newRow("three slashes") << "GET"
                                   << "https:///user:secret@h/a"
                                   << "GET /a";
    QTest::newRow("no slash after the colon") << "GET"
                                              << "http:user:secret@h/a"
                                              << "GET /a";
    QTest::newRow("scheme-relative") << "GET"
                                     << "//user:secret@h/a"
                                     << "GET /a";
    QTest::newRow("no path") << "GET"
                             << "http://user:secret@h?q=1"
                             << "GET /";
    QTest::newRow("an @ in the password") << "GET"
                                          << "http://user:se@cret@h/a"
                                          << "GET /a";
    QTest::newRow("a / in the password") << "GET"
                                         << "http://user:se/cret@h/a"
                                         << "GET (bad URL)";
    QTest::newRow("a ? in the password") << "GET"
                                         << "http://user:se?cret@h/a"
                                         << "GET (bad URL)";
    QTest::newRow("a # in the password") << "GET"
                                         << "http://user:se#cret@h/a"
                                         << "GET (bad URL)";
    QTest::newRow("a / in the user") << "GET"
                                     << "http://us/er:secret@h/a"
                                     << "GET /{at}/a";
    QTest::newRow("IPv6 with a port") << "GET"
                                      << "http://user:secret@[::1]:8080/a"
                                      << "GET /a";
    QTest::newRow("a port that is not a number") << "GET"
                                                 << "http://h:http/a"
                                                 << "GET (bad URL)";
    QTest::newRow("an e-mail address") << "GET"
                                       << "http://h/users/bob@example.com/orders"
                                       << "GET /users/{at}/orders";
    QTest::newRow("an npm scope") << "GET"
                                  << "http://h/@types/node"
                                  << "GET /@types/node";
    QTest::newRow("a URL in the query") << "GET"
                                        << "/redirect?to=http://user:secret@h/b"
                                        << "GET /redirect";
}

void TestRequestNames::collapsesVariableSegments()
{
    QFETCH(QString, method);
    QFETCH(QString, url);
    QFETCH(QString, name);
    QCOMPARE(QString::fromStdString(defaultRequestName(method.toStdString(), url.toStdString())),
             name);
}

void TestRequestNames::redactsSecretsBeforeCutting_data()
{
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("name");
    QTest::newRow("# in the path") << "ab#cdefg"
                                   << "http://h/x/ab#cdefg"
                                   << "GET /x/${API_TOKEN}";
    QTest::newRow("? in the path") << "zz?qqqq"
                                   << "http://h/x/zz?qqqq/y"
                                   << "GET /x/${API_TOKEN}/y";
    QTest::newRow("/ in the path") << "12/3456"
                                   << "http://h/x/12/3456/y"
                                   << "GET /x/${API_TOKEN}/y";
    QTest::newRow("a short token") << "k#y"
                                   << "http://h/x/k#y"
                                   << "GET /x/${API_TOKEN}";
}

void TestRequestNames::redactsSecretsBeforeCutting()
{
    QFETCH(QString, secret);
    QFETCH(QString, url);
    QFETCH(QString, name);
    clearSecrets();
    QVERIFY(registerSecret("API_TOKEN", secret.toStdString()));
    const std::string shown = defaultRequestName("GET", url.toStdString());
    clearSecrets();
    QCOMPARE(QString::fromStdString(shown), name);
}

void TestRequestNames::capsDistinctNamesAndWarnsOnce()
{
    NameRegistry names(3);
    bool first = false;
    for (const char *name : {"a", "b", "c", "a", "c"})
        QVERIFY(names.admit(name, &first));
    QVERIFY(!first);
    QVERIFY(!names.admit("d", &first));
    QVERIFY(first); // the warning is given once
    QVERIFY(!names.admit("e", &first));
    QVERIFY(!first);
    QVERIFY(names.admit("b", &first)); // known names keep their own
}

QTEST_GUILESS_MAIN(TestRequestNames)
#include "tst_requestnames.moc"
