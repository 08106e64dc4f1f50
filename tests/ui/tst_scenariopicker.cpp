#include <projectdocument.h>
#include <scenariocatalog.h>
#include <scenariopicker.h>

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace Loadwizard;
using namespace Loadwizard::Ui;

class TestScenarioPicker : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void showsAPluginsMetadataAndParameters();
    void showsACompileErrorWithFileAndLine();
    void useGivesTheScenarioToTheGroupChosen();
    void selectsTheProjectsScenario();
    void storesABundledScenarioRelativeToTheProject();
    void editingAParameterCellClosesItsEditorCleanly();

private:
    bool waitUntilLoaded(ScenarioCatalog &catalog, const QString &path);
    QTemporaryDir m_dir;
};

void TestScenarioPicker::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    qputenv("XDG_CACHE_HOME", m_dir.filePath("cache").toUtf8());
    // The user scenario folder too: Paths follows XDG, not QStandardPaths' test mode.
    qputenv("XDG_DATA_HOME", m_dir.filePath("data").toUtf8());
    QCoreApplication::setOrganizationName("loadwizard-tests");
    QCoreApplication::setApplicationName("tst_scenariopicker");
}

bool TestScenarioPicker::waitUntilLoaded(ScenarioCatalog &catalog, const QString &path)
{
    return QTest::qWaitFor(
        [&] {
            const int index = catalog.indexOf(path);
            if (index < 0)
                return false;
            const auto state = catalog.entries()[index].state;
            return state == ScenarioEntry::State::Loaded || state == ScenarioEntry::State::Rejected;
        },
        120000);
}

void TestScenarioPicker::showsAPluginsMetadataAndParameters()
{
    const QString bundled = QStringLiteral(LOADWIZARD_SOURCE_DIR "/scenarios");
    ProjectDocument document;
    Project project;
    project.profile = *RampProfile::parse("1,1");
    project.scenario = (bundled + "/simple.cpp").toStdString();
    project.parameters["base_url"] = "http://127.0.0.1:9";
    document.reset(project, QString());
    ScenarioCatalog catalog;
    catalog.setFolders({bundled}, m_dir.filePath("user"));
    ScenarioPicker picker(&document, &catalog);
    picker.show();
    catalog.rescan();
    QVERIFY(catalog.indexOf(bundled + "/shop.cpp") >= 0);
    QVERIFY(waitUntilLoaded(catalog, bundled + "/simple.cpp"));
    QVERIFY(picker.select(bundled + "/simple.cpp"));
    const auto &entry = catalog.entries()[catalog.indexOf(bundled + "/simple.cpp")];
    QCOMPARE(entry.state, ScenarioEntry::State::Loaded);
    QCOMPARE(picker.titleLabel()->text(), QString::fromStdString(entry.info.name));
    QVERIFY(!picker.descriptionLabel()->text().isEmpty());
    // The parameter table: the project's value, the plugin's default and help.
    auto *table = picker.parameterTable();
    int row = -1;
    for (int r = 0; r < table->rowCount(); ++r)
        if (table->item(r, 0)->text() == "base_url")
            row = r;
    QVERIFY(row >= 0);
    QCOMPARE(table->item(row, 1)->text(), QString("http://127.0.0.1:9"));
    QVERIFY(!table->item(row, 3)->text().isEmpty());
    table->item(row, 1)->setText("http://127.0.0.1:10");
    QCOMPARE(document.project().parameters.at("base_url"), std::string("http://127.0.0.1:10"));
    QVERIFY(document.isModified());
}

void TestScenarioPicker::showsACompileErrorWithFileAndLine()
{
    QFile file(m_dir.filePath("broken.cpp"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("#include <loadwizard/scenario.h>\n\nint main() { return undeclared; }\n");
    file.close();
    ProjectDocument document;
    ScenarioCatalog catalog;
    catalog.setFolders({}, m_dir.filePath("user"));
    ScenarioPicker picker(&document, &catalog);
    picker.show();
    catalog.rescan();
    QSignalSpy busy(&catalog, &ScenarioCatalog::busyChanged);
    picker.addFile(file.fileName());
    QVERIFY(busy.wait(5000));
    QVERIFY(busy.first().at(0).toBool()); // compiling off the UI thread, with a busy indicator
    QVERIFY(waitUntilLoaded(catalog, file.fileName()));
    const ScenarioEntry &entry = catalog.entries()[catalog.indexOf(file.fileName())];
    QCOMPARE(entry.state, ScenarioEntry::State::Rejected);
    // The engine's structured diagnostics: what the list below is built from.
    QVERIFY(!entry.error.diagnostics.empty());
    const Diagnostic &first = entry.error.diagnostics.front();
    QCOMPARE(QFileInfo(QString::fromStdString(first.file)), QFileInfo(file.fileName()));
    QCOMPARE(first.line, 3);
    QCOMPARE(first.column, 21);
    QCOMPARE(first.severity, Diagnostic::Severity::Error);
    QVERIFY(picker.select(file.fileName()));
    auto *diagnostics = picker.diagnosticsView();
    QVERIFY(diagnostics->topLevelItemCount() >= 1);
    QCOMPARE(diagnostics->topLevelItem(0)->text(0), QString("broken.cpp"));
    QCOMPARE(diagnostics->topLevelItem(0)->text(1), QString("3"));
    QCOMPARE(diagnostics->topLevelItem(0)->text(2), QString("21"));
    QVERIFY(diagnostics->topLevelItem(0)->text(3).startsWith("error: "));
    QVERIFY(diagnostics->topLevelItem(0)->text(3).contains("undeclared"));
    // Choosing it shows that line of the compiler's output, excerpt and caret below it.
    diagnostics->setCurrentItem(diagnostics->topLevelItem(0));
    const QString selected = picker.compilerOutputView()->textCursor().selectedText();
    QVERIFY2(selected.contains("broken.cpp:3:21: error: ") && selected.contains("undeclared"),
             qPrintable(selected));
    QVERIFY(picker.titleLabel()->text().contains("rejected"));
}

void TestScenarioPicker::useGivesTheScenarioToTheGroupChosen()
{
    const QString simple = qEnvironmentVariable("LOADWIZARD_BUILD_DIR") + "/scenarios/simple.so";
    if (!QFileInfo::exists(simple))
        QSKIP("scenarios/simple.so is not built (LOADWIZARD_BUILD_DIR)");
    Project project;
    ProjectGroup first;
    first.name = "browse";
    first.scenario = "browse.so";
    first.profile = *RampProfile::parse("1,10");
    ProjectGroup second = first;
    second.name = "buy";
    project.groups = {first, second};
    ProjectDocument document;
    document.reset(project, QString());
    ScenarioCatalog catalog;
    catalog.setFolders({}, m_dir.filePath("user"));
    ScenarioPicker picker(&document, &catalog);
    int chosen = 1;
    picker.setTargetGroup([&chosen] { return chosen; });
    picker.show();
    picker.addFile(simple);
    QVERIFY(waitUntilLoaded(catalog, simple));
    QVERIFY(picker.select(simple));
    QCOMPARE(picker.useButton()->text(), QString("&Use for group buy"));
    picker.useButton()->click();
    QCOMPARE(document.project().groups[1].scenario, simple.toStdString());
    QCOMPARE(document.project().groups[0].scenario, std::string("browse.so"));
    QVERIFY(document.project().scenario.empty()); // a mix has no scenario of its own
    QCOMPARE(picker.useButton()->text(), QString("In use"));
    chosen = 0;
    picker.updateTarget();
    // The picker shows the scenario of the group chosen (listed though it is missing).
    QCOMPARE(picker.pluginTree()->currentItem()->toolTip(0),
             QFileInfo("browse.so").absoluteFilePath());
    QCOMPARE(picker.useButton()->text(), QString("In use"));
    QVERIFY(picker.select(simple));
    QCOMPARE(picker.useButton()->text(), QString("&Use for group browse"));
    // Without groups (or no group chosen) it is the project's, as before.
    chosen = -1;
    picker.updateTarget();
    QCOMPARE(picker.useButton()->text(), QString("&Use for this project"));
}

void TestScenarioPicker::selectsTheProjectsScenario()
{
    const QString bundled = QStringLiteral(LOADWIZARD_SOURCE_DIR "/scenarios");
    const QString simple = QFileInfo(bundled + "/simple.cpp").canonicalFilePath();
    ProjectDocument document;
    Project project;
    project.profile = *RampProfile::parse("1,1");
    project.scenario = simple.toStdString();
    document.reset(project, QString());
    ScenarioCatalog catalog;
    catalog.setFolders({bundled}, m_dir.filePath("user"));
    ScenarioPicker picker(&document, &catalog);
    picker.show();
    // Listing the folders again (at start, or Reload) puts shop.cpp first: the project's
    // scenario stays the one shown.
    catalog.rescan();
    QVERIFY(picker.pluginTree()->currentItem());
    QCOMPARE(picker.pluginTree()->currentItem()->toolTip(0), simple);
    QCOMPARE(picker.useButton()->text(), QString("In use"));

    // Another project (opened later) with a scenario none of the folders has: listed, shown.
    QFile other(m_dir.filePath("project/other.so"));
    QVERIFY(QDir().mkpath(m_dir.filePath("project")));
    QVERIFY(other.open(QIODevice::WriteOnly));
    other.write("not a plugin");
    other.close();
    Project next = project;
    next.scenario = "other.so"; // relative to the project file's folder
    document.reset(next, m_dir.filePath("project/next.yaml"));
    const QString otherPath = QFileInfo(other.fileName()).canonicalFilePath();
    QVERIFY(catalog.indexOf(otherPath) >= 0);
    QCOMPARE(picker.pluginTree()->currentItem()->toolTip(0), otherPath);
    QCOMPARE(picker.useButton()->text(), QString("In use"));
    QVERIFY(picker.titleLabel()->text().startsWith("other.so"));

    // Other edits keep the user's own selection.
    QVERIFY(picker.select(bundled + "/shop.cpp"));
    Project renamed = document.project();
    renamed.name = "renamed";
    document.apply(renamed, "Rename");
    QCOMPARE(picker.pluginTree()->currentItem()->toolTip(0),
             QFileInfo(bundled + "/shop.cpp").canonicalFilePath());
}

void TestScenarioPicker::storesABundledScenarioRelativeToTheProject()
{
    const QString bundled = QStringLiteral(LOADWIZARD_SOURCE_DIR "/scenarios");
    const QString shop = QFileInfo(bundled + "/shop.cpp").canonicalFilePath();
    QVERIFY(QDir().mkpath(m_dir.filePath("moved/project")));
    const QString projectFile = m_dir.filePath("moved/project/shop-test.yaml");
    ProjectDocument document;
    Project project;
    project.profile = *RampProfile::parse("1,1");
    document.reset(project, projectFile);
    ScenarioCatalog catalog;
    catalog.setFolders({bundled}, m_dir.filePath("user"));
    ScenarioPicker picker(&document, &catalog);
    catalog.rescan();
    QVERIFY(picker.select(shop));
    picker.useButton()->click();
    const QString stored = QString::fromStdString(document.project().scenario);
    QVERIFY2(QFileInfo(stored).isRelative(), qPrintable(stored));
    QCOMPARE(stored, QDir(m_dir.filePath("moved/project")).relativeFilePath(shop));
    // Saved and read again, it resolves against the project's folder.
    QVERIFY(document.save(projectFile));
    auto loaded = loadProject(projectFile.toStdString());
    QVERIFY(loaded);
    QCOMPARE(QString::fromStdString(loaded->scenario), stored);
    QCOMPARE(QFileInfo(QString::fromStdString(loaded->scenarioPath())).canonicalFilePath(), shop);
    ProjectDocument reopened;
    QVERIFY(reopened.load(projectFile));
    QCOMPARE(
        QFileInfo(QString::fromStdString(reopened.project().scenarioPath())).canonicalFilePath(),
        shop);
    QCOMPARE(QString::fromStdString(reopened.project().folder()),
             QFileInfo(projectFile).absolutePath());
}

namespace {

QStringList capturedWarnings;
QtMessageHandler previousHandler = nullptr;

void captureWarnings(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (type == QtWarningMsg)
        capturedWarnings << message;
    previousHandler(type, context, message);
}

} // namespace

void TestScenarioPicker::editingAParameterCellClosesItsEditorCleanly()
{
    const QString bundled = QStringLiteral(LOADWIZARD_SOURCE_DIR "/scenarios");
    ProjectDocument document;
    Project project;
    project.profile = *RampProfile::parse("1,1");
    project.scenario = (bundled + "/simple.cpp").toStdString();
    document.reset(project, QString());
    ScenarioCatalog catalog;
    catalog.setFolders({bundled}, m_dir.filePath("user"));
    ScenarioPicker picker(&document, &catalog);
    picker.resize(900, 600);
    picker.show();
    QVERIFY(QTest::qWaitForWindowExposed(&picker));
    catalog.rescan();
    QVERIFY(waitUntilLoaded(catalog, bundled + "/simple.cpp"));
    QVERIFY(picker.select(bundled + "/simple.cpp"));
    auto *table = picker.parameterTable();
    int row = -1;
    for (int r = 0; r < table->rowCount(); ++r)
        if (table->item(r, 0)->text() == "base_url")
            row = r;
    QVERIFY(row >= 0);

    capturedWarnings.clear();
    previousHandler = qInstallMessageHandler(captureWarnings);
    // As a user does: open the cell's editor, type, press Enter.
    table->setFocus();
    table->setCurrentCell(row, 1);
    table->editItem(table->item(row, 1));
    auto *editor = qobject_cast<QLineEdit *>(QApplication::focusWidget());
    QVERIFY(editor);
    editor->selectAll();
    QTest::keyClicks(editor, "http://127.0.0.1:11");
    QTest::keyClick(editor, Qt::Key_Return);
    QCoreApplication::processEvents();
    qInstallMessageHandler(previousHandler);

    QCOMPARE(document.project().parameters.at("base_url"), std::string("http://127.0.0.1:11"));
    QVERIFY2(capturedWarnings.filter("closeEditor").isEmpty(),
             qPrintable(capturedWarnings.join('\n')));
    QCOMPARE(table->item(row, 1)->text(), QString("http://127.0.0.1:11"));
    QVERIFY(!table->item(row, 1)->font().italic()); // set by the project now
}

QTEST_MAIN(TestScenarioPicker)
#include "tst_scenariopicker.moc"
