#pragma once

#include "modelbackend.h"
#include "store/modelrecord.h"

#include <optional>

namespace mistudio::ui {

// What a model's row shows, derived in one place from the record's (derived) status and its
// active job, the way qBittorrent derives a torrent's visible state from a few facts. A
// "pending" model means three different things to a user: paused (partial data kept, Resume),
// waiting for a token, or never started / cancelled (nothing kept, Download).
enum class RowState
{
    NotDownloaded, // no job, no files: cancelled, or created without a download
    Queued,
    Downloading,
    Quantizing,
    Stopping, // a pause or cancel is under way
    Paused,
    NeedsToken,
    Ready,
    Failed,
};

RowState deriveRowState(const ModelRecord &record, const std::optional<JobInfo> &job);
QString rowStateText(RowState state);

// The filter bar's groups.
enum class FilterCategory
{
    All,
    Active, // queued, downloading, quantizing, stopping
    Paused, // paused, waiting for a token, not downloaded
    Ready,
    Failed,
};
inline constexpr int kFilterCategoryCount = 5;
FilterCategory categoryOf(RowState state);
QString categoryText(FilterCategory category);

} // namespace mistudio::ui
