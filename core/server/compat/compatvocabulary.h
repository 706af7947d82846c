#pragma once

#include "common/result.h"
#include "service/servicetypes.h"
#include "store/modelrecord.h"

#include <optional>

namespace mistudio::compat {

// The original miStudio web frontend's vocabularies (docs/remote-frontends.md) and how our
// facts map onto them. Mapping only: every use case stays in ModelService.

// Its ModelStatus. `Loading` exists in its vocabulary; we never report it (our models have no
// load phase between download and ready).
enum class Status { Downloading, Loading, Quantizing, Ready, Error };

QString statusName(Status status); // "downloading", ...
std::optional<Status> statusFromName(QStringView name);
// The sentence for a help text or a 422: 'downloading', 'loading', ... or 'error'.
QString statusChoices();

// downloading and quantizing as ours; ready as ours; everything that is neither running nor
// usable is `error`: failed, a paused job, a job waiting for a token, a cancelled or never
// started download (its reason in errorMessageOf).
Status statusOf(const ModelRecord &record);
// The model's error_message in that vocabulary: ours when it failed, otherwise the reason a
// pending model is shown as `error`; empty for downloading, quantizing and ready models.
QString errorMessageOf(const ModelRecord &record, const std::optional<JobView> &job);
// Why a pending model is `error`, from its job's state (paused, needs_token, cancelled, none).
QString pendingMessage(QStringView jobState);

// Its QuantizationFormat.
enum class Quantization { FP32, FP16, Q8, Q4, Q2 };

QString quantizationName(Quantization q); // "FP32", ...
std::optional<Quantization> quantizationFromName(QStringView name);
QString quantizationChoices(); // "'FP32', 'FP16', 'Q8', 'Q4' or 'Q2'", as FastAPI words it

// bnb-4bit → Q4, bnb-8bit → Q8; an unquantized model reads FP32 when its checkpoint is stored in
// float32 (or float64) and FP16 otherwise (float16, bfloat16, or not known yet): we never
// convert dtypes, so the answer is what is on disk.
Quantization quantizationOf(const ModelRecord &record);
// The download a requested format means: Q4 → bnb-4bit NF4 with double quantization (the
// original's BitsAndBytesConfig), Q8 → bnb-8bit, FP32/FP16 → none (the checkpoint as published,
// its dtype recorded in the architecture's torch_dtype). Q2 → InvalidInput: there is no 2-bit
// format here.
Result<DownloadRequest> downloadRequestFor(Quantization q);
// Bytes per parameter of a format, for the original's memory estimate (params × this × 1.2).
double bytesPerParameter(Quantization q);

} // namespace mistudio::compat
