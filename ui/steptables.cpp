#include "steptables.h"

#include "format.h"

#include <QBoxLayout>
#include <QComboBox>
#include <QHeaderView>
#include <QPushButton>
#include <QTableWidget>

namespace Loadwizard::Ui {

using Steps::Check;
using Steps::Extraction;

namespace {

/// Edits a cell with a combo box of fixed choices.
class ChoiceDelegate : public QStyledItemDelegate
{
public:
    ChoiceDelegate(QStringList choices, QObject *parent)
        : QStyledItemDelegate(parent)
        , m_choices(std::move(choices))
    {}
    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &,
                          const QModelIndex &) const override
    {
        auto *combo = new QComboBox(parent);
        combo->addItems(m_choices);
        return combo;
    }
    void setEditorData(QWidget *editor, const QModelIndex &index) const override
    {
        static_cast<QComboBox *>(editor)->setCurrentText(index.data().toString());
    }
    void setModelData(QWidget *editor, QAbstractItemModel *model,
                      const QModelIndex &index) const override
    {
        model->setData(index, static_cast<QComboBox *>(editor)->currentText());
    }

private:
    QStringList m_choices;
};

QString text(const std::string &value)
{
    return QString::fromStdString(value);
}

} // namespace

StepTable::StepTable(const QStringList &headers, QWidget *parent)
    : QWidget(parent)
    , m_table(new QTableWidget(0, int(headers.size()), this))
{
    m_table->setHorizontalHeaderLabels(headers);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    auto *add = new QPushButton(tr("Add"), this);
    auto *remove = new QPushButton(tr("Remove"), this);
    add->setObjectName(QStringLiteral("add"));
    remove->setObjectName(QStringLiteral("remove"));
    auto *buttons = new QVBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch();
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_table, 1);
    layout->addLayout(buttons);
    connect(add, &QPushButton::clicked, this, [this] { addRow(); });
    connect(remove, &QPushButton::clicked, this, [this] {
        const int row = m_table->currentRow();
        if (row < 0)
            return;
        m_table->removeRow(row);
        emit changed();
    });
    connect(m_table, &QTableWidget::cellChanged, this, [this] {
        if (!m_filling)
            emit changed();
    });
}

void StepTable::setChoices(int column, const QStringList &choices)
{
    m_choices[column] = choices;
    m_table->setItemDelegateForColumn(column, new ChoiceDelegate(choices, m_table));
}

QList<QStringList> StepTable::rows() const
{
    QList<QStringList> rows;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        QStringList cells;
        for (int column = 0; column < m_table->columnCount(); ++column) {
            const QTableWidgetItem *item = m_table->item(row, column);
            cells << (item ? item->text() : QString());
        }
        rows << cells;
    }
    return rows;
}

void StepTable::setRows(const QList<QStringList> &rows)
{
    if (rows == this->rows())
        return;
    // Cells change in place: this may run inside a cell's own change signal, where replacing
    // the item would delete it under QTableWidget's feet.
    m_filling = true;
    m_table->setRowCount(int(rows.size()));
    for (int row = 0; row < rows.size(); ++row) {
        for (int column = 0; column < m_table->columnCount(); ++column) {
            const QString text = rows[row].value(column);
            if (QTableWidgetItem *item = m_table->item(row, column)) {
                if (item->text() != text)
                    item->setText(text);
            } else {
                m_table->setItem(row, column, new QTableWidgetItem(text));
            }
        }
    }
    m_filling = false;
}

void StepTable::addRow(const QStringList &cells)
{
    m_filling = true;
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    for (int column = 0; column < m_table->columnCount(); ++column) {
        QString value = cells.value(column);
        if (value.isEmpty() && m_choices.contains(column) && column >= cells.size())
            value = m_choices[column].value(0);
        m_table->setItem(row, column, new QTableWidgetItem(value));
    }
    m_filling = false;
    m_table->setCurrentCell(row, 0);
    emit changed();
}

QList<QStringList> pairRows(const Steps::Pairs &pairs)
{
    QList<QStringList> rows;
    for (const auto &[name, value] : pairs)
        rows << QStringList{text(name), text(value)};
    return rows;
}

Steps::Pairs pairsFromRows(const QList<QStringList> &rows)
{
    Steps::Pairs pairs;
    for (const QStringList &row : rows)
        pairs.emplace_back(row.value(0).toStdString(), row.value(1).toStdString());
    return pairs;
}

QStringList checkKinds()
{
    return {"status", "body", "json", "header", "duration"};
}

QStringList checkOperators()
{
    return {"exists",  "missing", "equals",        "not_equals", "contains",         "not_contains",
            "matches", "less",    "less_or_equal", "greater",    "greater_or_equal", "one_of"};
}

QList<QStringList> checkRows(const std::vector<Check> &checks)
{
    QList<QStringList> rows;
    for (const Check &check : checks) {
        QString value = text(check.value);
        if (check.subject == Check::Subject::Status) {
            QStringList statuses;
            for (int status : check.statuses)
                statuses << QString::number(status);
            value = statuses.join(QStringLiteral(", "));
        }
        rows << QStringList{checkKinds().value(int(check.subject)), text(check.target),
                            checkOperators().value(int(check.op)), value, text(check.name)};
    }
    return rows;
}

std::vector<Check> checksFromRows(const QList<QStringList> &rows)
{
    std::vector<Check> checks;
    for (const QStringList &row : rows) {
        Check check;
        check.subject = Check::Subject(std::max<qsizetype>(0, checkKinds().indexOf(row.value(0))));
        check.target = row.value(1).toStdString();
        check.op = Check::Op(std::max<qsizetype>(0, checkOperators().indexOf(row.value(2))));
        check.name = row.value(4).toStdString();
        if (check.subject == Check::Subject::Status) {
            check.op = Check::Op::OneOf;
            check.target.clear();
            for (const QString &part : row.value(3).split(',', Qt::SkipEmptyParts)) {
                bool ok = false;
                const int status = part.trimmed().toInt(&ok);
                if (ok)
                    check.statuses.push_back(status);
            }
        } else {
            check.value = row.value(3).toStdString();
            if (check.subject == Check::Subject::Duration)
                check.op = Check::Op::Less;
            if (check.subject == Check::Subject::Body || check.subject == Check::Subject::Duration)
                check.target.clear();
        }
        checks.push_back(std::move(check));
    }
    return checks;
}

QStringList extractionSources()
{
    return {"json", "regex", "between", "header", "cookie"};
}

QList<QStringList> extractionRows(const std::vector<Extraction> &extractions)
{
    QList<QStringList> rows;
    for (const Extraction &extraction : extractions) {
        QString extra;
        if (extraction.source == Extraction::Source::Regex)
            extra = QString::number(extraction.group);
        else if (extraction.source == Extraction::Source::Between)
            extra = text(extraction.right);
        rows << QStringList{text(extraction.variable),
                            extractionSources().value(int(extraction.source)),
                            text(extraction.expression), extra,
                            text(extraction.defaultValue.value_or(std::string()))};
    }
    return rows;
}

std::vector<Extraction> extractionsFromRows(const QList<QStringList> &rows)
{
    std::vector<Extraction> extractions;
    for (const QStringList &row : rows) {
        Extraction extraction;
        extraction.variable = row.value(0).toStdString();
        extraction.source =
            Extraction::Source(std::max<qsizetype>(0, extractionSources().indexOf(row.value(1))));
        extraction.expression = row.value(2).toStdString();
        if (extraction.source == Extraction::Source::Regex) {
            bool ok = false;
            const int group = row.value(3).toInt(&ok);
            extraction.group = ok && group >= 0 ? group : 1;
        } else if (extraction.source == Extraction::Source::Between) {
            extraction.right = row.value(3).toStdString();
        }
        if (!row.value(4).isEmpty())
            extraction.defaultValue = row.value(4).toStdString();
        extractions.push_back(std::move(extraction));
    }
    return extractions;
}

} // namespace Loadwizard::Ui
