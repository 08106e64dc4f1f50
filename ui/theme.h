#pragma once

#include <QString>

class QApplication;
class QChart;
class QPalette;

namespace Loadwizard::Ui {

/// The look: Fusion style with a light or dark palette (or the system's), the application icon.
namespace Theme {

enum class Scheme
{
    System,
    Light,
    Dark
};

/// Registers the resources (the icons live in this static library's qrc).
void initResources();
/// Applies `scheme` to the application.
void apply(Scheme scheme);
/// Colours a chart from `palette` (QtCharts does not follow the widget palette by itself).
void styleChart(QChart *chart, const QPalette &palette);
/// The scheme saved in QSettings ("appearance/scheme").
Scheme saved();
void save(Scheme scheme);

} // namespace Theme
} // namespace Loadwizard::Ui
