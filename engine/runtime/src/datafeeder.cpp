#include "datafeeder.h"

#include <algorithm>

namespace Loadwizard::Engine {

DataFeeder::DataFeeder(const DataFeed &feed)
    : m_feed(feed)
    , m_rows(feed.table ? std::max<std::uint64_t>(1, feed.table->rowCount()) : 1)
{}

DataFeeder::Draw DataFeeder::draw(std::uint64_t vuserId, double unit)
{
    const std::uint64_t n = m_next.fetch_add(1, std::memory_order_relaxed);
    switch (m_feed.strategy) {
    case DataStrategy::PerVuser:
        return {std::size_t((vuserId - 1) % m_rows)};
    case DataStrategy::Random:
        return {
            std::size_t(std::min<std::uint64_t>(m_rows - 1, std::uint64_t(unit * double(m_rows))))};
    case DataStrategy::Sequential:
    case DataStrategy::Unique:
        break;
    }
    if (n < m_rows)
        return {std::size_t(n)};
    if (m_feed.onExhausted == DataExhaustion::Recycle ||
        m_feed.onExhausted == DataExhaustion::Default)
        return {std::size_t(n % m_rows)};
    Draw none;
    none.exhausted = true;
    none.firstExhaustion = !m_exhausted.exchange(true, std::memory_order_relaxed);
    return none;
}

DataFeedStats DataFeeder::stats() const
{
    DataFeedStats stats;
    stats.strategy = std::string(dataStrategyName(m_feed.strategy));
    stats.rows = m_feed.table ? m_feed.table->rowCount() : 0;
    stats.handedOut = m_next.load(std::memory_order_relaxed);
    stats.exhausted = exhausted();
    if (stats.exhausted)
        stats.handedOut = std::min(stats.handedOut, stats.rows);
    return stats;
}

} // namespace Loadwizard::Engine
