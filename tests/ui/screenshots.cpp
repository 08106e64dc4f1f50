// Renders the README's screenshots of the workbench: packaging/screenshots.sh runs this under
// Xvfb. Usage: lw_screenshots OUTPUT_DIR
#include <groupseditor.h>
#include <mainwindow.h>
#include <outputseditor.h>
#include <projectdocument.h>
#include <resultsbrowser.h>
#include <runcomparison.h>
#include <rundashboard.h>
#include <savedrunsmodel.h>
#include <savedrunview.h>
#include <scenariocatalog.h>
#include <scenariopicker.h>
#include <stepeditor.h>
#include <theme.h>
#include <tryrunner.h>

#include <loadwizard/project.h>
#include <loadwizard/targetserver.h>

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QItemSelectionModel>
#include <QListWidget>
#include <QPixmap>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
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

/// The Results section: two runs of the declarative demo (5, then 10 vusers) saved in a scratch
/// copy of the project; the newer one opened, then both compared; its HTML report written
/// through the section's button to OUT/report.html (screenshots.sh renders it with Chromium).
bool grabResults(Ui::MainWindow &window, const QString &baseUrl, const QString &out)
{
    QTemporaryDir scratch;
    for (const char *name : {"demo-steps.yaml", "shop-steps.yaml"}) {
        if (!QFile::copy(QStringLiteral(LOADWIZARD_SOURCE_DIR "/scenarios/") + name,
                         scratch.filePath(QString::fromLatin1(name))))
            return false;
    }
    const QString path = scratch.filePath(QStringLiteral("demo-steps.yaml"));
    auto project = loadProject(path.toStdString());
    if (!project)
        return false;
    project->http.baseUrl = baseUrl.toStdString();
    project->thinkTime.multiplier = 0.3;
    project->gracefulStopSeconds = 2;
    auto *controller = window.runController();
    for (const char *profile : {"5,3,0,12", "10,3,0,12"}) {
        project->profile = *RampProfile::parse(profile);
        window.openProject(*project, path);
        QSignalSpy finished(controller, &Ui::RunController::finished);
        window.dashboard()->startRun();
        if (!finished.wait(120000))
            std::printf("no run: %s\n", qPrintable(window.dashboard()->runBlockedReason()));
        (void)QTest::qWaitFor([&] { return !controller->isActive(); }, 30000);
        QTest::qWait(1100); // the next run starts in another second: another folder
    }
    window.document()->undoStack()->setClean();
    window.showSection(Ui::MainWindow::ResultsSection);
    auto *results = window.resultsBrowser();
    QString report;
    results->setUrlOpener([&report](const QUrl &url) {
        report = url.toLocalFile();
        return true;
    });
    results->refresh();
    QSignalSpy shown(results, &Ui::ResultsBrowser::shown);
    results->listView()->selectRow(0);
    results->openRow(0);
    (void)shown.wait(30000);
    bool ok = grab(&window, out + "/workbench-results.png");

    results->listView()->selectionModel()->select(
        results->model()->index(1, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    results->compareButton()->click();
    (void)shown.wait(30000);
    ok = grab(&window, out + "/workbench-compare.png") && ok;

    // The report as the button writes it, kept next to the pictures for the browser shot.
    results->openRow(0);
    (void)shown.wait(30000);
    results->runView()->openReport();
    QFile::remove(out + "/report.html");
    ok = !report.isEmpty() && QFile::copy(report, out + "/report.html") && ok;
    std::printf("%s %s\n", ok ? "wrote" : "FAILED", qPrintable(out + "/report.html"));
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
    if (qEnvironmentVariable("LW_ONLY") == QLatin1String("results"))
        return grabResults(window, QString::fromStdString(target.baseUrl()), out) ? 0 : 1;
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
    ok = grabResults(window, QString::fromStdString(target.baseUrl()), out) && ok;
    return ok ? 0 : 1;
}
