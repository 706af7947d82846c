#pragma once

#include "hub/redirectpolicy.h"

#include <QProcessEnvironment>
#include <QString>
#include <QUrl>

#include <memory>

class QSettings;

namespace mistudio::hub {

class CancelSource;

// Where a token came from, for the UI ("using HF_TOKEN") — never the token itself in logs.
struct ResolvedToken
{
    QString token;  // empty: anonymous
    QString source; // "explicit", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_TOKEN_PATH",
                    // "$HF_HOME/token", "~/.cache/huggingface/token", "stored", or "" when none
};

// Token precedence (docs/hub.md H6): explicit > HF_TOKEN > HUGGING_FACE_HUB_TOKEN >
// $HF_TOKEN_PATH or $HF_HOME/token > ~/.cache/huggingface/token > the app's stored token.
// Values are trimmed; an empty value counts as no token.
ResolvedToken resolveToken(const QString &explicitToken, const QProcessEnvironment &env,
                           const QString &storedToken = QString());

// Everything a HubClient needs to know about its environment, resolved once.
struct HubOptions
{
    QUrl endpoint{QStringLiteral("https://huggingface.co")};
    ResolvedToken token;
    bool offline = false;       // HF_HUB_OFFLINE: no request leaves the machine
    QUrl proxy;                 // settings hub/proxy; empty: the environment's proxies (http_proxy, no_proxy)
    int timeoutMs = 30000;      // no bytes for this long → timeout error
    int maxAttempts = 6;        // per request, for 408/429/5xx/timeouts (backoff 1, 2, 4, 8, 8 s)
    int maxRateLimitWaitMs = 5 * 60 * 1000; // a longer RateLimit reset fails at once with rate_limited
    // Low-speed rule: once an answer has started, fewer than lowSpeedBytes of it in the last
    // lowSpeedWindowMs is a timeout, not retried (a 1 byte/s drip never trips timeoutMs).
    int lowSpeedBytes = 1024;
    int lowSpeedWindowMs = 15000;
    // One call (a request with its redirects, retries and waits) ends within this; a retry that
    // would start later is not made, and an exchange still running then is aborted: timeout.
    int callDeadlineMs = 5 * 60 * 1000;
    // A loopback endpoint (a local mirror) may redirect off loopback only when allowed: settings
    // hub/allowOffLoopbackRedirects, env MISTUDIO_HUB_ALLOW_OFF_LOOPBACK_REDIRECTS=1.
    bool allowOffLoopbackRedirects = false;
    // When set and fired, every call of every client with these options fails with cancelled.
    std::shared_ptr<CancelSource> cancel;

    RedirectRules redirectRules() const { return RedirectRules{endpoint, allowOffLoopbackRedirects}; }

    // explicit endpoint > HF_ENDPOINT > settings hub/endpoint > https://huggingface.co;
    // HF_HUB_OFFLINE in {1, true, yes, on}; the token per resolveToken(); off-loopback redirects
    // from MISTUDIO_HUB_ALLOW_OFF_LOOPBACK_REDIRECTS (truthy) or settings hub/allowOffLoopbackRedirects.
    static HubOptions fromEnvironment(const QProcessEnvironment &env, const QSettings *settings,
                                      const QString &explicitToken = QString(),
                                      const QString &storedToken = QString(),
                                      const QString &explicitEndpoint = QString());
};

} // namespace mistudio::hub
