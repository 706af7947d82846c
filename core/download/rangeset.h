#pragma once

#include <QtGlobal>

#include <map>
#include <optional>
#include <utility>
#include <vector>

namespace mistudio {

// Byte ranges [begin, end) of one file, kept sorted and merged: what is on disk, what is claimed
// by transfers. Not thread-safe (its owner locks).
class RangeSet final
{
public:
    using Range = std::pair<qint64, qint64>; // [first, second)

    // Adds [begin, end); empty or inverted ranges add nothing.
    void add(qint64 begin, qint64 end);
    void add(const RangeSet &other);
    void clear();

    bool isEmpty() const { return m_ranges.empty(); }
    qint64 total() const { return m_total; }
    bool contains(qint64 begin, qint64 end) const;
    // The end of the run of covered bytes that starts at `from` (`from` itself if it is not covered).
    qint64 contiguousEnd(qint64 from) const;
    // The first uncovered range at or after `from` and before `limit`, if any.
    std::optional<Range> firstGap(qint64 from, qint64 limit) const;
    // Bytes of [0, limit) not covered.
    qint64 uncovered(qint64 limit) const;
    std::vector<Range> ranges() const;

    friend bool operator==(const RangeSet &, const RangeSet &) = default;

private:
    std::map<qint64, qint64> m_ranges; // begin → end, disjoint and not touching
    qint64 m_total = 0;
};

} // namespace mistudio
