#pragma once

#include <loadwizard/steps.h>

#include <QStyledItemDelegate>
#include <QWidget>

class QTableWidget;

namespace Loadwizard::Ui {

/// A table of text cells with Add and Remove buttons; columns given a list of choices edit
/// with a combo box. changed() after each edit; the owner converts rows to its values.
class StepTable : public QWidget
{
    Q_OBJECT

public:
    StepTable(const QStringList &headers, QWidget *parent = nullptr);

    QTableWidget *table() const { return m_table; }
    /// Column `column` is one of `choices` (the first for a new row).
    void setChoices(int column, const QStringList &choices);
    /// Rows as text; setRows() does nothing when they are already shown (keeps the cursor).
    QList<QStringList> rows() const;
    void setRows(const QList<QStringList> &rows);
    /// Adds a row of `cells` (defaults for the rest) and reports the change.
    void addRow(const QStringList &cells = {});

signals:
    void changed();

private:
    QTableWidget *m_table;
    QHash<int, QStringList> m_choices;
    bool m_filling = false;
};

/// Rows of name/value pairs (headers, query, form fields, set).
QList<QStringList> pairRows(const Steps::Pairs &pairs);
Steps::Pairs pairsFromRows(const QList<QStringList> &rows);

/// Checks: kind, target, operator, value, name. Status values are "200, 201".
QStringList checkKinds();
QStringList checkOperators();
QList<QStringList> checkRows(const std::vector<Steps::Check> &checks);
std::vector<Steps::Check> checksFromRows(const QList<QStringList> &rows);

/// Extractions: variable, source, expression, right boundary (between) or group (regex),
/// default (empty: none).
QStringList extractionSources();
QList<QStringList> extractionRows(const std::vector<Steps::Extraction> &extractions);
std::vector<Steps::Extraction> extractionsFromRows(const QList<QStringList> &rows);

} // namespace Loadwizard::Ui
