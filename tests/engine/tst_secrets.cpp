// The secret registry: values from ${ENV} are replaced by "${NAME}" in every text the engine
// shows, with their percent-encoded and Base64 forms; too short or generic values are left alone.

#include <loadwizard/error.h>
#include <loadwizard/secrets.h>
#include <loadwizard/variables.h>

#include <QtTest>

#include <thread>
#include <vector>

using namespace Loadwizard;

namespace {

QString redacted(const QByteArray &text)
{
    return QString::fromStdString(redactSecrets(text.toStdString()));
}

} // namespace

class TestSecrets : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanupTestCase();

    void replacesEveryOccurrenceWithTheVariableName();
    void replacesPercentEncodedForms();
    void replacesTheJsonEscapedForm();
    void replacesTheBase64OfUserAndPassword_data();
    void replacesTheBase64OfUserAndPassword();
    void prefersTheLongerOfTwoSecretsStartingAlike();
    void leavesNoCharacterOfOverlappingSecrets();
    void refusesShortAndGenericValues_data();
    void refusesShortAndGenericValues();
    void keepsTheFirstNameOfAValueGivenTwice();
    void expansionRegistersEnvironmentValuesButNotDefaults();
    void errorsAreRedacted();
    void redactsWhileOtherThreadsRegister();
};

void TestSecrets::init()
{
    clearSecrets();
}

void TestSecrets::cleanupTestCase()
{
    clearSecrets();
}

void TestSecrets::replacesEveryOccurrenceWithTheVariableName()
{
    QVERIFY(!haveSecrets());
    QCOMPARE(redacted("hunter2-xyz"), QString("hunter2-xyz"));
    QVERIFY(registerSecret("SHOP_PASSWORD", "hunter2-xyz"));
    QVERIFY(haveSecrets());
    QCOMPARE(redacted("GET http://lw:hunter2-xyz@127.0.0.1/a?p=hunter2-xyz: HTTP 500"),
             QString("GET http://lw:${SHOP_PASSWORD}@127.0.0.1/a?p=${SHOP_PASSWORD}: HTTP 500"));
    QCOMPARE(redacted("hunter2-xyzhunter2-xyz"), QString("${SHOP_PASSWORD}${SHOP_PASSWORD}"));
    QCOMPARE(redacted("hunter2-xy"), QString("hunter2-xy")); // a part is not the secret
    QCOMPARE(redacted(""), QString());
}

void TestSecrets::replacesPercentEncodedForms()
{
    QVERIFY(registerSecret("API_TOKEN", "p@ss/w rd"));
    QCOMPARE(redacted("u:p%40ss%2Fw%20rd@h ?t=p%40ss%2fw%20rd&raw=p@ss/w rd"),
             QString("u:${API_TOKEN}@h ?t=${API_TOKEN}&raw=${API_TOKEN}"));
}

void TestSecrets::replacesTheJsonEscapedForm()
{
    // As an echo server's JSON shows a header holding it.
    QVERIFY(registerSecret("API_TOKEN", "tok\"Sup3r\\S3cret"));
    QCOMPARE(redacted("{\"X-Token\": \"tok\\\"Sup3r\\\\S3cret\"}"),
             QString("{\"X-Token\": \"${API_TOKEN}\"}"));
}

void TestSecrets::replacesTheBase64OfUserAndPassword_data()
{
    QTest::addColumn<QByteArray>("user");
    // The Base64 characters replaced: those that hold bits of the password alone. A character
    // on each side may mix a few of its bits with the colon's or the padding's.
    QTest::addColumn<int>("from");
    QTest::addColumn<int>("to");
    // The password starts at each of the three offsets a Base64 group can have.
    QTest::newRow("offset 0") << QByteArray("alice") << 8 << 36;
    QTest::newRow("offset 1") << QByteArray("bob") << 6 << 33;
    QTest::newRow("offset 2") << QByteArray("carl") << 7 << 34;
}

void TestSecrets::replacesTheBase64OfUserAndPassword()
{
    QFETCH(QByteArray, user);
    QFETCH(int, from);
    QFETCH(int, to);
    const QByteArray password = "correct-horse-battery";
    QVERIFY(registerSecret("LW_PASSWORD", password.toStdString()));
    const QByteArray basic = (user + ':' + password).toBase64();
    QCOMPARE(
        redacted("Authorization: Basic " + basic),
        QString("Authorization: Basic " + basic.left(from) + "${LW_PASSWORD}" + basic.mid(to)));
    // Base64url (JWT-style) too.
    const QByteArray url =
        (user + ':' + password)
            .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    QCOMPARE(redacted(url), QString(url.left(from) + "${LW_PASSWORD}" + url.mid(to)));
}

void TestSecrets::prefersTheLongerOfTwoSecretsStartingAlike()
{
    QVERIFY(registerSecret("SHORT_TOKEN", "tok-123456"));
    QVERIFY(registerSecret("LONG_TOKEN", "tok-1234567890"));
    QCOMPARE(redacted("a tok-1234567890 b tok-123456 c"),
             QString("a ${LONG_TOKEN} b ${SHORT_TOKEN} c"));
    // A secret inside a longer one is not found in its remains.
    QVERIFY(registerSecret("INNER_KEY", "34567"));
    QCOMPARE(redacted("tok-1234567890"), QString("${LONG_TOKEN}"));
    QCOMPARE(redacted("x34567x"), QString("x${INNER_KEY}x"));
}

void TestSecrets::leavesNoCharacterOfOverlappingSecrets()
{
    QVERIFY(registerSecret("FIRST_SECRET", "abcdef12"));
    QVERIFY(registerSecret("SECOND_SECRET", "ef12ghij"));
    QCOMPARE(redacted("xxabcdef12ghijyy"), QString("xx${FIRST_SECRET}${SECOND_SECRET}yy"));
    QCOMPARE(redacted("ef12ghij abcdef12"), QString("${SECOND_SECRET} ${FIRST_SECRET}"));
}

void TestSecrets::refusesShortAndGenericValues_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value");
    QTest::addColumn<bool>("registered");
    QTest::newRow("empty") << "API_TOKEN"
                           << "" << false;
    QTest::newRow("three characters") << "HOST_SUFFIX"
                                      << "abc" << false;
    QTest::newRow("a three-character token") << "API_TOKEN"
                                             << "abc" << true;
    QTest::newRow("a one-character password") << "DB_PASSWORD"
                                              << "x" << true;
    QTest::newRow("a two-character secret") << "my_secret"
                                            << "q7" << true;
    QTest::newRow("a three-character key") << "KEY"
                                           << "k#?" << true;
    QTest::newRow("an empty password") << "DB_PASSWORD"
                                       << "" << false;
    QTest::newRow("four characters") << "HOST"
                                     << "abcd" << true;
    QTest::newRow("a port") << "PORT"
                            << "8080" << false;
    QTest::newRow("a duration") << "DURATION"
                                << "1.25" << false;
    QTest::newRow("a PIN") << "SHOP_PIN_CODE"
                           << "204817" << false;
    QTest::newRow("a numeric password") << "SHOP_PASSWORD"
                                        << "204817" << true;
    QTest::newRow("a numeric key") << "api_key"
                                   << "90210" << true;
    QTest::newRow("a numeric session") << "SESSION_ID"
                                       << "1234567" << true;
    QTest::newRow("a flag") << "VERBOSE"
                            << "false" << false;
    QTest::newRow("a flag in capitals") << "DEBUG"
                                        << "TRUE" << false;
    QTest::newRow("null") << "AUTH_HEADER"
                          << "null" << true; // a secret's name: even this is hidden
}

void TestSecrets::refusesShortAndGenericValues()
{
    QFETCH(QString, name);
    QFETCH(QString, value);
    QFETCH(bool, registered);
    QCOMPARE(registerSecret(name.toStdString(), value.toStdString()), registered);
    QCOMPARE(haveSecrets(), registered);
    const QString text = "[" + value + "]";
    QCOMPARE(redacted(text.toUtf8()), registered ? "[${" + name + "}]" : text);
}

void TestSecrets::keepsTheFirstNameOfAValueGivenTwice()
{
    QVERIFY(registerSecret("DB_PASSWORD", "same-value"));
    QVERIFY(registerSecret("CACHE_PASSWORD", "same-value"));
    QCOMPARE(redacted("same-value"), QString("${DB_PASSWORD}"));
}

void TestSecrets::expansionRegistersEnvironmentValuesButNotDefaults()
{
    qputenv("LW_TEST_SECRET_TOKEN", "tk_live_9f8e7d6c");
    qputenv("LW_TEST_EMPTY_TOKEN", "");
    qunsetenv("LW_TEST_UNSET_TOKEN");
    const auto expanded = expandVariables("https://h/?t=${LW_TEST_SECRET_TOKEN}&d=${"
                                          "LW_TEST_UNSET_TOKEN:-written-default}&e=${"
                                          "LW_TEST_EMPTY_TOKEN:-other-default}",
                                          "parameters.url");
    QVERIFY(expanded);
    QCOMPARE(QString::fromStdString(*expanded),
             QString("https://h/?t=tk_live_9f8e7d6c&d=written-default&e=other-default"));
    QCOMPARE(redacted(QByteArray::fromStdString(*expanded)),
             QString("https://h/?t=${LW_TEST_SECRET_TOKEN}&d=written-default&e=other-default"));
    // With a default, a value the environment gives is a secret too.
    qputenv("LW_TEST_UNSET_TOKEN", "from-the-environment");
    QVERIFY(expandVariables("${LW_TEST_UNSET_TOKEN:-written-default}", "x"));
    QCOMPARE(redacted("from-the-environment"), QString("${LW_TEST_UNSET_TOKEN}"));
    qunsetenv("LW_TEST_SECRET_TOKEN");
    qunsetenv("LW_TEST_EMPTY_TOKEN");
    qunsetenv("LW_TEST_UNSET_TOKEN");
}

void TestSecrets::errorsAreRedacted()
{
    QVERIFY(registerSecret("LW_TOKEN", "s3cr3t-token"));
    Error error{"scenario refused its parameters: bad url http://u:s3cr3t-token@h",
                "/p/s3cr3t-token.yaml", 3, 0, "parameters.url"};
    QCOMPARE(QString::fromStdString(error.toString()),
             QString("/p/${LW_TOKEN}.yaml:3: parameters.url: scenario refused its parameters: bad "
                     "url http://u:${LW_TOKEN}@h"));
}

void TestSecrets::redactsWhileOtherThreadsRegister()
{
    // Registration swaps the table; a redaction in flight keeps the one it started with.
    QVERIFY(registerSecret("BASE_SECRET", "base-secret-value"));
    std::vector<std::thread> threads;
    std::atomic<int> wrong = 0;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([t, &wrong] {
            for (int i = 0; i < 200; ++i) {
                if (t == 0)
                    registerSecret("EXTRA_SECRET_" + std::to_string(i),
                                   "extra-value-" + std::to_string(i));
                if (redactSecrets("<base-secret-value>") != "<${BASE_SECRET}>")
                    ++wrong;
            }
        });
    }
    for (auto &thread : threads)
        thread.join();
    QCOMPARE(wrong.load(), 0);
    QCOMPARE(redacted("extra-value-199"), QString("${EXTRA_SECRET_199}"));
}

QTEST_GUILESS_MAIN(TestSecrets)
#include "tst_secrets.moc"
