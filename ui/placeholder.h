#pragma once

#include <QString>

class QAbstractItemView;
class QLabel;

namespace Loadwizard::Ui {

/// Shows `text` ("no data yet") in the middle of `view` while its model has no rows, so an
/// empty table says why it is empty rather than looking broken.
void setEmptyPlaceholder(QAbstractItemView *view, const QString &text);
/// The label setEmptyPlaceholder() put on `view`, or nullptr.
QLabel *emptyPlaceholder(const QAbstractItemView *view);

} // namespace Loadwizard::Ui
