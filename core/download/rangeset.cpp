#include "download/rangeset.h"

namespace mistudio {

void RangeSet::add(qint64 begin, qint64 end)
{
    if (end <= begin)
        return;
    // The first range that could touch [begin, end): the one starting at or before `begin`.
    auto it = m_ranges.upper_bound(begin);
    if (it != m_ranges.begin()) {
        auto prev = std::prev(it);
        if (prev->second >= begin)
            it = prev;
    }
    // Swallow every range that overlaps or touches [begin, end).
    while (it != m_ranges.end() && it->first <= end) {
        begin = qMin(begin, it->first);
        end = qMax(end, it->second);
        m_total -= it->second - it->first;
        it = m_ranges.erase(it);
    }
    m_ranges.emplace(begin, end);
    m_total += end - begin;
}

void RangeSet::add(const RangeSet &other)
{
    for (const auto &[b, e] : other.m_ranges)
        add(b, e);
}

void RangeSet::clear()
{
    m_ranges.clear();
    m_total = 0;
}

bool RangeSet::contains(qint64 begin, qint64 end) const
{
    if (end <= begin)
        return true;
    auto it = m_ranges.upper_bound(begin);
    if (it == m_ranges.begin())
        return false;
    --it;
    return it->first <= begin && it->second >= end;
}

qint64 RangeSet::contiguousEnd(qint64 from) const
{
    auto it = m_ranges.upper_bound(from);
    if (it == m_ranges.begin())
        return from;
    --it;
    return it->second > from ? it->second : from;
}

std::optional<RangeSet::Range> RangeSet::firstGap(qint64 from, qint64 limit) const
{
    qint64 pos = contiguousEnd(from);
    if (pos >= limit)
        return std::nullopt;
    auto next = m_ranges.upper_bound(pos);
    const qint64 end = next == m_ranges.end() ? limit : qMin(limit, next->first);
    return Range{pos, end};
}

qint64 RangeSet::uncovered(qint64 limit) const
{
    qint64 covered = 0;
    for (const auto &[b, e] : m_ranges) {
        if (b >= limit)
            break;
        covered += qMin(e, limit) - qMax<qint64>(b, 0);
    }
    return qMax<qint64>(0, limit - covered);
}

std::vector<RangeSet::Range> RangeSet::ranges() const
{
    return {m_ranges.begin(), m_ranges.end()};
}

} // namespace mistudio
