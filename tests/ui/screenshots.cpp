// Renders the README's screenshots of the workbench: packaging/screenshots.sh runs this under
// Xvfb. Usage: lw_screenshots OUTPUT_DIR
#include <groupseditor.h>
#include <mainwindow.h>
#include <outputseditor.h>
#include <projectdocument.h>
#include <rundashboard.h>
#include <scenariocatalog.h>
#include <scenariopicker.h>
#include <stepeditor.h>
#include <theme.h>
#include <tryrunner.h>

#include <loadwizard/project.h>
#include <loadwizard/targetserver.h>

#include <QApplication>
#include <QDir>
#include <QListWidget>
#include <QPixmap>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QUndoStack>

using namespace Loadwizard;

namespace {

bool grab(QWidget *window, const QString &path)
{
    QTest::qWait(800); // let charts and layouts settle
    const bool saved = window->grab().save(path);
    std::printf("%s %s\n", saved ? "wrote" : "FAILED", qPrintable(path));
    return saved;
}

/// The Groups section: a mix of three weighted groups, one of its own started later and an open
/// one (an arrival rate, drawn on the chart's iterations/s axis).
bool grabGroups(Ui::MainWindow &window, const QString &demo, const QString &path)
{
    auto project = loadProject(demo.toStdString());
    if (!project)
        return false;
    Project mix = *project;
    mix.name = "shop mix";
    mix.profile = *RampProfile::parse("2,10,0,50,-4,5");
    const std::string scenario = mix.scenario;
    mix.scenario.clear();
    for (const auto &[name, weight] : {std::pair{"browse", 70.0}, {"search", 25.0}, {"buy", 5.0}}) {
        ProjectGroup group;
        group.name = name;
        group.scenario = scenario;
        group.weight = weight;
        mix.groups.push_back(group);
    }
    ProjectGroup admin;
    admin.name = "admin";
    admin.scenario = scenario;
    admin.profile = *RampProfile::parse("1,4,0,20,-1,4");
    admin.startDelaySeconds = 15;
    admin.parameters = {{"think", "0.5"}};
    mix.groups.push_back(admin);
    ProjectGroup api;
    api.name = "api";
    api.scenario = scenario;
    api.arrivalRate = *ArrivalProfile::parse("0,0,8,20,8,40");
    api.preAllocatedVusers = 2;
    api.maxVusers = 10;
    api.startDelaySeconds = 5;
    mix.groups.push_back(api);
    window.openProject(mix, demo);
    window.showSection(Ui::MainWindow::GroupsSection);
    window.groupsEditor()->selectGroup(3);
    const bool ok = grab(&window, path);
    window.document()->undoStack()->setClean();
    return ok;
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("loadwizard"));
    QApplication::setApplicationDisplayName(QStringLiteral("Loadwizard"));
    const QString out = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QStringLiteral(".");
    QDir().mkpath(out);
    Ui::Theme::apply(qEnvironmentVariable("LW_SCHEME") == QLatin1String("dark")
                         ? Ui::Theme::Scheme::Dark
                         : Ui::Theme::Scheme::Light);

    TargetServer target;
    if (!target.start("127.0.0.1", 0))
        return 1;
    const QString demo = QStringLiteral(LOADWIZARD_SOURCE_DIR "/scenarios/demo.yaml");
    auto project = loadProject(demo.toStdString());
    if (!project)
        return 1;
    project->parameters["base_url"] = target.baseUrl();
    project->profile = *RampProfile::parse("5,4,0,10,2,5,0,15");

    Ui::MainWindow window;
    window.openProject(*project, demo);
    window.resize(1280, 800);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window))
        return 1;
    if (qEnvironmentVariable("LW_ONLY") == QLatin1String("groups")) // one picture, quickly
        return grabGroups(window, demo, out + "/workbench-groups.png") ? 0 : 1;
    window.showSection(Ui::MainWindow::ProfileSection);
    bool ok = grab(&window, out + "/workbench-profile.png");

    window.showSection(Ui::MainWindow::ScenarioSection);
    (void)QTest::qWaitFor( // a late state still makes a picture to look at
        [&] { return !window.catalog()->isBusy(); }, 120000);
    window.scenarioPicker()->select(QString::fromStdString(project->scenarioPath()));
    ok = grab(&window, out + "/workbench-scenario.png") && ok;

    window.dashboard()->startRun();
    (void)QTest::qWaitFor( // a late state still makes a picture to look at
        [&] { return window.runController()->state() == Ui::RunController::State::Running; },
        120000);
    QTest::qWait(17000);
    ok = grab(&window, out + "/workbench-run.png") && ok;
    window.runController()->abort();
    (void)QTest::qWaitFor( // a late state still makes a picture to look at
        [&] { return !window.runController()->isActive(); }, 30000);

    // The Outputs section with a few outputs and a successful "Test connection".
    Project withOutputs = window.document()->project();
    withOutputs.outputs = {
        {"influxdb",
         "http://127.0.0.1:8086/loadwizard",
         {{"schema", "jmeter"}, {"precision", "ms"}}},
        {"influxdb",
         "https://influx.example:8086/lw",
         {{"version", "2"}, {"org", "perf"}, {"token", "${INFLUX_TOKEN}"}}},
        {"graphite", "tcp://127.0.0.1:2003", {{"scheme", "gatling"}}},
        {"json", (QDir::tempPath() + "/loadwizard-demo.jsonl").toStdString(), {}}};
    window.document()->apply(withOutputs, QStringLiteral("outputs"));
    window.showSection(Ui::MainWindow::OutputsSection);
    auto *outputs = window.outputsEditor();
    outputs->outputList()->setCurrentRow(3);
    QSignalSpy tested(outputs, &Ui::OutputsEditor::testFinished);
    outputs->testButton()->click();
    (void)tested.wait(10000);
    outputs->outputList()->setCurrentRow(0);
    outputs->outputList()->setCurrentRow(3);
    outputs->testButton()->click();
    (void)tested.wait(10000);
    ok = grab(&window, out + "/workbench-outputs.png") && ok;
    window.document()->undoStack()->setClean();

    // The step editor on the declarative demo, a request selected, after Try one iteration.
    const QString stepsDemo = QStringLiteral(LOADWIZARD_SOURCE_DIR "/scenarios/demo-steps.yaml");
    auto steps = loadProject(stepsDemo.toStdString());
    if (!steps)
        return 1;
    steps->http.baseUrl = target.baseUrl();
    steps->thinkTime.multiplier = 0; // the try, not the think time, is the picture
    window.openProject(*steps, stepsDemo);
    window.showSection(Ui::MainWindow::ScenarioSection);
    auto *editor = window.stepEditor();
    QSignalSpy tried(editor->tryRunner(), &Ui::TryRunner::finished);
    editor->tryOneIteration();
    (void)tried.wait(30000);
    editor->select(
        Ui::StepPath().child(Ui::StepPath::List::Steps, 2).child(Ui::StepPath::List::Steps, 0));
    ok = grab(&window, out + "/workbench-steps.png") && ok;
    window.document()->undoStack()->setClean();
    ok = grabGroups(window, demo, out + "/workbench-groups.png") && ok;
    return ok ? 0 : 1;
}
