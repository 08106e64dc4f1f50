#include "thresholdsview.h"

#include <QHeaderView>

namespace Loadwizard::Ui {

ThresholdsView::ThresholdsView(QWidget *parent)
    : QTreeWidget(parent)
{
    setHeaderLabels({tr("Threshold"), tr("Observed"), tr("Status"), tr("On failure")});
    setRootIsDecorated(false);
    header()->setSectionResizeMode(0, QHeaderView::Stretch);
    setAccessibleName(tr("Thresholds"));
    setToolTip(tr("The project's thresholds on the run so far; a failed one makes "
                  "loadwizard run exit with 99"));
}

void ThresholdsView::showProject(const std::vector<ThresholdSettings> &thresholds)
{
    std::vector<ThresholdResult> results(thresholds.size());
    for (std::size_t i = 0; i < thresholds.size(); ++i) {
        results[i].settings = thresholds[i];
        results[i].status = ThresholdStatus::NoData;
    }
    showResults(results, false);
    for (int i = 0; i < topLevelItemCount(); ++i) {
        topLevelItem(i)->setText(0, QString::fromStdString(thresholds[std::size_t(i)].expression));
        topLevelItem(i)->setText(2, tr("not run yet"));
    }
}

void ThresholdsView::showResults(const std::vector<ThresholdResult> &results, bool final)
{
    m_shown.clear();
    for (const ThresholdResult &result : results)
        m_shown.push_back(result.settings);
    // Rows stay (and keep a user's selection) while the same thresholds update.
    while (topLevelItemCount() > int(results.size()))
        delete takeTopLevelItem(topLevelItemCount() - 1);
    for (std::size_t i = 0; i < results.size(); ++i) {
        const ThresholdResult &result = results[i];
        QTreeWidgetItem *item = topLevelItem(int(i));
        if (!item) {
            item = new QTreeWidgetItem(this);
            item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
        }
        const bool failed = result.failed(final);
        const bool pending = !final && result.status == ThresholdStatus::NoData;
        item->setText(0, (pending  ? QStringLiteral("… ")
                          : failed ? QStringLiteral("✗ ")
                                   : QStringLiteral("✓ ")) +
                             QString::fromStdString(result.settings.expression));
        item->setText(1, QString::fromStdString(result.observedText));
        item->setText(2, result.aborted ? tr("failed: aborted the run")
                         : pending      ? tr("pending")
                         : failed       ? tr("failed")
                                        : tr("passed"));
        QString onFailure;
        if (result.settings.abort)
            onFailure = result.settings.graceSeconds > 0
                            ? tr("abort after %1 s").arg(result.settings.graceSeconds)
                            : tr("abort");
        item->setText(3, onFailure);
        item->setForeground(2, failed ? QBrush(QColor(0xd6, 0x45, 0x41)) : QBrush());
    }
}

} // namespace Loadwizard::Ui
