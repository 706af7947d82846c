#pragma once

#include "common/error.h"

#include <QByteArray>
#include <QList>
#include <QNetworkReply>
#include <QPair>

namespace mistudio::hub {

// What the client saw of one HTTP exchange, enough to classify it.
struct HttpOutcome
{
    int status = 0;                                  // 0: no HTTP response at all
    QNetworkReply::NetworkError networkError = QNetworkReply::NoError;
    QString networkErrorText;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QUrl url;
    bool timedOut = false;                           // our transfer timeout fired
    bool authSent = false;

    QByteArray header(const QByteArray &name) const; // case-insensitive, first match
};

// Maps a failed exchange to the app's error codes (docs/hub.md H7):
// X-Error-Code RevisionNotFound / EntryNotFound / GatedRepo (401 → gated_auth_required,
// 403 → gated_access_denied) / RepoNotFound; "Access to this resource is disabled." →
// repo_disabled; "Invalid credentials in Authorization header" → invalid_token; any other 401
// on a repo URL → repo_not_found (private and missing look the same); 429 → rate_limited;
// 5xx → server_error; 408 and transfer timeouts → timeout; socket failures → network_error.
// The message is the Hub's own (X-Error-Message, else the JSON/text body) and requestId is
// X-Request-Id (else X-Amzn-Trace-Id, else X-Amz-Cf-Id). details carry http_status and url.
Error errorFromOutcome(const HttpOutcome &o);

// True when repeating the same request may succeed (408, 429, 5xx, timeouts, dropped sockets).
bool isRetryable(const HttpOutcome &o);

// How long to wait before attempt `attempt + 1` of an API call after a retryable failure (attempt
// counts from 1), by the one retry policy (common/retrypolicy.h): a 429's RateLimit / integer
// Retry-After, else 1, 2, 4, 8, 8 s.
qint64 retryWaitMs(const HttpOutcome &o, int attempt);

} // namespace mistudio::hub
