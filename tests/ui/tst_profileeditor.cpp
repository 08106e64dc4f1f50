#include <profilechartview.h>
#include <profileeditor.h>
#include <projectdocument.h>

#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QScatterSeries>
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
    void addRemoveAndReorderSteps();
    void draggingAStepEndChangesItsRate();
    void undoAndRedoCoverEveryEdit();

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
    // Typing keeps the last valid prefix ("2,60"); the bad token never reaches the project.
    QCOMPARE(m_document->project().profile.toString(), std::string("2,60"));
    m_editor->stepTable()->item(0, 1)->setText("-5");
    QVERIFY2(m_editor->messageLabel()->text().startsWith("Step 1"),
             qPrintable(m_editor->messageLabel()->text()));
    QVERIFY(!m_editor->stepTable()->item(0, 1)->toolTip().isEmpty());
    QCOMPARE(m_document->project().profile.toString(), std::string("2,60"));
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

QTEST_MAIN(TestProfileEditor)
#include "tst_profileeditor.moc"
