#include <groupedits.h>
#include <groupform.h>
#include <groupplan.h>
#include <groupschartview.h>
#include <groupseditor.h>
#include <profileeditor.h>
#include <projectdocument.h>
#include <scenariocatalog.h>

#include <loadwizard/weights.h>

#include <QAreaSeries>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineEdit>
#include <QLineSeries>
#include <QListWidget>
#include <QPushButton>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QValueAxis>

using namespace Loadwizard;
using namespace Loadwizard::Ui;

Q_DECLARE_METATYPE(std::vector<double>)
Q_DECLARE_METATYPE(std::vector<long long>)

class TestGroupsEditor : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void splitsByLargestRemainder_data();
    void splitsByLargestRemainder();
    void withoutGroupsShowsOneImplicitGroup();
    void addGroupConvertsTheProjectAndUndoRestoresIt();
    void renameIsValidated();
    void duplicateRemoveAndReorder();
    void removingDownToOneKeepsGroupsUntilBackToOneGroup();
    void formEditsTheSelectedGroup();
    void ownProfileIsEditedWithTheProfileEditor();
    void stackedChartSplitsWeightsAndHonoursStartDelays();
    void openGroupsAreLinesOnAnIterationsAxis();
    void aMixEditedHereSavesAndLoadsBackTheSame();
    void editsKeepTheMixReadable();

private:
    Project mixedProject() const;

    ProjectDocument *m_document = nullptr;
    ScenarioCatalog *m_catalog = nullptr;
    GroupsEditor *m_editor = nullptr;
    Project m_original;
};

void TestGroupsEditor::init()
{
    m_document = new ProjectDocument;
    m_catalog = new ScenarioCatalog;
    m_catalog->setFolders({}, QString()); // no plugin loading: the combo lists nothing
    m_original = Project();
    m_original.name = "shop";
    m_original.scenario = "browse.so";
    m_original.parameters = {{"base_url", "http://127.0.0.1:8080"}};
    m_original.profile = *RampProfile::parse("2,60,0,200");
    m_original.pacing = {1, 2};
    m_document->reset(m_original, QString());
    m_editor = new GroupsEditor(m_document, m_catalog);
    m_editor->resize(1100, 800);
    m_editor->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_editor));
}

void TestGroupsEditor::cleanup()
{
    delete m_editor;
    delete m_catalog;
    delete m_document;
}

Project TestGroupsEditor::mixedProject() const
{
    // 10 vusers after 10 s, split 70/25/5, and a group of its own from 10 s.
    Project project;
    project.profile = *RampProfile::parse("1,10,0,50");
    for (const auto &[name, weight] : {std::pair{"browse", 70.0}, {"search", 25.0}, {"buy", 5.0}}) {
        ProjectGroup group;
        group.name = name;
        group.weight = weight;
        project.groups.push_back(group);
    }
    ProjectGroup admin;
    admin.name = "admin";
    admin.profile = *RampProfile::parse("1,5,0,20");
    admin.startDelaySeconds = 10;
    project.groups.push_back(admin);
    return project;
}

void TestGroupsEditor::splitsByLargestRemainder_data()
{
    QTest::addColumn<long long>("total");
    QTest::addColumn<std::vector<double>>("weights");
    QTest::addColumn<std::vector<long long>>("expected");
    // Quotas 7, 2.5, 0.5: floors 7, 2, 0; the one left goes to the earlier of the two halves.
    QTest::newRow("70/25/5 of 10")
        << 10LL << std::vector<double>{70, 25, 5} << std::vector<long long>{7, 3, 0};
    QTest::newRow("70/25/5 of 5") << 5LL << std::vector<double>{70, 25, 5}
                                  << std::vector<long long>{4, 1, 0};
    QTest::newRow("70/25/5 of 100")
        << 100LL << std::vector<double>{70, 25, 5} << std::vector<long long>{70, 25, 5};
    QTest::newRow("thirds of 10") << 10LL << std::vector<double>{1, 1, 1}
                                  << std::vector<long long>{4, 3, 3};
    QTest::newRow("a zero weight gets none")
        << 3LL << std::vector<double>{1, 0, 2} << std::vector<long long>{1, 0, 2};
    QTest::newRow("nothing to split")
        << 0LL << std::vector<double>{1, 2} << std::vector<long long>{0, 0};
    QTest::newRow("no weight") << 4LL << std::vector<double>{0, 0} << std::vector<long long>{0, 0};
}

void TestGroupsEditor::splitsByLargestRemainder()
{
    QFETCH(long long, total);
    QFETCH(std::vector<double>, weights);
    QFETCH(std::vector<long long>, expected);
    QCOMPARE(splitByWeights(total, weights), expected);
}

void TestGroupsEditor::withoutGroupsShowsOneImplicitGroup()
{
    QVERIFY(m_editor->convertButton()->isVisible());
    QVERIFY(!m_editor->groupList()->isVisible());
    QCOMPARE(m_editor->groupList()->count(), 0);
    QCOMPARE(m_document->project(), m_original);
}

void TestGroupsEditor::addGroupConvertsTheProjectAndUndoRestoresIt()
{
    m_editor->convertButton()->click();
    const Project &project = m_document->project();
    QCOMPARE(project.groups.size(), std::size_t(2));
    const ProjectGroup &first = project.groups[0];
    QCOMPARE(first.name, std::string("default"));
    QCOMPARE(first.scenario, std::string("browse.so"));
    QCOMPARE(first.profile.toString(), std::string("2,60,0,200"));
    QCOMPARE(first.pacing, (PacingSettings{1, 2}));
    QVERIFY(first.parameters.empty());
    QCOMPARE(project.groups[1].name, std::string("group2"));
    QCOMPARE(project.groups[1].profile.toString(), std::string("1,10,0,50"));
    QCOMPARE(project.groups[1].scenario, std::string("browse.so")); // the selected group's
    // The top level keeps what every group shares and nothing a group owns.
    QVERIFY(project.scenario.empty());
    QVERIFY(project.profile.empty());
    QCOMPARE(project.pacing, PacingSettings{});
    QCOMPARE(project.parameters, m_original.parameters);
    QCOMPARE(m_editor->groupList()->count(), 2);
    QCOMPARE(m_editor->currentGroup(), 1);
    QVERIFY(m_editor->groupList()->isVisible());
    QCOMPARE(m_editor->groupList()->item(0)->text(), QString("default  ·  120 vusers"));

    QCOMPARE(m_document->undoStack()->count(), 1);
    m_document->undoStack()->undo();
    QCOMPARE(m_document->project(), m_original);
    QVERIFY(m_editor->convertButton()->isVisible());
    QCOMPARE(m_editor->groupList()->count(), 0);
}

void TestGroupsEditor::renameIsValidated()
{
    m_editor->convertButton()->click();
    m_editor->selectGroup(0);
    QLineEdit *name = m_editor->form()->nameEdit();
    QCOMPARE(name->text(), QString("default"));
    name->setFocus();
    name->selectAll();
    QTest::keyClicks(name, "web users");
    QVERIFY(m_editor->form()->nameMessage()->isVisible());
    QCOMPARE(m_editor->form()->nameMessage()->text(),
             QString("\" \" at position 4 is not allowed: use letters, digits, '_', '-' or '.'."));
    QCOMPARE(m_document->project().groups[0].name, std::string("web"));
    name->selectAll();
    QTest::keyClicks(name, "group2");
    QCOMPARE(m_editor->form()->nameMessage()->text(),
             QString("Group 2 is already named \"group2\"."));
    QCOMPARE(m_document->project().groups[0].name, std::string("group"));
    name->selectAll();
    QTest::keyClicks(name, "web-1.v2_a");
    QVERIFY(m_editor->form()->nameMessage()->isHidden());
    QCOMPARE(m_document->project().groups[0].name, std::string("web-1.v2_a"));
    QVERIFY(m_editor->groupList()->item(0)->text().startsWith("web-1.v2_a"));
    // Clearing it is refused, and leaving the field shows the group's name again.
    name->selectAll();
    QTest::keyClick(name, Qt::Key_Backspace);
    QCOMPARE(m_editor->form()->nameMessage()->text(), QString("A group needs a name."));
    QCOMPARE(m_document->project().groups[0].name, std::string("web-1.v2_a"));
    emit name->editingFinished();
    QCOMPARE(name->text(), QString("web-1.v2_a"));
    // One typing session is one undo step (after the conversion).
    QCOMPARE(m_document->undoStack()->count(), 2);
    m_document->undoStack()->undo();
    QCOMPARE(m_document->project().groups[0].name, std::string("default"));
    QCOMPARE(name->text(), QString("default"));
}

void TestGroupsEditor::duplicateRemoveAndReorder()
{
    m_editor->convertButton()->click();
    m_editor->selectGroup(0);
    m_editor->duplicateButton()->click();
    auto names = [this] {
        std::vector<std::string> result;
        for (const auto &group : m_document->project().groups)
            result.push_back(group.name);
        return result;
    };
    QCOMPARE(names(), (std::vector<std::string>{"default", "default-copy", "group2"}));
    QCOMPARE(m_document->project().groups[1].profile.steps(),
             m_document->project().groups[0].profile.steps());
    QCOMPARE(m_editor->currentGroup(), 1);
    m_editor->downButton()->click();
    QCOMPARE(names(), (std::vector<std::string>{"default", "group2", "default-copy"}));
    QCOMPARE(m_editor->currentGroup(), 2);
    QVERIFY(!m_editor->downButton()->isEnabled());
    m_editor->upButton()->click();
    m_editor->upButton()->click();
    QCOMPARE(names(), (std::vector<std::string>{"default-copy", "default", "group2"}));
    QVERIFY(!m_editor->upButton()->isEnabled());
    m_editor->addButton()->click();
    QCOMPARE(names(), (std::vector<std::string>{"default-copy", "default", "group2", "group4"}));
    m_editor->selectGroup(1);
    m_editor->removeButton()->click();
    QCOMPARE(names(), (std::vector<std::string>{"default-copy", "group2", "group4"}));
    QCOMPARE(m_editor->currentGroup(), 1);
    QCOMPARE(m_editor->form()->nameEdit()->text(), QString("group2"));
    for (int i = 0; i < 6; ++i)
        m_document->undoStack()->undo();
    QCOMPARE(names(), (std::vector<std::string>{"default", "group2"}));
}

void TestGroupsEditor::removingDownToOneKeepsGroupsUntilBackToOneGroup()
{
    m_editor->convertButton()->click();
    m_editor->selectGroup(1);
    QVERIFY(m_editor->removeButton()->isEnabled());
    QVERIFY(m_editor->singleButton()->isHidden());
    m_editor->removeButton()->click();
    QCOMPARE(m_document->project().groups.size(), std::size_t(1));
    QVERIFY(!m_editor->removeButton()->isEnabled()); // the last group stays
    QVERIFY(m_editor->singleButton()->isVisible());
    // Back to one group: the project as before the conversion.
    m_editor->singleButton()->click();
    QCOMPARE(m_document->project(), m_original);
    QVERIFY(m_editor->convertButton()->isVisible());
}

void TestGroupsEditor::formEditsTheSelectedGroup()
{
    Project project = mixedProject();
    m_document->reset(project, QString());
    m_editor->selectGroup(1);
    GroupForm *form = m_editor->form();
    QCOMPARE(form->nameEdit()->text(), QString("search"));
    QCOMPARE(form->workloadChoice()->currentIndex(), 0);
    QCOMPARE(form->weightBox()->value(), 25.0);
    QVERIFY(!form->startDelayBox()->isEnabled()); // the engine ignores a delay with a weight
    QVERIFY(form->profileEditor()->isHidden());
    form->weightBox()->setValue(45);
    QCOMPARE(m_document->project().groups[1].weight, 45.0);
    form->pacingMaxBox()->setValue(3);
    QCOMPARE(m_document->project().groups[1].pacing, (PacingSettings{0, 3}));

    form->scenarioChoice()->setEditText("search.cpp");
    form->scenarioChoice()->lineEdit()->setModified(true);
    emit form->scenarioChoice()->lineEdit()->editingFinished();
    QCOMPARE(m_document->project().groups[1].scenario, std::string("search.cpp"));

    QTest::mouseClick(form->findChild<QTabWidget *>()->tabBar(), Qt::LeftButton, {},
                      form->findChild<QTabWidget *>()->tabBar()->tabRect(1).center());
    form->addParameterButton()->click();
    QCOMPARE(form->parameterTable()->rowCount(), 1);
    form->parameterTable()->item(0, 1)->setText("laptop");
    form->parameterTable()->item(0, 0)->setText("query");
    QCOMPARE(m_document->project().groups[1].parameters,
             (std::map<std::string, std::string, std::less<>>{{"query", "laptop"}}));
    // Other groups and the shared top level are untouched.
    QCOMPARE(m_document->project().groups[0], project.groups[0]);
    QCOMPARE(m_document->project().profile.steps(), project.profile.steps());
    // Each edit is one undo step: weight, pacing, scenario, add, value, rename.
    QCOMPARE(m_document->undoStack()->count(), 6);
    while (m_document->undoStack()->canUndo())
        m_document->undoStack()->undo();
    QCOMPARE(m_document->project(), project);
    QCOMPARE(form->weightBox()->value(), 25.0);
}

void TestGroupsEditor::ownProfileIsEditedWithTheProfileEditor()
{
    Project project = mixedProject();
    m_document->reset(project, QString());
    m_editor->selectGroup(2);
    GroupForm *form = m_editor->form();
    emit form->workloadChoice()->activated(1);
    QCOMPARE(m_document->project().groups[2].profile.toString(), std::string("1,10,0,50"));
    QVERIFY(form->profileEditor()->isVisible());
    QCOMPARE(form->profileEditor()->group(), 2);
    QVERIFY(form->startDelayBox()->isEnabled());
    QVERIFY(!form->weightBox()->isEnabled());
    form->profileEditor()->stepTable()->item(0, 0)->setText("3");
    QCOMPARE(m_document->project().groups[2].profile.toString(), std::string("3,10,0,50"));
    QCOMPARE(m_document->project().profile.toString(), std::string("1,10,0,50"));
    form->startDelayBox()->setValue(30);
    QCOMPARE(m_document->project().groups[2].startDelaySeconds, 30.0);
    QCOMPARE(m_document->project().groups[2].weight, 0.0); // the reader refuses both
    // Back to a share: a weight of 1, no profile, no delay.
    emit form->workloadChoice()->activated(0);
    const ProjectGroup &buy = m_document->project().groups[2];
    QVERIFY(buy.profile.empty());
    QCOMPARE(buy.weight, 1.0);
    QCOMPARE(buy.startDelaySeconds, 0.0);
    QVERIFY(isWeighted(buy));
    m_document->undoStack()->undo();
    QCOMPARE(m_document->project().groups[2].profile.toString(), std::string("3,10,0,50"));
}

void TestGroupsEditor::stackedChartSplitsWeightsAndHonoursStartDelays()
{
    m_document->reset(mixedProject(), QString());
    const GroupsChartView *chart = m_editor->chartView();
    QCOMPARE(chart->groupSeries().size(), 4);
    const auto upper = [chart](int group, double t) {
        return GroupsChartView::valueAt(chart->groupSeries()[group]->upperSeries(), t);
    };
    const auto lower = [chart](int group, double t) {
        return GroupsChartView::valueAt(chart->groupSeries()[group]->lowerSeries(), t);
    };
    const auto total = [chart](double t) {
        return GroupsChartView::valueAt(chart->totalSeries(), t);
    };
    // 5 s: 5 vusers planned, split 70/25/5 → 4, 1, 0; admin not started.
    QCOMPARE(upper(0, 5), 4.0);
    QCOMPARE(upper(1, 5), 5.0);
    QCOMPARE(upper(2, 5), 5.0);
    QCOMPARE(upper(3, 5), 5.0);
    QCOMPARE(total(5), 5.0);
    // 15 s: 10 vusers → 7, 3, 0; admin 5 s into its ramp: 5 vusers on top.
    QCOMPARE(upper(0, 15), 7.0);
    QCOMPARE(lower(1, 15), 7.0);
    QCOMPARE(upper(1, 15), 10.0);
    QCOMPARE(upper(2, 15), 10.0);
    QCOMPARE(lower(3, 15), 10.0);
    QCOMPARE(upper(3, 15), 15.0);
    QCOMPARE(total(15), 15.0);
    // admin ends at 35 s (10 + 25) and the weighted total at 60 s: from its end on, a part
    // plans nothing, as the runtime's schedule.
    QCOMPARE(total(34), 15.0);
    QCOMPARE(total(35), 10.0);
    QCOMPARE(total(59), 10.0);
    QCOMPARE(chart->totalSeries()->points().last(), QPointF(60, 0));
    QVERIFY(chart->groupSeries()[0]->name().startsWith("browse (weight 70)"));
    QVERIFY(chart->groupSeries()[3]->name().startsWith("admin (from 10 s)"));
    QCOMPARE(plannedGroupVusersAt(m_document->project(), 15), (std::vector<long long>{7, 3, 0, 5}));

    QVERIFY(chart->rateSeries().isEmpty());
    QVERIFY(!chart->rateAxis()->isVisible()); // no open group: no iterations/s axis
}

void TestGroupsEditor::openGroupsAreLinesOnAnIterationsAxis()
{
    // admin plans 5 iterations/s from 10 s for 30 s: a line of its own on the right axis, not
    // a layer of the vusers stack.
    Project project = mixedProject();
    project.groups[3].profile = {};
    project.groups[3].arrivalRate = *ArrivalProfile::parse("5,0,5,30");
    project.groups[3].maxVusers = 0;
    m_document->reset(project, QString());
    const GroupsChartView *chart = m_editor->chartView();
    QCOMPARE(chart->groupSeries().size(), 3);
    QCOMPARE(chart->rateSeries().size(), 1);
    QLineSeries *admin = chart->rateSeries()[0];
    QCOMPARE(admin->name(), QString("admin (from 10 s) · iterations/s"));
    QVERIFY(chart->groupSeries()[0]->name().endsWith("· vusers"));
    QCOMPARE(admin->attachedAxes().size(), 2);
    QVERIFY(admin->attachedAxes().contains(chart->rateAxis()));
    QVERIFY(!admin->attachedAxes().contains(chart->vusersAxis()));
    QVERIFY(chart->rateAxis()->isVisible());
    QCOMPARE(chart->rateAxis()->alignment(), Qt::AlignRight);
    QVERIFY(chart->rateAxis()->titleText().contains("iterations/s"));
    QVERIFY(chart->vusersAxis()->titleText().contains("vusers"));
    QVERIFY(chart->rateAxis()->max() >= 5);
    QCOMPARE(GroupsChartView::valueAt(admin, 5), 0.0);
    QCOMPARE(GroupsChartView::valueAt(admin, 10), 5.0);
    QCOMPARE(GroupsChartView::valueAt(admin, 39), 5.0);
    QCOMPARE(GroupsChartView::valueAt(admin, 40), 0.0);
    // The vusers total is the closed groups' alone.
    QCOMPARE(GroupsChartView::valueAt(chart->totalSeries(), 15), 10.0);
    QCOMPARE(GroupsChartView::valueAt(chart->groupSeries()[2]->upperSeries(), 15), 10.0);
    QVERIFY2(m_editor->chartNote()->text().contains("dashed lines on the right axis (admin)"),
             qPrintable(m_editor->chartNote()->text()));

    // Weighted groups sharing an open profile: each its share of the rate (3 to 1).
    Project open;
    open.arrivalRate = *ArrivalProfile::parse("0,0,20,10,20,20");
    for (const auto &[name, weight] : {std::pair{"browse", 3.0}, {"buy", 1.0}}) {
        ProjectGroup group;
        group.name = name;
        group.weight = weight;
        open.groups.push_back(group);
    }
    m_document->reset(open, QString());
    QVERIFY(chart->groupSeries().isEmpty());
    QCOMPARE(chart->rateSeries().size(), 2);
    QCOMPARE(chart->rateSeries()[0]->name(), QString("browse (weight 3) · iterations/s"));
    QCOMPARE(GroupsChartView::valueAt(chart->rateSeries()[0], 5), 7.5);
    QCOMPARE(GroupsChartView::valueAt(chart->rateSeries()[1], 20), 5.0);
    QCOMPARE(GroupsChartView::valueAt(chart->rateSeries()[1], 30), 0.0);
    QCOMPARE(plannedGroupRatesAt(open, 10), (std::vector<double>{15, 5}));
    QVERIFY(!m_editor->chartNote()->text().contains("stacked"));
    // Every series in the legend names its unit.
    for (QLegendMarker *marker : chart->chart()->legend()->markers()) {
        const QString label = marker->label();
        QVERIFY2(label.contains("iterations/s") || label.contains("vusers"), qPrintable(label));
    }
}

void TestGroupsEditor::aMixEditedHereSavesAndLoadsBackTheSame()
{
    // Through the engine's writer and reader: what the editor makes is a project they accept.
    m_editor->convertButton()->click();
    m_editor->selectGroup(1);
    GroupForm *form = m_editor->form();
    form->scenarioChoice()->setEditText("search.so");
    form->scenarioChoice()->lineEdit()->setModified(true);
    emit form->scenarioChoice()->lineEdit()->editingFinished();
    form->startDelayBox()->setValue(15);
    emit form->profileEditor()->modelChoice()->activated(1); // an arrival rate of its own
    m_editor->duplicateButton()->click();
    emit m_editor->form()->workloadChoice()->activated(0); // the copy: a weight of 1
    QTemporaryDir dir;
    const QString path = dir.filePath("mix.yaml");
    QVERIFY(m_document->save(path));
    std::vector<Error> warnings;
    auto loaded = loadProject(path.toStdString(), &warnings);
    QVERIFY2(loaded, loaded ? "" : loaded.error().toString().c_str());
    QVERIFY(warnings.empty());
    QCOMPARE(loaded->groups.size(), std::size_t(3));
    QCOMPARE(loaded->groups[1].arrivalRate.toString(), std::string("10,10,10,60"));
    QCOMPARE(loaded->groups[1].startDelaySeconds, 15.0);
    QCOMPARE(loaded->groups[2].name, std::string("group2-copy"));
    QCOMPARE(loaded->groups[2].weight, 1.0);
    QCOMPARE(*loaded, m_document->project());
}

void TestGroupsEditor::editsKeepTheMixReadable()
{
    m_editor->convertButton()->click();
    QVERIFY(m_editor->problemsLabel()->isHidden());
    // A weight needs a total to share: the project gets the template's, in the same step.
    m_editor->selectGroup(1);
    emit m_editor->form()->workloadChoice()->activated(0);
    QCOMPARE(m_document->project().profile.toString(), std::string("1,10,0,50"));
    QCOMPARE(m_document->undoStack()->count(), 2);
    // No weighted group left: the total goes, as the reader wants it.
    emit m_editor->form()->workloadChoice()->activated(1);
    QVERIFY(m_document->project().profile.empty());
    // An open group loses its pacing.
    m_editor->selectGroup(0);
    QCOMPARE(m_document->project().groups[0].pacing, (PacingSettings{1, 2}));
    emit m_editor->form()->profileEditor()->modelChoice()->activated(1);
    QCOMPARE(m_document->project().groups[0].pacing, PacingSettings{});
    QVERIFY(!m_editor->form()->pacingMaxBox()->isEnabled());
    // What the editor cannot guess is listed.
    m_editor->form()->scenarioChoice()->setEditText("");
    m_editor->form()->scenarioChoice()->lineEdit()->setModified(true);
    emit m_editor->form()->scenarioChoice()->lineEdit()->editingFinished();
    QVERIFY(m_editor->problemsLabel()->isVisible());
    QCOMPARE(m_editor->problemsLabel()->text(), QString("Group \"default\" needs a scenario."));
}

QTEST_MAIN(TestGroupsEditor)
#include "tst_groupseditor.moc"
