#include "runtables.h"

#include "icons.h"
#include "placeholder.h"
#include "statstablemodel.h"

#include <QBoxLayout>
#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTreeWidget>

namespace Loadwizard::Ui {

namespace {

QTreeWidgetItem *itemFor(QTreeWidget *tree, const QString &name)
{
    const auto found = tree->findItems(name, Qt::MatchExactly);
    if (!found.isEmpty())
        return found.front();
    auto *item = new QTreeWidgetItem(tree, {name});
    for (int column = 1; column < tree->columnCount(); ++column)
        item->setTextAlignment(column, Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

} // namespace

RunTables::RunTables(QWidget *parent)
    : QObject(parent)
    , m_transactions(new StatsTableModel(this))
    , m_requests(new StatsTableModel(this))
    , m_transactionView(makeStatsView(m_transactions, parent))
    , m_requestView(makeStatsView(m_requests, parent))
    , m_checks(new QTreeWidget(parent))
    , m_rendezvous(new QTreeWidget(parent))
    , m_outputsView(new QTreeWidget(parent))
    , m_groupChoice(new QComboBox(parent))
    , m_groupRow(new QWidget(parent))
{
    setEmptyPlaceholder(m_transactionView,
                        tr("No data yet: transactions appear here once one has ended"));
    setEmptyPlaceholder(m_requestView, tr("No data yet: requests appear here once one has ended"));
    setEmptyPlaceholder(m_checks, tr("No data yet: no check has run"));
    setEmptyPlaceholder(m_rendezvous, tr("No data yet: no vuser has reached a rendezvous point"));
    setEmptyPlaceholder(m_outputsView, tr("No data yet: the project sends its numbers nowhere, "
                                          "or the run has not started"));
    m_transactionView->setAccessibleName(tr("Transactions"));
    m_requestView->setAccessibleName(tr("Requests"));
    m_checks->setHeaderLabels({tr("Check"), tr("Passed"), tr("Failed"), tr("Pass rate")});
    m_checks->setRootIsDecorated(false);
    m_checks->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_checks->setSortingEnabled(true);
    m_rendezvous->setHeaderLabels({tr("Point"), tr("Arrivals"), tr("Releases"), tr("Timeouts"),
                                   tr("Released"), tr("Mean wait ms"), tr("Max wait ms")});
    m_rendezvous->setRootIsDecorated(false);
    m_rendezvous->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_outputsView->setHeaderLabels({tr("Output"), tr("Sent"), tr("Retried"), tr("Dropped"),
                                    tr("Points sent"), tr("Rejected"), tr("Last error")});
    m_outputsView->setRootIsDecorated(false);
    m_outputsView->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_outputsView->header()->setStretchLastSection(true);
    m_outputsView->setAccessibleName(tr("Outputs"));
    m_outputsView->setToolTip(tr("Sent and dropped count snapshots (one per second); points "
                                 "count lines, rows or documents"));

    // A run with groups: its tables show the whole run or one group.
    m_groupChoice->setAccessibleName(tr("Tables of group"));
    m_groupChoice->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    auto *groupLabel = new QLabel(tr("&Group:"), m_groupRow);
    groupLabel->setBuddy(m_groupChoice);
    auto *groupLayout = new QHBoxLayout(m_groupRow);
    groupLayout->setContentsMargins(0, 0, 0, 0);
    groupLayout->addWidget(groupLabel);
    groupLayout->addWidget(m_groupChoice);
    groupLayout->addStretch();
    m_groupRow->hide();
    connect(m_groupChoice, &QComboBox::currentIndexChanged, this, [this] {
        m_checks->clear(); // another group's checks
        emit groupChosen();
    });
}

QTableView *RunTables::makeStatsView(StatsTableModel *model, QWidget *parent)
{
    auto *proxy = new QSortFilterProxyModel(parent);
    proxy->setSourceModel(model);
    proxy->setSortRole(Qt::UserRole);
    proxy->setDynamicSortFilter(true);
    auto *view = new QTableView(parent);
    view->setModel(proxy);
    view->setSortingEnabled(true);
    view->sortByColumn(StatsTableModel::NameColumn, Qt::AscendingOrder);
    view->setAlternatingRowColors(true);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 8);
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    view->horizontalHeader()->setSectionResizeMode(StatsTableModel::NameColumn,
                                                   QHeaderView::Stretch);
    // Measuring contents on every update (ResizeToContents) costs more than the rest of the
    // table: fit the columns when the set of names changes, and on every 30th update.
    view->horizontalHeader()->setResizeContentsPrecision(64);
    connect(model, &QAbstractItemModel::modelReset, view, &QTableView::resizeColumnsToContents);
    connect(model, &QAbstractItemModel::dataChanged, view, [view, updates = 0]() mutable {
        if (++updates % 30 == 0)
            view->resizeColumnsToContents();
    });
    return view;
}

void RunTables::clear()
{
    m_transactions->clear();
    m_requests->clear();
    m_checks->clear();
    m_rendezvous->clear();
    m_outputsView->clear();
}

void RunTables::clearGroups()
{
    m_groupChoice->blockSignals(true);
    m_groupChoice->clear();
    m_groupChoice->blockSignals(false);
    m_groupRow->hide();
}

void RunTables::showGroups(const Snapshot &snapshot)
{
    if (snapshot.groups.empty() || m_groupChoice->count() == int(snapshot.groups.size()) + 1)
        return;
    const bool blocked = m_groupChoice->blockSignals(true);
    m_groupChoice->clear();
    m_groupChoice->addItem(tr("All groups"));
    for (const GroupSnapshot &group : snapshot.groups)
        m_groupChoice->addItem(QString::fromStdString(group.name));
    m_groupChoice->blockSignals(blocked);
    m_groupRow->show();
}

const GroupSnapshot *RunTables::chosenGroup(const Snapshot &snapshot) const
{
    const int index = m_groupChoice->currentIndex() - 1; // 0 is "All groups"
    if (index < 0 || index >= static_cast<int>(snapshot.groups.size()))
        return nullptr;
    return &snapshot.groups[std::size_t(index)];
}

void RunTables::fill(const Snapshot &snapshot, const QWidget *shown, bool all)
{
    const double interval = snapshot.intervalSeconds > 0 ? snapshot.intervalSeconds : 1;
    // Once the run is over, rates are the whole run's (not its last, partial second).
    const double runSeconds = snapshot.final ? std::max(snapshot.elapsedSeconds, 1e-3) : 0;
    const GroupSnapshot *group = chosenGroup(snapshot);
    // Each table remembers nothing but the latest snapshot, so a skipped one costs nothing.
    if (all || shown == m_transactionView) {
        if (group)
            m_transactions->update(group->transactionsTotal, group->transactionsInterval, interval,
                                   runSeconds);
        else
            m_transactions->update(snapshot.transactionsTotal, snapshot.transactionsInterval,
                                   interval, runSeconds);
    }
    if (all || shown == m_requestView) {
        if (group)
            m_requests->update(group->requestsTotal, group->requestsInterval, interval, runSeconds);
        else
            m_requests->update(snapshot.requestsTotal, snapshot.requestsInterval, interval,
                               runSeconds);
    }
    if (all || shown == m_checks || shown == m_rendezvous)
        fillRendezvousAndChecks(snapshot);
}

void RunTables::fillRendezvousAndChecks(const Snapshot &snapshot)
{
    // Checks follow the group chosen over the tables; rendezvous points are the run's.
    const GroupSnapshot *group = chosenGroup(snapshot);
    for (const auto &[name, check] : group ? group->checks : snapshot.checks) {
        auto *item = itemFor(m_checks, QString::fromStdString(name));
        const auto all = check.passes + check.fails;
        item->setText(1, QString::number(check.passes));
        item->setText(2, QString::number(check.fails));
        item->setText(3, all ? QString::number(100.0 * double(check.passes) / double(all), 'f', 2) +
                                   QStringLiteral(" %")
                             : QString());
        // A failed check is a red mark, as everywhere else a check or a request fails.
        item->setIcon(0, Icons::icon(check.fails ? Icons::Glyph::Failed : Icons::Glyph::Passed));
    }
    for (const auto &[name, point] : snapshot.rendezvous) {
        auto *item = itemFor(m_rendezvous, QString::fromStdString(name));
        item->setText(1, QString::number(point.arrivals));
        item->setText(2, QString::number(point.releases));
        item->setText(3, QString::number(point.timeouts));
        item->setText(4, QString::number(point.released));
        item->setText(5, QString::number(point.meanWaitMs, 'f', 1));
        item->setText(6, QString::number(point.maxWaitMs, 'f', 1));
    }
}

void RunTables::showOutputs(const std::vector<OutputStats> &stats)
{
    for (const OutputStats &output : stats) {
        auto *item = itemFor(m_outputsView, QString::fromStdString(output.name));
        item->setText(1, QString::number(output.sent));
        item->setText(2, QString::number(output.retried));
        item->setText(3, QString::number(output.dropped));
        item->setText(4, QString::number(output.pointsSent));
        item->setText(5, QString::number(output.pointsRejected));
        item->setText(6, QString::fromStdString(output.lastError));
        item->setToolTip(6, QString::fromStdString(output.lastError));
        item->setTextAlignment(6, Qt::AlignLeft | Qt::AlignVCenter);
        item->setIcon(0, Icons::icon(output.lastError.empty() && output.dropped == 0
                                         ? Icons::Glyph::Passed
                                         : Icons::Glyph::Warning));
    }
}

} // namespace Loadwizard::Ui
