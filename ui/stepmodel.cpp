#include "stepmodel.h"

#include "format.h"
#include "stepdocument.h"

#include <loadwizard/stepsyaml.h>

#include <QApplication>
#include <QFont>
#include <QMimeData>
#include <QPalette>

namespace Loadwizard::Ui {

using Steps::Step;

struct StepModel::Node
{
    enum class Type
    {
        Root,
        Section,
        Step,
        Else
    };
    Type type = Type::Root;
    Node *parent = nullptr;
    int row = 0;
    StepPath path; ///< Step: the step; Else: its `if`
    StepList list; ///< Section, Else, group Step: the list its children are
    /// Step: what the view shows, computed once per change (a view asks for it often).
    QString text;
    QString kind;
    bool disabled = false; ///< the step, or a group it is in
    std::vector<std::unique_ptr<Node>> children;

    Node *add(Type childType)
    {
        auto node = std::make_unique<Node>();
        node->type = childType;
        node->parent = this;
        node->row = int(children.size());
        children.push_back(std::move(node));
        return children.back().get();
    }
};

namespace {

QString conditionText(Step::Condition condition)
{
    static const char *const names[] = {
        "",        "equals",           "not_equals", "contains", "matches", "less", "less_or_equal",
        "greater", "greater_or_equal", "empty",      "not_empty"};
    return QString::fromLatin1(names[int(condition)]);
}

QString seconds(double value)
{
    return formatNumber(value, 3) + QStringLiteral(" s");
}

QString summary(const Step &step)
{
    const QString text = QString::fromStdString(step.text);
    switch (step.kind) {
    case Step::Kind::Request: {
        QString line = QString::fromStdString(step.request.method + " " + step.request.url);
        if (!step.request.name.empty())
            line += QStringLiteral("  — ") + QString::fromStdString(step.request.name);
        return line;
    }
    case Step::Kind::Think:
        return step.maxSeconds > step.seconds
                   ? QObject::tr("think %1–%2")
                         .arg(formatNumber(step.seconds, 3), seconds(step.maxSeconds))
                   : QObject::tr("think %1").arg(seconds(step.seconds));
    case Step::Kind::Pace:
        return QObject::tr("pace %1").arg(seconds(step.seconds));
    case Step::Kind::Transaction:
        return QObject::tr("transaction %1").arg(text);
    case Step::Kind::Rendezvous:
        return QObject::tr("rendezvous %1").arg(text);
    case Step::Kind::Repeat:
        return QObject::tr("repeat %1×").arg(text);
    case Step::Kind::If:
        if (step.condition == Step::Condition::None || step.condition == Step::Condition::Empty ||
            step.condition == Step::Condition::NotEmpty)
            return QObject::tr("if %1 %2").arg(text, conditionText(step.condition)).trimmed();
        return QObject::tr("if %1 %2 %3")
            .arg(text, conditionText(step.condition), QString::fromStdString(step.value));
    case Step::Kind::Log:
        return QObject::tr("log: %1").arg(text);
    case Step::Kind::Set: {
        QStringList parts;
        for (const auto &[name, value] : step.assignments)
            parts << QString::fromStdString(name + " = " + value);
        return QObject::tr("set %1").arg(parts.join(QStringLiteral(", ")));
    }
    }
    return {};
}

std::optional<StepPath> pathFromMime(const QMimeData *data)
{
    if (!data || !data->hasFormat(StepModel::mimeType))
        return std::nullopt;
    const QStringList parts = QString::fromUtf8(data->data(StepModel::mimeType)).split(',');
    if (parts.size() < 2 || parts.size() % 2)
        return std::nullopt;
    StepPath path;
    for (int i = 0; i < parts.size(); i += 2) {
        bool listOk = false, indexOk = false;
        const int list = parts[i].toInt(&listOk);
        const int index = parts[i + 1].toInt(&indexOk);
        if (!listOk || !indexOk || list < 0 || list > 2 || index < 0)
            return std::nullopt;
        path.segments.push_back({StepPath::List(list), index});
    }
    return path;
}

} // namespace

StepModel::StepModel(StepDocument *document, QObject *parent)
    : QAbstractItemModel(parent)
    , m_document(document)
    , m_root(std::make_unique<Node>())
{
    rebuild();
    connect(m_document, &StepDocument::scenarioChanged, this, &StepModel::refresh);
}

StepModel::~StepModel() = default;

void StepModel::rebuild()
{
    m_root = std::make_unique<Node>();
    m_shape.clear();
    const auto &scenario = m_document->scenario();
    std::function<void(Node *, const StepList &, const std::vector<Step> &, bool)> addList =
        [&](Node *parent, const StepList &list, const std::vector<Step> &steps, bool off) {
            for (int i = 0; i < int(steps.size()); ++i) {
                const Step &step = steps[i];
                Node *node = parent->add(Node::Type::Step);
                node->path = list.owner.child(list.list, i);
                node->text = summary(step);
                node->kind = QString::fromUtf8(Steps::stepKindName(step.kind).data());
                node->disabled = off || step.disabled;
                m_shape << node->path.toString() + QString::number(int(step.kind));
                if (!holdsSteps(step.kind))
                    continue;
                node->list = {node->path, StepPath::List::Steps};
                addList(node, node->list, step.steps, node->disabled);
                if (step.kind == Step::Kind::If) {
                    Node *otherwise = node->add(Node::Type::Else);
                    otherwise->path = node->path;
                    otherwise->list = {node->path, StepPath::List::Else};
                    addList(otherwise, otherwise->list, step.elseSteps, node->disabled);
                }
            }
        };
    if (m_document->source() == StepDocument::Source::None)
        return;
    for (auto list : {StepPath::List::Init, StepPath::List::Steps}) {
        Node *section = m_root->add(Node::Type::Section);
        section->list = {{}, list};
        addList(section, section->list,
                list == StepPath::List::Init ? scenario.init : scenario.steps, false);
    }
}

void StepModel::refresh()
{
    const QStringList before = m_shape;
    auto root = std::move(m_root);
    rebuild();
    if (before == m_shape) {
        // Same tree, other field values: the old nodes (the view's indexes point at them) stay,
        // with the view's selection and expansion; only the rows that look different change.
        std::swap(root, m_root);
        update(m_root.get(), root.get());
        return;
    }
    std::swap(root, m_root);
    beginResetModel();
    std::swap(root, m_root);
    endResetModel();
}

void StepModel::update(Node *shown, const Node *next)
{
    if (shown->text != next->text || shown->disabled != next->disabled) {
        shown->text = next->text;
        shown->kind = next->kind;
        shown->disabled = next->disabled;
        const QModelIndex index = indexOfNode(shown);
        emit dataChanged(index, index);
    }
    for (std::size_t i = 0; i < shown->children.size(); ++i)
        update(shown->children[i].get(), next->children[i].get());
}

StepModel::Node *StepModel::nodeAt(const QModelIndex &index) const
{
    return index.isValid() ? static_cast<Node *>(index.internalPointer()) : m_root.get();
}

QModelIndex StepModel::indexOfNode(const Node *node) const
{
    if (!node || node == m_root.get())
        return {};
    return createIndex(node->row, 0, const_cast<Node *>(node));
}

std::optional<StepPath> StepModel::pathAt(const QModelIndex &index) const
{
    const Node *node = nodeAt(index);
    if (!index.isValid() || node->type != Node::Type::Step)
        return std::nullopt;
    return node->path;
}

StepList StepModel::listAt(const QModelIndex &index) const
{
    const Node *node = nodeAt(index);
    if (!index.isValid() || node->type == Node::Type::Root)
        return {{}, StepPath::List::Steps};
    const Step *step = stepAt(m_document->scenario(), node->path);
    if (node->type != Node::Type::Step || (step && holdsSteps(step->kind)))
        return node->list;
    return parentList(node->path);
}

QModelIndex StepModel::indexOf(const StepPath &path) const
{
    if (path.isEmpty())
        return {};
    const Node *node = m_root.get();
    const Node *found = nullptr;
    for (std::size_t depth = 0; depth < path.segments.size(); ++depth) {
        const auto &segment = path.segments[depth];
        const Node *list = nullptr;
        if (depth == 0) {
            const int section = segment.list == StepPath::List::Init ? 0 : 1;
            list = section < int(node->children.size()) ? node->children[section].get() : nullptr;
        } else if (segment.list == StepPath::List::Else) {
            list = node->children.empty() ? nullptr : node->children.back().get();
            if (list && list->type != Node::Type::Else)
                list = nullptr;
        } else {
            list = node;
        }
        if (!list || segment.index >= int(list->children.size()))
            return {};
        found = list->children[segment.index].get();
        if (found->type != Node::Type::Step)
            return {};
        node = found;
    }
    return indexOfNode(found);
}

QModelIndex StepModel::sectionIndex(StepPath::List list) const
{
    const int row = list == StepPath::List::Init ? 0 : 1;
    return row < int(m_root->children.size()) ? indexOfNode(m_root->children[row].get())
                                              : QModelIndex();
}

QModelIndex StepModel::index(int row, int column, const QModelIndex &parent) const
{
    const Node *node = nodeAt(parent);
    if (column != 0 || row < 0 || row >= int(node->children.size()))
        return {};
    return indexOfNode(node->children[row].get());
}

QModelIndex StepModel::parent(const QModelIndex &child) const
{
    return child.isValid() ? indexOfNode(nodeAt(child)->parent) : QModelIndex();
}

int StepModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() && parent.column() != 0)
        return 0;
    return int(nodeAt(parent)->children.size());
}

int StepModel::columnCount(const QModelIndex &) const
{
    return 1;
}

QVariant StepModel::data(const QModelIndex &index, int role) const
{
    const Node *node = nodeAt(index);
    if (!index.isValid())
        return {};
    if (node->type == Node::Type::Section) {
        if (role == Qt::DisplayRole)
            return node->list.list == StepPath::List::Init ? tr("Init (once per vuser)")
                                                           : tr("Steps (every iteration)");
        if (role == Qt::FontRole) {
            QFont font = QApplication::font();
            font.setBold(true);
            return font;
        }
        return {};
    }
    if (node->type == Node::Type::Else)
        return role == Qt::DisplayRole ? tr("else") : QVariant();
    switch (role) {
    case Qt::DisplayRole:
        return node->text;
    case Qt::ToolTipRole:
        return node->disabled
                   ? tr("%1 (disabled: kept in the file, skipped when run)").arg(node->kind)
                   : node->kind;
    case Qt::ForegroundRole:
        if (node->disabled)
            return QApplication::palette().brush(QPalette::Disabled, QPalette::Text);
        return {};
    case Qt::FontRole:
        if (node->disabled) {
            QFont font = QApplication::font();
            font.setItalic(true);
            return font;
        }
        return {};
    case Qt::UserRole:
        return node->path.toString();
    }
    return {};
}

Qt::ItemFlags StepModel::flags(const QModelIndex &index) const
{
    const Node *node = nodeAt(index);
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (node->type == Node::Type::Step) {
        flags |= Qt::ItemIsDragEnabled;
        if (const Step *step = stepAt(m_document->scenario(), node->path);
            step && holdsSteps(step->kind))
            flags |= Qt::ItemIsDropEnabled;
    } else {
        flags |= Qt::ItemIsDropEnabled;
    }
    return flags;
}

QMimeData *StepModel::mimeData(const QModelIndexList &indexes) const
{
    // One step at a time: the first one selected.
    for (const QModelIndex &index : indexes) {
        if (auto path = pathAt(index)) {
            QStringList parts;
            for (const auto &segment : path->segments)
                parts << QString::number(int(segment.list)) << QString::number(segment.index);
            auto *data = new QMimeData;
            data->setData(mimeType, parts.join(',').toUtf8());
            return data;
        }
    }
    return nullptr;
}

std::optional<std::pair<StepPath, StepList>> StepModel::dropTarget(const QMimeData *data, int &row,
                                                                   const QModelIndex &parent) const
{
    auto from = pathFromMime(data);
    const Node *node = nodeAt(parent);
    if (!from || !stepAt(m_document->scenario(), *from) || !parent.isValid())
        return std::nullopt;
    StepList list = node->list;
    if (node->type == Node::Type::Step) {
        const Step *step = stepAt(m_document->scenario(), node->path);
        if (!step || !holdsSteps(step->kind))
            return std::nullopt;
        // An `if`'s last row is its else node: a drop there goes to the end of its steps.
        if (row > int(step->steps.size()))
            row = -1;
    }
    return std::make_pair(*from, list);
}

bool StepModel::canDropMimeData(const QMimeData *data, Qt::DropAction action, int row, int,
                                const QModelIndex &parent) const
{
    if (action != Qt::MoveAction)
        return false;
    auto target = dropTarget(data, row, parent);
    if (!target)
        return false;
    auto copy = m_document->scenario();
    return !moveStep(copy, target->first, target->second, row).isEmpty();
}

bool StepModel::dropMimeData(const QMimeData *data, Qt::DropAction action, int row, int,
                             const QModelIndex &parent)
{
    if (action != Qt::MoveAction)
        return false;
    auto target = dropTarget(data, row, parent);
    if (!target)
        return false;
    auto next = m_document->scenario();
    if (moveStep(next, target->first, target->second, row).isEmpty())
        return false;
    m_document->apply(next, tr("Move step"));
    return true;
}

} // namespace Loadwizard::Ui
