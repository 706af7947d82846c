#include "rowstate.h"

#include <QCoreApplication>

namespace mistudio::ui {

namespace {
struct RowStateText
{
    Q_DECLARE_TR_FUNCTIONS(RowStateText)
};
} // namespace

RowState deriveRowState(const ModelRecord &record, const std::optional<JobInfo> &job)
{
    if (job) {
        if (job->stopping)
            return RowState::Stopping;
        switch (job->state) {
        case JobInfo::State::Queued:
            return RowState::Queued;
        case JobInfo::State::Paused:
            return RowState::Paused;
        case JobInfo::State::NeedsToken:
            return RowState::NeedsToken;
        case JobInfo::State::Running:
            return job->phase == JobProgress::Phase::Quantize ? RowState::Quantizing
                                                              : RowState::Downloading;
        }
    }
    switch (record.status) {
    case ModelStatus::Pending:
        return RowState::NotDownloaded;
    case ModelStatus::Downloading:
        return RowState::Downloading;
    case ModelStatus::Quantizing:
        return RowState::Quantizing;
    case ModelStatus::Ready:
        return RowState::Ready;
    case ModelStatus::Failed:
        return RowState::Failed;
    }
    return RowState::NotDownloaded;
}

QString rowStateText(RowState state)
{
    switch (state) {
    case RowState::NotDownloaded:
        return RowStateText::tr("Not downloaded");
    case RowState::Queued:
        return RowStateText::tr("Queued");
    case RowState::Downloading:
        return RowStateText::tr("Downloading");
    case RowState::Quantizing:
        return RowStateText::tr("Quantizing");
    case RowState::Stopping:
        return RowStateText::tr("Stopping…");
    case RowState::Paused:
        return RowStateText::tr("Paused");
    case RowState::NeedsToken:
        return RowStateText::tr("Needs a token");
    case RowState::Ready:
        return RowStateText::tr("Ready");
    case RowState::Failed:
        return RowStateText::tr("Failed");
    }
    return {};
}

FilterCategory categoryOf(RowState state)
{
    switch (state) {
    case RowState::Queued:
    case RowState::Downloading:
    case RowState::Quantizing:
    case RowState::Stopping:
        return FilterCategory::Active;
    case RowState::Paused:
    case RowState::NeedsToken:
    case RowState::NotDownloaded:
        return FilterCategory::Paused;
    case RowState::Ready:
        return FilterCategory::Ready;
    case RowState::Failed:
        return FilterCategory::Failed;
    }
    return FilterCategory::All;
}

QString categoryText(FilterCategory category)
{
    switch (category) {
    case FilterCategory::All:
        return RowStateText::tr("All");
    case FilterCategory::Active:
        return RowStateText::tr("Downloading");
    case FilterCategory::Paused:
        return RowStateText::tr("Paused");
    case FilterCategory::Ready:
        return RowStateText::tr("Ready");
    case FilterCategory::Failed:
        return RowStateText::tr("Failed");
    }
    return {};
}

} // namespace mistudio::ui
