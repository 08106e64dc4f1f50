#include <groupseditor.h>
#include <mainwindow.h>
#include <profileeditor.h>
#include <projectdocument.h>
#include <projectsettingseditor.h>
#include <recoveryfile.h>
#include <runcontroller.h>
#include <rundashboard.h>

#include <QAction>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QLockFile>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QUndoStack>

using namespace Loadwizard;
using namespace Loadwizard::Ui;

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void openEditSaveRoundTripTracksDirtyState();
    void brokenProjectShowsTheEnginesError();
    void unsavedChangesAskBeforeOpening();
    void autosaveWritesARecoveryFileThatCanBeRestored();
    void startingARunKeepsUnsavedEditsInTheRecoveryFile();
    void anotherWindowsRecoveryIsNeitherOfferedNorDeleted();
    void aCrashedInstancesRecoveryIsOffered();
    void aMixsImportGoesToTheSelectedGroup();
    void runIsBlockedWhileTheScenarioIsRejected();
    void compilerOutputInTheLogShowsTheFirstError();

private:
    QString writeFile(const QString &name, const QByteArray &text);
    QTemporaryDir m_dir;
};

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    qputenv("XDG_CACHE_HOME", m_dir.filePath("cache").toUtf8());
    // The user scenario folder too: Paths follows XDG, not QStandardPaths' test mode.
    qputenv("XDG_DATA_HOME", m_dir.filePath("data").toUtf8());
    QCoreApplication::setOrganizationName("loadwizard-tests");
    QCoreApplication::setApplicationName("tst_mainwindow");
    QDir(RecoveryFile::directory()).removeRecursively();
}

QString TestMainWindow::writeFile(const QString &name, const QByteArray &text)
{
    QFile file(m_dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(text);
    return file.fileName();
}

void TestMainWindow::openEditSaveRoundTripTracksDirtyState()
{
    const QString path = writeFile("shop.yaml", "loadwizard: 1\nname: Shop\nscenario: shop.cpp\n"
                                                "profile:\n  rampup: \"2,60,0,200\"\n"
                                                "data:\n  users: {file: u.csv, strategy: unique}\n"
                                                "  items: {file: i.jsonl, strategy: random}\n");
    MainWindow window;
    window.show();
    QVERIFY(window.openFile(path));
    QVERIFY(window.errorText().isEmpty());
    QVERIFY(!window.isWindowModified());
    QVERIFY(window.windowTitle().startsWith("shop.yaml[*]"));
    QCOMPARE(window.settingsEditor()->dataLabel()->text(),
             QString("users: u.csv (csv, unique, then stop-vuser)\n"
                     "items: i.jsonl (jsonl, random)"));

    window.profileEditor()->stepTable()->item(1, 1)->setText("100");
    QLineEdit *name = window.settingsEditor()->nameEdit();
    name->setFocus();
    name->selectAll();
    QTest::keyClicks(name, "Shop 2");
    QVERIFY(window.isWindowModified());
    QCOMPARE(window.document()->undoStack()->count(), 2); // the typing merged into one step

    window.undoAction()->trigger();
    QCOMPARE(window.document()->project().name, std::string("Shop"));
    window.redoAction()->trigger();
    QVERIFY(window.saveTo(path));
    QVERIFY(!window.isWindowModified());

    auto reloaded = loadProject(path.toStdString());
    QVERIFY(reloaded);
    QCOMPARE(reloaded->name, std::string("Shop 2"));
    QCOMPARE(reloaded->profile.toString(), std::string("2,60,0,100"));
    QCOMPARE(reloaded->scenario, std::string("shop.cpp"));
    // The feeders the workbench does not edit survive its save.
    QCOMPARE(reloaded->data.size(), std::size_t(2));
    QCOMPARE(reloaded->data[0].name, std::string("users"));
    QCOMPARE(reloaded->data[0].strategy, DataStrategy::Unique);
    QCOMPARE(reloaded->data[1].file, std::string("i.jsonl"));

    // Undo after saving makes it dirty again; redo returns to the saved state.
    window.undoAction()->trigger();
    QVERIFY(window.isWindowModified());
    window.redoAction()->trigger();
    QVERIFY(!window.isWindowModified());
}

void TestMainWindow::brokenProjectShowsTheEnginesError()
{
    const QString path = writeFile("broken.yaml", "loadwizard: 1\nprofile:\n"
                                                  "  rampup: \"2,60,abc,200\"\n");
    MainWindow window;
    window.show();
    QVERIFY(!window.openFile(path));
    const QString error = window.errorText();
    QVERIFY2(error.contains("broken.yaml:3:"), qPrintable(error));
    QVERIFY2(error.contains("token 3"), qPrintable(error));
    // The window still holds a usable project.
    QVERIFY(!window.document()->project().profile.empty());
}

void TestMainWindow::unsavedChangesAskBeforeOpening()
{
    const QString path = writeFile("other.yaml", "loadwizard: 1\nprofile:\n  rampup: \"1,5\"\n");
    MainWindow window;
    int asked = 0;
    window.setPrompt([&](const QString &) {
        ++asked;
        return QMessageBox::Cancel;
    });
    window.profileEditor()->stepTable()->item(0, 0)->setText("4");
    QVERIFY(window.isWindowModified());
    QVERIFY(!window.openFile(path));
    QCOMPARE(asked, 1);
    QCOMPARE(window.document()->project().profile.steps().front().rate, 4.0);
    window.setPrompt([&](const QString &) { return QMessageBox::Discard; });
    QVERIFY(window.openFile(path));
    QCOMPARE(window.document()->project().profile.toString(), std::string("1,5"));
}

void TestMainWindow::startingARunKeepsUnsavedEditsInTheRecoveryFile()
{
    MainWindow window;
    window.profileEditor()->stepTable()->item(0, 0)->setText("9");
    QVERIFY(window.document()->isModified());
    QVERIFY(window.recoveryPath().isEmpty());
    window.dashboard()->runAction()->trigger(); // a crashing scenario would lose nothing now
    QVERIFY(QFile::exists(window.recoveryPath()));
    const auto kept = loadProject(window.recoveryPath().toStdString());
    QVERIFY(kept);
    QCOMPARE(kept->profile.steps().front().rate, 9.0);
    window.runController()->abort();
    QVERIFY(QTest::qWaitFor([&] { return !window.runController()->isActive(); }, 30'000));
    window.setPrompt([](const QString &) { return QMessageBox::Discard; });
    const QString recovery = window.recoveryPath();
    QVERIFY(window.close());
    QVERIFY(!QFile::exists(recovery));
}

void TestMainWindow::autosaveWritesARecoveryFileThatCanBeRestored()
{
    QString recovery;
    {
        MainWindow window;
        window.profileEditor()->stepTable()->item(0, 0)->setText("7");
        window.autosave();
        recovery = window.recoveryPath();
        QVERIFY(QFile::exists(recovery));
        // No close: as after a crash, the recovery file stays (and its lock goes).
        window.setPrompt([](const QString &) { return QMessageBox::Discard; });
        window.document()->undoStack()->setClean();
    }
    QVERIFY(QFile::exists(recovery));
    MainWindow window;
    window.setPrompt([](const QString &) { return QMessageBox::Yes; });
    QVERIFY(window.offerRecovery());
    QCOMPARE(window.document()->project().profile.steps().front().rate, 7.0);
    QVERIFY(window.document()->isModified());
    // The restoring window holds it now: it is not offered twice.
    MainWindow other;
    other.setPrompt([](const QString &) { return QMessageBox::Yes; });
    QVERIFY(!other.offerRecovery());
    window.setPrompt([](const QString &) { return QMessageBox::Discard; });
    QVERIFY(window.close());
    QVERIFY(!QFile::exists(recovery));
    QVERIFY(QDir(RecoveryFile::directory()).entryList({"*.yaml"}, QDir::Files).isEmpty());
}

void TestMainWindow::anotherWindowsRecoveryIsNeitherOfferedNorDeleted()
{
    const QString path = writeFile("first.yaml", "loadwizard: 1\nprofile:\n  rampup: \"1,5\"\n");
    MainWindow first;
    QVERIFY(first.openFile(path));
    first.profileEditor()->stepTable()->item(0, 0)->setText("3");
    first.autosave();
    const QString firstRecovery = first.recoveryPath();
    QVERIFY(QFile::exists(firstRecovery));
    QVERIFY(firstRecovery.contains("first-"));

    // A second window (of this instance or another: the lock holds the same way) starts.
    MainWindow second;
    int asked = 0;
    second.setPrompt([&](const QString &) {
        ++asked;
        return QMessageBox::No;
    });
    QVERIFY(!second.offerRecovery());
    QCOMPARE(asked, 0);
    QVERIFY(QFile::exists(firstRecovery));
    second.profileEditor()->stepTable()->item(0, 0)->setText("4");
    second.autosave();
    QVERIFY(QFile::exists(second.recoveryPath()));
    QVERIFY(second.recoveryPath() != firstRecovery);
    // Its clean quit deletes its own file only.
    const QString secondRecovery = second.recoveryPath();
    second.setPrompt([](const QString &) { return QMessageBox::Discard; });
    QVERIFY(second.close());
    QVERIFY(!QFile::exists(secondRecovery));
    QVERIFY(QFile::exists(firstRecovery));
    const auto kept = loadProject(firstRecovery.toStdString());
    QVERIFY(kept);
    QCOMPARE(kept->profile.steps().front().rate, 3.0);

    first.setPrompt([](const QString &) { return QMessageBox::Discard; });
    QVERIFY(first.close());
    QVERIFY(!QFile::exists(firstRecovery));
}

void TestMainWindow::aCrashedInstancesRecoveryIsOffered()
{
    // What a crashed instance leaves: its recovery file and a lock naming a process that is
    // gone (the pid of a shell that has ended).
    QProcess shell;
    shell.start("sh", {"-c", "echo $$"});
    QVERIFY(shell.waitForFinished(10'000));
    const QByteArray deadPid = shell.readAllStandardOutput().trimmed();
    QVERIFY(!deadPid.isEmpty());

    QDir().mkpath(RecoveryFile::directory());
    const QString recovery = RecoveryFile::directory() + "/shop-crashed.yaml";
    Project project = newProjectTemplate();
    project.profile = *RampProfile::parse("6,10");
    QVERIFY(saveProject(project, recovery.toStdString()));
    QFile origin(recovery + ".origin");
    QVERIFY(origin.open(QIODevice::WriteOnly));
    origin.write(m_dir.filePath("shop.yaml").toUtf8());
    origin.close();
    QByteArray lockText;
    {
        QLockFile probe(m_dir.filePath("probe.lock"));
        QVERIFY(probe.lock());
        QFile file(probe.fileName());
        QVERIFY(file.open(QIODevice::ReadOnly));
        lockText = file.readAll();
    }
    lockText = deadPid + lockText.mid(lockText.indexOf('\n'));
    QFile lock(recovery + ".lock");
    QVERIFY(lock.open(QIODevice::WriteOnly));
    lock.write(lockText);
    lock.close();

    MainWindow window;
    QString question;
    window.setPrompt([&](const QString &text) {
        question = text;
        return QMessageBox::Yes;
    });
    QVERIFY(window.offerRecovery());
    QVERIFY2(question.contains("shop.yaml"), qPrintable(question));
    QCOMPARE(window.document()->project().profile.toString(), std::string("6,10"));
    QCOMPARE(window.document()->filePath(), m_dir.filePath("shop.yaml"));
    QCOMPARE(window.recoveryPath(), recovery);
    window.setPrompt([](const QString &) { return QMessageBox::Discard; });
    QVERIFY(window.close());
    QVERIFY(!QFile::exists(recovery));
    QVERIFY(!QFile::exists(recovery + ".lock"));
}

void TestMainWindow::aMixsImportGoesToTheSelectedGroup()
{
    MainWindow window;
    window.setPrompt([](const QString &) { return QMessageBox::Discard; });
    window.showSection(MainWindow::GroupsSection);
    window.groupsEditor()->convertButton()->click();
    window.groupsEditor()->selectGroup(1);
    QVERIFY(window.importCurl("curl http://127.0.0.1:9/products\n"));
    const Project &project = window.document()->project();
    QVERIFY(!project.inlineScenario); // a mix has no scenario of its own
    QVERIFY(!project.groups[0].inlineScenario);
    QVERIFY(project.groups[1].inlineScenario);
    QCOMPARE(project.groups[1].inlineScenario->steps.size(), std::size_t(1));
    QCOMPARE(project.groups[1].inlineScenario->steps[0].request.url, std::string("/products"));
    QVERIFY(project.groups[1].scenario.empty());
    window.document()->undoStack()->setClean();
}

void TestMainWindow::runIsBlockedWhileTheScenarioIsRejected()
{
    writeFile("broken.so", "not a plugin");
    const QString path = writeFile("rejected.yaml", "loadwizard: 1\nscenario: broken.so\nprofile:\n"
                                                    "  rampup: \"1,5\"\n");
    MainWindow window;
    window.setPrompt([](const QString &) { return QMessageBox::Discard; });
    QVERIFY(window.openFile(path));
    QAction *run = window.dashboard()->runAction();
    QVERIFY(QTest::qWaitFor([&] { return !run->isEnabled(); }, 30'000));
    QVERIFY2(run->toolTip().contains("broken.so") && run->toolTip().contains("rejected"),
             qPrintable(run->toolTip()));
    QVERIFY2(window.statusBar()->currentMessage().startsWith("Cannot run: the scenario broken.so"),
             qPrintable(window.statusBar()->currentMessage()));
    // F5 or a direct start: refused with the reason in the log, nothing runs.
    window.dashboard()->startRun();
    QVERIFY(!window.runController()->isActive());
    QVERIFY2(window.dashboard()->logView()->toPlainText().contains(
                 "Cannot run: the scenario broken.so was rejected"),
             qPrintable(window.dashboard()->logView()->toPlainText()));

    // Another scenario: Run is back.
    Project next = window.document()->project();
    next.scenario.clear();
    window.document()->apply(next, "No scenario");
    QVERIFY(run->isEnabled());
    QCOMPARE(run->toolTip(), QString("Run the project (F5)"));
}

void TestMainWindow::compilerOutputInTheLogShowsTheFirstError()
{
    if (qEnvironmentVariableIsEmpty("LOADWIZARD_SDK_INCLUDE"))
        QSKIP("compiling a scenario needs LOADWIZARD_SDK_INCLUDE");
    const QString source =
        writeFile("twoerrors.cpp",
                  "#include <loadwizard/scenario.h>\n\nint a() { return first_undeclared; }\n"
                  "int b() { return second_undeclared; }\n");
    ProjectDocument document;
    Project project = newProjectTemplate();
    project.scenario = source.toStdString();
    document.reset(project, QString());
    RunController controller;
    RunDashboard dashboard(&document, &controller);
    dashboard.resize(900, 600);
    dashboard.show();
    QSignalSpy failed(&controller, &RunController::failed);
    dashboard.startRun();
    QVERIFY(failed.wait(120'000));
    const QTextCursor cursor = dashboard.logView()->textCursor();
    const QString line = cursor.block().text();
    QVERIFY2(line.contains("twoerrors.cpp:3:") && line.contains("error: "), qPrintable(line));
    QVERIFY2(line.contains("first_undeclared"), qPrintable(line));
    // The output goes on past it: the view is not simply at the end.
    QVERIFY(cursor.block().next().isValid());
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
