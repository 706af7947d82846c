#pragma once

#include "fault.h"
#include "fixtures/fixturerepos.h"
#include "httpmessage.h"
#include "requestlog.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QMutex>

namespace mistudio::fakehub {

// Everything the fake Hub knows, shared between the caller's thread (configuration, log queries)
// and the server thread (routing). Every access holds `mutex`.
struct HubState
{
    mutable QMutex mutex;
    FixtureSet fixtures;
    QList<Fault> faults;
    QList<LogEntry> log;
    QElapsedTimer clock;

    QString hubBase; // http://127.0.0.1:P1
    QString cdnBase; // http://localhost:P2
    QString otherBase; // http://127.0.0.2:P3
    int treePageSize = 3;
    int searchPageSize = 1000;
    QByteArray urlSecret = "fakehub-url-secret";
    int urlTtlSeconds = 3600;
    int urlGeneration = 0;     // bumped to expire every URL issued so far
    bool strictCdnAuth = false; // CDN answers 400 to requests that carry Authorization
    bool regularFileRedirect = false; // regular files: 307 to /api/resolve-cache (current Hub)
    bool gzipText = false;            // mode G: text files gzip + chunked when the client accepts gzip
    bool xetMode = false;             // LFS files also advertise Xet (X-Xet-Hash, Link rels, xetHash)
    qint64 cdnBytesPerSecond = 0;     // per-connection cap on every CDN response
    QHash<QByteArray, BlobPtr> cdnBlobs; // sha256 -> blob, filled as URLs are signed
    QHash<QByteArray, QJsonObject> safetensorsCache; // commit -> {parameters, total}
    qint64 requestCounter = 0;

    const Repo *repo(const QString &id) const;
    Repo *repo(const QString &id);
};

// Routing (hubroutes.cpp, modeljson.cpp, cdnroutes.cpp); the caller holds state.mutex.
HttpResponse routeHub(HubState &state, const HttpRequest &request);
HttpResponse routeCdn(HubState &state, const HttpRequest &request);
// Applies the configured faults to a routed response (faultengine.cpp).
void applyFaults(HubState &state, const HttpRequest &request, Listener listener, HttpResponse &response);

} // namespace mistudio::fakehub
