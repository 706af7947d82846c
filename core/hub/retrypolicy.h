#pragma once

#include "hub/huberror.h"

#include <QDateTime>

#include <optional>

namespace mistudio::hub {

// How long to wait before attempt `attempt + 1` after a retryable failure (attempt counts from 1):
// 429 with `RateLimit: "bucket";r=0;t=T` → (T + 1) s, as huggingface_hub ≥ 1.2 does; else
// `Retry-After: S` (whole seconds); else exponential backoff 1, 2, 4, 8, 8 ... s. A Retry-After
// HTTP-date is not trusted (clock skew) and falls back to the backoff.
qint64 retryWaitMs(const HttpOutcome &o, int attempt);

// The `t=` of a RateLimit header value, in seconds.
std::optional<qint64> rateLimitResetSeconds(const QByteArray &rateLimit);

} // namespace mistudio::hub
