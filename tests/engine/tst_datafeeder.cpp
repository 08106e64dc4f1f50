// Data feeders: the CSV and JSON-lines readers (every bad file names its line) and the
// strategies that hand rows to vusers on several workers at once.

#include <loadwizard/datafile.h>

#include "datafeeder.h"

#include <QtTest>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <numeric>
#include <thread>

#include <sys/stat.h>

using Loadwizard::DataExhaustion;
using Loadwizard::DataFeed;
using Loadwizard::DataStrategy;
using Loadwizard::DataTablePtr;
using Loadwizard::Engine::DataFeeder;
using Rows = QList<QStringList>;

Q_DECLARE_METATYPE(Rows)

namespace {

Rows rowsOf(const Loadwizard::DataTable &table)
{
    Rows rows;
    for (std::size_t r = 0; r < table.rowCount(); ++r) {
        QStringList row;
        for (std::size_t c = 0; c < table.columnCount(); ++c) {
            const auto cell = table.cell(r, c);
            row << QString::fromUtf8(cell.data(), qsizetype(cell.size()));
        }
        rows << row;
    }
    return rows;
}

QStringList columnsOf(const Loadwizard::DataTable &table)
{
    QStringList columns;
    for (const auto &column : table.columns())
        columns << QString::fromStdString(column);
    return columns;
}

DataTablePtr csv(const char *text)
{
    auto table = Loadwizard::parseCsv(text, "t", "t.csv");
    return table ? *table : nullptr;
}

} // namespace

class TestDataFeeder : public QObject
{
    Q_OBJECT

private slots:
    void readsCsv_data();
    void readsCsv();
    void rejectsBadCsv_data();
    void rejectsBadCsv();
    void readsJsonLines();
    void rejectsBadJsonLines_data();
    void rejectsBadJsonLines();
    void shortensTheTokenOfABrokenJsonLine();
    void loadsFilesRelativeToTheProjectFolder();
    void refusesMissingFoldersAndHugeFiles();
    void keepsAMillionCellsCompact();
    void rowsNameTheFeederWhenAColumnIsUnknown();
    void commandLineOverridesAFeedersFile();

    void sequentialHandsOutRowsInOrderAndRecycles();
    void uniqueRunsOutOnceAndWarnsOnce();
    void perVuserMapsVuserNumbersToRows();
    void randomStaysInsideTheTable();
    void uniqueRowsGoOutOnceAcrossThreads();

private:
    QTemporaryDir m_dir;
};

void TestDataFeeder::readsCsv_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<char>("delimiter");
    QTest::addColumn<QStringList>("columns");
    QTest::addColumn<Rows>("rows");

    QTest::newRow("LF") << QByteArray("a,b\n1,2\n3,4\n") << ',' << QStringList{"a", "b"}
                        << Rows{{"1", "2"}, {"3", "4"}};
    QTest::newRow("CRLF, no final line break")
        << QByteArray("a,b\r\n1,2\r\n3,4") << ',' << QStringList{"a", "b"}
        << Rows{{"1", "2"}, {"3", "4"}};
    QTest::newRow("UTF-8 BOM") << QByteArray("\xEF\xBB\xBF"
                                             "name\nZoë\n")
                               << ',' << QStringList{"name"} << Rows{{"Zoë"}};
    QTest::newRow("quoted delimiter, line breaks and quotes")
        << QByteArray("id,text\n1,\"a, b\"\n2,\"line one\r\nline two\"\n3,\"say \"\"hi\"\"\"\n")
        << ',' << QStringList{"id", "text"}
        << Rows{{"1", "a, b"}, {"2", "line one\r\nline two"}, {"3", "say \"hi\""}};
    QTest::newRow("empty fields") << QByteArray("a,b,c\n,,\n1,,3\n\"\",x,\n") << ','
                                  << QStringList{"a", "b", "c"}
                                  << Rows{{"", "", ""}, {"1", "", "3"}, {"", "x", ""}};
    QTest::newRow("blank lines skipped")
        << QByteArray("\na\n\n1\r\n\r\n2\n\n") << ',' << QStringList{"a"} << Rows{{"1"}, {"2"}};
    QTest::newRow("quoted header") << QByteArray("\"user name\",\"pass,word\"\nann,x\n") << ','
                                   << QStringList{"user name", "pass,word"} << Rows{{"ann", "x"}};
    QTest::newRow("quote inside an unquoted field is kept")
        << QByteArray("size\n5\" screen\n") << ',' << QStringList{"size"} << Rows{{"5\" screen"}};
    QTest::newRow("tab") << QByteArray("a\tb\n1,5\t\"x\ty\"\n") << '\t' << QStringList{"a", "b"}
                         << Rows{{"1,5", "x\ty"}};
    QTest::newRow("semicolon") << QByteArray("a;b\n1;2\n") << ';' << QStringList{"a", "b"}
                               << Rows{{"1", "2"}};
    QTest::newRow("lone CR is data")
        << QByteArray("a,b\nx\ry,2\n") << ',' << QStringList{"a", "b"} << Rows{{"x\ry", "2"}};
    QTest::newRow("spaces kept") << QByteArray("a,b\n 1 , 2 \n") << ',' << QStringList{"a", "b"}
                                 << Rows{{" 1 ", " 2 "}};
}

void TestDataFeeder::readsCsv()
{
    QFETCH(QByteArray, text);
    QFETCH(char, delimiter);
    const auto table = Loadwizard::parseCsv(text.toStdString(), "users", "u.csv", delimiter);
    QVERIFY2(table, table ? "" : table.error().toString().c_str());
    QTEST(columnsOf(**table), "columns");
    QTEST(rowsOf(**table), "rows");
    QCOMPARE((*table)->feeder(), std::string("users"));
}

void TestDataFeeder::rejectsBadCsv_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("message");

    QTest::newRow("empty") << QByteArray() << 0 << "the file is empty";
    QTest::newRow("only a BOM and blank lines")
        << QByteArray("\xEF\xBB\xBF\n\r\n") << 0 << "the file is empty";
    QTest::newRow("header only") << QByteArray("a,b\n\n") << 0 << "no rows after the header";
    QTest::newRow("short row") << QByteArray("a,b\n1,2\n3\n") << 3
                               << "1 field where the header has 2 (a ragged row)";
    QTest::newRow("long row after a multi-line field")
        << QByteArray("a,b\n1,\"x\ny\nz\"\n1,2,3\n") << 5 << "3 fields where the header has 2";
    QTest::newRow("unterminated quote: the line it began on")
        << QByteArray("a,b\n1,2\n3,\"never closed\n4,5\n6,7\n") << 3 << "unterminated quoted field";
    QTest::newRow("text after a closing quote")
        << QByteArray("a\n\"x\"y\n") << 2 << "text after a closing quote";
    QTest::newRow("empty column name")
        << QByteArray("a,,c\n1,2,3\n") << 1 << "column 2 of the header has no name";
    QTest::newRow("duplicate column name") << QByteArray("\n\nid,name,id\n1,2,3\n") << 3
                                           << "column \"id\" is named twice in the header";
}

void TestDataFeeder::rejectsBadCsv()
{
    QFETCH(QByteArray, text);
    const auto table = Loadwizard::parseCsv(text.toStdString(), "users", "u.csv");
    QVERIFY(!table);
    QCOMPARE(table.error().file, std::string("u.csv"));
    QTEST(table.error().line, "line");
    QFETCH(QString, message);
    QVERIFY2(QString::fromStdString(table.error().message).startsWith(message),
             table.error().toString().c_str());
}

void TestDataFeeder::readsJsonLines()
{
    const auto table = Loadwizard::parseJsonLines(
        "{\"user\": \"ann\", \"age\": 31, \"admin\": true, \"tags\": [\"a\"], \"note\": null}\n"
        "\n"
        "  \r\n"
        "{\"age\": 2.5, \"user\": \"b\\u00f6b \\\"q\\\"\", \"admin\": false, \"tags\": {}, "
        "\"note\": \"\"}\r\n",
        "people", "p.jsonl");
    QVERIFY2(table, table ? "" : table.error().toString().c_str());
    QCOMPARE(columnsOf(**table), (QStringList{"user", "age", "admin", "tags", "note"}));
    QCOMPARE(rowsOf(**table), (Rows{{"ann", "31", "true", "[\"a\"]", "null"},
                                    {"böb \"q\"", "2.5", "false", "{}", ""}}));
}

void TestDataFeeder::rejectsBadJsonLines_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("message");

    QTest::newRow("empty") << QByteArray("\n \n") << 0 << "the file has no JSON lines";
    QTest::newRow("bad JSON") << QByteArray("{\"a\": 1}\n\n{\"a\": }\n") << 3
                              << "not a JSON object: column 7";
    QTest::newRow("two objects on a line")
        << QByteArray("{\"a\": 1} {\"a\": 2}\n") << 1 << "not a JSON object";
    // Found by fuzz_datafile: nlohmann throws out_of_range, not parse_error, and the run died.
    QTest::newRow("number overflow") << QByteArray("{\"a\": 1}\n{\"a\": 1.5e999}\n") << 2
                                     << "not a JSON object: number overflow parsing '1.5e999'";
    // Found by fuzz_datafile: writing a 20 000-level value out as text overflowed the stack.
    QTest::newRow("too deep") << QByteArray("{\"a\": \"[\", \"b\": " + QByteArray(101, '[') +
                                            QByteArray(101, ']') + "}\n")
                              << 1 << "column 116: arrays and objects nest deeper than 100 levels";
    QTest::newRow("an array") << QByteArray("[1, 2]\n") << 1 << "expected a JSON object, not array";
    QTest::newRow("no keys") << QByteArray("{}\n") << 1 << "the first object has no keys";
    QTest::newRow("missing key") << QByteArray("{\"a\": 1, \"b\": 2}\n{\"a\": 3}\n") << 2
                                 << "no key \"b\" (line 1 has it";
    QTest::newRow("extra key") << QByteArray("{\"a\": 1}\n{\"a\": 3, \"c\": 4}\n") << 2
                               << "key \"c\" is not on line 1";
}

void TestDataFeeder::rejectsBadJsonLines()
{
    QFETCH(QByteArray, text);
    const auto table = Loadwizard::parseJsonLines(text.toStdString(), "x", "x.jsonl");
    QVERIFY(!table);
    QCOMPARE(table.error().file, std::string("x.jsonl"));
    QTEST(table.error().line, "line");
    QFETCH(QString, message);
    QVERIFY2(QString::fromStdString(table.error().message).startsWith(message),
             table.error().toString().c_str());
}

void TestDataFeeder::shortensTheTokenOfABrokenJsonLine()
{
    // Found by fuzz_datafile: the parser's message quoted the whole unterminated string.
    const std::string text = "{\"a\": \"x\"}\n{\"a\": \"" + std::string(100000, 'z') + "\n";
    const auto table = Loadwizard::parseJsonLines(text, "x", "x.jsonl");
    QVERIFY(!table);
    QCOMPARE(table.error().line, 2);
    QCOMPARE(QString::fromStdString(table.error().message),
             "not a JSON object: column 100008: syntax error while parsing value - invalid "
             "string: missing closing quote; last read: '\"" +
                 QString(39, 'z') + "…(100001 characters)'");
}

void TestDataFeeder::loadsFilesRelativeToTheProjectFolder()
{
    QDir(m_dir.path()).mkpath("data");
    {
        std::ofstream(m_dir.filePath("data/users.tsv").toStdString()) << "user\tpass\nann\tx y\n";
        std::ofstream(m_dir.filePath("data/users.ndjson").toStdString()) << "{\"user\": \"bob\"}\n";
    }
    Loadwizard::DataSourceSettings settings;
    settings.name = "users";
    settings.file = "data/users.tsv"; // tab by default for .tsv
    auto table = Loadwizard::loadDataFile(settings, m_dir.path().toStdString());
    QVERIFY2(table, table ? "" : table.error().toString().c_str());
    QCOMPARE(rowsOf(**table), (Rows{{"ann", "x y"}}));

    ::setenv("LW_TEST_DATA_DIR", qPrintable(m_dir.filePath("data")), 1);
    settings.file = "${LW_TEST_DATA_DIR}/users.ndjson"; // JSON lines by the extension
    table = Loadwizard::loadDataFile(settings, "/nowhere");
    QVERIFY2(table, table ? "" : table.error().toString().c_str());
    QCOMPARE(rowsOf(**table), (Rows{{"bob"}}));

    settings.file = "${LW_TEST_UNSET_VARIABLE}/users.csv";
    table = Loadwizard::loadDataFile(settings, m_dir.path().toStdString());
    QVERIFY(!table);
    QVERIFY2(table.error().toString().find("LW_TEST_UNSET_VARIABLE") != std::string::npos,
             table.error().toString().c_str());
}

void TestDataFeeder::refusesMissingFoldersAndHugeFiles()
{
    Loadwizard::DataSourceSettings settings;
    settings.name = "users";
    settings.file = "missing.csv";
    auto table = Loadwizard::loadDataFile(settings, m_dir.path().toStdString());
    QVERIFY(!table);
    QCOMPARE(table.error().toString(), m_dir.filePath("missing.csv").toStdString() +
                                           ": data users: cannot open: No such file or directory");

    settings.file = m_dir.path().toStdString();
    table = Loadwizard::loadDataFile(settings, {});
    QVERIFY(!table);
    QVERIFY2(table.error().message.find("is a folder") != std::string::npos,
             table.error().toString().c_str());

    settings.file = "/dev/zero";
    table = Loadwizard::loadDataFile(settings, {});
    QVERIFY(!table);
    QCOMPARE(
        table.error().toString(),
        std::string("/dev/zero: data users: is a device, a FIFO or a socket, not a data file"));

    // A FIFO with no writer would block open() before any signal is watched.
    const std::string fifo = m_dir.filePath("fifo.csv").toStdString();
    QCOMPARE(mkfifo(fifo.c_str(), 0600), 0);
    settings.file = fifo;
    table = Loadwizard::loadDataFile(settings, {});
    QVERIFY(!table);
    QVERIFY2(table.error().message.find("a FIFO") != std::string::npos,
             table.error().toString().c_str());

    std::ofstream(m_dir.filePath("big.csv").toStdString()) << "a\n" << std::string(200, 'x');
    settings.file = "big.csv";
    table = Loadwizard::loadDataFile(settings, m_dir.path().toStdString(), 100);
    QVERIFY(!table);
    QCOMPARE(table.error().message,
             std::string("data users: the file has 202 bytes, more than the 100 a data file may "
                         "have (split it)"));
    table = Loadwizard::loadDataFile(settings, m_dir.path().toStdString(), 202);
    QVERIFY(table);

    // A bad row in a loaded file: the path, the line, the feeder.
    std::ofstream(m_dir.filePath("ragged.csv").toStdString()) << "a,b\n1,2\n\n3\n";
    settings.file = "ragged.csv";
    table = Loadwizard::loadDataFile(settings, m_dir.path().toStdString());
    QVERIFY(!table);
    QCOMPARE(table.error().toString(),
             m_dir.filePath("ragged.csv").toStdString() +
                 ":4: data users: 1 field where the header has 2 (a ragged row)");
}

void TestDataFeeder::keepsAMillionCellsCompact()
{
    // 250 000 rows of 4 cells: the table holds the text and 4 bytes per cell, no string each.
    std::string text = "id,user,password,email\n";
    for (int i = 0; i < 250'000; ++i) {
        const std::string n = std::to_string(i);
        text += n + ",user" + n + ",\"pw,\"\"" + n + "\",u" + n + "@example.test\n";
    }
    const std::size_t fileBytes = text.size();
    const auto table = Loadwizard::parseCsv(std::move(text), "big", "big.csv");
    QVERIFY(table);
    QCOMPARE((*table)->rowCount(), std::size_t(250'000));
    QCOMPARE((*table)->cell(123'456, 2), std::string_view("pw,\"123456"));
    QCOMPARE((*table)->cell(249'999, 3), std::string_view("u249999@example.test"));
    const std::size_t cells = 250'000 * 4;
    QVERIFY2((*table)->memoryBytes() <= fileBytes + (cells + 1) * sizeof(std::uint32_t),
             qPrintable(QString::number((*table)->memoryBytes())));
}

void TestDataFeeder::rowsNameTheFeederWhenAColumnIsUnknown()
{
    const auto table = csv("user,pass\nann,x\n");
    QVERIFY(table);
    const Loadwizard::DataRow row(table.get(), 0);
    QCOMPARE(row["pass"], std::string_view("x"));
    QCOMPARE(row.at(0), std::string_view("ann"));
    QCOMPARE(row.size(), std::size_t(2));
    QCOMPARE(row.index(), std::size_t(0));
    try {
        (void)row["password"];
        QFAIL("no exception");
    } catch (const std::out_of_range &e) {
        QCOMPARE(std::string(e.what()), std::string("data t: no column \"password\" (columns: "
                                                    "user, pass)"));
    }
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, (void)row.at(2));
    const Loadwizard::DataRow empty;
    QCOMPARE(empty.size(), std::size_t(0));
    QVERIFY(empty.columns().empty());
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, (void)empty["x"]);
}

void TestDataFeeder::commandLineOverridesAFeedersFile()
{
    Loadwizard::Project project;
    // Without feeders in the project, --data declares one (sequential, by the extension).
    QVERIFY(Loadwizard::overrideDataFile(project, "users=u.jsonl"));
    QCOMPARE(project.data.size(), std::size_t(1));
    QCOMPARE(project.data[0].file, (QDir::currentPath() + "/u.jsonl").toStdString());
    QCOMPARE(project.data[0].strategy, DataStrategy::Sequential);
    QCOMPARE(project.data[0].effectiveFormat(), Loadwizard::DataFormat::JsonLines);

    // With feeders, it only points one at another file, keeping its strategy.
    project.data[0].strategy = DataStrategy::Unique;
    QVERIFY(Loadwizard::overrideDataFile(project, "users=/tmp/../tmp/other.csv"));
    QCOMPARE(project.data.size(), std::size_t(1));
    QCOMPARE(project.data[0].file, std::string("/tmp/other.csv"));
    QCOMPARE(project.data[0].strategy, DataStrategy::Unique);

    auto failed = Loadwizard::overrideDataFile(project, "usres=x.csv");
    QVERIFY(!failed);
    QCOMPARE(failed.error().toString(),
             std::string("--data: the project has no data feeder \"usres\" (did you mean "
                         "\"users\"?)"));
    for (const char *bad : {"users", "=x.csv", "users="}) {
        failed = Loadwizard::overrideDataFile(project, bad);
        QVERIFY(!failed);
        QVERIFY2(failed.error().message.starts_with("expected NAME=FILE"), bad);
    }
    Loadwizard::Project empty;
    failed = Loadwizard::overrideDataFile(empty, "my users=x.csv");
    QVERIFY(!failed);
    QVERIFY(empty.data.empty());
}

void TestDataFeeder::sequentialHandsOutRowsInOrderAndRecycles()
{
    const DataFeed feed{"s", csv("a\n0\n1\n2\n"), DataStrategy::Sequential,
                        DataExhaustion::Recycle};
    DataFeeder feeder(feed);
    for (std::size_t i = 0; i < 10; ++i) {
        const auto draw = feeder.draw(1 + i % 4, 0.5);
        QVERIFY(!draw.exhausted);
        QCOMPARE(draw.row, i % 3);
    }
    QCOMPARE(feeder.stats().handedOut, std::uint64_t(10));
    QCOMPARE(feeder.stats().exhausted, false);
    QVERIFY(!feeder.exhausted());
}

void TestDataFeeder::uniqueRunsOutOnceAndWarnsOnce()
{
    for (auto action : {DataExhaustion::StopVuser, DataExhaustion::StopRun}) {
        const DataFeed feed{"u", csv("a\n0\n1\n"), DataStrategy::Unique, action};
        DataFeeder feeder(feed);
        QCOMPARE(feeder.draw(1, 0).row, std::size_t(0));
        QCOMPARE(feeder.draw(2, 0).row, std::size_t(1));
        QVERIFY(!feeder.exhausted());
        const auto first = feeder.draw(3, 0);
        QVERIFY(first.exhausted && first.firstExhaustion);
        const auto second = feeder.draw(1, 0);
        QVERIFY(second.exhausted && !second.firstExhaustion);
        QVERIFY(feeder.exhausted());
        QCOMPARE(feeder.stats().handedOut, std::uint64_t(2));
        QCOMPARE(feeder.stats().rows, std::uint64_t(2));
        QCOMPARE(feeder.stats().strategy, std::string("unique"));
    }
}

void TestDataFeeder::perVuserMapsVuserNumbersToRows()
{
    const DataFeed feed{"p", csv("a\n0\n1\n2\n"), DataStrategy::PerVuser, DataExhaustion::Recycle};
    DataFeeder feeder(feed);
    for (int round = 0; round < 2; ++round) {
        for (std::uint64_t vuser = 1; vuser <= 7; ++vuser)
            QCOMPARE(feeder.draw(vuser, 0.99).row, std::size_t((vuser - 1) % 3));
    }
    QCOMPARE(feeder.stats().handedOut, std::uint64_t(14));
}

void TestDataFeeder::randomStaysInsideTheTable()
{
    const DataFeed feed{"r", csv("a\n0\n1\n2\n3\n"), DataStrategy::Random, DataExhaustion::Recycle};
    DataFeeder feeder(feed);
    QCOMPARE(feeder.draw(1, 0.0).row, std::size_t(0));
    QCOMPARE(feeder.draw(1, 0.2499).row, std::size_t(0));
    QCOMPARE(feeder.draw(1, 0.25).row, std::size_t(1));
    QCOMPARE(feeder.draw(1, 0.9999999).row, std::size_t(3));
    QCOMPARE(feeder.draw(1, 1.0).row, std::size_t(3)); // never past the end
}

void TestDataFeeder::uniqueRowsGoOutOnceAcrossThreads()
{
    std::string text = "n\n";
    constexpr int rows = 100'000;
    for (int i = 0; i < rows; ++i)
        text += std::to_string(i) + '\n';
    const DataFeed feed{"u", *Loadwizard::parseCsv(text, "u", "u.csv"), DataStrategy::Unique,
                        DataExhaustion::StopVuser};
    DataFeeder feeder(feed);
    constexpr int threads = 4;
    std::vector<std::vector<std::size_t>> drawn(threads);
    std::vector<int> firsts(threads, 0);
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            for (;;) {
                const auto draw = feeder.draw(std::uint64_t(t + 1), 0);
                if (draw.exhausted) {
                    firsts[std::size_t(t)] += draw.firstExhaustion;
                    if (feeder.draw(std::uint64_t(t + 1), 0).firstExhaustion)
                        firsts[std::size_t(t)] += 1; // must never happen twice
                    return;
                }
                drawn[std::size_t(t)].push_back(draw.row);
            }
        });
    }
    for (auto &thread : pool)
        thread.join();
    std::vector<int> seen(rows, 0);
    std::size_t total = 0;
    for (const auto &rowsOfThread : drawn) {
        // Each worker sees its own draws in increasing order: one sequence shared by all.
        QVERIFY(std::is_sorted(rowsOfThread.begin(), rowsOfThread.end()));
        for (std::size_t row : rowsOfThread)
            ++seen[row];
        total += rowsOfThread.size();
    }
    QCOMPARE(total, std::size_t(rows));
    QCOMPARE(std::count(seen.begin(), seen.end(), 1), qsizetype(rows));
    QCOMPARE(std::accumulate(firsts.begin(), firsts.end(), 0), 1);
}

QTEST_GUILESS_MAIN(TestDataFeeder)
#include "tst_datafeeder.moc"
