#include "gui.h"

#include <loadwizard/project.h>
#include <loadwizard/targetserver.h>

#include <mainwindow.h>
#include <rundashboard.h>
#include <theme.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QStatusBar>

#include <memory>

namespace Loadwizard::App {

namespace {

QString demoProjectPath()
{
    const QString fromEnvironment = qEnvironmentVariable("LOADWIZARD_DEMO");
    if (!fromEnvironment.isEmpty())
        return fromEnvironment;
    const QString installed = QCoreApplication::applicationDirPath() +
                              QStringLiteral("/../share/loadwizard/scenarios/demo.yaml");
    if (QFileInfo::exists(installed))
        return QFileInfo(installed).canonicalFilePath();
    return QStringLiteral(LOADWIZARD_SOURCE_DIR "/scenarios/demo.yaml");
}

} // namespace

int runGui(QApplication &app, const Mode &mode)
{
    (void)mode;
    QApplication::setApplicationName(QStringLiteral("loadwizard"));
    QApplication::setApplicationDisplayName(QStringLiteral("Loadwizard"));
    QApplication::setOrganizationName(QStringLiteral("loadwizard"));
    QApplication::setApplicationVersion(QStringLiteral(LOADWIZARD_VERSION));
    QGuiApplication::setDesktopFileName(QStringLiteral("loadwizard"));
    Ui::Theme::apply(Ui::Theme::saved());

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Loadwizard: a load-test workbench"));
    parser.addPositionalArgument(QStringLiteral("project"),
                                 QStringLiteral("Project file to open, or \"demo\""));
    parser.process(app);
    const QStringList arguments = parser.positionalArguments();
    const bool demo = arguments.value(0) == QLatin1String("demo");

    Ui::MainWindow window;
    std::unique_ptr<TargetServer> target;
    if (demo) {
        // The demo runs against the built-in target, on a port nobody else uses.
        target = std::make_unique<TargetServer>();
        const QString path = demoProjectPath();
        auto project = loadProject(path.toStdString());
        if (!target->start("127.0.0.1", 0) || !project) {
            window.openFile(path); // shows the error in the window
        } else {
            const std::string url = target->baseUrl();
            project->parameters["base_url"] = url;
            window.openProject(*project, QFileInfo(path).absoluteFilePath());
            window.statusBar()->showMessage(
                QObject::tr("Demo: the built-in target serves %1; press F5 to run")
                    .arg(QString::fromStdString(url)));
        }
    } else if (!arguments.isEmpty()) {
        window.openFile(arguments.front());
    }
    window.show();
    if (!demo && arguments.isEmpty())
        window.offerRecovery();
    if (demo)
        window.showDashboard();
    const int code = app.exec();
    if (target)
        target->stop();
    return code;
}

} // namespace Loadwizard::App
