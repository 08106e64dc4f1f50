// A secret given through ${ENV} appears in no output of a run: not in the terminal (progress,
// error lines, summary), the --summary-json file, file outputs or an output's name and errors,
// wherever the scenario put it (URL userinfo, path, query, headers, body, names, log lines). Where
// it would have been, "${NAME}" stands.

#include "e2eharness.h"

#include <loadwizard/targetserver.h>

#include <QFile>
#include <QJsonObject>
#include <QTest>

using namespace Loadwizard;
using namespace Loadwizard::EndToEnd;

namespace {

const QByteArray secret = "Xy7-s3cr3t.TOKEN_9f8e7d6c";
const QByteArray user = "lw-user";

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("(missing)");
}

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

} // namespace

class TestEndToEndSecrets : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void aSecretFromTheEnvironmentIsInNoOutput();
    void anErrorQuotingASecretShowsItsName();
    void secretsWithHashesAndShortPasswordsStayOutOfNames();

private:
    QString writeProject(const QString &fileName, const QByteArray &refuse) const;
    QProcessEnvironment environment() const;

    Harness m_harness;
    TargetServer m_target;
};

void TestEndToEndSecrets::initTestCase()
{
    QVERIFY2(m_harness.problem().isEmpty(), qPrintable(m_harness.problem()));
    const auto started = m_target.start("127.0.0.1", 0);
    QVERIFY2(started, started ? "" : started.error().toString().c_str());
}

void TestEndToEndSecrets::cleanupTestCase()
{
    m_target.stop();
}

QString TestEndToEndSecrets::writeProject(const QString &fileName, const QByteArray &refuse) const
{
    return m_harness.writeFile(
        fileName, "loadwizard: 1\nscenario: " + m_harness.scenarioPath("secrets.cpp").toUtf8() +
                      "\nprofile: {rampup: \"2,1,0,2\"}\n"
                      "parameters:\n"
                      "  base_url: \"http://" +
                      user + ":${LW_E2E_TOKEN}@127.0.0.1:" + QByteArray::number(m_target.port()) +
                      "\"\n"
                      "  token: \"${LW_E2E_TOKEN}\"\n"
                      "  refuse: \"" +
                      refuse + "\"\n");
}

QProcessEnvironment TestEndToEndSecrets::environment() const
{
    auto environment = m_harness.environment();
    environment.insert("LW_E2E_TOKEN", QString::fromLatin1(secret));
    return environment;
}

void TestEndToEndSecrets::aSecretFromTheEnvironmentIsInNoOutput()
{
    const QString project = writeProject("secrets.yaml", "0");
    QVERIFY(!project.isEmpty());
    const QString summaryPath = m_harness.scratchPath("summary.json");
    const QString jsonPath = m_harness.scratchPath("metrics.jsonl");
    const QString csvPath = m_harness.scratchPath("metrics.csv");
    // An output nobody answers, with the secret in its userinfo: its name and its last error
    // are in the summary.
    const QString influx = QString("influxdb=http://%1:${LW_E2E_TOKEN}@127.0.0.1:%2/db")
                               .arg(QString::fromLatin1(user))
                               .arg(freeLoopbackPort());
    const Outcome outcome =
        m_harness.run({"run", project, "--summary-json", summaryPath, "--out", "json=" + jsonPath,
                       "--out", "csv=" + csvPath, "--out", influx, "--flush-timeout", "1"},
                      environment());
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());

    // What libcurl sent as "Authorization: Basic …" (the target echoes it into a log line). The
    // password starts at byte 8, so characters 11 to 44 are its alone.
    const QByteArray basic = (user + ':' + secret).toBase64();
    QCOMPARE(basic.size(), 44);
    const QByteArray encodedPassword = basic.mid(11);
    const QByteArray summary = readFile(summaryPath);
    const QByteArray json = readFile(jsonPath);
    const QByteArray csv = readFile(csvPath);
    const QList<std::pair<const char *, QByteArray>> outputs{{"stdout", outcome.out},
                                                             {"stderr", outcome.err},
                                                             {"--summary-json", summary},
                                                             {"json output", json},
                                                             {"csv output", csv}};
    for (const auto &[where, text] : outputs) {
        QVERIFY2(!text.isEmpty() && text != "(missing)", where);
        QVERIFY2(!text.contains(secret), where);
        QVERIFY2(!text.contains(encodedPassword), where);
    }

    // Names: userinfo gone from default names; the secret's name where the scenario used it.
    const QJsonObject result = readJson(summaryPath);
    const QString name = "${LW_E2E_TOKEN}";
    QCOMPARE(sorted(field(result, {"requests_by_name"}).toObject().keys()),
             sorted({"GET /anything/basic", "GET /anything/" + name, "POST /anything/form",
                     "GET /status/{id}"}));
    QCOMPARE(field(result, {"transactions"}).toObject().keys(), QStringList{"session " + name});
    QCOMPARE(field(result, {"checks"}).toObject().keys(), QStringList{"echoed " + name});
    QVERIFY2(count(result, {"checks", "echoed " + name, "fails"}) > 0, summary.constData());
    QVERIFY2(outcome.out.contains("GET /anything/${LW_E2E_TOKEN}"), outcome.out.constData());
    QVERIFY2(outcome.out.contains("session ${LW_E2E_TOKEN}"), outcome.out.constData());

    // Error lines: the URL with its userinfo and query, a failed check, an exception.
    const QByteArray url =
        "http://" + user + ":${LW_E2E_TOKEN}@127.0.0.1:" + QByteArray::number(m_target.port());
    for (const QByteArray &line :
         {"GET " + url + "/status/500?token=${LW_E2E_TOKEN}: HTTP 500",
          QByteArray("check failed: echoed ${LW_E2E_TOKEN}"),
          QByteArray("iteration failed: gave up on token ${LW_E2E_TOKEN}")}) {
        QVERIFY2(outcome.err.contains(line), (line + "\nnot in\n" + outcome.err).constData());
        QVERIFY2(json.contains(line), line.constData());
    }

    // Log lines with the target's (pretty-printed) echo: headers, query, form body and the Basic
    // credentials libcurl made of the userinfo.
    for (const QByteArray &echoed :
         {QByteArray(R"(\"Authorization\": \"Bearer ${LW_E2E_TOKEN}\")"),
          QByteArray(R"(\"X-Api-Key\": \"${LW_E2E_TOKEN}\")"),
          QByteArray(R"(\"url\": \"/anything/${LW_E2E_TOKEN}?token=${LW_E2E_TOKEN}\")"),
          QByteArray(R"(\"body\": \"token=${LW_E2E_TOKEN}&n=1\")"),
          R"(\"Authorization\": \"Basic )" + basic.left(11) + R"(${LW_E2E_TOKEN}\")"})
        QVERIFY2(json.contains(echoed), echoed.constData());
}

void TestEndToEndSecrets::anErrorQuotingASecretShowsItsName()
{
    const QString project = writeProject("refused.yaml", "1");
    QVERIFY(!project.isEmpty());
    for (const char *command : {"run", "validate"}) {
        const Outcome outcome = m_harness.run({command, project}, environment());
        QVERIFY2(outcome.finished && outcome.exitCode == 2, outcome.describe().constData());
        QVERIFY2(!outcome.err.contains(secret), outcome.err.constData());
        QVERIFY2(!outcome.out.contains(secret), outcome.out.constData());
        const QByteArray expected =
            "scenario refused its parameters: refusing base_url http://" + user +
            ":${LW_E2E_TOKEN}@127.0.0.1:" + QByteArray::number(m_target.port()) + "\n";
        QVERIFY2(outcome.err.endsWith(expected), outcome.err.constData());
    }
}

void TestEndToEndSecrets::secretsWithHashesAndShortPasswordsStayOutOfNames()
{
    // Raw in the path: "#" starts the fragment and "?" the query, where a default name is cut;
    // "zQx" is shorter than 4 characters, but its variable's name says it is a password.
    const QByteArray hashed = "Pq9#zz-hidden";
    const QByteArray asked = "Ab5?kk-hidden";
    const QByteArray shortPassword = "zQx";
    const QString project = m_harness.writeFile(
        "raw.yaml", "loadwizard: 1\nscenario: " + m_harness.scenarioPath("secrets.cpp").toUtf8() +
                        "\nprofile: {rampup: \"2,1,0,2\"}\n"
                        "parameters:\n"
                        "  base_url: \"" +
                        m_target.baseUrl().c_str() +
                        "\"\n"
                        "  raw: \"${LW_E2E_PASSWORD}/${LW_E2E_QUERY_TOKEN}/"
                        "${LW_E2E_HASH_TOKEN}\"\n");
    QVERIFY(!project.isEmpty());
    auto environment = m_harness.environment();
    environment.insert("LW_E2E_HASH_TOKEN", QString::fromLatin1(hashed));
    environment.insert("LW_E2E_QUERY_TOKEN", QString::fromLatin1(asked));
    environment.insert("LW_E2E_PASSWORD", QString::fromLatin1(shortPassword));
    const QString summaryPath = m_harness.scratchPath("raw.json");
    const Outcome outcome =
        m_harness.run({"run", project, "--summary-json", summaryPath}, environment);
    QVERIFY2(outcome.finished && outcome.exitCode == 0, outcome.describe().constData());
    const QByteArray summary = readFile(summaryPath);
    for (const auto &[where, text] : QList<std::pair<const char *, QByteArray>>{
             {"stdout", outcome.out}, {"stderr", outcome.err}, {"--summary-json", summary}}) {
        for (const QByteArray &leak : {QByteArray("Pq9"), QByteArray("Ab5"), shortPassword})
            QVERIFY2(!text.contains(leak), (QByteArray(where) + ": " + text).constData());
    }
    const QJsonObject result = readJson(summaryPath);
    QCOMPARE(field(result, {"requests_by_name"}).toObject().keys(),
             QStringList{"GET /anything/${LW_E2E_PASSWORD}/${LW_E2E_QUERY_TOKEN}/"
                         "${LW_E2E_HASH_TOKEN}"});
    QVERIFY(count(result, {"requests", "count"}) > 0);
}

QTEST_GUILESS_MAIN(TestEndToEndSecrets)
#include "tst_e2esecrets.moc"
