// The output registry: unknown kinds and options are errors naming the valid ones, secret flags
// drive redaction, every default and enum value is accepted by its sink, and docs/outputs.md's
// option tables are exactly what the registry says (LOADWIZARD_UPDATE_DOCS=1 rewrites them).

#include <loadwizard/outputregistry.h>
#include <loadwizard/outputsinks.h>

#include <QtTest>

#include <fstream>
#include <sstream>

using namespace Loadwizard;

namespace {

QString text(std::string_view view)
{
    return QString::fromUtf8(view.data(), qsizetype(view.size()));
}

QString typeCell(const OutputOption &option)
{
    switch (option.type) {
    case OptionType::String:
        return "text";
    case OptionType::Int:
        return "integer";
    case OptionType::Double:
        return "number";
    case OptionType::Bool:
        return "`true`/`false`";
    case OptionType::Duration:
        return "seconds";
    case OptionType::Enum: {
        QStringList values;
        for (std::string_view value : option.values)
            values << '`' + text(value) + '`';
        return values.join(", ");
    }
    }
    return {};
}

/// The Markdown table docs/outputs.md shows for `kind`, row by row.
QStringList optionTable(const OutputKind &kind)
{
    QStringList rows = {"| option | type | default | meaning |", "|---|---|---|---|",
                        "| *(target)* | " + text(kind.target) + " | — | " + text(kind.targetHelp) +
                            " |"};
    for (const OutputOption &option : kind.options) {
        const QString name = '`' + text(option.name) + (option.isPrefix ? "NAME`" : "`");
        const QString fallback = !option.defaultValue.empty()
                                     ? '`' + text(option.defaultValue) + '`'
                                 : !option.defaultNote.empty() ? text(option.defaultNote)
                                                               : QString("—");
        QString meaning = text(option.help);
        if (option.secret)
            meaning += " (**secret**: never shown in names, logs or errors)";
        rows << "| " + name + " | " + typeCell(option) + " | " + fallback + " | " + meaning + " |";
    }
    return rows;
}

QString docsPath()
{
    // Set by lw_add_test(); the checkout the test was built from.
    return qEnvironmentVariable("LOADWIZARD_SOURCE_DIR") + "/docs/outputs.md";
}

} // namespace

class TestOutputRegistry : public QObject
{
    Q_OBJECT

private slots:
    void passwordsWithUrlPunctuationNeverShow_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("password");
        for (const char *kind : {"influxdb", "elasticsearch"}) {
            for (const char *password : {"sec#ret", "sec/ret", "sec?ret", "p@ss@word", "sec ret"})
                QTest::addRow("%s %s", kind, password) << kind << password;
        }
    }

    void passwordsWithUrlPunctuationNeverShow()
    {
        QFETCH(QString, kind);
        QFETCH(QString, password);
        const std::string target = "http://user:" + password.toStdString() + "@127.0.0.1:1/db";
        const std::string shown = Engine::redactedTarget(target);
        QVERIFY2(shown.find("sec") == std::string::npos && shown.find("ss") == std::string::npos &&
                     shown.find("ret") == std::string::npos,
                 shown.c_str());
        // Whether the target is accepted or refused, nothing said about it holds the password.
        const auto sink = makeOutput({kind.toStdString(), target, {}});
        const std::string said = sink ? (*sink)->name() : sink.error().toString();
        QVERIFY2(said.find("sec") == std::string::npos && said.find("ret") == std::string::npos &&
                     said.find("ss") == std::string::npos,
                 said.c_str());
    }

    void unknownKindIsAnErrorNamingTheKnownOnes()
    {
        const auto sink = makeOutput({"statsd", "udp://127.0.0.1:8125", {}});
        QVERIFY(!sink);
        QCOMPARE(sink.error().field, std::string("kind"));
        QCOMPARE(sink.error().token, std::string("statsd"));
        const QString message = QString::fromStdString(sink.error().message);
        for (const OutputKind &kind : outputKinds())
            QVERIFY2(message.contains(text(kind.name)), qPrintable(message));
        QCOMPARE(outputKindList(),
                 std::string("influxdb, graphite, elasticsearch, logstash, json or csv"));
    }

    void unknownOptionIsAnErrorNamingTheKnownOnes_data()
    {
        QTest::addColumn<QString>("kind");
        for (const OutputKind &kind : outputKinds())
            QTest::newRow(kind.name.data()) << text(kind.name);
    }

    void unknownOptionIsAnErrorNamingTheKnownOnes()
    {
        QFETCH(QString, kind);
        const OutputKind *known = findOutputKind(kind.toStdString());
        QVERIFY(known);
        OutputConfig config{kind.toStdString(), std::string(known->exampleTarget), {}};
        config.options["retrys"] = "3";
        const auto sink = makeOutput(config);
        QVERIFY(!sink);
        QCOMPARE(sink.error().field, std::string("options.retrys"));
        QCOMPARE(sink.error().token, std::string("retrys"));
        const QString message = QString::fromStdString(sink.error().message);
        QVERIFY2(message.contains("unknown option \"retrys\" for " + kind), qPrintable(message));
        for (const OutputOption &option : known->options)
            QVERIFY2(message.contains(text(option.name)), qPrintable(message));
        // The sink's own factory (tests build sinks directly) refuses it too.
        QVERIFY(!known->make(config));
    }

    void typoSuggestsTheClosestOption()
    {
        const auto sink = makeOutput({"influxdb", "http://127.0.0.1:1/db", {{"shema", "jmeter"}}});
        QVERIFY(!sink);
        QVERIFY2(sink.error().message.find("did you mean \"schema\"") != std::string::npos,
                 sink.error().message.c_str());
    }

    void aliasesAndPrefixesAreKnown()
    {
        const OutputKind *influx = findOutputKind("influxdb");
        QVERIFY(influx);
        QCOMPARE(influx->option("database"), influx->option("db"));
        QCOMPARE(influx->option("user"), influx->option("username"));
        QVERIFY(influx->option("tag.env"));
        QVERIFY(!influx->option("tag."));
        QVERIFY(!influx->option("tags"));
        QVERIFY(checkOutputOptions(
            {"influxdb", "http://h/db", {{"database", "x"}, {"tag.env", "ci"}, {"rp", "a"}}}));
    }

    void secretFlagsDriveRedaction()
    {
        QStringList secrets;
        for (const OutputKind &kind : outputKinds()) {
            for (const OutputOption &option : kind.options) {
                if (!option.secret)
                    continue;
                secrets << text(option.name);
                const std::string target =
                    "http://h/db?" + std::string(option.name) + "=hunter2&org=perf";
                const std::string shown = Engine::redactedTarget(target);
                QVERIFY2(shown.find("hunter2") == std::string::npos, shown.c_str());
                QVERIFY2(shown.find("org=perf") != std::string::npos, shown.c_str());
            }
        }
        secrets.removeDuplicates();
        secrets.sort();
        QCOMPARE(secrets, QStringList({"api_key", "password", "token"}));
        QVERIFY(!Engine::isSecretOption("user"));
        QVERIFY(!Engine::isSecretOption("username"));
        QVERIFY(!Engine::isSecretOption("org"));
        // Keys no kind declares fall back to the name rule.
        QVERIFY(Engine::isSecretOption("client_secret"));
        QVERIFY(Engine::isSecretOption("pass_token"));
        QVERIFY(!Engine::isSecretOption("colour"));
    }

    void optionFallsBackToTheRegistryDefault()
    {
        OutputConfig config{"influxdb", "http://h/db", {}};
        QCOMPARE(outputOption(config, OptionName::timeout), std::optional<std::string>("10"));
        QCOMPARE(outputOption(config, OptionName::org), std::nullopt);
        config.options["timeout"] = "2.5";
        config.options["retention_policy"] = "week";
        QCOMPARE(outputOption(config, OptionName::timeout), std::optional<std::string>("2.5"));
        QCOMPARE(outputOption(config, OptionName::rp), std::optional<std::string>("week"));
        QCOMPARE(outputOption({"graphite", "tcp://h", {}}, OptionName::timeout),
                 std::optional<std::string>("5"));

        // A default is not added beside a spelling that was given (inverse or not).
        config.options = {{"insecure_skip_tls_verify", "true"}};
        const auto filled = withOutputDefaults(config);
        QVERIFY(!filled.contains("verify_tls"));
        QCOMPARE(filled.at("precision"), std::string("ms"));
        QVERIFY(!filled.contains("db"));
    }

    void everyDefaultAndValueIsAcceptedByItsSink()
    {
        for (const OutputKind &kind : outputKinds()) {
            OutputConfig config{std::string(kind.name), std::string(kind.exampleTarget), {}};
            QVERIFY2(makeOutput(config), kind.name.data());
            for (const OutputOption &option : kind.options) {
                if (option.defaultValue.empty())
                    continue;
                const QString value = text(option.defaultValue);
                bool ok = true;
                switch (option.type) {
                case OptionType::Bool:
                    ok = value == "true" || value == "false";
                    break;
                case OptionType::Int:
                    value.toLongLong(&ok);
                    break;
                case OptionType::Double:
                case OptionType::Duration:
                    value.toDouble(&ok);
                    break;
                case OptionType::Enum:
                    ok = std::find(option.values.begin(), option.values.end(),
                                   option.defaultValue) != option.values.end();
                    break;
                case OptionType::String:
                    break;
                }
                QVERIFY2(ok, qPrintable(text(kind.name) + ' ' + text(option.name)));
                config.options[std::string(option.name)] = option.defaultValue;
            }
            // Every default spelled out gives a working sink.
            const auto sink = makeOutput(config);
            QVERIFY2(sink, sink ? "" : sink.error().toString().c_str());
            for (const OutputOption &option : kind.options) {
                for (std::string_view value : option.values) {
                    OutputConfig one{std::string(kind.name), std::string(kind.exampleTarget), {}};
                    one.options[std::string(option.name)] = value;
                    if (option.name == OptionName::version && value == "2")
                        one.options["org"] = "perf";
                    const auto made = makeOutput(one);
                    QVERIFY2(made, made ? "" : made.error().toString().c_str());
                }
            }
        }
    }

    void docsOptionTablesMatchTheRegistry()
    {
        std::ifstream in(docsPath().toStdString());
        QVERIFY2(in, qPrintable(docsPath()));
        std::stringstream buffer;
        buffer << in.rdbuf();
        QStringList lines = QString::fromStdString(buffer.str()).split('\n');
        const bool update = qEnvironmentVariableIntValue("LOADWIZARD_UPDATE_DOCS") == 1;

        QStringList documented;
        QStringList problems;
        for (qsizetype i = 0; i < lines.size(); ++i) {
            static const QRegularExpression begin("^<!-- options: ([a-z,]+) .*-->$");
            const auto match = begin.match(lines[i]);
            if (!match.hasMatch())
                continue;
            const QStringList kinds = match.captured(1).split(',');
            const OutputKind *kind = findOutputKind(kinds.front().toStdString());
            if (!kind) {
                problems << QString("line %1: unknown kind %2").arg(i + 1).arg(kinds.front());
                continue;
            }
            const QStringList expected = optionTable(*kind);
            for (const QString &other : kinds) {
                const OutputKind *same = findOutputKind(other.toStdString());
                if (!same || optionTable(*same).mid(3) != expected.mid(3))
                    problems << "line " + QString::number(i + 1) + ": " + other +
                                    " has other options than " + kinds.front();
                documented << other;
            }
            const auto end = lines.indexOf("<!-- /options -->", i);
            if (end < 0) {
                problems << QString("line %1: no <!-- /options --> after it").arg(i + 1);
                break;
            }
            const QStringList actual = lines.mid(i + 1, end - i - 1);
            if (actual != expected) {
                QString diff = QString("docs/outputs.md lines %1–%2 (%3) differ from the "
                                       "registry:\n")
                                   .arg(i + 2)
                                   .arg(end)
                                   .arg(kinds.join(','));
                for (qsizetype row = 0; row < std::max(actual.size(), expected.size()); ++row) {
                    const QString docs = actual.value(row, "(missing)");
                    const QString code = expected.value(row, "(missing)");
                    if (docs != code)
                        diff += "  docs: " + docs + "\n  code: " + code + '\n';
                }
                problems << diff;
                if (update) {
                    lines.remove(i + 1, end - i - 1);
                    for (qsizetype row = 0; row < expected.size(); ++row)
                        lines.insert(i + 1 + row, expected[row]);
                }
            }
        }
        for (const OutputKind &kind : outputKinds()) {
            if (!documented.contains(text(kind.name)))
                problems << "no <!-- options: " + text(kind.name) + " --> table";
        }
        if (update && !problems.isEmpty()) {
            std::ofstream(docsPath().toStdString()) << lines.join('\n').toStdString();
            qWarning("rewrote the option tables of %s", qPrintable(docsPath()));
        }
        QVERIFY2(problems.isEmpty(),
                 qPrintable(problems.join('\n') + "\n(LOADWIZARD_UPDATE_DOCS=1 rewrites them)"));
    }

    void docsKindTableMatchesTheRegistry()
    {
        std::ifstream in(docsPath().toStdString());
        std::string line;
        QStringList rows;
        while (std::getline(in, line)) {
            static const QRegularExpression row("^\\| `([a-z]+)` \\| (.*?) \\|");
            if (const auto match = row.match(QString::fromStdString(line)); match.hasMatch()) {
                if (findOutputKind(match.captured(1).toStdString()) && rows.size() < 6)
                    rows << match.captured(1) + ' ' + match.captured(2);
            }
        }
        QStringList expected;
        for (const OutputKind &kind : outputKinds())
            expected << text(kind.name) + ' ' + text(kind.target);
        QCOMPARE(rows, expected);
    }
};

QTEST_GUILESS_MAIN(TestOutputRegistry)
#include "tst_outputregistry.moc"
