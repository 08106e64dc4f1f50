#include "seriesbuffer.h"

#include <algorithm>

namespace Loadwizard::Ui {

SeriesBuffer::SeriesBuffer(int capacity, Merge merge)
    : m_capacity(std::max(16, capacity & ~1))
    , m_merge(merge)
{
    m_points.reserve(m_capacity);
}

void SeriesBuffer::clear()
{
    m_points.clear();
    m_stride = 1;
    m_pendingCount = 0;
    m_maxY = 0;
}

void SeriesBuffer::append(double x, double y)
{
    m_maxY = std::max(m_maxY, y);
    if (m_stride == 1) {
        m_points.append({x, y});
    } else {
        // Fold raw samples until a whole stride is collected, showing the partial point live.
        if (m_pendingCount == 0)
            m_pending = {x, y};
        else if (m_merge == Merge::Max)
            m_pending = {x, std::max(m_pending.y(), y)};
        else
            m_pending = {x, (m_pending.y() * m_pendingCount + y) / (m_pendingCount + 1)};
        ++m_pendingCount;
        if (m_pendingCount == 1)
            m_points.append(m_pending);
        else
            m_points.back() = m_pending;
        if (m_pendingCount == m_stride)
            m_pendingCount = 0;
    }
    if (m_points.size() >= m_capacity)
        compact();
}

void SeriesBuffer::amendLast(double x, double y)
{
    if (m_points.isEmpty()) {
        append(x, y);
        return;
    }
    m_points.back() = {x, y};
    if (m_pendingCount > 0)
        m_pending = m_points.back();
    m_maxY = std::max(m_maxY, y);
}

void SeriesBuffer::compact()
{
    QList<QPointF> merged;
    merged.reserve(m_capacity);
    for (int i = 0; i + 1 < m_points.size(); i += 2) {
        const QPointF &a = m_points[i];
        const QPointF &b = m_points[i + 1];
        const double y = m_merge == Merge::Max ? std::max(a.y(), b.y()) : (a.y() + b.y()) / 2;
        merged.append({b.x(), y});
    }
    if (m_points.size() % 2)
        merged.append(m_points.back());
    m_points = std::move(merged);
    m_stride *= 2;
    m_pendingCount = 0;
}

} // namespace Loadwizard::Ui
