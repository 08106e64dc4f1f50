// The workbench's look: colour schemes reach every widget, icons stay visible in each scheme.
#include <icons.h>
#include <mainwindow.h>
#include <outputseditor.h>
#include <theme.h>

#include <QAction>
#include <QApplication>
#include <QImage>
#include <QListWidget>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

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
    auto *sections = window.findChild<QListWidget *>();
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
    auto *sections = window.findChild<QListWidget *>();
    QVERIFY(sections);
    QCOMPARE(sections->count(), 6);
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
    QCOMPARE(pictures.size(), 6);
    QVERIFY(!window.undoAction()->icon().isNull());
}

QTEST_MAIN(TestLook)
#include "tst_look.moc"
