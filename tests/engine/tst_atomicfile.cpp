// AtomicFile: a regular file is replaced all at once; a folder is refused before anything is
// written; devices and FIFOs are written in place (never renamed over: as root, --summary-json
// /dev/null once replaced the device); a dangling symlink gets its target created.

#include <loadwizard/atomicfile.h>

#include <QtTest>

#include <fstream>
#include <sstream>
#include <thread>

#include <csignal>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace Loadwizard;

namespace {

std::string contents(const QString &path)
{
    std::ifstream file(path.toStdString(), std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

} // namespace

class TestAtomicFile : public QObject
{
    Q_OBJECT

private slots:
    void replacesARegularFileOnlyOnCommit();
    void leavesNothingWhenNotCommitted();
    void leavesNothingWhenTheProcessIsKilled();
    void keepsTheModeOfTheReplacedFile();
    void refusesAFolderAtOpen();
    void writesIntoADeviceInPlace();
    void writesIntoAFifoInPlace();
    void aFullDiskIsNamedByEveryLaterCall();
    void createsTheTargetOfADanglingSymlink();

private:
    QTemporaryDir m_dir;
};

void TestAtomicFile::replacesARegularFileOnlyOnCommit()
{
    const QString path = m_dir.filePath("summary.json");
    QVERIFY(writeFileAtomically(path.toStdString(), "old"));
    auto file = AtomicFile::open(path.toStdString());
    QVERIFY(file);
    QVERIFY(file->write("new"));
    QCOMPARE(contents(path), std::string("old"));
    QVERIFY(file->commit());
    QCOMPARE(contents(path), std::string("new"));
}

void TestAtomicFile::leavesNothingWhenNotCommitted()
{
    QTemporaryDir dir;
    {
        auto file = AtomicFile::open(dir.filePath("x.json").toStdString());
        QVERIFY(file);
        QVERIFY(file->write("partial"));
    }
    QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
             QStringList());
}

void TestAtomicFile::leavesNothingWhenTheProcessIsKilled()
{
    // A crashed or killed run never runs the destructor: the temporary file must have no name.
    QTemporaryDir dir;
    const std::string path = dir.filePath("x.json").toStdString();
    const pid_t child = fork();
    QVERIFY(child >= 0);
    if (child == 0) {
        auto file = AtomicFile::open(path);
        if (!file || !file->write("partial"))
            _exit(1);
        ::kill(::getpid(), SIGKILL);
        _exit(2);
    }
    int status = 0;
    QCOMPARE(::waitpid(child, &status, 0), child);
    QVERIFY2(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "the child opened and wrote");
    QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
             QStringList());
}

void TestAtomicFile::keepsTheModeOfTheReplacedFile()
{
    const QString path = m_dir.filePath("mode.json");
    QVERIFY(writeFileAtomically(path.toStdString(), "old"));
    QCOMPARE(::chmod(path.toLocal8Bit().constData(), 0640), 0);
    QVERIFY(writeFileAtomically(path.toStdString(), "new"));
    struct stat info;
    QCOMPARE(::stat(path.toLocal8Bit().constData(), &info), 0);
    QCOMPARE(int(info.st_mode & 07777), 0640);
    QCOMPARE(contents(path), std::string("new"));
}

void TestAtomicFile::refusesAFolderAtOpen()
{
    const auto file = AtomicFile::open(m_dir.path().toStdString());
    QVERIFY(!file);
    QVERIFY2(file.error().message.find("directory") != std::string::npos,
             file.error().toString().c_str());
}

void TestAtomicFile::writesIntoADeviceInPlace()
{
    QVERIFY(writeFileAtomically("/dev/null", "{}"));
    struct stat info;
    QCOMPARE(::stat("/dev/null", &info), 0);
    QVERIFY(S_ISCHR(info.st_mode));
}

void TestAtomicFile::aFullDiskIsNamedByEveryLaterCall()
{
    // /dev/full: every write fails with ENOSPC. The file is closed after the first failure;
    // what follows must still say why, not "Bad file descriptor".
    auto file = AtomicFile::open("/dev/full");
    QVERIFY(file);
    const auto first = file->write("{}");
    QVERIFY(!first);
    const auto second = file->write("{}");
    QVERIFY(!second);
    const auto committed = file->commit();
    QVERIFY(!committed);
    for (const Error &error : {first.error(), second.error(), committed.error()}) {
        QVERIFY2(QString::fromStdString(error.message).endsWith("No space left on device"),
                 error.message.c_str());
    }
}

void TestAtomicFile::writesIntoAFifoInPlace()
{
    const QString path = m_dir.filePath("fifo");
    QCOMPARE(::mkfifo(path.toLocal8Bit().constData(), 0600), 0);
    std::string read;
    // Nobody reads it yet: refused at once rather than blocking.
    const auto refused = writeFileAtomically(path.toStdString(), "nobody");
    QVERIFY(!refused);
    QVERIFY(refused.error().message.find("nobody reads") != std::string::npos);
    std::thread reader([&] { read = contents(path); });
    // Once the reader is in its open(), the writer gets through.
    bool written = false;
    for (int attempt = 0; attempt < 500 && !written; ++attempt) {
        written = bool(writeFileAtomically(path.toStdString(), "through the pipe"));
        if (!written)
            QThread::msleep(10);
    }
    QVERIFY(written);
    reader.join();
    QCOMPARE(read, std::string("through the pipe"));
    struct stat info;
    QCOMPARE(::stat(path.toLocal8Bit().constData(), &info), 0);
    QVERIFY(S_ISFIFO(info.st_mode));
}

void TestAtomicFile::createsTheTargetOfADanglingSymlink()
{
    const QString link = m_dir.filePath("link.json");
    QCOMPARE(::symlink("target.json", link.toLocal8Bit().constData()), 0);
    QVERIFY(writeFileAtomically(link.toStdString(), "via the link"));
    QVERIFY(QFileInfo(link).isSymLink());
    QCOMPARE(contents(m_dir.filePath("target.json")), std::string("via the link"));
}

QTEST_GUILESS_MAIN(TestAtomicFile)
#include "tst_atomicfile.moc"
