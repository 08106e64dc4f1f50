#include "theme.h"

#include <QAbstractAxis>
#include <QApplication>
#include <QChart>
#include <QIcon>
#include <QLegend>
#include <QPalette>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>
#include <QWidget>

// Q_INIT_RESOURCE must be called from the global namespace.
static void initLoadwizardResources()
{
    Q_INIT_RESOURCE(loadwizard);
}

namespace Loadwizard::Ui::Theme {

namespace {

QPalette darkPalette()
{
    QPalette palette;
    const QColor window(0x2b, 0x2d, 0x31);
    const QColor base(0x1f, 0x21, 0x24);
    const QColor text(0xe6, 0xe6, 0xe6);
    const QColor disabled(0x80, 0x80, 0x80);
    palette.setColor(QPalette::Window, window);
    palette.setColor(QPalette::WindowText, text);
    palette.setColor(QPalette::Base, base);
    palette.setColor(QPalette::AlternateBase, QColor(0x27, 0x29, 0x2d));
    palette.setColor(QPalette::ToolTipBase, base);
    palette.setColor(QPalette::ToolTipText, text);
    palette.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0x9a));
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::Button, QColor(0x35, 0x37, 0x3c));
    palette.setColor(QPalette::ButtonText, text);
    palette.setColor(QPalette::BrightText, Qt::white);
    palette.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xde));
    palette.setColor(QPalette::HighlightedText, Qt::white);
    palette.setColor(QPalette::Link, QColor(0x6a, 0xa1, 0xff));
    palette.setColor(QPalette::Mid, QColor(0x3c, 0x3f, 0x44));
    palette.setColor(QPalette::Dark, QColor(0x18, 0x19, 0x1b));
    palette.setColor(QPalette::Light, QColor(0x45, 0x48, 0x4e));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        palette.setColor(QPalette::Disabled, role, disabled);
    return palette;
}

QPalette lightPalette()
{
    QPalette palette = QStyleFactory::create(QStringLiteral("Fusion"))->standardPalette();
    palette.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xde));
    palette.setColor(QPalette::Window, QColor(0xf3, 0xf4, 0xf6));
    palette.setColor(QPalette::AlternateBase, QColor(0xf6, 0xf7, 0xf9));
    return palette;
}

} // namespace

void initResources()
{
    initLoadwizardResources();
}

void apply(Scheme scheme)
{
    initResources();
    // Setting the style again would re-polish every widget with the old palette: widgets with a
    // style sheet keep the palette they were polished with, so they would lag one scheme behind.
    if (QApplication::style()->name().compare(QLatin1String("fusion"), Qt::CaseInsensitive) != 0)
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    // The system's own palette, as it was before any scheme replaced it.
    static const QPalette systemPalette = QApplication::palette();
    switch (scheme) {
    case Scheme::System:
        QApplication::setPalette(systemPalette);
        break;
    case Scheme::Light:
        QApplication::setPalette(lightPalette());
        break;
    case Scheme::Dark:
        QApplication::setPalette(darkPalette());
        break;
    }
    // A widget with a style sheet was polished with a copy of the palette of that time: polish
    // it again so it takes the new one (the sections list, the outputs list, red messages).
    for (QWidget *widget : QApplication::allWidgets()) {
        if (!widget->styleSheet().isEmpty())
            widget->setStyleSheet(widget->styleSheet());
    }
    QIcon icon;
    for (int size : {16, 24, 32, 48, 64, 128, 256})
        icon.addFile(QStringLiteral(":/loadwizard/icons/loadwizard-%1.png").arg(size),
                     QSize(size, size));
    QApplication::setWindowIcon(icon);
}

void styleChart(QChart *chart, const QPalette &palette)
{
    chart->setBackgroundBrush(palette.base());
    chart->setPlotAreaBackgroundVisible(false);
    chart->setTitleBrush(palette.text());
    chart->legend()->setLabelColor(palette.color(QPalette::Text));
    QColor grid = palette.color(QPalette::Text);
    grid.setAlpha(40);
    for (QAbstractAxis *axis : chart->axes()) {
        axis->setLabelsColor(palette.color(QPalette::Text));
        axis->setTitleBrush(palette.text());
        axis->setLinePenColor(palette.color(QPalette::Mid));
        axis->setGridLineColor(grid);
    }
}

Scheme saved()
{
    const QString name = QSettings().value(QStringLiteral("appearance/scheme")).toString();
    if (name == QLatin1String("dark"))
        return Scheme::Dark;
    if (name == QLatin1String("light"))
        return Scheme::Light;
    return Scheme::System;
}

void save(Scheme scheme)
{
    const char *name = scheme == Scheme::Dark    ? "dark"
                       : scheme == Scheme::Light ? "light"
                                                 : "system";
    QSettings().setValue(QStringLiteral("appearance/scheme"), QString::fromLatin1(name));
}

} // namespace Loadwizard::Ui::Theme
