#pragma once

#include "steppath.h"

#include <QAbstractItemModel>

#include <memory>
#include <optional>

namespace Loadwizard::Ui {

class StepDocument;

/// The steps of a StepDocument as a tree: two sections (init, steps), each step under them,
/// transaction/repeat/if steps with their steps below, an `if` with an "else" node last. Drag
/// and drop moves a step (into and out of groups) as one undoable edit of the document; every
/// other change comes from the document (scenarioChanged).
class StepModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    static inline const QString mimeType = QStringLiteral("application/x-loadwizard-step-path");

    explicit StepModel(StepDocument *document, QObject *parent = nullptr);
    ~StepModel() override;

    /// The step at `index`; nullopt for a section or an "else" node.
    std::optional<StepPath> pathAt(const QModelIndex &index) const;
    /// The list a new step goes into when `index` is current: a section's or an else node's
    /// list, a group step's steps; for another step, the list it is in.
    StepList listAt(const QModelIndex &index) const;
    QModelIndex indexOf(const StepPath &path) const;
    QModelIndex sectionIndex(StepPath::List list) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

    Qt::DropActions supportedDropActions() const override { return Qt::MoveAction; }
    Qt::DropActions supportedDragActions() const override { return Qt::MoveAction; }
    QStringList mimeTypes() const override { return {mimeType}; }
    QMimeData *mimeData(const QModelIndexList &indexes) const override;
    bool canDropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
                         const QModelIndex &parent) const override;
    /// Moves the dragged step before `row` of `parent` (row -1: at the end) through the
    /// document's undo stack.
    bool dropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
                      const QModelIndex &parent) override;

private:
    struct Node;
    void refresh();
    void rebuild();
    void update(Node *shown, const Node *next);
    Node *nodeAt(const QModelIndex &index) const;
    QModelIndex indexOfNode(const Node *node) const;
    std::optional<std::pair<StepPath, StepList>> dropTarget(const QMimeData *data, int &row,
                                                            const QModelIndex &parent) const;

    StepDocument *m_document;
    std::unique_ptr<Node> m_root;
    QStringList m_shape; ///< each node's path and kind: when equal, a change needs no reset
};

} // namespace Loadwizard::Ui
