#include "service/modelqueries.h"

#include "service/modelservice.h"

#include <QSet>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

constexpr int kScanPage = 1000; // the store's largest page

std::optional<SortKey> storeKey(ModelSelection::Sort sort)
{
    switch (sort) {
    case ModelSelection::Sort::CreatedAt: return SortKey::CreatedAt;
    case ModelSelection::Sort::UpdatedAt: return SortKey::UpdatedAt;
    case ModelSelection::Sort::Name: return SortKey::Name;
    case ModelSelection::Sort::RepoId: return SortKey::RepoId;
    case ModelSelection::Sort::StatusName: return SortKey::StatusName;
    case ModelSelection::Sort::SizeBytes: return SortKey::SizeBytes;
    case ModelSelection::Sort::ParamsCount: return std::nullopt;
    }
    return std::nullopt;
}

// The store's order for a parameter count: unknown counts last in both directions, ties by id
// in the sort's direction.
void sortByParams(std::vector<ModelRecord> &rows, SortOrder order)
{
    const bool asc = order == SortOrder::Ascending;
    std::stable_sort(rows.begin(), rows.end(), [asc](const ModelRecord &a, const ModelRecord &b) {
        if (a.paramsCount.has_value() != b.paramsCount.has_value())
            return a.paramsCount.has_value();
        if (a.paramsCount != b.paramsCount)
            return asc ? *a.paramsCount < *b.paramsCount : *a.paramsCount > *b.paramsCount;
        const QString ia = a.id.toString(QUuid::WithoutBraces);
        const QString ib = b.id.toString(QUuid::WithoutBraces);
        return asc ? ia < ib : ia > ib;
    });
}

} // namespace

Result<ModelSlice> ModelQueries::select(const ModelSelection &s) const
{
    if (s.limit < 1 || s.limit > 1000)
        return Error::make(ErrorCode::InvalidInput, u"The limit must be from 1 to 1000"_s,
                           {{u"field"_s, u"limit"_s}});
    if (s.offset < 0)
        return Error::make(ErrorCode::InvalidInput, u"The offset must be 0 or more"_s,
                           {{u"field"_s, u"offset"_s}});
    ModelQuery q;
    q.status = s.status;
    q.search = s.search;
    q.order = s.order;
    const std::optional<SortKey> key = storeKey(s.sort);
    q.sort = key.value_or(SortKey::CreatedAt);

    ModelSlice slice;
    slice.offset = s.offset;
    slice.limit = s.limit;
    if (!s.keep && key && s.offset % s.limit == 0) {
        q.page = int(s.offset / s.limit) + 1;
        q.limit = s.limit;
        Result<ModelPage> page = m_service.list(q);
        if (!page)
            return page.error();
        slice.items = std::move(page->items);
        slice.total = page->total;
        return slice;
    }

    // Every matching record, in the store's order. A record made or deleted while the pages
    // are read can shift a row across a page boundary: ids already seen are skipped.
    std::vector<ModelRecord> rows;
    QSet<QUuid> seen;
    q.limit = kScanPage;
    for (q.page = 1;; ++q.page) {
        Result<ModelPage> page = m_service.list(q);
        if (!page)
            return page.error();
        for (ModelRecord &r : page->items) {
            if (seen.contains(r.id))
                continue;
            seen.insert(r.id);
            if (!s.keep || s.keep(r))
                rows.push_back(std::move(r));
        }
        if (qint64(q.page) * kScanPage >= page->total || page->items.empty())
            break;
    }
    if (!key)
        sortByParams(rows, s.order);
    slice.total = qint64(rows.size());
    const qint64 end = std::min<qint64>(slice.total, s.offset + s.limit);
    for (qint64 i = s.offset; i < end; ++i)
        slice.items.push_back(std::move(rows[size_t(i)]));
    return slice;
}

} // namespace mistudio
