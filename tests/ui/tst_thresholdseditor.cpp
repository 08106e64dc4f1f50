#include <projectdocument.h>
#include <thresholdseditor.h>
#include <thresholdsview.h>

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QTest>
#include <QToolButton>

using namespace Loadwizard;
using namespace Loadwizard::Ui;

class TestThresholdsEditor : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void showsTheProjectsThresholdsBeforeARun();
    void addEditAndRemoveAreUndoable();
    void aBadExpressionShowsTheEnginesColumn();
    void groupSelectorsNameTheProjectsGroups();
    void abortAndGrace();

private:
    ProjectDocument *m_document = nullptr;
    ThresholdsEditor *m_editor = nullptr;
    Project m_original;
};

void TestThresholdsEditor::init()
{
    m_document = new ProjectDocument;
    m_original = Project();
    m_original.thresholds = {{"p95(requests) < 800ms", false, 0}, {"error_rate < 1%", true, 30}};
    m_document->reset(m_original, QString());
    m_editor = new ThresholdsEditor(m_document, new ThresholdsView);
    m_editor->resize(800, 400);
    m_editor->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_editor));
}

void TestThresholdsEditor::cleanup()
{
    delete m_editor;
    delete m_document;
}

void TestThresholdsEditor::showsTheProjectsThresholdsBeforeARun()
{
    ThresholdsView *view = m_editor->view();
    QCOMPARE(view->topLevelItemCount(), 2);
    QCOMPARE(view->topLevelItem(0)->text(0), QString("p95(requests) < 800ms"));
    QCOMPARE(view->topLevelItem(1)->text(2), QString("not run yet"));
    QCOMPARE(view->topLevelItem(1)->text(3), QString("abort after 30 s"));
    QCOMPARE(m_editor->currentThreshold(), -1);
    QVERIFY(!m_editor->expressionEdit()->isEnabled());
    m_editor->selectThreshold(1);
    QCOMPARE(m_editor->expressionEdit()->text(), QString("error_rate < 1%"));
    QVERIFY(m_editor->abortBox()->isChecked());
    QCOMPARE(m_editor->graceBox()->value(), 30.0);
}

void TestThresholdsEditor::addEditAndRemoveAreUndoable()
{
    m_editor->addButton()->click();
    QCOMPARE(m_document->project().thresholds.size(), std::size_t(3));
    QCOMPARE(m_document->project().thresholds[2].expression, std::string("p95(requests) < 500ms"));
    QCOMPARE(m_editor->currentThreshold(), 2);
    QCOMPARE(m_editor->view()->topLevelItem(2)->text(0), QString("p95(requests) < 500ms"));
    QLineEdit *edit = m_editor->expressionEdit();
    edit->setFocus();
    edit->selectAll();
    QTest::keyClicks(edit, "checks > 99%");
    QCOMPARE(m_document->project().thresholds[2].expression, std::string("checks > 99%"));
    QCOMPARE(m_editor->view()->topLevelItem(2)->text(0), QString("checks > 99%"));
    m_editor->selectThreshold(0);
    m_editor->removeButton()->click();
    QCOMPARE(m_document->project().thresholds.size(), std::size_t(2));
    QCOMPARE(m_document->project().thresholds[0].expression, std::string("error_rate < 1%"));
    QCOMPARE(m_editor->currentThreshold(), 0);
    // Add, one typing session, remove: three steps.
    QCOMPARE(m_document->undoStack()->count(), 3);
    m_document->undoStack()->undo();
    m_document->undoStack()->undo();
    m_document->undoStack()->undo();
    QCOMPARE(m_document->project(), m_original);
    QCOMPARE(m_editor->view()->topLevelItemCount(), 2);
}

void TestThresholdsEditor::aBadExpressionShowsTheEnginesColumn()
{
    m_editor->selectThreshold(0);
    QLineEdit *edit = m_editor->expressionEdit();
    edit->setFocus();
    edit->selectAll();
    QTest::keyClicks(edit, "p95(requests) < 800 parsecs");
    QVERIFY(m_editor->errorLabel()->isVisible());
    const QStringList lines = m_editor->errorLabel()->text().split('\n');
    QCOMPARE(lines.size(), 3);
    QVERIFY2(lines[0].startsWith("column 21: unit \"parsecs\""), qPrintable(lines[0]));
    QCOMPARE(lines[1], QString("p95(requests) < 800 parsecs"));
    QCOMPARE(lines[2], QString(20, ' ') + '^');
    // The last valid text typed was "p95(requests) < 800"; the bad one never reaches the project.
    QCOMPARE(m_document->project().thresholds[0].expression, std::string("p95(requests) < 800"));
    emit edit->editingFinished();
    QVERIFY(m_editor->errorLabel()->isHidden());
    QCOMPARE(edit->text(), QString("p95(requests) < 800"));
}

void TestThresholdsEditor::groupSelectorsNameTheProjectsGroups()
{
    m_editor->selectThreshold(0);
    QLineEdit *edit = m_editor->expressionEdit();
    edit->setFocus();
    edit->selectAll();
    QTest::keyClicks(edit, "p95(requests){group=default} < 800ms");
    QVERIFY(m_editor->errorLabel()->isHidden());
    QCOMPARE(m_document->project().thresholds[0].expression,
             std::string("p95(requests){group=default} < 800ms"));
    edit->selectAll();
    QTest::keyClicks(edit, "p95(requests){group=buy} < 800ms");
    QVERIFY(m_editor->errorLabel()->isVisible());
    QVERIFY2(
        m_editor->errorLabel()->text().startsWith("column 21: the project has no group \"buy\""),
        qPrintable(m_editor->errorLabel()->text()));
    // With a group of that name, the same text is accepted.
    Project project = m_document->project();
    ProjectGroup buy;
    buy.name = "buy";
    project.groups.push_back(buy);
    m_document->apply(project, "add group");
    edit->selectAll();
    QTest::keyClicks(edit, "p95(requests){group=buy} < 800ms");
    QVERIFY(m_editor->errorLabel()->isHidden());
    QCOMPARE(m_document->project().thresholds[0].expression,
             std::string("p95(requests){group=buy} < 800ms"));
}

void TestThresholdsEditor::abortAndGrace()
{
    m_editor->selectThreshold(0);
    QVERIFY(!m_editor->graceBox()->isEnabled());
    m_editor->abortBox()->setChecked(true);
    QVERIFY(m_document->project().thresholds[0].abort);
    QVERIFY(m_editor->graceBox()->isEnabled());
    m_editor->graceBox()->setValue(12.5);
    QCOMPARE(m_document->project().thresholds[0].graceSeconds, 12.5);
    QCOMPARE(m_editor->view()->topLevelItem(0)->text(3), QString("abort after 12.5 s"));
    m_document->undoStack()->undo();
    m_document->undoStack()->undo();
    QCOMPARE(m_document->project(), m_original);
    QVERIFY(!m_editor->abortBox()->isChecked());
}

QTEST_MAIN(TestThresholdsEditor)
#include "tst_thresholdseditor.moc"
