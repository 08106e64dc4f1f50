// The workbench's look: colour schemes reach every widget, icons stay visible in each scheme,
// forms keep a readable width, the toolbar stays still, secrets stay masked.
#include <forms.h>
#include <groupform.h>
#include <groupseditor.h>
#include <icons.h>
#include <mainwindow.h>
#include <outputseditor.h>
#include <profileeditor.h>
#include <projectdocument.h>
#include <rundashboard.h>
#include <scenariocatalog.h>
#include <scenariopicker.h>
#include <secretdelegate.h>
#include <theme.h>

#include <loadwizard/project.h>

#include <QAction>
#include <QApplication>
#include <QFileInfo>
#include <QFormLayout>
#include <QHeaderView>
#include <QImage>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>
#include <QToolButton>
#include <QTreeWidget>
#include <QUndoStack>

#include <cmath>

using namespace Loadwizard;
using namespace Loadwizard::Ui;

class TestLook : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void everyListFollowsASchemeSwitch_data();
    void everyListFollowsASchemeSwitch();
    void glyphsStandOutFromTheWindowInEveryScheme_data();
    void glyphsStandOutFromTheWindowInEveryScheme();
    void sectionsAndActionsUseTheBundledGlyphs();
    void formFieldsStopAtAReadableWidth();
    void toolbarKeepsItsPlaceWhenUndoSaysWhatItUndoes();
    void runStopAndAbortHaveOnePlace();
    void pluginListShowsStatusHelpWithoutBackticksAndMaskedSecrets();
    void secretValuesAreMaskedAndEditedAsPasswords();

private:
    QTemporaryDir m_dir;
};

namespace {

/// How far apart two colours are (0 … 255): in lightness for the grey glyphs, in hue too for the
/// coloured ones (a green mark on a blue selection).
int contrast(const QColor &a, const QColor &b)
{
    const int dr = a.red() - b.red(), dg = a.green() - b.green(), db = a.blue() - b.blue();
    return std::max(std::abs(qGray(a.rgb()) - qGray(b.rgb())),
                    int(std::sqrt(double(dr * dr + dg * dg + db * db) / 3)));
}

} // namespace

void TestLook::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    qputenv("XDG_CACHE_HOME", m_dir.filePath("cache").toUtf8());
    qputenv("XDG_DATA_HOME", m_dir.filePath("data").toUtf8());
    QCoreApplication::setOrganizationName("loadwizard-tests");
    QCoreApplication::setApplicationName("tst_look");
}

/// The sidebar (the run dashboard has lists of its own).
static QListWidget *sectionsList(const MainWindow &window)
{
    for (auto *list : window.findChildren<QListWidget *>()) {
        if (list->accessibleName() == QLatin1String("Project sections"))
            return list;
    }
    return nullptr;
}

void TestLook::cleanup()
{
    Theme::apply(Theme::Scheme::System);
}

void TestLook::everyListFollowsASchemeSwitch_data()
{
    QTest::addColumn<QList<Theme::Scheme>>("schemes");
    using S = Theme::Scheme;
    QTest::newRow("system, dark") << QList<S>{S::System, S::Dark};
    QTest::newRow("dark, system") << QList<S>{S::Dark, S::System};
    QTest::newRow("light, dark, light") << QList<S>{S::Light, S::Dark, S::Light};
    QTest::newRow("dark, light, system") << QList<S>{S::Dark, S::Light, S::System};
}

// The sections list and the outputs list have style sheets (item padding): Qt polishes such a
// widget with a copy of the palette, so a later switch used to leave them in the old scheme.
void TestLook::everyListFollowsASchemeSwitch()
{
    QFETCH(QList<Theme::Scheme>, schemes);
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto *sections = sectionsList(window);
    QVERIFY(sections);
    QCOMPARE(sections->accessibleName(), QString("Project sections"));
    auto *outputs = window.outputsEditor()->outputList();
    for (Theme::Scheme scheme : schemes) {
        Theme::apply(scheme);
        QCoreApplication::processEvents();
        const QPalette expected = QApplication::palette();
        for (QWidget *widget : {static_cast<QWidget *>(sections), static_cast<QWidget *>(outputs),
                                static_cast<QWidget *>(&window)}) {
            for (auto role : {QPalette::Window, QPalette::Base, QPalette::Text,
                              QPalette::WindowText, QPalette::Highlight}) {
                QCOMPARE(widget->palette().color(role).name(), expected.color(role).name());
            }
        }
    }
}

void TestLook::glyphsStandOutFromTheWindowInEveryScheme_data()
{
    QTest::addColumn<Theme::Scheme>("scheme");
    QTest::newRow("light") << Theme::Scheme::Light;
    QTest::newRow("dark") << Theme::Scheme::Dark;
    QTest::newRow("system") << Theme::Scheme::System;
}

// Black glyphs on a dark toolbar vanished: each glyph has pixels that stand out from the window
// colour, in each scheme, enabled and disabled; a failed check is red, not a yellow triangle.
void TestLook::glyphsStandOutFromTheWindowInEveryScheme()
{
    QFETCH(Theme::Scheme, scheme);
    Theme::apply(scheme);
    const QColor window = QApplication::palette().color(QPalette::Window);
    for (int g = 0; g <= static_cast<int>(Icons::Glyph::Error); ++g) {
        const auto glyph = static_cast<Icons::Glyph>(g);
        for (auto mode : {QIcon::Normal, QIcon::Disabled, QIcon::Selected}) {
            const QColor ground = mode == QIcon::Selected
                                      ? QApplication::palette().color(QPalette::Highlight)
                                      : window;
            const QImage image = Icons::icon(glyph).pixmap(24, 24, mode).toImage();
            int best = 0;
            for (int y = 0; y < image.height(); ++y) {
                for (int x = 0; x < image.width(); ++x) {
                    const QColor pixel = image.pixelColor(x, y);
                    if (pixel.alpha() > 200)
                        best = std::max(best, contrast(pixel, ground));
                }
            }
            QVERIFY2(
                best > (mode == QIcon::Normal ? 80 : 40),
                qPrintable(
                    QString("glyph %1 mode %2: best contrast %3").arg(g).arg(int(mode)).arg(best)));
        }
    }
    const QImage failed = Icons::icon(Icons::Glyph::Failed).pixmap(24, 24).toImage();
    const QColor centre = failed.pixelColor(5, 12);
    QVERIFY2(centre.red() > 180 && centre.green() < centre.red() - 80 &&
                 centre.blue() < centre.red() - 80,
             qPrintable(centre.name()));
}

void TestLook::sectionsAndActionsUseTheBundledGlyphs()
{
    MainWindow window;
    auto *sections = sectionsList(window);
    QVERIFY(sections);
    QCOMPARE(sections->count(), 7); // Results included
    // The glyph engine, not a style's pixmaps: one drawn set, whatever the desktop.
    for (int row = 0; row < sections->count(); ++row) {
        const QIcon icon = sections->item(row)->icon();
        QVERIFY(!icon.isNull());
        QVERIFY2(icon.pixmap(20, 20).toImage() != icon.pixmap(20, 20, QIcon::Disabled).toImage(),
                 qPrintable(sections->item(row)->text()));
    }
    // Distinct pictures for distinct sections (the Scenario and Profile sections were a blank
    // page and a magnifier from two different sets).
    QSet<QByteArray> pictures;
    for (int row = 0; row < sections->count(); ++row) {
        const QImage image = sections->item(row)->icon().pixmap(20, 20).toImage();
        pictures.insert(
            QByteArray(reinterpret_cast<const char *>(image.constBits()), image.sizeInBytes()));
    }
    QCOMPARE(pictures.size(), 7);
    QVERIFY(!window.undoAction()->icon().isNull());
}

// A wide window used to stretch the ramp-up and target fields to 1000 px and more.
void TestLook::formFieldsStopAtAReadableWidth()
{
    MainWindow window;
    window.resize(2400, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const int cap = formFieldMaximumWidth(&window);
    QVERIFY(cap > 300 && cap < 1000);
    window.showSection(MainWindow::ProfileSection);
    QCoreApplication::processEvents();
    QLineEdit *seed = window.profileEditor()->seedEdit();
    QVERIFY(seed->isVisible());
    QVERIFY2(seed->width() <= cap, qPrintable(QString::number(seed->width())));
    QVERIFY(seed->width() > 200);
    window.showSection(MainWindow::ProjectSection);
    QCoreApplication::processEvents();
    int checked = 0;
    for (QFormLayout *form : window.findChildren<QFormLayout *>()) {
        for (int row = 0; row < form->rowCount(); ++row) {
            auto *item = form->itemAt(row, QFormLayout::FieldRole);
            auto *edit = item ? qobject_cast<QLineEdit *>(item->widget()) : nullptr;
            if (!edit || !edit->isVisible())
                continue;
            QVERIFY2(edit->width() <= cap, qPrintable(edit->accessibleName()));
            ++checked;
        }
    }
    QVERIFY(checked >= 3);
}

void TestLook::toolbarKeepsItsPlaceWhenUndoSaysWhatItUndoes()
{
    MainWindow window;
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto *toolbar = window.findChild<QToolBar *>("mainToolbar");
    QVERIFY(toolbar);
    auto *undo = toolbar->findChild<QAction *>("toolbarUndo");
    QVERIFY(undo);
    auto *undoButton = qobject_cast<QToolButton *>(toolbar->widgetForAction(undo));
    auto *runButton = toolbar->widgetForAction(window.dashboard()->runAction());
    QVERIFY(undoButton && runButton);
    QCOMPARE(undoButton->text(), QString("Undo"));
    QVERIFY(!undo->isEnabled());
    const int runX = runButton->x();

    window.profileEditor()->seedEdit()->setText("3,60,0,200");
    Project project = window.document()->project();
    project.profile = *RampProfile::parse("3,60,0,200");
    window.document()->apply(project, "Edit a long description of the ramp-up profile");
    QCoreApplication::processEvents();
    QVERIFY(undo->isEnabled());
    QCOMPARE(undoButton->text(), QString("Undo"));
    QCOMPARE(undo->toolTip(), QString("Undo Edit a long description of the ramp-up profile"));
    QCOMPARE(runButton->x(), runX);
    // The menu's Undo still says it, and the toolbar's undoes the same.
    QVERIFY(window.undoAction()->text().contains("long description"));
    undo->trigger();
    QCOMPARE(window.document()->undoStack()->index(), 0);
    QVERIFY(!undo->isEnabled());
}

void TestLook::runStopAndAbortHaveOnePlace()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    for (QAction *action : {window.dashboard()->runAction(), window.dashboard()->stopAction(),
                            window.dashboard()->abortAction()}) {
        int buttons = 0;
        for (QToolButton *button : window.findChildren<QToolButton *>()) {
            if (button->defaultAction() == action)
                ++buttons;
        }
        QCOMPARE(buttons, 1); // the main toolbar's
        QVERIFY(window.findChild<QToolBar *>("mainToolbar")->widgetForAction(action));
    }
}

void TestLook::pluginListShowsStatusHelpWithoutBackticksAndMaskedSecrets()
{
    const QString shop = qEnvironmentVariable("LOADWIZARD_BUILD_DIR") + "/scenarios/shop.so";
    if (!QFileInfo::exists(shop))
        QSKIP("scenarios/shop.so is not built (LOADWIZARD_BUILD_DIR)");
    ProjectDocument document;
    document.reset(newProjectTemplate(), QString());
    ScenarioCatalog catalog;
    ScenarioPicker picker(&document, &catalog);
    picker.show();
    picker.addFile(shop);
    QVERIFY(QTest::qWaitFor(
        [&] {
            const int index = catalog.indexOf(shop);
            return index >= 0 && catalog.entries()[index].state == ScenarioEntry::State::Loaded;
        },
        60000));
    QVERIFY(picker.select(shop));
    QTreeWidget *tree = nullptr;
    for (auto *candidate : picker.findChildren<QTreeWidget *>()) {
        if (candidate->accessibleName() == "Scenario plugins")
            tree = candidate;
    }
    QVERIFY(tree && tree->currentItem());
    QCOMPARE(tree->headerItem()->text(1), QString("Status"));
    QCOMPARE(tree->currentItem()->text(1), QString("loaded"));

    auto *table = picker.findChild<QTableWidget *>();
    QVERIFY(table);
    QCOMPARE(table->accessibleName(), QString("Scenario parameters"));
    int baseUrl = -1;
    int password = -1;
    for (int row = 0; row < table->rowCount(); ++row) {
        if (table->item(row, 0)->text() == "base_url")
            baseUrl = row;
        if (table->item(row, 0)->text() == "password")
            password = row;
    }
    QVERIFY(baseUrl >= 0 && password >= 0);
    // Help: "The shop, e.g. `loadwizard target`'s address".
    QCOMPARE(table->item(baseUrl, 3)->text(),
             QString("The shop, e.g. loadwizard target's address"));
    QVERIFY(table->item(baseUrl, 3)->toolTip().contains("<code>loadwizard target</code>"));
    // The password (default "secret") shows masked in the Value and Default columns.
    for (int column : {1, 2}) {
        const QModelIndex index = table->model()->index(password, column);
        auto *delegate = qobject_cast<SecretDelegate *>(table->itemDelegateForIndex(index));
        QVERIFY(delegate);
        QVERIFY(delegate->isSecret(index));
        QVERIFY(!delegate->isSecret(table->model()->index(baseUrl, column)));
    }
    QCOMPARE(SecretDelegate::masked("secret"), QString(8, QChar(0x25CF)));
    QCOMPARE(SecretDelegate::masked("${SHOP_PASSWORD}"), QString("${SHOP_PASSWORD}"));
    const QImage masked =
        table->viewport()->grab(table->visualItemRect(table->item(password, 1))).toImage();
    table->item(password, 0)->setText("login"); // the same value, no longer named a secret
    const QImage clear =
        table->viewport()->grab(table->visualItemRect(table->item(password, 1))).toImage();
    QVERIFY(masked != clear);
}

void TestLook::secretValuesAreMaskedAndEditedAsPasswords()
{
    QTableWidget table(2, 2);
    table.setItem(0, 0, new QTableWidgetItem("user"));
    table.setItem(0, 1, new QTableWidgetItem("demo"));
    table.setItem(1, 0, new QTableWidgetItem("api_token"));
    table.setItem(1, 1, new QTableWidgetItem("s3cr3t-value"));
    auto *delegate = new SecretDelegate(
        [&table](const QModelIndex &index) {
            return table.item(index.row(), 0)->text().contains("token");
        },
        &table);
    table.setItemDelegateForColumn(1, delegate);
    table.show();
    QVERIFY(QTest::qWaitForWindowExposed(&table));
    table.editItem(table.item(1, 1));
    auto *editor = table.findChild<QLineEdit *>();
    QVERIFY(editor);
    QCOMPARE(editor->echoMode(), QLineEdit::Password);
    QCOMPARE(editor->text(), QString("s3cr3t-value"));
    auto *reveal = editor->findChild<QAction *>("revealSecret");
    QVERIFY(reveal);
    reveal->trigger();
    QCOMPARE(editor->echoMode(), QLineEdit::Normal);
    reveal->trigger();
    QCOMPARE(editor->echoMode(), QLineEdit::Password);
    editor->setText("n3w-value");
    emit delegate->commitData(editor);
    emit delegate->closeEditor(editor);
    QCOMPARE(table.item(1, 1)->text(), QString("n3w-value"));
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete); // the closed editor

    table.editItem(table.item(0, 1));
    editor = table.findChild<QLineEdit *>();
    QVERIFY(editor);
    QCOMPARE(editor->echoMode(), QLineEdit::Normal);
    QVERIFY(!editor->findChild<QAction *>("revealSecret"));
}

QTEST_MAIN(TestLook)
#include "tst_look.moc"
