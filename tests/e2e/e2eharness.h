#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace Loadwizard::EndToEnd {

/// What one run of the binary left behind.
struct Outcome
{
    bool finished = false; ///< false: it outlived its time limit and was killed
    int exitCode = -1;
    QProcess::ExitStatus exitStatus = QProcess::CrashExit;
    QByteArray out;
    QByteArray err;
    qint64 milliseconds = 0;
    qint64 peakKiB = 0; ///< the highest resident memory seen (VmHWM, sampled every 100 ms)

    /// For QVERIFY2: the exit and the tail of stderr, which usually says why.
    QByteArray describe() const;
};

/// The real `loadwizard` binary with a private compile cache and a scratch folder. One per test
/// class, so each scenario is compiled once per class rather than once per test.
class Harness
{
public:
    Harness();

    /// Empty when the environment is usable, else what is missing.
    QString problem() const;
    QString binary() const { return m_binary; }
    /// A path in the source tree (`scenarios/simple.cpp`).
    QString sourcePath(const QString &relative) const;
    /// One of the test scenarios in tests/e2e/scenarios.
    QString scenarioPath(const QString &fileName) const;
    /// A path in the scratch folder (nothing is created).
    QString scratchPath(const QString &fileName) const;
    /// Writes `text` into the scratch folder and returns the path (empty on failure).
    QString writeFile(const QString &fileName, const QByteArray &text) const;
    /// The private compile cache, where the binary keeps its plugins (XDG_CACHE_HOME/loadwizard).
    QString cachePath() const;
    /// The test's environment plus the private XDG_CACHE_HOME.
    QProcessEnvironment environment() const;

    /// Starts the binary without waiting (for tests that signal it).
    void start(QProcess &process, const QStringList &arguments) const;
    /// Runs the binary to its end, killing it after `timeoutMs`.
    Outcome run(const QStringList &arguments, int timeoutMs = 60'000) const;
    Outcome run(const QStringList &arguments, const QProcessEnvironment &environment,
                int timeoutMs = 60'000) const;
    /// Runs the binary through /bin/sh with `redirections` (e.g. "<&- >&-") applied first.
    Outcome runRedirected(const QString &redirections, const QStringList &arguments,
                          int timeoutMs = 60'000) const;

private:
    Outcome runProgram(const QString &program, const QStringList &arguments,
                       const QProcessEnvironment &environment, int timeoutMs) const;

    QString m_binary;
    QString m_sourceDir;
    QTemporaryDir m_cache;
    QTemporaryDir m_scratch;
};

/// Reads a --summary-json file; an empty object when it is missing or not JSON.
QJsonObject readJson(const QString &path);
/// `root[path[0]][path[1]]…`, undefined when any step is missing.
QJsonValue field(const QJsonObject &root, const QStringList &path);
/// An integer field, -1 when missing (so that a missing key never passes a "> 0" check).
qint64 count(const QJsonObject &root, const QStringList &path);
/// The run's iteration counts add up: started = finished + interrupted (finished counts the
/// failed ones), and failed ≤ finished.
bool countsAddUp(const QJsonObject &summary);
/// Collects one channel of a running process into `seen` until it contains `text` or `timeoutMs`
/// passed; returns whether it did.
bool waitForOutput(QProcess &process, QProcess::ProcessChannel channel, QByteArray &seen,
                   const QByteArray &text, int timeoutMs);
/// How a signalled process ended (signalAndWait).
struct Stopped
{
    bool finished = false; ///< false: still running at the time limit, and killed
    qint64 sinceFirst = 0; ///< ms from the first signal to the end (or the time limit)
    qint64 sinceLast = 0;  ///< ms from the last signal to the end
};
/// Sends each of `signalNumbers` to `process`, `gapMs` apart, then waits up to `timeoutMs` for it
/// to end; kills it if it does not. What it wrote to stderr meanwhile is appended to `err`.
Stopped signalAndWait(QProcess &process, const QList<int> &signalNumbers, int gapMs, int timeoutMs,
                      QByteArray &err);
/// What an abort may take: 2 s, as the issue asks; sanitizers slow everything (8 s).
qint64 abortBoundMs();
/// Whether the binary runs under a sanitizer (LOADWIZARD_SANITIZED is set).
bool sanitized();

/// A loopback port that was free a moment ago (bound to port 0, then closed).
int freeLoopbackPort();

} // namespace Loadwizard::EndToEnd
