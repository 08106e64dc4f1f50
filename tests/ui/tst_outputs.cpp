#include <mainwindow.h>
#include <outputseditor.h>
#include <projectdocument.h>
#include <recoveryfile.h>
#include <rendezvouseditor.h>
#include <rundashboard.h>

#include <loadwizard/outputregistry.h>

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

#include <httplib.h>

#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Loadwizard;
using namespace Loadwizard::Ui;

class TestOutputs : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void addEditUndoRedoAndSaveRoundTrip();
    void kindsHintsAndMaskingComeFromTheRegistry();
    void testConnectionToAClosedPortShowsTheErrorWithoutSecrets();
    void testConnectionToAFileOutputSucceeds();
    void testConnectionToAnInfluxdbPingSucceeds();
    void demoBaseUrlIsAnOverrideNeverSaved();
    void rendezvousEditsIgnoreUnrelatedProjectErrors();

private:
    QString writeProject(const QString &name);
    static bool runTest(OutputsEditor *editor, bool *ok, QString *message);
    QTemporaryDir m_dir;
};

void TestOutputs::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    qputenv("XDG_CACHE_HOME", m_dir.filePath("cache").toUtf8());
    // The user scenario folder too: Paths follows XDG, not QStandardPaths' test mode.
    qputenv("XDG_DATA_HOME", m_dir.filePath("data").toUtf8());
    QCoreApplication::setOrganizationName("loadwizard-tests");
    QCoreApplication::setApplicationName("tst_outputs");
    QDir(RecoveryFile::directory()).removeRecursively();
}

QString TestOutputs::writeProject(const QString &name)
{
    QFile file(m_dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write("loadwizard: 1\nname: Shop\nscenario: shop.cpp\nprofile:\n  rampup: \"2,60\"\n");
    return file.fileName();
}

bool TestOutputs::runTest(OutputsEditor *editor, bool *ok, QString *message)
{
    QSignalSpy finished(editor, &OutputsEditor::testFinished);
    editor->testButton()->click();
    if (!editor->isTesting() || editor->testButton()->isEnabled())
        return false; // the busy state shows while the test runs off the UI thread
    if (!finished.wait(30000))
        return false;
    *ok = finished.front().at(0).toBool();
    *message = editor->testResult();
    return true;
}

void TestOutputs::addEditUndoRedoAndSaveRoundTrip()
{
    const QString path = writeProject("outputs.yaml");
    MainWindow window;
    window.setPrompt([](const QString &) { return QMessageBox::Discard; });
    window.show();
    QVERIFY(window.openFile(path));
    window.showSection(MainWindow::OutputsSection);
    OutputsEditor *editor = window.outputsEditor();
    QVERIFY(editor->isVisible());
    QCOMPARE(editor->outputList()->count(), 0);

    editor->addOutput();
    QCOMPARE(window.document()->project().outputs.size(), std::size_t(1));
    QCOMPARE(window.document()->project().outputs[0].kind, std::string("influxdb"));
    QVERIFY(window.isWindowModified());

    QLineEdit *target = editor->targetEdit();
    target->setFocus();
    target->selectAll();
    QTest::keyClicks(target, "http://127.0.0.1:8086/perf");
    QCOMPARE(window.document()->project().outputs[0].target,
             std::string("http://127.0.0.1:8086/perf"));
    editor->addOption(); // the first documented option, "db"
    auto *value = editor->optionTable()->item(0, 1);
    QVERIFY(value);
    QCOMPARE(editor->optionTable()->item(0, 0)->text(), QString("db"));
    editor->optionTable()->item(0, 0)->setText("schema");
    editor->optionTable()->item(0, 1)->setText("jmeter");
    const auto options = window.document()->project().outputs[0].options;
    QCOMPARE(options.size(), std::size_t(1));
    QCOMPARE(options.at("schema"), std::string("jmeter"));
    QVERIFY(editor->outputList()->item(0)->text().contains("schema=jmeter"));

    // Add, the typing (one step), add option, rename, value: five steps on the one stack.
    QCOMPARE(window.document()->undoStack()->count(), 5);
    window.undoAction()->trigger();
    window.undoAction()->trigger();
    QCOMPARE(window.document()->project().outputs[0].options.count("db"), std::size_t(1));
    window.undoAction()->trigger();
    window.undoAction()->trigger();
    window.undoAction()->trigger();
    QVERIFY(window.document()->project().outputs.empty());
    QCOMPARE(editor->outputList()->count(), 0);
    QVERIFY(!window.isWindowModified());
    for (int i = 0; i < 5; ++i)
        window.redoAction()->trigger();
    QCOMPARE(editor->targetEdit()->text(), QString("http://127.0.0.1:8086/perf"));
    QCOMPARE(editor->optionTable()->item(0, 1)->text(), QString("jmeter"));

    editor->kindChoice()->setCurrentText("graphite");
    QCOMPARE(window.document()->project().outputs[0].kind, std::string("graphite"));
    // InfluxDB's options mean nothing to Graphite (and would not load again): dropped.
    QVERIFY(window.document()->project().outputs[0].options.empty());
    // A name the kind does not know stays on screen, marked, and never reaches the project.
    editor->addOption();
    const auto added = window.document()->project().outputs[0].options;
    QCOMPARE(added.size(), std::size_t(1));
    const int row = editor->optionTable()->rowCount() - 1;
    editor->optionTable()->item(row, 0)->setText("prefx");
    QCOMPARE(window.document()->project().outputs[0].options, added);
    QVERIFY2(editor->optionTable()->item(row, 0)->toolTip().contains("did you mean \"prefix\""),
             qPrintable(editor->optionTable()->item(row, 0)->toolTip()));
    window.undoAction()->trigger(); // the added option
    window.undoAction()->trigger(); // the kind change: InfluxDB's options come back
    QCOMPARE(window.document()->project().outputs[0].kind, std::string("influxdb"));
    QCOMPARE(window.document()->project().outputs[0].options.count("schema"), std::size_t(1));
    window.redoAction()->trigger();
    QVERIFY(window.document()->project().outputs[0].options.empty());
    editor->addOutput();
    editor->kindChoice()->setCurrentText("csv");
    // The untouched example target follows the kind.
    QCOMPARE(window.document()->project().outputs[1].target, std::string("results.csv"));

    QVERIFY(window.saveTo(path));
    QVERIFY(!window.isWindowModified());
    auto reloaded = loadProject(path.toStdString());
    QVERIFY2(reloaded, reloaded ? "" : reloaded.error().toString().c_str());
    QCOMPARE(reloaded->outputs, window.document()->project().outputs);
    QCOMPARE(reloaded->outputs.size(), std::size_t(2));

    editor->outputList()->setCurrentRow(0);
    editor->removeOutput();
    QCOMPARE(window.document()->project().outputs.size(), std::size_t(1));
    QCOMPARE(window.document()->project().outputs[0].kind, std::string("csv"));
    window.undoAction()->trigger();
    QCOMPARE(window.document()->project().outputs.size(), std::size_t(2));
    QVERIFY(!window.isWindowModified());
}

void TestOutputs::kindsHintsAndMaskingComeFromTheRegistry()
{
    ProjectDocument document;
    Project project;
    project.profile = RampProfile({{1, 1}});
    project.outputs.push_back(
        {"influxdb", "http://127.0.0.1:8086/db", {{"token", "tok-secret-1"}, {"timeout", "3"}}});
    document.reset(project, QString());
    OutputsEditor editor(&document);

    QStringList kinds;
    for (int i = 0; i < editor.kindChoice()->count(); ++i)
        kinds << editor.kindChoice()->itemText(i);
    QStringList expected;
    for (const OutputKind &kind : outputKinds())
        expected << QString::fromUtf8(kind.name.data(), qsizetype(kind.name.size()));
    QCOMPARE(kinds, expected);

    // The secret option is masked in the list; the others are shown.
    const QString item = editor.outputList()->item(0)->text();
    QVERIFY2(!item.contains("tok-secret-1") && item.contains("token=***"), qPrintable(item));
    QVERIFY2(item.contains("timeout=3"), qPrintable(item));

    // Each row's tooltip is the registry's help with its default; the hint lists every option.
    const OutputOption *timeout = findOutputKind("influxdb")->option("timeout");
    QCOMPARE(editor.optionTable()->item(0, 0)->text(), QString("timeout"));
    const QString tip = editor.optionTable()->item(0, 0)->toolTip();
    QVERIFY2(tip.contains(QString::fromUtf8(timeout->help.data(), qsizetype(timeout->help.size()))),
             qPrintable(tip));
    QVERIFY2(tip.contains("<code>10</code>"), qPrintable(tip));
    const auto documented = OutputsEditor::documentedOptions("influxdb");
    QCOMPARE(documented.size(), qsizetype(findOutputKind("influxdb")->options.size()));
    QCOMPARE(documented.back().first, QString("tag.NAME"));
}

void TestOutputs::testConnectionToAClosedPortShowsTheErrorWithoutSecrets()
{
    // A loopback port that was free a moment ago: nobody listens there now.
    const int probe = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    QVERIFY(::bind(probe, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0);
    QVERIFY(::getsockname(probe, reinterpret_cast<sockaddr *>(&address), &length) == 0);
    const int port = ntohs(address.sin_port);
    ::close(probe);

    qputenv("LW_TEST_INFLUX_TOKEN", "tok-9f8e7d6c5b");
    ProjectDocument document;
    Project project;
    project.profile = RampProfile({{1, 1}});
    OutputConfig config;
    config.kind = "influxdb";
    config.target = "http://lw:pw-0a1b2c3d@127.0.0.1:" + std::to_string(port) + "/db";
    config.options["token"] = "${LW_TEST_INFLUX_TOKEN}";
    config.options["timeout"] = "5";
    project.outputs.push_back(config);
    document.reset(project, QString());
    OutputsEditor editor(&document);
    editor.show();
    bool ok = true;
    QString message;
    QVERIFY(runTest(&editor, &ok, &message));
    QVERIFY(!ok);
    QVERIFY2(message.startsWith("Failed"), qPrintable(message));
    QVERIFY2(message.contains(QString::number(port)), qPrintable(message));
    QVERIFY2(!message.contains("pw-0a1b2c3d") && !message.contains("tok-9f8e7d6c5b"),
             qPrintable(message));
    QVERIFY(editor.testButton()->isEnabled());

    const QString scrubbed = OutputsEditor::withoutSecrets(
        "GET http://lw:pw-0a1b2c3d@h/ with tok-9f8e7d6c5b failed", config);
    QCOMPARE(scrubbed, QString("GET http://***@h/ with *** failed"));
}

void TestOutputs::testConnectionToAFileOutputSucceeds()
{
    ProjectDocument document;
    Project project;
    project.profile = RampProfile({{1, 1}});
    project.outputs.push_back({"json", m_dir.filePath("results.jsonl").toStdString(), {}});
    document.reset(project, QString());
    OutputsEditor editor(&document);
    editor.show();
    bool ok = false;
    QString message;
    QVERIFY(runTest(&editor, &ok, &message));
    QVERIFY2(ok, qPrintable(message));
    QVERIFY2(message.startsWith("Connected"), qPrintable(message));

    // A folder that does not exist cannot take the file.
    Project bad = project;
    bad.outputs[0].target = m_dir.filePath("missing/results.jsonl").toStdString();
    document.apply(bad, "bad path");
    QVERIFY(runTest(&editor, &ok, &message));
    QVERIFY(!ok);
    QVERIFY2(message.contains("missing"), qPrintable(message));
}

void TestOutputs::testConnectionToAnInfluxdbPingSucceeds()
{
    httplib::Server server;
    server.Get("/ping", [](const httplib::Request &, httplib::Response &response) {
        response.status = 204;
        response.set_header("X-Influxdb-Version", "1.8.10");
    });
    const int port = server.bind_to_any_port("127.0.0.1");
    QVERIFY(port > 0);
    std::thread thread([&server] { server.listen_after_bind(); });
    while (!server.is_running())
        std::this_thread::yield();

    ProjectDocument document;
    Project project;
    project.profile = RampProfile({{1, 1}});
    project.outputs.push_back(
        {"influxdb", "http://127.0.0.1:" + std::to_string(port) + "/loadwizard", {}});
    document.reset(project, QString());
    OutputsEditor editor(&document);
    editor.show();
    bool ok = false;
    QString message;
    const bool ran = runTest(&editor, &ok, &message);
    server.stop();
    thread.join();
    QVERIFY(ran);
    QVERIFY2(ok, qPrintable(message));
    QVERIFY2(message.contains(QString::number(port)), qPrintable(message));
}

void TestOutputs::demoBaseUrlIsAnOverrideNeverSaved()
{
    const QString demo = QStringLiteral(LOADWIZARD_SOURCE_DIR "/scenarios/demo.yaml");
    const QString url = QStringLiteral("http://127.0.0.1:47913");
    MainWindow window;
    window.setPrompt([](const QString &) { return QMessageBox::Discard; });
    window.show();
    QVERIFY(window.openDemo(demo, url));
    // The run started at once, on the dashboard.
    QVERIFY(window.runController()->isActive());
    QVERIFY(!window.document()->isModified());
    QCOMPARE(window.document()->project().parameters.at("base_url"),
             std::string("http://127.0.0.1:8080"));
    const QString copy = m_dir.filePath("demo-saved.yaml");
    QVERIFY(window.saveTo(copy));
    QFile saved(copy);
    QVERIFY(saved.open(QIODevice::ReadOnly));
    const QByteArray text = saved.readAll();
    QVERIFY2(!text.contains("47913"), text.constData());
    window.runController()->abort();
    QVERIFY(QTest::qWaitFor([&] { return !window.runController()->isActive(); }, 60000));
}

void TestOutputs::rendezvousEditsIgnoreUnrelatedProjectErrors()
{
    ProjectDocument document;
    Project project;
    project.profile = RampProfile({{1, 1}});
    project.http.bufferSize = 1; // out of range: an error elsewhere in the project
    project.rendezvous.push_back({"checkout"});
    document.reset(project, QString());
    RendezvousEditor editor(&document);
    editor.table()->item(0, 3)->setText("12");
    QVERIFY2(editor.messageLabel()->isHidden(), qPrintable(editor.messageLabel()->text()));
    QCOMPARE(document.project().rendezvous[0].timeoutSeconds, 12.0);
    // Its own errors still block.
    editor.table()->item(0, 3)->setText("-3");
    QVERIFY(!editor.messageLabel()->isHidden());
    QVERIFY(editor.messageLabel()->text().startsWith("rendezvous"));
    QCOMPARE(document.project().rendezvous[0].timeoutSeconds, 12.0);
}

QTEST_MAIN(TestOutputs)
#include "tst_outputs.moc"
