#include <arrivaleditor.h>
#include <profilechartview.h>
#include <profileeditor.h>
#include <projectdocument.h>

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QScatterSeries>
#include <QSpinBox>
#include <QTableWidget>
#include <QTest>
#include <QToolButton>

using namespace Loadwizard;
using namespace Loadwizard::Ui;

class TestProfileEditor : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void editingTheTableChangesChartAndSeed();
    void typingASeedFillsTheTable();
    void badTokenIsMarkedWithTheEnginesMessage();
    void invalidSeedKeepsTheLastValidProfile();
    void revertingTheProfileDropsAnInvalidSeed();
    void addRemoveAndReorderSteps();
    void draggingAStepEndChangesItsRate();
    void undoAndRedoCoverEveryEdit();
    void switchingToOpenModelStartsAnArrivalRate();
    void typingArrivalStagesChangesTheRatePlan();
    void badArrivalTokenAndPoolAreExplained();
    void editsAGroupsOwnProfileOnly();

private:
    ProjectDocument *m_document = nullptr;
    ProfileEditor *m_editor = nullptr;
};

void TestProfileEditor::init()
{
    m_document = new ProjectDocument;
    Project project;
    project.profile = *RampProfile::parse("2,60,0,200");
    m_document->reset(project, QString());
    m_editor = new ProfileEditor(m_document);
    m_editor->resize(900, 500);
    m_editor->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_editor));
}

void TestProfileEditor::cleanup()
{
    delete m_editor;
    delete m_document;
}

void TestProfileEditor::editingTheTableChangesChartAndSeed()
{
    QCOMPARE(m_editor->seedEdit()->text(), QString("2,60,0,200"));
    QCOMPARE(m_editor->chartView()->plannedSeries()->points().last(), QPointF(260, 120));
    m_editor->stepTable()->item(0, 0)->setText("3");
    QCOMPARE(m_editor->seedEdit()->text(), QString("3,60,0,200"));
    const auto points = m_editor->chartView()->plannedSeries()->points();
    QCOMPARE(points.last(), QPointF(260, 180));
    QCOMPARE(m_editor->chartView()->handleSeries()->points().size(), 2);
    QVERIFY(m_editor->totalsLabel()->text().contains("180"));
    QVERIFY(m_document->isModified());
}

void TestProfileEditor::typingASeedFillsTheTable()
{
    m_editor->seedEdit()->setFocus();
    m_editor->seedEdit()->selectAll();
    QTest::keyClicks(m_editor->seedEdit(), "5,4,0,20,-1,10");
    QCOMPARE(m_editor->stepTable()->rowCount(), 3);
    QCOMPARE(m_editor->stepTable()->item(2, 0)->text(), QString("-1"));
    QCOMPARE(m_editor->stepTable()->item(2, 1)->text(), QString("10"));
    QCOMPARE(m_document->project().profile.toString(), std::string("5,4,0,20,-1,10"));
    QCOMPARE(m_editor->chartView()->plannedSeries()->points().last().y(), 10.0);
    // One typing session is one undo step.
    m_document->undoStack()->undo();
    QCOMPARE(m_document->project().profile.toString(), std::string("2,60,0,200"));
}

void TestProfileEditor::badTokenIsMarkedWithTheEnginesMessage()
{
    m_editor->seedEdit()->setFocus();
    m_editor->seedEdit()->selectAll();
    QTest::keyClicks(m_editor->seedEdit(), "2,60,abc,200");
    QVERIFY(m_editor->messageLabel()->isVisible());
    QVERIFY2(m_editor->messageLabel()->text().contains("token 3 (\"abc\")"),
             qPrintable(m_editor->messageLabel()->text()));
    // Neither the bad token nor the valid prefix typed on the way ("2,60") reaches the project.
    QCOMPARE(m_document->project().profile.toString(), std::string("2,60,0,200"));
    m_editor->stepTable()->item(0, 1)->setText("-5");
    QVERIFY2(m_editor->messageLabel()->text().startsWith("Step 1"),
             qPrintable(m_editor->messageLabel()->text()));
    QVERIFY(!m_editor->stepTable()->item(0, 1)->toolTip().isEmpty());
    QCOMPARE(m_document->project().profile.toString(), std::string("2,60,0,200"));
}

void TestProfileEditor::invalidSeedKeepsTheLastValidProfile()
{
    m_editor->seedEdit()->setFocus();
    m_editor->seedEdit()->selectAll();
    // "1,2" on the way is a valid profile; "1,2,3" is not (an odd number of tokens).
    QTest::keyClicks(m_editor->seedEdit(), "1,2,3");
    QCOMPARE(m_document->project().profile.toString(), std::string("2,60,0,200"));
    QVERIFY(!m_document->isModified());
    QVERIFY(!m_document->undoStack()->canUndo());
    QVERIFY(m_editor->hasInvalidEdit());
    QCOMPARE(m_editor->stepTable()->rowCount(), 2);
    QCOMPARE(m_editor->stepTable()->item(0, 1)->text(), QString("60"));
    QCOMPARE(m_editor->chartView()->plannedSeries()->points().last(), QPointF(260, 120));
    // The field keeps the user's text and its error, also when focus leaves it and another
    // edit refreshes the editor.
    QCOMPARE(m_editor->seedEdit()->text(), QString("1,2,3"));
    QVERIFY(m_editor->messageLabel()->isVisible());
    const QString error = m_editor->messageLabel()->text();
    QVERIFY(!error.isEmpty());
    m_editor->seedEdit()->clearFocus();
    emit m_editor->seedEdit()->editingFinished();
    Project renamed = m_document->project();
    renamed.name = "renamed";
    m_document->apply(renamed, "Rename");
    QCOMPARE(m_editor->seedEdit()->text(), QString("1,2,3"));
    QVERIFY(m_editor->messageLabel()->isVisible());
    QCOMPARE(m_editor->messageLabel()->text(), error);
    QCOMPARE(m_document->project().profile.toString(), std::string("2,60,0,200"));
    // Fixed: the project takes it.
    m_editor->seedEdit()->setFocus();
    m_editor->seedEdit()->end(false);
    QTest::keyClicks(m_editor->seedEdit(), ",4");
    QCOMPARE(m_document->project().profile.toString(), std::string("1,2,3,4"));
    QCOMPARE(m_document->undoStack()->count(), 2); // the rename, then this typing
    QVERIFY(!m_editor->hasInvalidEdit());
    QVERIFY(m_editor->messageLabel()->isHidden());
}

void TestProfileEditor::revertingTheProfileDropsAnInvalidSeed()
{
    m_editor->stepTable()->item(0, 0)->setText("3");
    m_editor->seedEdit()->setFocus();
    m_editor->seedEdit()->selectAll();
    QTest::keyClicks(m_editor->seedEdit(), "1,2,3");
    QCOMPARE(m_document->project().profile.toString(), std::string("3,60,0,200"));
    m_document->undoStack()->undo(); // the table's edit
    QCOMPARE(m_document->project().profile.toString(), std::string("2,60,0,200"));
    QVERIFY(!m_editor->hasInvalidEdit());
    QCOMPARE(m_editor->seedEdit()->text(), QString("2,60,0,200"));
    QVERIFY(m_editor->messageLabel()->isHidden());
}

void TestProfileEditor::addRemoveAndReorderSteps()
{
    m_editor->stepTable()->setCurrentCell(1, 0);
    auto buttons = m_editor->findChildren<QToolButton *>();
    const auto button = [&](const QString &tip) {
        for (auto *b : buttons)
            if (b->toolTip() == tip)
                return b;
        return static_cast<QToolButton *>(nullptr);
    };
    button("Add a step")->click();
    QCOMPARE(m_document->project().profile.toString(), std::string("2,60,0,200,0,60"));
    m_editor->stepTable()->setCurrentCell(0, 0);
    button("Move the step later")->click();
    QCOMPARE(m_document->project().profile.toString(), std::string("0,200,2,60,0,60"));
    m_editor->stepTable()->setCurrentCell(2, 0);
    button("Remove the selected step")->click();
    QCOMPARE(m_document->project().profile.toString(), std::string("0,200,2,60"));
}

void TestProfileEditor::draggingAStepEndChangesItsRate()
{
    auto *view = m_editor->chartView();
    // The chart lays out its axes lazily, when painted: paint it before mapping positions.
    view->grab();
    QCoreApplication::processEvents();
    const QPointF handle = view->handleSeries()->points().at(0); // (60, 120)
    const QPoint from =
        view->mapFromScene(view->chart()->mapToPosition(handle, view->handleSeries()));
    const QPointF target(60, 60);
    const QPoint to =
        view->mapFromScene(view->chart()->mapToPosition(target, view->handleSeries()));
    const auto send = [view](QEvent::Type type, QPoint at, Qt::MouseButton button,
                             Qt::MouseButtons buttons) {
        QMouseEvent event(type, QPointF(at), view->viewport()->mapToGlobal(QPointF(at)), button,
                          buttons, Qt::NoModifier);
        QCoreApplication::sendEvent(view->viewport(), &event);
    };
    send(QEvent::MouseButtonPress, from, Qt::LeftButton, Qt::LeftButton);
    send(QEvent::MouseMove, to, Qt::NoButton, Qt::LeftButton);
    send(QEvent::MouseButtonRelease, to, Qt::LeftButton, Qt::NoButton);
    const auto steps = m_document->project().profile.steps();
    QCOMPARE(steps.size(), std::size_t(2));
    QVERIFY2(qAbs(steps[0].rate - 1.0) < 0.1, qPrintable(QString::number(steps[0].rate)));
    QVERIFY(qAbs(steps[0].seconds - 60) <= 2);
    QCOMPARE(m_document->undoStack()->count(), 1); // one drag, one step
}

void TestProfileEditor::undoAndRedoCoverEveryEdit()
{
    m_editor->stepTable()->item(0, 1)->setText("30");
    m_editor->stepTable()->item(1, 0)->setText("1");
    QCOMPARE(m_document->project().profile.toString(), std::string("2,30,1,200"));
    m_document->undoStack()->undo();
    QCOMPARE(m_editor->seedEdit()->text(), QString("2,30,0,200"));
    m_document->undoStack()->undo();
    QCOMPARE(m_editor->stepTable()->item(0, 1)->text(), QString("60"));
    QVERIFY(!m_document->isModified());
    m_document->undoStack()->redo();
    m_document->undoStack()->redo();
    QCOMPARE(m_editor->chartView()->plannedSeries()->points().last(), QPointF(230, 260));
}

void TestProfileEditor::switchingToOpenModelStartsAnArrivalRate()
{
    QVERIFY(m_editor->arrivalEditor()->isHidden());
    m_editor->modelChoice()->setCurrentIndex(1);
    emit m_editor->modelChoice()->activated(1);
    const Project &project = m_document->project();
    QCOMPARE(project.arrivalRate.toString(), std::string("10,10,10,60"));
    QCOMPARE(project.preAllocatedVusers, 10LL);
    QCOMPARE(project.maxVusers, 50LL);
    QVERIFY(project.profile.empty());
    QVERIFY(m_editor->arrivalEditor()->isVisible());
    QCOMPARE(m_editor->arrivalEditor()->stageTable()->rowCount(), 2);
    QCOMPARE(m_editor->arrivalEditor()->chartView()->plannedSeries()->points(),
             QList<QPointF>({{0, 0}, {10, 10}, {70, 10}}));
    QVERIFY(m_editor->arrivalEditor()->chartView()->handleSeries()->points().isEmpty());
    // One undoable step back to the closed profile as it was.
    m_document->undoStack()->undo();
    QCOMPARE(m_document->project().profile.toString(), std::string("2,60,0,200"));
    QVERIFY(m_document->project().arrivalRate.empty());
    QCOMPARE(m_editor->modelChoice()->currentIndex(), 0);
    QVERIFY(m_editor->arrivalEditor()->isHidden());
    m_document->undoStack()->redo();
    // And back to closed: the new-project template's ramp-up, pool cleared.
    emit m_editor->modelChoice()->activated(0);
    QCOMPARE(m_document->project().profile.toString(), std::string("1,10,0,50"));
    QVERIFY(m_document->project().arrivalRate.empty());
    QCOMPARE(m_document->project().preAllocatedVusers, 0LL);
}

void TestProfileEditor::typingArrivalStagesChangesTheRatePlan()
{
    emit m_editor->modelChoice()->activated(1);
    ArrivalEditor *arrival = m_editor->arrivalEditor();
    arrival->seedEdit()->setFocus();
    arrival->seedEdit()->selectAll();
    QTest::keyClicks(arrival->seedEdit(), "0,0,200,10,200,60");
    QCOMPARE(m_document->project().arrivalRate.toString(), std::string("0,0,200,10,200,60"));
    QCOMPARE(arrival->stageTable()->rowCount(), 3);
    QCOMPARE(arrival->stageTable()->item(1, 0)->text(), QString("200"));
    QCOMPARE(arrival->chartView()->plannedSeries()->points(),
             QList<QPointF>({{0, 0}, {0, 0}, {10, 200}, {70, 200}}));
    // 0→200/s over 10 s is 1000 iterations, then 200/s for 60 s: 13 000.
    QVERIFY2(arrival->totalsLabel()->text().contains("<b>13000</b> iterations"),
             qPrintable(arrival->totalsLabel()->text()));
    arrival->stageTable()->item(2, 1)->setText("30");
    QCOMPARE(m_document->project().arrivalRate.toString(), std::string("0,0,200,10,200,30"));
    m_document->undoStack()->undo(); // the table edit
    m_document->undoStack()->undo(); // the typing session
    QCOMPARE(m_document->project().arrivalRate.toString(), std::string("10,10,10,60"));
}

void TestProfileEditor::badArrivalTokenAndPoolAreExplained()
{
    emit m_editor->modelChoice()->activated(1);
    ArrivalEditor *arrival = m_editor->arrivalEditor();
    arrival->seedEdit()->setFocus();
    arrival->seedEdit()->selectAll();
    QTest::keyClicks(arrival->seedEdit(), "100,10,x,5");
    QVERIFY(arrival->messageLabel()->isVisible());
    QVERIFY2(arrival->messageLabel()->text().contains("token 3 (\"x\")"),
             qPrintable(arrival->messageLabel()->text()));
    QCOMPARE(m_document->project().arrivalRate.toString(), std::string("100,10"));
    arrival->stageTable()->item(0, 1)->setText("-1");
    QVERIFY2(arrival->messageLabel()->text().startsWith("Stage 1"),
             qPrintable(arrival->messageLabel()->text()));
    QCOMPARE(m_document->project().arrivalRate.toString(), std::string("100,10"));

    QVERIFY(arrival->poolMessageLabel()->isHidden());
    arrival->maxBox()->setValue(5);
    QCOMPARE(m_document->project().maxVusers, 5LL);
    QVERIFY(arrival->poolMessageLabel()->isVisible());
    QCOMPARE(arrival->poolMessageLabel()->text(),
             QString("the maximum (5) is below the pre-allocated vusers (10)"));
    arrival->maxBox()->setValue(0);
    arrival->preAllocatedBox()->setValue(0);
    QCOMPARE(arrival->poolMessageLabel()->text(),
             QString("an arrival rate needs vusers to run its iterations: give pre-allocated "
                     "vusers or a maximum above 0"));
}

void TestProfileEditor::editsAGroupsOwnProfileOnly()
{
    Project project = m_document->project();
    ProjectGroup web;
    web.name = "web";
    web.profile = *RampProfile::parse("1,5");
    project.groups.push_back(web);
    m_document->reset(project, QString());
    m_editor->setGroup(0);
    QCOMPARE(m_editor->group(), 0);
    QCOMPARE(m_editor->seedEdit()->text(), QString("1,5"));
    m_editor->stepTable()->item(0, 1)->setText("20");
    QCOMPARE(m_document->project().groups[0].profile.toString(), std::string("1,20"));
    QCOMPARE(m_document->project().profile.toString(), std::string("2,60,0,200"));
    emit m_editor->modelChoice()->activated(1);
    QCOMPARE(m_document->project().groups[0].arrivalRate.toString(), std::string("10,10,10,60"));
    QVERIFY(m_document->project().groups[0].profile.empty());
    QVERIFY(m_document->project().arrivalRate.empty());
    m_document->undoStack()->undo();
    m_document->undoStack()->undo();
    QCOMPARE(m_document->project().groups[0].profile.toString(), std::string("1,5"));
    // A group index that no longer exists falls back to the project's profile.
    m_editor->setGroup(3);
    QCOMPARE(m_editor->group(), -1);
    QCOMPARE(m_editor->seedEdit()->text(), QString("2,60,0,200"));
}

QTEST_MAIN(TestProfileEditor)
#include "tst_profileeditor.moc"
