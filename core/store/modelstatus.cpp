#include "store/modelstatus.h"

namespace mistudio {

DerivedModelState deriveModelStatus(const ModelFacts &facts)
{
    DerivedModelState d;
    const std::optional<JobRecord> &job = facts.latestJob;
    const bool complete = facts.downloaded && !facts.variantMissing;
    if (job && job->isActive()) {
        d.progress = job->progress;
        if (job->state == JobState::Queued || job->state == JobState::Running) {
            d.status = job->kind == JobKind::Download ? ModelStatus::Downloading
                                                      : ModelStatus::Quantizing;
        } else {
            // paused or waiting for a token: the job's state says which. A paused
            // re-quantization of a complete model leaves it usable.
            d.status = complete && job->kind == JobKind::Quantize ? ModelStatus::Ready
                                                                  : ModelStatus::Pending;
            if (d.status == ModelStatus::Ready)
                d.progress = 100;
        }
        return d;
    }
    const bool lastFailed = job && job->state == JobState::Failed;
    if (lastFailed)
        d.errorMessage = job->lastError.isEmpty() ? QStringLiteral("Unknown error") : job->lastError;
    if (complete) {
        d.status = ModelStatus::Ready;
        d.progress = 100;
    } else if (lastFailed) {
        d.status = ModelStatus::Failed;
        d.progress = job->progress;
    } else {
        d.status = ModelStatus::Pending; // never run, or cancelled (its partial data is gone)
        d.progress = 0;
    }
    return d;
}

} // namespace mistudio
