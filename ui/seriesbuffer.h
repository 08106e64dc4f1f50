#pragma once

#include <QList>
#include <QPointF>

namespace Loadwizard::Ui {

/// The points of one live chart series with bounded memory: past `capacity` points, adjacent
/// pairs are merged (halving the resolution), so a 24-hour run keeps at most `capacity` points
/// per series while the last ones stay at full resolution until the next merge.
class SeriesBuffer
{
public:
    enum class Merge
    {
        Mean, ///< rates: the mean keeps the area
        Max   ///< latencies, vusers: a spike must not vanish
    };

    explicit SeriesBuffer(int capacity = 1200, Merge merge = Merge::Mean);

    void append(double x, double y);
    /// Moves the last point to (x, y): a short interval folded into the one before it.
    void amendLast(double x, double y);
    void clear();
    const QList<QPointF> &points() const { return m_points; }
    /// How many raw samples one stored point stands for now.
    int stride() const { return m_stride; }
    double maxY() const { return m_maxY; }

private:
    void compact();

    QList<QPointF> m_points;
    int m_capacity;
    Merge m_merge;
    int m_stride = 1;
    int m_pendingCount = 0; ///< raw samples folded into the not-yet-stored point
    QPointF m_pending;
    double m_maxY = 0;
};

} // namespace Loadwizard::Ui
