#pragma once

#include <QStyledItemDelegate>

#include <functional>

namespace Loadwizard::Ui {

/// Masks the values of secret rows in a table (passwords, tokens): shown as ●●●●●●●●, whatever
/// their length, and edited in a password field whose eye button shows the text while editing
/// (as Postman and browsers do). A ${VARIABLE} reference is not a secret itself and shows as is.
class SecretDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using IsSecret = std::function<bool(const QModelIndex &index)>;

    SecretDelegate(IsSecret isSecret, QObject *parent);

    /// What a secret row shows for `value`.
    static QString masked(const QString &value);
    bool isSecret(const QModelIndex &index) const;

    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &option,
                          const QModelIndex &index) const override;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;

private:
    IsSecret m_isSecret;
};

} // namespace Loadwizard::Ui
