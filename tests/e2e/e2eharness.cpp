#include "e2eharness.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QThread>

#include <algorithm>
#include <csignal>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace Loadwizard::EndToEnd {

QByteArray Outcome::describe() const
{
    QByteArray text = finished ? "exit code " + QByteArray::number(exitCode)
                               : QByteArray("still running after the time limit (killed)");
    if (exitStatus == QProcess::CrashExit)
        text += " (crashed)";
    text += " after " + QByteArray::number(milliseconds) + " ms; stderr: " + err.right(1500);
    return text;
}

Harness::Harness()
    : m_binary(qEnvironmentVariable("LOADWIZARD_BIN"))
    , m_sourceDir(qEnvironmentVariable("LOADWIZARD_SOURCE_DIR"))
{}

QString Harness::problem() const
{
    if (m_binary.isEmpty() || !QFile::exists(m_binary))
        return "LOADWIZARD_BIN does not name the built loadwizard binary (run through ctest)";
    if (m_sourceDir.isEmpty() || !QFile::exists(sourcePath("scenarios/simple.cpp")))
        return "LOADWIZARD_SOURCE_DIR does not name the source tree (run through ctest)";
    if (!m_cache.isValid() || !m_scratch.isValid())
        return "cannot create temporary folders";
    return {};
}

QString Harness::sourcePath(const QString &relative) const
{
    return QDir(m_sourceDir).filePath(relative);
}

QString Harness::scenarioPath(const QString &fileName) const
{
    return sourcePath("tests/e2e/scenarios/" + fileName);
}

QString Harness::scratchPath(const QString &fileName) const
{
    return m_scratch.filePath(fileName);
}

QString Harness::writeFile(const QString &fileName, const QByteArray &text) const
{
    QFile file(scratchPath(fileName));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(text) != text.size())
        return {};
    return file.fileName();
}

QString Harness::cachePath() const
{
    return QDir(m_cache.path()).filePath("loadwizard");
}

QProcessEnvironment Harness::environment() const
{
    auto environment = QProcessEnvironment::systemEnvironment();
    environment.insert("XDG_CACHE_HOME", m_cache.path());
    // The binary finds the demo project and the SDK next to itself, as an installed one does.
    environment.remove("LOADWIZARD_DEMO");
    environment.remove("LOADWIZARD_SDK_INCLUDE");
    return environment;
}

void Harness::start(QProcess &process, const QStringList &arguments) const
{
    process.setProcessEnvironment(environment());
    process.setWorkingDirectory(m_scratch.path());
    process.start(m_binary, arguments);
}

Outcome Harness::run(const QStringList &arguments, int timeoutMs) const
{
    return run(arguments, environment(), timeoutMs);
}

Outcome Harness::runRedirected(const QString &redirections, const QStringList &arguments,
                               int timeoutMs) const
{
    return runProgram("/bin/sh",
                      QStringList{"-c", "exec \"$0\" \"$@\" " + redirections, m_binary} + arguments,
                      environment(), timeoutMs);
}

Outcome Harness::run(const QStringList &arguments, const QProcessEnvironment &environment,
                     int timeoutMs) const
{
    return runProgram(m_binary, arguments, environment, timeoutMs);
}

Outcome Harness::runProgram(const QString &program, const QStringList &arguments,
                            const QProcessEnvironment &environment, int timeoutMs) const
{
    Outcome outcome;
    QProcess process;
    process.setProcessEnvironment(environment);
    process.setWorkingDirectory(m_scratch.path());
    QElapsedTimer timer;
    timer.start();
    process.start(program, arguments);
    if (!process.waitForStarted(10'000)) {
        outcome.err = process.errorString().toUtf8();
        return outcome;
    }
    const QString status = QString("/proc/%1/status").arg(process.processId());
    auto samplePeak = [&] {
        QFile file(status);
        if (!file.open(QIODevice::ReadOnly))
            return;
        for (const QByteArray &line : file.readAll().split('\n')) {
            if (line.startsWith("VmHWM:"))
                outcome.peakKiB = std::max(outcome.peakKiB,
                                           line.mid(6).trimmed().split(' ').value(0).toLongLong());
        }
    };
    while (!(outcome.finished = process.waitForFinished(100))) {
        if (process.state() == QProcess::NotRunning) { // ended between two waits
            outcome.finished = true;
            break;
        }
        if (timer.elapsed() >= timeoutMs)
            break;
        samplePeak();
    }
    if (!outcome.finished) {
        process.kill();
        process.waitForFinished(5'000);
    }
    outcome.milliseconds = timer.elapsed();
    outcome.exitCode = process.exitCode();
    outcome.exitStatus = process.exitStatus();
    outcome.out = process.readAllStandardOutput();
    outcome.err = process.readAllStandardError();
    return outcome;
}

QJsonObject readJson(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

QJsonValue field(const QJsonObject &root, const QStringList &path)
{
    QJsonValue value = root;
    for (const auto &key : path) {
        if (!value.isObject())
            return QJsonValue(QJsonValue::Undefined);
        value = value.toObject().value(key);
    }
    return value;
}

qint64 count(const QJsonObject &root, const QStringList &path)
{
    const QJsonValue value = field(root, path);
    return value.isDouble() ? value.toInteger(-1) : -1;
}

bool countsAddUp(const QJsonObject &summary)
{
    const qint64 started = count(summary, {"iterations_started"});
    const qint64 finished = count(summary, {"iterations"});
    const qint64 failed = count(summary, {"iterations_failed"});
    const qint64 interrupted = count(summary, {"iterations_interrupted"});
    return started >= 0 && finished >= 0 && failed >= 0 && interrupted >= 0 &&
           started == finished + interrupted && failed <= finished;
}

bool waitForOutput(QProcess &process, QProcess::ProcessChannel channel, QByteArray &seen,
                   const QByteArray &text, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    process.setReadChannel(channel);
    for (;;) {
        seen += process.readAll();
        if (seen.contains(text))
            return true;
        if (deadline.hasExpired() || process.state() == QProcess::NotRunning)
            return false;
        process.waitForReadyRead(50);
    }
}

Stopped signalAndWait(QProcess &process, const QList<int> &signalNumbers, int gapMs, int timeoutMs,
                      QByteArray &err)
{
    Stopped stopped;
    QElapsedTimer sinceFirst, sinceLast;
    sinceFirst.start();
    for (qsizetype i = 0; i < signalNumbers.size(); ++i) {
        if (i > 0)
            QThread::msleep(gapMs);
        sinceLast.start();
        ::kill(pid_t(process.processId()), signalNumbers[i]);
    }
    stopped.finished = process.waitForFinished(timeoutMs);
    stopped.sinceFirst = sinceFirst.elapsed();
    stopped.sinceLast = sinceLast.elapsed();
    err += process.readAllStandardError();
    if (!stopped.finished) {
        process.kill();
        process.waitForFinished();
    }
    return stopped;
}

bool sanitized()
{
    return qEnvironmentVariableIsSet("LOADWIZARD_SANITIZED");
}

qint64 abortBoundMs()
{
    return sanitized() ? 8'000 : 2'000;
}

int freeLoopbackPort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) == 0)
        port = ntohs(address.sin_port);
    ::close(fd);
    return port;
}

} // namespace Loadwizard::EndToEnd
