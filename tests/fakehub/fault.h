#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace mistudio::fakehub {

// Other: a third listener on 127.0.0.2 ("another host": a mirror that serves the hub's routes),
// which a redirect may point at; its log shows whether a client sent it the token.
enum class Listener { Hub, Cdn, Any, Other };

// One injected fault (docs/fakehub.md, "Faults"). A fault matches requests by listener, method, a
// substring of the decoded path and, optionally, a file byte offset the response covers; it lets
// `skip` matching requests pass, then fires `times` times (-1: forever).
struct Fault
{
    enum class Kind {
        Status,         // plain error status (500/502/503/504/408/...), JSON error body
        RateLimit,      // 429 with RateLimit: "<bucket>";r=0;t=<seconds> + RateLimit-Policy
        RetryAfter,     // 429 with Retry-After: <seconds> and no RateLimit
        RetryAfterDate, // 429 with Retry-After: <HTTP-date> (clients must fall back to backoff)
        Reset,          // close the connection without answering
        Truncate,       // promise Content-Length N, send afterBytes < N, close the connection
        Stall,          // send headers + afterBytes, then silence for stallMs, then close
        IgnoreRange,    // answer 200 with the full body to a Range request
        ShortChunked,   // chunked body that ends cleanly after afterBytes
        Corrupt,        // same length, one byte flipped at afterBytes (or at the file offset atOffset)
        StripHeaders,   // drop `headers` (default X-Repo-Commit) from the response
        ExpireUrls,     // invalidate every signed CDN URL issued so far; a matching CDN request gets 403
        MoveBranch,     // after the matching request is answered, move `branch` of `repo` to `toRef`
        Throttle,       // per-connection bandwidth cap of bytesPerSecond on matching responses
        Redirect,       // answer `status` (3xx, default 302) with Location: `location`, other headers kept
    };

    Kind kind = Kind::Status;
    // matching
    Listener listener = Listener::Any;
    QByteArray method;     // empty: any
    QString pathContains;  // substring of the decoded path; empty: any
    qint64 atOffset = -1;  // only responses whose file range covers this offset; body faults act there
    int skip = 0;
    int times = 1;
    // parameters
    int status = 503;
    int seconds = 2;
    qint64 afterBytes = 0;
    int stallMs = 60000;
    qint64 bytesPerSecond = 0;
    qint64 burst = -1;     // Throttle: bytes sent at once before the cap applies (-1: automatic)
    // Redirect: {hub}, {cdn} and {other} become those listeners' base URLs, {path} the request's
    // path and query as sent, e.g. "{other}{path}" or "file:///etc/passwd".
    QString location;
    QStringList headers;
    QString repo;
    QString branch = QStringLiteral("main");
    QString toRef = QStringLiteral("next");
    // runtime counters
    int seen = 0;
    int fired = 0;

    QString kindName() const;
    QJsonObject toJson() const;
    static std::optional<Fault> fromJson(const QJsonObject &json, QString *error = nullptr);
    static std::optional<Kind> kindFromName(QStringView name);
};

} // namespace mistudio::fakehub
