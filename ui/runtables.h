#pragma once

#include <loadwizard/output.h>
#include <loadwizard/snapshot.h>

#include <QObject>

#include <vector>

class QComboBox;
class QTableView;
class QTreeWidget;
class QWidget;

namespace Loadwizard::Ui {

class StatsTableModel;

/// The Run tab's tables under the charts: transactions, requests, checks, rendezvous and outputs,
/// and the group choice over them (a run with groups: the whole run or one group). The
/// dashboard puts the views in its tabs; each snapshot fills only the one on screen.
class RunTables : public QObject
{
    Q_OBJECT

public:
    /// The views are created as children of `parent` (the dashboard).
    explicit RunTables(QWidget *parent);

    StatsTableModel *transactionModel() const { return m_transactions; }
    StatsTableModel *requestModel() const { return m_requests; }
    QTableView *transactionView() const { return m_transactionView; }
    QTableView *requestView() const { return m_requestView; }
    QTreeWidget *checksView() const { return m_checks; }
    QTreeWidget *rendezvousView() const { return m_rendezvous; }
    QTreeWidget *outputsView() const { return m_outputsView; }
    /// "All groups" or one group; hidden (with its label, groupRow()) for a run without groups.
    QComboBox *groupChoice() const { return m_groupChoice; }
    QWidget *groupRow() const { return m_groupRow; }

    /// Empties the tables (a new run).
    void clear();
    /// Hides the group choice and forgets its groups (a new run).
    void clearGroups();
    /// Lists the snapshot's groups in the choice (once), and shows it.
    void showGroups(const Snapshot &snapshot);
    /// Fills the table `shown` from the snapshot (the chosen group's numbers), or every table.
    void fill(const Snapshot &snapshot, const QWidget *shown, bool all);
    /// One row per output: sent, retried, dropped, points, last error.
    void showOutputs(const std::vector<OutputStats> &stats);

signals:
    /// Another group was chosen: the tables are to be filled again.
    void groupChosen();

private:
    QTableView *makeStatsView(StatsTableModel *model, QWidget *parent);
    /// The tables' source: the group chosen, or nullptr for the whole run.
    const GroupSnapshot *chosenGroup(const Snapshot &snapshot) const;
    void fillRendezvousAndChecks(const Snapshot &snapshot);

    StatsTableModel *m_transactions;
    StatsTableModel *m_requests;
    QTableView *m_transactionView;
    QTableView *m_requestView;
    QTreeWidget *m_checks;
    QTreeWidget *m_rendezvous;
    QTreeWidget *m_outputsView;
    QComboBox *m_groupChoice;
    QWidget *m_groupRow;
};

} // namespace Loadwizard::Ui
