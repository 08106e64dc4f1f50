#include <loadwizard/scenariocompiler.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <string>

using namespace Loadwizard;

// Every compile costs seconds, so the slots share state and compile three times in all.
class TestCompileCache : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void compilesOnceThenHitsTheCache();
    void loadsACompiledScenarioAsAPlugin();
    void recompilesACachedLibraryThatNoLongerLoads();
    void recompilesAfterTheSourceChanged();
    void reportsTheCompilerDiagnosticsWithFileAndLine();
    void reportsEachDiagnosticWithItsSeverity();
    void reportsAMissingSource();
    void reportsAMissingCompiler();

private:
    std::string sourcePath(const char *name) const;

    QTemporaryDir m_cache;
    QTemporaryDir m_sources;
    std::string m_scenario; // a path with a space: the compiler runs without a shell
    std::string m_compiled;
    qint64 m_missMilliseconds = 0;
};

std::string TestCompileCache::sourcePath(const char *name) const
{
    return m_sources.filePath(QString::fromUtf8(name)).toStdString();
}

void TestCompileCache::initTestCase()
{
    QVERIFY(m_cache.isValid());
    QVERIFY(m_sources.isValid());
    qputenv("XDG_CACHE_HOME", m_cache.path().toUtf8());
    m_scenario = sourcePath("my scenario.cpp");
    QVERIFY(QFile::copy(TEST_PLUGIN_SOURCE_DIR "/good.cpp", QString::fromStdString(m_scenario)));
    QVERIFY(QFile::setPermissions(QString::fromStdString(m_scenario),
                                  QFile::ReadOwner | QFile::WriteOwner));
}

void TestCompileCache::compilesOnceThenHitsTheCache()
{
    bool cacheHit = true;
    QElapsedTimer timer;
    timer.start();
    const auto first = compileScenario(m_scenario, {}, &cacheHit);
    m_missMilliseconds = timer.elapsed();
    QVERIFY2(first, first ? "" : first.error().toString().c_str());
    QVERIFY(!cacheHit);
    m_compiled = *first;
    const QFileInfo compiled(QString::fromStdString(m_compiled));
    QVERIFY(compiled.isFile());
    QCOMPARE(compiled.absolutePath(), m_cache.filePath("loadwizard"));
    QVERIFY(compiled.fileName().startsWith("my scenario-"));
    QVERIFY(compiled.fileName().endsWith(".so"));
    // Only the finished plugin is left behind, no build folder.
    QCOMPARE(QDir(m_cache.filePath("loadwizard"))
                 .entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot)
                 .size(),
             1);

    timer.restart();
    const auto second = compileScenario(m_scenario, {}, &cacheHit);
    const qint64 hitMilliseconds = timer.elapsed();
    QVERIFY2(second, second ? "" : second.error().toString().c_str());
    QVERIFY(cacheHit);
    QCOMPARE(*second, m_compiled);
    QVERIFY2(
        hitMilliseconds * 10 < m_missMilliseconds,
        qPrintable(QString("hit %1 ms, miss %2 ms").arg(hitMilliseconds).arg(m_missMilliseconds)));
}

void TestCompileCache::loadsACompiledScenarioAsAPlugin()
{
    bool cacheHit = false;
    const auto plugin = loadScenarioPlugin(m_scenario, {}, &cacheHit);
    QVERIFY2(plugin, plugin ? "" : plugin.error().toString().c_str());
    QVERIFY(cacheHit);
    QCOMPARE((*plugin)->info().id, std::string("good"));
    QCOMPARE((*plugin)->info().path, m_compiled);
    QCOMPARE((*plugin)->info().parameters.size(), std::size_t(2));
    const auto scenario = (*plugin)->createScenario();
    QVERIFY2(scenario, scenario ? "" : scenario.error().toString().c_str());
}

void TestCompileCache::recompilesACachedLibraryThatNoLongerLoads()
{
    // A write cut short (a full disk, a kill) must not poison the cache for good. A source of
    // its own: a library this process has loaded must not be truncated under it.
    const std::string source = sourcePath("truncated.cpp");
    QVERIFY(QFile::copy(QString::fromStdString(m_scenario), QString::fromStdString(source)));
    const auto compiled = compileScenario(source);
    QVERIFY2(compiled, compiled ? "" : compiled.error().toString().c_str());
    QVERIFY(QFile::resize(QString::fromStdString(*compiled), 10));
    bool cacheHit = true;
    const auto plugin = loadScenarioPlugin(source, {}, &cacheHit);
    QVERIFY2(plugin, plugin ? "" : plugin.error().toString().c_str());
    QVERIFY(!cacheHit);
    QCOMPARE((*plugin)->info().id, std::string("good"));
    QVERIFY(QFileInfo(QString::fromStdString(*compiled)).size() > 10);

    // A library that compiles but is refused names the user's .cpp, not our cached .so.
    const std::string refused = sourcePath("refused.cpp");
    {
        QFile file(QString::fromStdString(refused));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("#include <loadwizard/scenario.h>\n"
                   "extern \"C\" __attribute__((visibility(\"default\"))) const lw_plugin_info *\n"
                   "loadwizard_plugin_v1() { return nullptr; }\n");
    }
    const auto rejected = loadScenarioPlugin(refused);
    QVERIFY(!rejected);
    QCOMPARE(rejected.error().file, refused);
    QVERIFY2(rejected.error().message.find("compiled from it into") != std::string::npos,
             rejected.error().toString().c_str());
}

void TestCompileCache::recompilesAfterTheSourceChanged()
{
    QFile source(QString::fromStdString(m_scenario));
    QVERIFY(source.open(QIODevice::Append));
    source.write("\n// edited: a different plugin now\n");
    source.close();

    bool cacheHit = true;
    const auto edited = compileScenario(m_scenario, {}, &cacheHit);
    QVERIFY2(edited, edited ? "" : edited.error().toString().c_str());
    QVERIFY(!cacheHit);
    QVERIFY(*edited != m_compiled);
    QVERIFY(QFileInfo::exists(QString::fromStdString(*edited)));
}

void TestCompileCache::reportsTheCompilerDiagnosticsWithFileAndLine()
{
    const std::string broken = sourcePath("broken.cpp");
    QFile file(QString::fromStdString(broken));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("// A scenario with a typo.\n"
               "int answer()\n"
               "{\n"
               "    return undeclared_value;\n"
               "}\n");
    file.close();

    bool cacheHit = true;
    const auto result = compileScenario(broken, {}, &cacheHit);
    QVERIFY(!result);
    QVERIFY(!cacheHit);
    const Error &error = result.error();
    QCOMPARE(error.file, broken);
    QCOMPARE(error.line, 4);
    QCOMPARE(error.column, 12);
    const QString message = QString::fromStdString(error.message);
    QVERIFY2(message.contains(QString::fromStdString(broken + ":4:12: error:")),
             error.message.c_str());
    QVERIFY2(message.contains("undeclared_value"), error.message.c_str());

    QVERIFY(!error.diagnostics.empty());
    const Diagnostic &first = error.diagnostics.front();
    QCOMPARE(first.file, broken);
    QCOMPARE(first.line, 4);
    QCOMPARE(first.column, 12);
    QCOMPARE(first.severity, Diagnostic::Severity::Error);
    QVERIFY2(first.message.find("undeclared_value") != std::string::npos, first.message.c_str());
    QCOMPARE(first.toString(), broken + ":4:12: error: " + first.message);
}

void TestCompileCache::reportsEachDiagnosticWithItsSeverity()
{
    // A warning, then an error whose note points back at line 1; the excerpts and carets the
    // compiler prints around them are not diagnostics of their own.
    const std::string broken = sourcePath("severities.cpp");
    QFile file(QString::fromStdString(broken));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("int twice(int value) { return 2 * value; }\n"
               "int answer()\n"
               "{\n"
               "#warning \"still a draft\"\n"
               "    return twice(\"forty-two\");\n"
               "}\n");
    file.close();

    // GCC's wording and columns (a GCC 12 build would otherwise compile with clang++).
    CompileOptions gcc;
    gcc.compiler = TEST_GXX;
    const auto result = compileScenario(broken, gcc);
    QVERIFY(!result);
    const Error &error = result.error();
    QCOMPARE(error.line, 5);
    QCOMPARE(error.column, 18);
    std::string listed;
    for (const Diagnostic &diagnostic : error.diagnostics)
        listed += diagnostic.toString() + "\n";
    QVERIFY2(error.diagnostics.size() == 3, listed.c_str());

    const Diagnostic &warning = error.diagnostics[0];
    QCOMPARE(warning.file, broken);
    QCOMPARE(warning.line, 4);
    QCOMPARE(warning.column, 2);
    QCOMPARE(warning.severity, Diagnostic::Severity::Warning);
    QVERIFY2(warning.message.starts_with("#warning \"still a draft\""), listed.c_str());

    const Diagnostic &invalid = error.diagnostics[1];
    QCOMPARE(invalid.file, broken);
    QCOMPARE(invalid.line, 5);
    QCOMPARE(invalid.column, 18);
    QCOMPARE(invalid.severity, Diagnostic::Severity::Error);

    const Diagnostic &note = error.diagnostics[2];
    QCOMPARE(note.file, broken);
    QCOMPARE(note.line, 1);
    QCOMPARE(note.column, 15);
    QCOMPARE(note.severity, Diagnostic::Severity::Note);
}

void TestCompileCache::reportsAMissingSource()
{
    const std::string missing = sourcePath("nothere.cpp");
    const auto result = loadScenarioPlugin(missing);
    QVERIFY(!result);
    QCOMPARE(result.error().file, missing);
    QCOMPARE(result.error().message, std::string("no such scenario source file"));
}

void TestCompileCache::reportsAMissingCompiler()
{
    CompileOptions options;
    options.compiler = m_sources.filePath("no compiler here").toStdString();
    const auto result = compileScenario(m_scenario, options);
    QVERIFY(!result);
    QCOMPARE(result.error().file, m_scenario);
    QVERIFY2(result.error().message.starts_with("no usable C++ compiler: cannot run '" +
                                                options.compiler + "': "),
             result.error().message.c_str());
}

QTEST_GUILESS_MAIN(TestCompileCache)
#include "tst_compilecache.moc"
