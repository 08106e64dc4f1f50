#include "gui.h"

#include <loadwizard/crashguard.h>
#include <loadwizard/paths.h>
#include <loadwizard/project.h>
#include <loadwizard/targetserver.h>

#include <mainwindow.h>
#include <runcontroller.h>
#include <rundashboard.h>
#include <theme.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QStatusBar>

#include <memory>

namespace Loadwizard::App {

int runGui(QApplication &app, const Mode &mode)
{
    (void)mode;
    QApplication::setApplicationName(QStringLiteral("loadwizard"));
    QApplication::setApplicationDisplayName(QStringLiteral("Loadwizard"));
    QApplication::setOrganizationName(QStringLiteral("loadwizard"));
    QApplication::setApplicationVersion(QStringLiteral(LOADWIZARD_VERSION));
    QGuiApplication::setDesktopFileName(QStringLiteral("loadwizard"));
    Ui::Theme::apply(Ui::Theme::saved());
    // Scenario code runs in this process: a crash in it is reported, not a silent death.
    CrashGuard::install(Ui::RunController::crashGraceSeconds, true);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Loadwizard: a load-test workbench"));
    parser.addPositionalArgument(QStringLiteral("project"),
                                 QStringLiteral("Project file to open, or \"demo\""));
    parser.process(app);
    const QStringList arguments = parser.positionalArguments();
    const bool demo = arguments.value(0) == QLatin1String("demo");

    Ui::MainWindow window;
    std::unique_ptr<TargetServer> target;
    window.show();
    if (demo) {
        // The demo runs against the built-in target, on a port nobody else uses, and starts at
        // once. The URL is a run-time override: saving the demo never writes the port into it.
        target = std::make_unique<TargetServer>();
        const QString path = QString::fromStdString(Paths::demoProject());
        if (auto started = target->start("127.0.0.1", 0); !started) {
            window.openFile(path);
            window.statusBar()->showMessage(
                QObject::tr("Cannot start the built-in target: %1")
                    .arg(QString::fromStdString(started.error().toString())));
        } else {
            window.openDemo(path, QString::fromStdString(target->baseUrl()));
        }
    } else if (!arguments.isEmpty()) {
        window.openFile(arguments.front());
    }
    if (!demo && arguments.isEmpty())
        window.offerRecovery();
    const int code = app.exec();
    if (target)
        target->stop();
    return code;
}

} // namespace Loadwizard::App
