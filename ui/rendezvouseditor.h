#pragma once

#include <QWidget>

class QLabel;
class QTableWidget;
class QPushButton;

namespace Loadwizard::Ui {

class ProjectDocument;

/// Release policies for the scenario's rendezvous points (all / count / percent, timeout).
/// Edits are checked by the engine's own project parser before they are applied.
class RendezvousEditor : public QWidget
{
    Q_OBJECT

public:
    explicit RendezvousEditor(ProjectDocument *document, QWidget *parent = nullptr);

    QTableWidget *table() const { return m_table; }
    QLabel *messageLabel() const { return m_message; }

private:
    enum Column
    {
        NameColumn,
        PolicyColumn,
        ValueColumn,
        TimeoutColumn
    };

    void refresh();
    void commitFromTable(const QString &what);
    void addPoint();
    void removePoint();

    ProjectDocument *m_document;
    QTableWidget *m_table;
    QLabel *m_message;
    QPushButton *m_add;
    QPushButton *m_remove;
    bool m_refreshing = false;
};

} // namespace Loadwizard::Ui
