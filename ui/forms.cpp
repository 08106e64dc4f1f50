#include "forms.h"

#include <QAbstractItemView>
#include <QAbstractSpinBox>
#include <QComboBox>
#include <QFormLayout>
#include <QLayout>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTextEdit>
#include <QWidget>

namespace Loadwizard::Ui {

namespace {

bool isInputField(const QWidget *widget)
{
    return qobject_cast<const QLineEdit *>(widget) || qobject_cast<const QComboBox *>(widget) ||
           qobject_cast<const QAbstractSpinBox *>(widget) ||
           qobject_cast<const QPlainTextEdit *>(widget) ||
           qobject_cast<const QTextEdit *>(widget) ||
           qobject_cast<const QAbstractItemView *>(widget);
}

void capItem(QLayoutItem *item)
{
    if (!item)
        return;
    if (QWidget *widget = item->widget()) {
        if (isInputField(widget))
            widget->setMaximumWidth(formFieldMaximumWidth(widget));
        return;
    }
    // A row of a field and its buttons: the field is capped, the buttons stay beside it.
    if (QLayout *layout = item->layout()) {
        for (int i = 0; i < layout->count(); ++i)
            capItem(layout->itemAt(i));
    }
}

} // namespace

int formFieldMaximumWidth(const QWidget *widget)
{
    return widget->fontMetrics().averageCharWidth() * 80;
}

void capFormFieldWidths(QWidget *root)
{
    for (QFormLayout *form : root->findChildren<QFormLayout *>()) {
        for (int row = 0; row < form->rowCount(); ++row) {
            capItem(form->itemAt(row, QFormLayout::FieldRole));
        }
    }
}

} // namespace Loadwizard::Ui
