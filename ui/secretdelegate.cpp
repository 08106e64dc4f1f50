#include "secretdelegate.h"

#include "icons.h"

#include <QAction>
#include <QLineEdit>

namespace Loadwizard::Ui {

SecretDelegate::SecretDelegate(IsSecret isSecret, QObject *parent)
    : QStyledItemDelegate(parent)
    , m_isSecret(std::move(isSecret))
{}

QString SecretDelegate::masked(const QString &value)
{
    if (value.isEmpty() || value.contains(QLatin1String("${")))
        return value;
    return QString(8, QChar(0x25CF)); // ●, never as many as the value has characters
}

bool SecretDelegate::isSecret(const QModelIndex &index) const
{
    return m_isSecret && index.isValid() && m_isSecret(index);
}

void SecretDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    if (isSecret(index))
        option->text = masked(option->text);
}

QWidget *SecretDelegate::createEditor(QWidget *parent, const QStyleOptionViewItem &option,
                                      const QModelIndex &index) const
{
    QWidget *editor = QStyledItemDelegate::createEditor(parent, option, index);
    auto *line = qobject_cast<QLineEdit *>(editor);
    if (!line || !isSecret(index))
        return editor;
    line->setEchoMode(QLineEdit::Password);
    auto *reveal = line->addAction(Icons::icon(Icons::Glyph::Reveal), QLineEdit::TrailingPosition);
    reveal->setCheckable(true);
    reveal->setToolTip(tr("Show the value"));
    reveal->setObjectName(QStringLiteral("revealSecret"));
    connect(reveal, &QAction::toggled, line, [line, reveal](bool shown) {
        line->setEchoMode(shown ? QLineEdit::Normal : QLineEdit::Password);
        reveal->setToolTip(shown ? tr("Hide the value") : tr("Show the value"));
    });
    return editor;
}

} // namespace Loadwizard::Ui
