#pragma once

#include "store/jobrecord.h"
#include "store/modelrecord.h"

#include <optional>

namespace mistudio {

// What a model's shown state follows from (docs/jobs.md, "Model status is derived").
struct ModelFacts
{
    bool downloaded = false;     // its files are in place (file_path set by a finished download)
    bool variantMissing = false; // a quantization was asked for and its variant is not there
    std::optional<JobRecord> latestJob; // the model's newest job, active or not
};

struct DerivedModelState
{
    ModelStatus status = ModelStatus::Pending;
    QString errorMessage; // the latest job's error when it failed and nothing runs now
    double progress = 0;  // 0..100
};

// The one function that decides a model's status: from (files present, latest job) only.
DerivedModelState deriveModelStatus(const ModelFacts &facts);

} // namespace mistudio
