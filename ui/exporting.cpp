#include "exporting.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QChartView>
#include <QClipboard>
#include <QFileDialog>
#include <QMenu>
#include <QMessageBox>
#include <QPixmap>
#include <QSaveFile>
#include <QStringConverter>

namespace Loadwizard::Ui::Exporting {

namespace {

QString csvField(QString text)
{
    if (text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"')) ||
        text.contains(QLatin1Char('\n')) || text.contains(QLatin1Char('\r')) ||
        text.startsWith(QLatin1Char(' ')) || text.endsWith(QLatin1Char(' '))) {
        text.replace(QLatin1Char('"'), QStringLiteral("\"\""));
        return QLatin1Char('"') + text + QLatin1Char('"');
    }
    return text;
}

/// A file name without characters file systems refuse.
QString safeName(QString name)
{
    static const QString bad = QStringLiteral("/\\:*?\"<>|");
    for (QChar &c : name) {
        if (bad.contains(c) || c.isSpace())
            c = QLatin1Char('-');
    }
    return name;
}

} // namespace

QString tableCsv(const QAbstractItemModel *model)
{
    QString csv;
    if (!model)
        return csv;
    const int columns = model->columnCount();
    QStringList fields;
    for (int column = 0; column < columns; ++column)
        fields << csvField(model->headerData(column, Qt::Horizontal).toString());
    csv += fields.join(QLatin1Char(',')) + QStringLiteral("\r\n");
    for (int row = 0; row < model->rowCount(); ++row) {
        fields.clear();
        for (int column = 0; column < columns; ++column)
            fields << csvField(model->index(row, column).data().toString());
        csv += fields.join(QLatin1Char(',')) + QStringLiteral("\r\n");
    }
    return csv;
}

bool saveCsv(const QAbstractItemModel *model, const QString &path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    file.write(tableCsv(model).toUtf8());
    return file.commit();
}

bool savePng(QWidget *widget, const QString &path)
{
    return widget && widget->grab().save(path, "PNG");
}

void addTableExport(QAbstractItemView *view, const QString &suggestedName)
{
    view->setContextMenuPolicy(Qt::CustomContextMenu);
    QObject::connect(view, &QWidget::customContextMenuRequested, view, [view, suggestedName] {
        QMenu menu(view);
        menu.addAction(QObject::tr("Export as &CSV…"), view, [view, suggestedName] {
            const QString path = QFileDialog::getSaveFileName(
                view, QObject::tr("Export table"), safeName(suggestedName) + QStringLiteral(".csv"),
                QObject::tr("CSV (*.csv)"));
            if (!path.isEmpty() && !saveCsv(view->model(), path))
                QMessageBox::warning(view, QObject::tr("Export table"),
                                     QObject::tr("Cannot write %1.").arg(path));
        });
        menu.addAction(QObject::tr("Cop&y as CSV"), view,
                       [view] { QApplication::clipboard()->setText(tableCsv(view->model())); });
        menu.exec(QCursor::pos());
    });
}

void addImageExport(QWidget *widget, const QString &suggestedName)
{
    widget->setContextMenuPolicy(Qt::CustomContextMenu);
    QObject::connect(widget, &QWidget::customContextMenuRequested, widget, [widget, suggestedName] {
        QMenu menu(widget);
        menu.addAction(QObject::tr("Save as &PNG…"), widget, [widget, suggestedName] {
            const QString path = QFileDialog::getSaveFileName(
                widget, QObject::tr("Save chart"), safeName(suggestedName) + QStringLiteral(".png"),
                QObject::tr("PNG image (*.png)"));
            if (!path.isEmpty() && !savePng(widget, path))
                QMessageBox::warning(widget, QObject::tr("Save chart"),
                                     QObject::tr("Cannot write %1.").arg(path));
        });
        menu.addAction(QObject::tr("&Copy image"), widget,
                       [widget] { QApplication::clipboard()->setPixmap(widget->grab()); });
        menu.exec(QCursor::pos());
    });
}

void addExportMenus(QWidget *root, const QString &baseName)
{
    // A view that already has a menu of its own (zoom, crosshair…) keeps it.
    for (QChartView *view : root->findChildren<QChartView *>()) {
        if (view->contextMenuPolicy() != Qt::DefaultContextMenu)
            continue;
        const QString title = view->chart() ? view->chart()->title() : QString();
        addImageExport(view, baseName + QLatin1Char('-') + (title.isEmpty() ? "chart" : title));
    }
    for (QAbstractItemView *view : root->findChildren<QAbstractItemView *>()) {
        // Not a header (a view inside a view), nor a combo box's popup list (its own window).
        if (view->contextMenuPolicy() != Qt::DefaultContextMenu ||
            qobject_cast<QAbstractItemView *>(view->parentWidget()) ||
            view->window() != root->window() || !view->model())
            continue;
        const QString name = view->accessibleName();
        addTableExport(view, baseName + QLatin1Char('-') + (name.isEmpty() ? "table" : name));
    }
}

} // namespace Loadwizard::Ui::Exporting
