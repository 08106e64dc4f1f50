#include "icons.h"

#include <QApplication>
#include <QIconEngine>
#include <QPainter>
#include <QPainterPath>
#include <QPalette>
#include <QPixmap>

namespace Loadwizard::Ui::Icons {

namespace {

const QColor green(0x2e, 0xa0, 0x4f);
const QColor red(0xd6, 0x45, 0x41);
const QColor amber(0xe0, 0xa1, 0x00);

/// Draws one glyph on a 24 × 24 grid; `ink` is the palette's text colour for the icon's mode.
void drawGlyph(QPainter &p, Glyph glyph, const QColor &ink, bool disabled, bool darkGround)
{
    // Lighter status colours on a dark window, so they stand out as much as the text does.
    const auto accent = [&](const QColor &colour) {
        return disabled ? ink : darkGround ? colour.lighter(135) : colour;
    };
    QPen pen(ink, 1.8, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    p.setPen(pen);
    p.setBrush(Qt::NoBrush);
    const auto page = [&] {
        QPainterPath path;
        path.moveTo(6, 3);
        path.lineTo(14, 3);
        path.lineTo(19, 8);
        path.lineTo(19, 21);
        path.lineTo(6, 21);
        path.closeSubpath();
        p.drawPath(path);
        p.drawPolyline(QPolygonF({{14, 3}, {14, 8}, {19, 8}}));
    };
    const auto arrowHead = [&](QPointF tip, QPointF a, QPointF b) {
        p.drawPolyline(QPolygonF({a, tip, b}));
    };
    const auto markInCircle = [&](const QColor &colour, bool cross) {
        p.setPen(Qt::NoPen);
        p.setBrush(accent(colour));
        p.drawEllipse(QPointF(12, 12), 9.5, 9.5);
        p.setPen(QPen(Qt::white, 2.4, Qt::SolidLine, Qt::RoundCap));
        if (cross) {
            p.drawLine(QPointF(8.5, 8.5), QPointF(15.5, 15.5));
            p.drawLine(QPointF(15.5, 8.5), QPointF(8.5, 15.5));
        } else {
            p.drawLine(QPointF(12, 6.5), QPointF(12, 13));
            p.drawPoint(QPointF(12, 17));
        }
    };
    switch (glyph) {
    case Glyph::New:
        page();
        p.drawLine(QPointF(12.5, 11), QPointF(12.5, 17));
        p.drawLine(QPointF(9.5, 14), QPointF(15.5, 14));
        break;
    case Glyph::File:
        page();
        p.drawLine(QPointF(9, 12), QPointF(16, 12));
        p.drawLine(QPointF(9, 16), QPointF(16, 16));
        break;
    case Glyph::Open: {
        QPainterPath path;
        path.moveTo(3, 19);
        path.lineTo(3, 5);
        path.lineTo(9, 5);
        path.lineTo(11, 7);
        path.lineTo(19, 7);
        path.lineTo(19, 10);
        p.drawPath(path);
        QPainterPath front;
        front.moveTo(3, 19);
        front.lineTo(6.5, 10);
        front.lineTo(22, 10);
        front.lineTo(18.5, 19);
        front.closeSubpath();
        p.drawPath(front);
        break;
    }
    case Glyph::Save:
        p.drawRoundedRect(QRectF(4, 4, 16, 16), 2, 2);
        p.drawRect(QRectF(8, 4, 8, 5));
        p.drawRect(QRectF(7.5, 13, 9, 7));
        break;
    case Glyph::Undo:
    case Glyph::Redo: {
        if (glyph == Glyph::Redo) {
            p.translate(24, 0);
            p.scale(-1, 1);
        }
        QPainterPath path;
        path.moveTo(19, 19);
        path.cubicTo(19, 11, 15, 9, 5, 9);
        p.drawPath(path);
        arrowHead({5, 9}, {9, 5}, {9, 13});
        break;
    }
    case Glyph::Run:
        p.setPen(Qt::NoPen);
        p.setBrush(accent(green));
        p.drawPolygon(QPolygonF({{7, 4}, {20, 12}, {7, 20}}));
        break;
    case Glyph::Stop:
        p.setPen(Qt::NoPen);
        p.setBrush(ink);
        p.drawRoundedRect(QRectF(6, 6, 12, 12), 1.5, 1.5);
        break;
    case Glyph::Abort:
    case Glyph::Failed:
        markInCircle(red, true);
        break;
    case Glyph::Error:
        markInCircle(red, false);
        break;
    case Glyph::Pause:
        p.setPen(Qt::NoPen);
        p.setBrush(ink);
        p.drawRoundedRect(QRectF(6.5, 5, 4, 14), 1, 1);
        p.drawRoundedRect(QRectF(13.5, 5, 4, 14), 1, 1);
        break;
    case Glyph::Design: {
        QPainterPath path;
        path.moveTo(15, 4);
        path.lineTo(20, 9);
        path.lineTo(9, 20);
        path.lineTo(4, 20);
        path.lineTo(4, 15);
        path.closeSubpath();
        p.drawPath(path);
        p.drawLine(QPointF(12.5, 6.5), QPointF(17.5, 11.5));
        break;
    }
    case Glyph::Project:
        for (const auto &[y, x] : {std::pair{6.0, 15.0}, {12.0, 8.0}, {18.0, 13.0}}) {
            p.drawLine(QPointF(3, y), QPointF(21, y));
            p.setBrush(p.pen().color());
            p.drawEllipse(QPointF(x, y), 2.2, 2.2);
            p.setBrush(Qt::NoBrush);
        }
        break;
    case Glyph::Scenario:
        for (double y : {6.0, 12.0, 18.0}) {
            p.drawRect(QRectF(3.5, y - 2, 4, 4));
            p.drawLine(QPointF(11, y), QPointF(21, y));
        }
        break;
    case Glyph::Profile:
        p.drawPolyline(QPolygonF({{3, 3}, {3, 21}, {21, 21}}));
        p.drawPolyline(QPolygonF({{6, 18}, {11, 8}, {16, 8}, {20, 15}}));
        break;
    case Glyph::Rendezvous:
        for (double y : {5.0, 12.0, 19.0})
            p.drawLine(QPointF(3, y), QPointF(12, 12));
        p.drawLine(QPointF(12, 12), QPointF(21, 12));
        arrowHead({21, 12}, {17.5, 8.5}, {17.5, 15.5});
        break;
    case Glyph::Outputs:
        p.drawPolyline(QPolygonF({{4, 13}, {4, 20}, {20, 20}, {20, 13}}));
        p.drawLine(QPointF(12, 16), QPointF(12, 3.5));
        arrowHead({12, 3.5}, {8, 7.5}, {16, 7.5});
        break;
    case Glyph::Groups: {
        const auto person = [&](double x, double y, double scale) {
            p.drawEllipse(QPointF(x, y), 3 * scale, 3 * scale);
            QPainterPath body;
            body.moveTo(x - 6 * scale, 21);
            body.cubicTo(x - 6 * scale, y + 5, x + 6 * scale, y + 5, x + 6 * scale, 21);
            p.drawPath(body);
        };
        person(16, 7, 0.85);
        person(9, 9, 1);
        break;
    }
    case Glyph::Results: // a page with a rising line: a saved run's chart
        p.drawRoundedRect(QRectF(3.5, 3.5, 17, 17), 2, 2);
        p.drawPolyline(QPolygonF({{6.5, 16.5}, {10, 11.5}, {13, 13.5}, {17.5, 7}}));
        break;
    case Glyph::Add:
        p.drawLine(QPointF(12, 5), QPointF(12, 19));
        p.drawLine(QPointF(5, 12), QPointF(19, 12));
        break;
    case Glyph::Remove:
        p.drawLine(QPointF(5, 12), QPointF(19, 12));
        break;
    case Glyph::Trash:
        p.drawLine(QPointF(4.5, 6.5), QPointF(19.5, 6.5));
        p.drawPolyline(QPolygonF({{9.5, 6.5}, {10, 3.5}, {14, 3.5}, {14.5, 6.5}}));
        p.drawPolyline(QPolygonF({{6.5, 6.5}, {7.5, 20.5}, {16.5, 20.5}, {17.5, 6.5}}));
        p.drawLine(QPointF(10.5, 10), QPointF(10.5, 17));
        p.drawLine(QPointF(13.5, 10), QPointF(13.5, 17));
        break;
    case Glyph::Up:
        p.drawLine(QPointF(12, 20), QPointF(12, 5));
        arrowHead({12, 5}, {6, 11}, {18, 11});
        break;
    case Glyph::Down:
        p.drawLine(QPointF(12, 4), QPointF(12, 19));
        arrowHead({12, 19}, {6, 13}, {18, 13});
        break;
    case Glyph::Reload: {
        QPainterPath arc;
        arc.arcMoveTo(QRectF(4, 4, 16, 16), 60);
        arc.arcTo(QRectF(4, 4, 16, 16), 60, 280);
        p.drawPath(arc);
        const QPointF tip = arc.pointAtPercent(0);
        arrowHead(tip, tip + QPointF(-5, -0.5), tip + QPointF(-1, 4.5));
        break;
    }
    case Glyph::Reveal: {
        QPainterPath eye;
        eye.moveTo(2.5, 12);
        eye.quadTo(12, 2.5, 21.5, 12);
        eye.quadTo(12, 21.5, 2.5, 12);
        p.drawPath(eye);
        p.setBrush(ink);
        p.drawEllipse(QPointF(12, 12), 2.8, 2.8);
        break;
    }
    case Glyph::Close:
        p.drawLine(QPointF(6, 6), QPointF(18, 18));
        p.drawLine(QPointF(18, 6), QPointF(6, 18));
        break;
    case Glyph::Passed:
        p.setPen(QPen(accent(green), 2.6, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.drawPolyline(QPolygonF({{5, 12.5}, {10, 17.5}, {19, 6.5}}));
        break;
    case Glyph::Warning: {
        p.setPen(QPen(accent(amber), 1.5, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.setBrush(accent(amber));
        p.drawPolygon(QPolygonF({{12, 3}, {21.5, 20}, {2.5, 20}}));
        p.setPen(QPen(Qt::black, 2.2, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(QPointF(12, 9), QPointF(12, 14));
        p.drawPoint(QPointF(12, 17));
        break;
    }
    }
}

class GlyphEngine : public QIconEngine
{
public:
    explicit GlyphEngine(Glyph glyph)
        : m_glyph(glyph)
    {}

    void paint(QPainter *painter, const QRect &rect, QIcon::Mode mode, QIcon::State) override
    {
        // The palette of now, not of when the icon was made: a scheme switch recolours it.
        const QPalette palette = QApplication::palette();
        const QColor ink = mode == QIcon::Disabled
                               ? palette.color(QPalette::Disabled, QPalette::WindowText)
                           : mode == QIcon::Selected ? palette.color(QPalette::HighlightedText)
                                                     : palette.color(QPalette::WindowText);
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        const double side = std::min(rect.width(), rect.height());
        painter->translate(rect.x() + (rect.width() - side) / 2,
                           rect.y() + (rect.height() - side) / 2);
        painter->scale(side / 24, side / 24);
        const bool darkGround = palette.color(QPalette::Window).lightness() < 128;
        drawGlyph(*painter, m_glyph, ink, mode == QIcon::Disabled, darkGround);
        painter->restore();
    }

    QPixmap pixmap(const QSize &size, QIcon::Mode mode, QIcon::State state) override
    {
        return scaledPixmap(size, mode, state, 1.0);
    }

    QPixmap scaledPixmap(const QSize &size, QIcon::Mode mode, QIcon::State state,
                         qreal scale) override
    {
        QPixmap pixmap(size * scale);
        pixmap.fill(Qt::transparent);
        {
            QPainter painter(&pixmap);
            paint(&painter, QRect(QPoint(), pixmap.size()), mode, state);
        }
        pixmap.setDevicePixelRatio(scale);
        return pixmap;
    }

    QSize actualSize(const QSize &size, QIcon::Mode, QIcon::State) override { return size; }
    QIconEngine *clone() const override { return new GlyphEngine(m_glyph); }
    QString key() const override { return QStringLiteral("loadwizard-glyph"); }

private:
    Glyph m_glyph;
};

} // namespace

QIcon icon(Glyph glyph)
{
    return QIcon(new GlyphEngine(glyph));
}

} // namespace Loadwizard::Ui::Icons
