#include "placeholder.h"

#include <QAbstractItemView>
#include <QEvent>
#include <QLabel>

namespace Loadwizard::Ui {

namespace {

/// Keeps the label over the viewport, shown exactly while the model is empty.
class PlaceholderLabel : public QLabel
{
public:
    PlaceholderLabel(QAbstractItemView *view, const QString &text)
        : QLabel(text, view->viewport())
        , m_view(view)
    {
        setObjectName(QStringLiteral("emptyPlaceholder"));
        setAlignment(Qt::AlignCenter);
        setWordWrap(true);
        setEnabled(false); // the palette's disabled text: a hint, not content
        setAttribute(Qt::WA_TransparentForMouseEvents);
        view->viewport()->installEventFilter(this);
        track();
    }

    void track()
    {
        QAbstractItemModel *model = m_view->model();
        if (!model || model == m_model)
            return;
        m_model = model;
        for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
            connect(model, signal, this, &PlaceholderLabel::refresh);
        connect(model, &QAbstractItemModel::modelReset, this, &PlaceholderLabel::refresh);
        connect(model, &QAbstractItemModel::layoutChanged, this, &PlaceholderLabel::refresh);
        refresh();
    }

    void refresh()
    {
        setGeometry(m_view->viewport()->rect());
        setVisible(!m_view->model() || m_view->model()->rowCount() == 0);
    }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Resize || event->type() == QEvent::Show) {
            track();
            refresh();
        }
        return QLabel::eventFilter(watched, event);
    }

private:
    QAbstractItemView *m_view;
    QAbstractItemModel *m_model = nullptr;
};

} // namespace

void setEmptyPlaceholder(QAbstractItemView *view, const QString &text)
{
    if (QLabel *existing = emptyPlaceholder(view)) {
        existing->setText(text);
        return;
    }
    new PlaceholderLabel(view, text);
}

QLabel *emptyPlaceholder(const QAbstractItemView *view)
{
    return view->viewport()->findChild<QLabel *>(QStringLiteral("emptyPlaceholder"),
                                                 Qt::FindDirectChildrenOnly);
}

} // namespace Loadwizard::Ui
