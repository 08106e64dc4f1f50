#pragma once

#include <loadwizard/thresholdevaluator.h>

#include <QTreeWidget>

#include <vector>

namespace Loadwizard::Ui {

/// The Run tab's thresholds: one row per threshold with ✓/✗, the observed value and whether it
/// may abort the run; live during a run (no data yet is "pending"), final at the end.
class ThresholdsView : public QTreeWidget
{
    Q_OBJECT

public:
    explicit ThresholdsView(QWidget *parent = nullptr);

    /// Shows `results` in their order; `final`: no data counts as failed.
    void showResults(const std::vector<ThresholdResult> &results, bool final);
    /// Shows the project's thresholds as not run yet (before a run, or after an edit).
    void showProject(const std::vector<ThresholdSettings> &thresholds);
    /// The thresholds the rows show, in order.
    const std::vector<ThresholdSettings> &shownThresholds() const { return m_shown; }

private:
    std::vector<ThresholdSettings> m_shown;
};

} // namespace Loadwizard::Ui
