#include <loadwizard/plugin.h>

#include <QDir>
#include <QTest>

#include <memory>
#include <stdexcept>

using namespace Loadwizard;

namespace {

std::string pluginPath(const char *name)
{
    return std::string(TEST_PLUGIN_DIR) + "/" + name;
}

// Just enough of a vuser to run an iteration that never awaits anything.
class IdleVuser : public Vuser
{
public:
    ~IdleVuser() override = default;
    bool check(std::string_view, bool ok) override { return ok; }
    void beginTransaction(std::string_view) override {}
    void endTransaction(std::string_view, TransactionStatus) override {}
    std::uint64_t id() const override { return 1; }
    std::uint64_t iteration() const override { return 0; }
    const std::string &param(std::string_view) const override { return m_empty; }
    double uniform(double min, double) override { return min; }
    void log(std::string_view) override {}
    int workerIndex() const override { return 0; }
    double elapsed() const override { return 0; }
    std::uint64_t random64() override { return 4; }
    void setBaseUrl(std::string) override {}
    const std::string &baseUrl() const override { return m_empty; }
    void setDefaultHeader(std::string, std::string) override {}
    std::vector<Cookie> cookies() const override { return {}; }
    void setCookie(const Cookie &) override {}
    void clearCookies() override {}
    DataRow data(std::string_view) override { return {}; }
    const std::string &projectDir() const override { return m_empty; }
    std::string resolvePath(std::string_view path) const override { return std::string(path); }

protected:
    double scaledThinkTime(double seconds) const override { return seconds; }
    void startRequest(Detail::RequestAwaitable &, std::coroutine_handle<>) override {}
    void startSleep(const Detail::SleepAwaitable &, std::coroutine_handle<>) override {}
    void startRendezvous(Detail::RendezvousAwaitable &, std::coroutine_handle<>) override {}

private:
    std::string m_empty;
};

} // namespace

class TestPluginLoader : public QObject
{
    Q_OBJECT

private slots:
    void rejectsBrokenPlugins_data();
    void rejectsBrokenPlugins();
    void readsMetadataWithoutCreatingAScenario();
    void opensARelativePathWithoutSearchingTheLibraryPath();
    void keepsTheLibraryLoadedWhileAScenarioLives();
    void turnsAThrowingCreateIntoAnError();
    void letsAnIterationExceptionReachTheTask();
};

void TestPluginLoader::rejectsBrokenPlugins_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("message");

    QTest::newRow("missing file") << "doesnotexist.so"
                                  << "no such plugin file";
    QTest::newRow("directory") << "."
                               << "is a directory, not a plugin";
    QTest::newRow("text file named .so") << "notaplugin.so"
                                         << "is not a Loadwizard plugin: ";
    QTest::newRow("no entry symbol")
        << "testplugin_nosymbol.so"
        << "does not export loadwizard_plugin_v1 — is it built with LOADWIZARD_PLUGIN?";
    QTest::newRow("wrong api version")
        << "testplugin_wrongapi.so"
        << QString("built for plugin API 999, this Loadwizard speaks %1: rebuild it")
               .arg(LOADWIZARD_API_VERSION);
    QTest::newRow("entry returns null") << "testplugin_entrynullinfo.so"
                                        << "loadwizard_plugin_v1() returned no plugin information";
    QTest::newRow("null id") << "testplugin_entrynoid.so"
                             << "plugin information lacks an id";
    QTest::newRow("entry throws") << "testplugin_entrythrows.so"
                                  << "loadwizard_plugin_v1() threw: entry point exploded";
}

void TestPluginLoader::rejectsBrokenPlugins()
{
    QFETCH(QString, file);
    QFETCH(QString, message);

    const std::string path = pluginPath(file.toUtf8().constData());
    const auto plugin = Plugin::load(path);
    QVERIFY(!plugin);
    QCOMPARE(QString::fromStdString(plugin.error().file), QString::fromStdString(path));
    QVERIFY2(QString::fromStdString(plugin.error().message).startsWith(message),
             plugin.error().toString().c_str());
}

void TestPluginLoader::readsMetadataWithoutCreatingAScenario()
{
    const auto plugin = Plugin::load(pluginPath("testplugin_good.so"));
    QVERIFY2(plugin, plugin ? "" : plugin.error().toString().c_str());

    const PluginInfo &info = (*plugin)->info();
    QCOMPARE(info.path, pluginPath("testplugin_good.so"));
    QCOMPARE(info.id, std::string("good"));
    QCOMPARE(info.name, std::string("Good test plugin"));
    QCOMPARE(info.description, std::string("Loads, lists and runs."));
    QCOMPARE(info.apiVersion, LOADWIZARD_API_VERSION);
    QCOMPARE(info.parameters.size(), std::size_t(2));
    QCOMPARE(info.parameters[0].name, std::string("base_url"));
    QCOMPARE(info.parameters[0].defaultValue, std::string("http://127.0.0.1:8080"));
    QCOMPARE(info.parameters[0].help, std::string("Where the system under test listens"));
    QCOMPARE(info.parameters[1].name, std::string("pages"));
    QCOMPARE(info.parameters[1].defaultValue, std::string("3"));

    const Parameters defaults = (*plugin)->defaultParameters();
    QCOMPARE(defaults.size(), std::size_t(2));
    QCOMPARE(defaults.at("pages"), std::string("3"));
}

void TestPluginLoader::opensARelativePathWithoutSearchingTheLibraryPath()
{
    const QString previous = QDir::currentPath();
    QVERIFY(QDir::setCurrent(TEST_PLUGIN_DIR));
    const auto plugin = Plugin::load("testplugin_good.so");
    QDir::setCurrent(previous);
    QVERIFY2(plugin, plugin ? "" : plugin.error().toString().c_str());
    QCOMPARE((*plugin)->info().id, std::string("good"));
}

void TestPluginLoader::keepsTheLibraryLoadedWhileAScenarioLives()
{
    auto plugin = Plugin::load(pluginPath("testplugin_good.so"));
    QVERIFY(plugin);
    std::weak_ptr<Plugin> weakPlugin = *plugin;
    auto scenario = (*plugin)->createScenario();
    QVERIFY2(scenario, scenario ? "" : scenario.error().toString().c_str());
    const Parameters defaults = (*plugin)->defaultParameters();

    plugin = tl::unexpected(Error{});
    QVERIFY(!weakPlugin.expired());
    (*scenario)->init(defaults); // plugin code: crashes if the library had been closed

    scenario = tl::unexpected(Error{});
    QVERIFY(weakPlugin.expired());
}

void TestPluginLoader::turnsAThrowingCreateIntoAnError()
{
    const auto plugin = Plugin::load(pluginPath("testplugin_createthrows.so"));
    QVERIFY2(plugin, plugin ? "" : plugin.error().toString().c_str());
    const auto scenario = (*plugin)->createScenario();
    QVERIFY(!scenario);
    QCOMPARE(scenario.error().file, pluginPath("testplugin_createthrows.so"));
    QCOMPARE(scenario.error().message,
             std::string("creating scenario 'createthrows' failed: database of users is missing"));
}

void TestPluginLoader::letsAnIterationExceptionReachTheTask()
{
    const auto plugin = Plugin::load(pluginPath("testplugin_throwing.so"));
    QVERIFY2(plugin, plugin ? "" : plugin.error().toString().c_str());
    QCOMPARE((*plugin)->info().id, std::string("throwing"));
    const auto scenario = (*plugin)->createScenario();
    QVERIFY(scenario);

    IdleVuser vuser;
    {
        Task<> task = (*scenario)->iteration(vuser);
        task.handle().resume();
        QVERIFY(task.done());
        QVERIFY(task.exception());
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, std::rethrow_exception(task.exception()));
    } // the coroutine frame is plugin code too: gone before the scenario is
}

QTEST_GUILESS_MAIN(TestPluginLoader)
#include "tst_pluginloader.moc"
