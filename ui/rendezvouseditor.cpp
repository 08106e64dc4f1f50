#include "rendezvouseditor.h"

#include "format.h"
#include "projectdocument.h"

#include <QBoxLayout>
#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>

namespace Loadwizard::Ui {

namespace {

/// The engine is the judge: the edited policies go through its YAML and parser. Only they do:
/// an unrelated problem elsewhere in the project (a profile being edited, an output's unset
/// variable) must not block editing rendezvous points.
tl::expected<Project, Error> validated(const Project &project)
{
    Project alone;
    alone.profile = RampProfile({{1, 1}});
    alone.rendezvous = project.rendezvous;
    return parseProject(projectToYaml(alone), "rendezvous");
}

} // namespace

RendezvousEditor::RendezvousEditor(ProjectDocument *document, QWidget *parent)
    : QWidget(parent)
    , m_document(document)
    , m_table(new QTableWidget(0, 4, this))
    , m_message(new QLabel(this))
    , m_add(new QPushButton(tr("&Add point"), this))
    , m_remove(new QPushButton(tr("Re&move"), this))
{
    m_table->setHorizontalHeaderLabels(
        {tr("Point"), tr("Release when"), tr("Value"), tr("Timeout (s)")});
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 14);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAccessibleName(tr("Rendezvous policies"));
    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("color: #d64541;"));
    m_message->hide();

    auto *hint = new QLabel(tr("Vusers that reach <code>co_await vu.rendezvous(\"name\")</code> "
                               "wait until the point's policy releases them. A point the "
                               "scenario uses but this list does not name waits for all running "
                               "vusers, with a 30 s timeout."),
                            this);
    hint->setWordWrap(true);
    hint->setForegroundRole(QPalette::PlaceholderText);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_add);
    buttons->addWidget(m_remove);
    buttons->addStretch();

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("<h3>Rendezvous</h3>"), this));
    layout->addWidget(hint);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_message);
    layout->addLayout(buttons);

    connect(m_table, &QTableWidget::cellChanged, this, [this](int row) {
        if (!m_refreshing)
            commitFromTable(tr("Edit rendezvous %1").arg(row + 1));
    });
    connect(m_add, &QPushButton::clicked, this, &RendezvousEditor::addPoint);
    connect(m_remove, &QPushButton::clicked, this, &RendezvousEditor::removePoint);
    connect(m_document, &ProjectDocument::projectChanged, this, &RendezvousEditor::refresh);
    refresh();
}

void RendezvousEditor::refresh()
{
    const auto &points = m_document->project().rendezvous;
    m_refreshing = true;
    m_table->setRowCount(static_cast<int>(points.size()));
    for (int row = 0; row < static_cast<int>(points.size()); ++row) {
        const auto &point = points[std::size_t(row)];
        const auto setItem = [this, row](int column, const QString &text) {
            auto *item = m_table->item(row, column);
            if (!item) {
                item = new QTableWidgetItem;
                m_table->setItem(row, column, item);
            }
            item->setText(text);
            item->setData(Qt::ForegroundRole, QVariant());
        };
        setItem(NameColumn, QString::fromStdString(point.name));
        setItem(ValueColumn, point.kind == RendezvousPolicy::Kind::AllRunning
                                 ? QString()
                                 : formatNumber(point.value, 3));
        setItem(TimeoutColumn, formatNumber(point.timeoutSeconds, 3));
        auto *combo = qobject_cast<QComboBox *>(m_table->cellWidget(row, PolicyColumn));
        if (!combo) {
            combo = new QComboBox(m_table);
            combo->addItem(tr("all running vusers arrived"));
            combo->addItem(tr("this many vusers arrived"));
            combo->addItem(tr("this percentage arrived"));
            m_table->setCellWidget(row, PolicyColumn, combo);
            connect(combo, &QComboBox::currentIndexChanged, this, [this] {
                if (!m_refreshing)
                    commitFromTable(tr("Change rendezvous policy"));
            });
        }
        combo->setCurrentIndex(static_cast<int>(point.kind));
    }
    m_message->hide();
    m_remove->setEnabled(!points.empty());
    m_refreshing = false;
}

void RendezvousEditor::commitFromTable(const QString &what)
{
    Project next = m_document->project();
    next.rendezvous.clear();
    for (int row = 0; row < m_table->rowCount(); ++row) {
        RendezvousPolicy point;
        const auto text = [this, row](int column) {
            return m_table->item(row, column) ? m_table->item(row, column)->text().trimmed()
                                              : QString();
        };
        point.name = text(NameColumn).toStdString();
        if (auto *combo = qobject_cast<QComboBox *>(m_table->cellWidget(row, PolicyColumn)))
            point.kind = static_cast<RendezvousPolicy::Kind>(combo->currentIndex());
        bool ok = true;
        if (point.kind != RendezvousPolicy::Kind::AllRunning) {
            point.value = text(ValueColumn).isEmpty()
                              ? (point.kind == RendezvousPolicy::Kind::Count ? 1 : 100)
                              : text(ValueColumn).toDouble(&ok);
        }
        const double timeout = text(TimeoutColumn).toDouble(&ok);
        point.timeoutSeconds = ok ? timeout : -1;
        next.rendezvous.push_back(point);
    }
    if (auto checked = validated(next); !checked) {
        // Point at the row the engine named ("rendezvous[1].value").
        const QString field = QString::fromStdString(checked.error().field);
        const int open = field.indexOf('[');
        const int row = open >= 0 ? field.mid(open + 1, field.indexOf(']') - open - 1).toInt() : -1;
        if (row >= 0 && row < m_table->rowCount()) {
            const int column = field.endsWith(QLatin1String("timeout")) ? TimeoutColumn
                               : field.endsWith(QLatin1String("value")) ? ValueColumn
                                                                        : NameColumn;
            if (auto *item = m_table->item(row, column)) {
                m_refreshing = true;
                item->setForeground(QColor(0xd6, 0x45, 0x41));
                m_refreshing = false;
            }
        }
        m_message->setText(
            QString::fromStdString(checked.error().field + ": " + checked.error().message));
        m_message->show();
        return;
    }
    m_message->hide();
    m_document->apply(next, what);
}

void RendezvousEditor::addPoint()
{
    Project next = m_document->project();
    QString name = QStringLiteral("checkout");
    for (int i = 2; std::any_of(next.rendezvous.begin(), next.rendezvous.end(),
                                [&](const auto &p) { return p.name == name.toStdString(); });
         ++i)
        name = QStringLiteral("point%1").arg(i);
    next.rendezvous.push_back(RendezvousPolicy{name.toStdString()});
    m_document->apply(next, tr("Add rendezvous %1").arg(name));
    m_table->setCurrentCell(m_table->rowCount() - 1, NameColumn);
}

void RendezvousEditor::removePoint()
{
    const int row = m_table->currentRow();
    Project next = m_document->project();
    if (row < 0 || row >= static_cast<int>(next.rendezvous.size()))
        return;
    next.rendezvous.erase(next.rendezvous.begin() + row);
    m_document->apply(next, tr("Remove rendezvous %1").arg(row + 1));
}

} // namespace Loadwizard::Ui
