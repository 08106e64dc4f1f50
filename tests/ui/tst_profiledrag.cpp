// Dragging a step's end on the profile chart: snapped values, and later steps that keep their
// levels.
#include <profilechartview.h>
#include <profiledrag.h>
#include <profileeditor.h>
#include <projectdocument.h>

#include <loadwizard/project.h>

#include <QScatterSeries>
#include <QTest>
#include <QUndoStack>

using namespace Loadwizard;
using namespace Loadwizard::Ui;

class TestProfileDrag : public QObject
{
    Q_OBJECT

private slots:
    void gridFollowsTheAxes_data();
    void gridFollowsTheAxes();
    void dragSnapsAndKeepsLaterLevels_data();
    void dragSnapsAndKeepsLaterLevels();
    void laterLevelsAreKeptExactly();
    void draggingOnTheChartSnapsUnlessShiftIsHeld();
};

void TestProfileDrag::gridFollowsTheAxes_data()
{
    QTest::addColumn<double>("secondsShown");
    QTest::addColumn<double>("vusersShown");
    QTest::addColumn<double>("secondsStep");
    QTest::addColumn<double>("rateStepOver60s");
    QTest::addColumn<double>("rateStepOver4s");
    QTest::newRow("the template: 260 s, 150 vusers") << 300.0 << 150.0 << 5.0 << 0.1 << 1.0;
    QTest::newRow("the demo: 40 s, 50 vusers") << 40.0 << 50.0 << 1.0 << 0.02 << 0.5;
    QTest::newRow("an hour, 5000 vusers") << 3600.0 << 5000.0 << 60.0 << 1.0 << 1.0;
    QTest::newRow("a small test: 20 s, 2 vusers") << 20.0 << 2.0 << 1.0 << 0.01 << 0.02;
}

void TestProfileDrag::gridFollowsTheAxes()
{
    QFETCH(double, secondsShown);
    QFETCH(double, vusersShown);
    QFETCH(double, secondsStep);
    QFETCH(double, rateStepOver60s);
    QFETCH(double, rateStepOver4s);
    const auto grid = ProfileDrag::gridFor(secondsShown, vusersShown, false);
    QCOMPARE(grid.seconds, secondsStep);
    QCOMPARE(ProfileDrag::rateStep(grid, 60), rateStepOver60s);
    QCOMPARE(ProfileDrag::rateStep(grid, 4), rateStepOver4s);
    const auto free = ProfileDrag::gridFor(secondsShown, vusersShown, true);
    QCOMPARE(ProfileDrag::rateStep(free, 60), 0.01);
}

void TestProfileDrag::dragSnapsAndKeepsLaterLevels_data()
{
    QTest::addColumn<QString>("profile");
    QTest::addColumn<int>("step");
    QTest::addColumn<double>("seconds");
    QTest::addColumn<double>("vusers");
    QTest::addColumn<bool>("free");
    QTest::addColumn<QString>("expected");
    // The reported case: a step of 60 s dragged to 149.4 vusers was 2.49 vusers/s. The hold
    // after it stays a hold, on the new level.
    QTest::newRow("snapped rate") << "2,60,0,200" << 0 << 60.4 << 149.4 << false << "2.5,60,0,200";
    QTest::newRow("free rate") << "2,60,0,200" << 0 << 60.4 << 149.4 << true << "2.49,60,0,200";
    QTest::newRow("snapped duration")
        << "2,60,0,200" << 0 << 73.0 << 120.0 << false << "1.7,70,0,200";
    QTest::newRow("free duration") << "2,60,0,200" << 0 << 73.0 << 120.0 << true << "1.64,73,0,200";
    // The next step ends where it did.
    QTest::newRow("the next ramp absorbs it")
        << "1,10,2,10" << 0 << 10.0 << 16.0 << false << "1.6,10,1.4,10";
    QTest::newRow("a ramp after a hold absorbs it")
        << "1,10,0,10,-1,10" << 0 << 10.0 << 20.0 << false << "2,10,0,10,-2,10";
    // A ramp-down to zero stays one while it still reaches zero.
    QTest::newRow("ramp-down to zero kept")
        << "5,20,-10,20" << 0 << 20.0 << 152.0 << false << "7.6,20,-10,20";
    QTest::newRow("ramp-down that no longer reaches zero")
        << "5,20,-10,20" << 0 << 20.0 << 252.0 << false << "12.6,20,-12.6,20";
    QTest::newRow("the last step")
        << "1,10,0,10,-1,10" << 2 << 30.0 << 5.0 << false << "1,10,0,10,-0.5,10";
    QTest::newRow("out of range") << "1,10" << 3 << 30.0 << 5.0 << false << "1,10";
}

void TestProfileDrag::dragSnapsAndKeepsLaterLevels()
{
    QFETCH(QString, profile);
    QFETCH(int, step);
    QFETCH(double, seconds);
    QFETCH(double, vusers);
    QFETCH(bool, free);
    QFETCH(QString, expected);
    const RampProfile before = *RampProfile::parse(profile.toStdString());
    const auto grid = ProfileDrag::gridFor(
        ProfileChartView::niceCeiling(before.totalSeconds()) /* as the axis shows */,
        ProfileChartView::niceCeiling(before.peakVusers()), free);
    const RampProfile after = ProfileDrag::dragStepEnd(before, step, seconds, vusers, grid);
    QCOMPARE(QString::fromStdString(after.toString()), expected);
}

// Wherever the dragged step ends, each later step end plans the same whole vusers as before.
void TestProfileDrag::laterLevelsAreKeptExactly()
{
    const RampProfile before = *RampProfile::parse("3,7,0,13,1,11,-2,9,0,30");
    const auto grid = ProfileDrag::gridFor(100, 60, true);
    for (double vusers = 0; vusers <= 60; vusers += 0.7) {
        const RampProfile after = ProfileDrag::dragStepEnd(before, 1, 20.3, vusers, grid);
        QCOMPARE(after.steps().size(), before.steps().size());
        double beforeEnd = 0;
        double afterEnd = 0;
        for (std::size_t i = 0; i < before.steps().size(); ++i) {
            beforeEnd += before.steps()[i].seconds;
            afterEnd += after.steps()[i].seconds;
            if (i >= 2)
                QCOMPARE(after.plannedWholeVusersAt(afterEnd),
                         before.plannedWholeVusersAt(beforeEnd));
        }
    }
}

void TestProfileDrag::draggingOnTheChartSnapsUnlessShiftIsHeld()
{
    ProjectDocument document;
    Project project = newProjectTemplate();
    project.profile = *RampProfile::parse("2,60,0,200");
    document.reset(project, QString());
    ProfileEditor editor(&document);
    editor.resize(900, 600);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    auto *view = editor.chartView();
    view->grab(); // lays the axes out
    QCoreApplication::processEvents();
    const auto drag = [&](QPointF target, Qt::KeyboardModifiers modifiers) {
        const QPointF handle = view->handleSeries()->points().at(0);
        const QPoint from =
            view->mapFromScene(view->chart()->mapToPosition(handle, view->handleSeries()));
        const QPoint to =
            view->mapFromScene(view->chart()->mapToPosition(target, view->handleSeries()));
        const auto send = [&](QEvent::Type type, QPoint at, Qt::MouseButton button,
                              Qt::MouseButtons buttons) {
            QMouseEvent event(type, QPointF(at), view->viewport()->mapToGlobal(QPointF(at)), button,
                              buttons, modifiers);
            QCoreApplication::sendEvent(view->viewport(), &event);
        };
        send(QEvent::MouseButtonPress, from, Qt::LeftButton, Qt::LeftButton);
        send(QEvent::MouseMove, to, Qt::NoButton, Qt::LeftButton);
        send(QEvent::MouseButtonRelease, to, Qt::LeftButton, Qt::NoButton);
        return document.project().profile.steps();
    };
    const auto isMultipleOf = [](double value, double step) {
        return std::abs(value / step - std::round(value / step)) < 1e-6;
    };
    auto steps = drag({61.3, 143.3}, Qt::NoModifier);
    QCOMPARE(steps.size(), std::size_t(2));
    QVERIFY2(isMultipleOf(steps[0].rate, 0.1), qPrintable(QString::number(steps[0].rate)));
    QVERIFY2(isMultipleOf(steps[0].seconds, 5), qPrintable(QString::number(steps[0].seconds)));
    QVERIFY(std::abs(steps[0].rate - 2.4) < 0.25);
    // The plateau moves with the ramp's end.
    QCOMPARE(steps[1].rate, 0.0);

    document.undoStack()->undo();
    steps = drag({61.3, 143.3}, Qt::ShiftModifier);
    QVERIFY2(!isMultipleOf(steps[0].rate, 0.1), qPrintable(QString::number(steps[0].rate)));
    QVERIFY(isMultipleOf(steps[0].rate, 0.01));
    QVERIFY(std::abs(steps[0].seconds - 61) <= 1);
}

QTEST_MAIN(TestProfileDrag)
#include "tst_profiledrag.moc"
