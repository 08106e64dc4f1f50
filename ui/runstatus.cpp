#include "runstatus.h"

#include <QCoreApplication>
#include <QStringList>

namespace Loadwizard::Ui {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Loadwizard::Ui::RunStatus", text);
}

} // namespace

QString runEndingTitle(RunEnding ending)
{
    switch (ending) {
    case RunEnding::Running:
        return tr("Running");
    case RunEnding::Completed:
        return tr("Completed");
    case RunEnding::Stopped:
        return tr("Stopped by user");
    case RunEnding::Aborted:
        return tr("Aborted");
    case RunEnding::FailedThresholds:
        return tr("Failed thresholds");
    case RunEnding::Crashed:
        return tr("Crashed");
    }
    return tr("Completed");
}

QString runStatusText(RunEnding ending, const Snapshot &final,
                      const std::vector<ThresholdResult> &thresholds)
{
    QString title = runEndingTitle(ending);
    QStringList parts;
    for (const ThresholdResult &result : thresholds) {
        if (result.aborted)
            parts << tr("aborted by threshold “%1”")
                         .arg(QString::fromStdString(result.settings.expression));
    }
    if (const std::size_t failed = failedThresholds(thresholds, true)) {
        const QString count = tr("%1 of %2").arg(failed).arg(thresholds.size());
        if (ending == RunEnding::FailedThresholds)
            title += QStringLiteral(" (%1)").arg(count);
        else
            parts << tr("thresholds failed (%1)").arg(count);
    }
    // The rest of the verdict: incomplete, every request failed, every vuserInit failed.
    if (const std::string rest = runVerdict(final, {}); !rest.empty())
        parts << QString::fromStdString(rest);
    if (!final.stoppedByData.empty())
        parts << tr("data “%1” ran out").arg(QString::fromStdString(final.stoppedByData));
    return parts.isEmpty() ? title
                           : title + QStringLiteral(" — ") + parts.join(QStringLiteral("; "));
}

} // namespace Loadwizard::Ui
