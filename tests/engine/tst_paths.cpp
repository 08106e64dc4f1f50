#include <loadwizard/paths.h>

#include <QCoreApplication>
#include <QDir>
#include <QTest>

#include <string>

using namespace Loadwizard;

// Each slot sets the variables it reads; a variable left over from ctest (LOADWIZARD_SDK_INCLUDE)
// or the user's session would otherwise decide the result.
class TestPaths : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void findsBundledFilesRelativeToTheExecutable();
    void honoursTheEnvironmentOverrides();
    void ignoresRelativeXdgFoldersAsTheSpecAsks();
    void fallsBackToTheHomeFolder();
};

namespace {

std::string beside(const char *relative)
{
    return QDir::cleanPath(QCoreApplication::applicationDirPath() + "/" + relative).toStdString();
}

} // namespace

void TestPaths::init()
{
    for (const char *name :
         {"LOADWIZARD_SDK_INCLUDE", "LOADWIZARD_DEMO", "XDG_CACHE_HOME", "XDG_DATA_HOME"})
        qunsetenv(name);
    qputenv("HOME", "/home/tester");
}

void TestPaths::findsBundledFilesRelativeToTheExecutable()
{
    QCOMPARE(Paths::executableDir(), QCoreApplication::applicationDirPath().toStdString());
    QCOMPARE(Paths::sdkIncludeDir(), beside("../include"));
    QCOMPARE(Paths::bundledScenariosDir(), beside("../share/loadwizard/scenarios"));
    QCOMPARE(Paths::demoProject(), beside("../share/loadwizard/scenarios/demo.yaml"));
}

void TestPaths::honoursTheEnvironmentOverrides()
{
    qputenv("LOADWIZARD_SDK_INCLUDE", "/opt/sdk/include");
    qputenv("LOADWIZARD_DEMO", "/srv/demo.yaml");
    qputenv("XDG_CACHE_HOME", "/var/cache/tester");
    qputenv("XDG_DATA_HOME", "/var/data/tester");
    QCOMPARE(Paths::sdkIncludeDir(), std::string("/opt/sdk/include"));
    QCOMPARE(Paths::demoProject(), std::string("/srv/demo.yaml"));
    QCOMPARE(Paths::cacheDir(), std::string("/var/cache/tester/loadwizard"));
    QCOMPARE(Paths::userScenariosDir(), std::string("/var/data/tester/loadwizard/scenarios"));
}

void TestPaths::ignoresRelativeXdgFoldersAsTheSpecAsks()
{
    qputenv("XDG_CACHE_HOME", "relative/cache");
    qputenv("XDG_DATA_HOME", "relative/data");
    QCOMPARE(Paths::cacheDir(), std::string("/home/tester/.cache/loadwizard"));
    QCOMPARE(Paths::userScenariosDir(),
             std::string("/home/tester/.local/share/loadwizard/scenarios"));
}

void TestPaths::fallsBackToTheHomeFolder()
{
    QCOMPARE(Paths::cacheDir(), std::string("/home/tester/.cache/loadwizard"));
    QCOMPARE(Paths::userScenariosDir(),
             std::string("/home/tester/.local/share/loadwizard/scenarios"));
}

QTEST_GUILESS_MAIN(TestPaths)
#include "tst_paths.moc"
