#pragma once

// Real results folders for the report and compare tests: two short runs against the built-in
// target (A with one vuser, B with two, the same number of iterations each) and a run killed
// with SIGKILL half way.

#include "e2eharness.h"

#include <loadwizard/targetserver.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

namespace Loadwizard::EndToEnd {

struct ReportRuns
{
    QString project; ///< the project file both runs used
    QString folderA; ///< 1 vuser × 20 iterations
    QString folderB; ///< 2 vusers × 20 iterations each
    QString killed;  ///< killed with SIGKILL after a few intervals
    QString problem; ///< empty when all three were made

    /// Runs them against `target` (started by the caller).
    static ReportRuns make(const Harness &harness, const TargetServer &target);
};

/// The JSON between the report-data script tags of a report page (an empty object on failure).
QJsonObject reportData(const QByteArray &page);

} // namespace Loadwizard::EndToEnd
