#pragma once

#include <QProcessEnvironment>
#include <QString>
#include <QUrl>

class QSettings;

namespace mistudio::hub {

// Where a token came from, for the UI ("using HF_TOKEN") — never the token itself in logs.
struct ResolvedToken
{
    QString token;  // empty: anonymous
    QString source; // "explicit", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_TOKEN_PATH",
                    // "$HF_HOME/token", "~/.cache/huggingface/token", "stored", or "" when none
};

// Token precedence (hub-protocol.md §2.1, issue 3): explicit > HF_TOKEN > HUGGING_FACE_HUB_TOKEN >
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

    // explicit endpoint > HF_ENDPOINT > settings hub/endpoint > https://huggingface.co;
    // HF_HUB_OFFLINE in {1, true, yes, on}; the token per resolveToken().
    static HubOptions fromEnvironment(const QProcessEnvironment &env, const QSettings *settings,
                                      const QString &explicitToken = QString(),
                                      const QString &storedToken = QString(),
                                      const QString &explicitEndpoint = QString());
};

} // namespace mistudio::hub
