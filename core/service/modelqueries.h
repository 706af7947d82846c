#pragma once

#include "common/result.h"
#include "store/modelrecord.h"

#include <functional>
#include <optional>
#include <vector>

namespace mistudio {

class ModelService;

// A catalogue read that the store's ModelQuery cannot express: any predicate over the records,
// an offset that is not a page boundary, and sorting by parameter count. A face whose
// vocabulary differs from the catalogue's (docs/remote-frontends.md) translates its filters
// into `keep` and leaves the reading, ordering and slicing to this one place.
struct ModelSelection
{
    enum class Sort { CreatedAt, UpdatedAt, Name, RepoId, StatusName, SizeBytes, ParamsCount };

    std::optional<ModelStatus> status; // narrowed by the store
    QString search;                    // narrowed by the store (name or repo id, any case)
    std::function<bool(const ModelRecord &)> keep; // then this, when set
    Sort sort = Sort::CreatedAt;
    SortOrder order = SortOrder::Descending;
    qint64 offset = 0; // records skipped, any number (not only page boundaries)
    int limit = 50;    // 1..1000
};

struct ModelSlice
{
    std::vector<ModelRecord> items;
    qint64 total = 0; // records matching the selection, over all slices
    qint64 offset = 0;
    int limit = 50;
};

class ModelQueries final
{
public:
    explicit ModelQueries(const ModelService &service) : m_service(service) {}

    // Ties are ordered by id in the sort's direction and unknown sizes or parameter counts come
    // last in both orders, as the store orders its pages. With neither `keep`, a parameter-count
    // sort nor an offset off a page boundary this is one page read of the store; otherwise the
    // matching records are read in pages of 1000, so the cost grows with the catalogue.
    Result<ModelSlice> select(const ModelSelection &selection) const;

private:
    const ModelService &m_service;
};

} // namespace mistudio
