#pragma once

#include <QByteArray>
#include <QtGlobal>

#include <optional>

namespace mistudio {

// The one retry policy of every Hub and CDN exchange (API calls, HEAD, data ranges), the rules of
// huggingface_hub's backoff (docs/hub.md "Retries"): 408/429/5xx and transport errors retried;
// waits 1, 2, 4, 8, 8 s for API calls (jitter 1.0: none), jittered for the many data connections.

// Exponential backoff with jitter: base·2^(attempt-1) capped at max, then scaled by a random
// factor in [0.5, 1.0] so that many connections failing together do not retry in lockstep.
int backoffDelayMs(int attempt, int baseMs, int maxMs, double jitter01);

// The wait a 429 asks for, as huggingface_hub ≥ 1.22 reads it:
// `RateLimit: "bucket";r=0;t=<s>` → t+1 s; else an integer `Retry-After: <s>` → s+1 s;
// an HTTP-date Retry-After (or nothing usable) → nullopt: fall back to exponential backoff.
std::optional<int> rateLimitWaitMs(const QByteArray &rateLimit, const QByteArray &retryAfter);

} // namespace mistudio
