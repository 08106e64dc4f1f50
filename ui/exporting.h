#pragma once

#include <QString>

class QAbstractItemModel;
class QAbstractItemView;
class QWidget;

namespace Loadwizard::Ui::Exporting {

/// The model as CSV (RFC 4180): the header row, then every row as shown (display role, in the
/// view's order when `model` is the view's proxy); fields with a comma, quote or line break are
/// quoted, quotes doubled; lines end with CRLF.
QString tableCsv(const QAbstractItemModel *model);
/// Writes tableCsv() to `path` (UTF-8, atomically); false when it cannot be written.
bool saveCsv(const QAbstractItemModel *model, const QString &path);
/// Renders `widget` (a chart view, or any widget) to a PNG file at the screen's pixel ratio.
bool savePng(QWidget *widget, const QString &path);

/// A context menu on the view: "Export as CSV…" (and "Copy as CSV"), asking for the file.
void addTableExport(QAbstractItemView *view, const QString &suggestedName);
/// A context menu on the widget (a chart view): "Save as PNG…", "Copy image".
void addImageExport(QWidget *widget, const QString &suggestedName);
/// Both, on every chart view and item view under `root` that has no context menu of its own.
void addExportMenus(QWidget *root, const QString &baseName);

} // namespace Loadwizard::Ui::Exporting
