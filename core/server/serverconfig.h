#pragma once

#include "server/http/limits.h"
#include "server/socketio/engineiotypes.h"

#include <QHostAddress>
#include <QString>
#include <QStringList>

namespace mistudio {

struct ServerConfig
{
    QHostAddress host = QHostAddress(QHostAddress::LocalHost); // 127.0.0.1 by default
    quint16 port = 8765; // 0 = any free port (tests)
    // The API token. Required (checked on every request and WebSocket upgrade) whenever the
    // server listens on anything but loopback, or when requireToken is set.
    QString token;
    bool requireToken = false;
    // Browser origins allowed for CORS and WebSocket upgrades, e.g. "http://localhost:5173".
    // Requests without an Origin header (non-browser clients) are not affected.
    QStringList allowedOrigins;
    // Connection, header, body and time limits, checked before any request is authenticated
    // (docs/security.md lists the defaults). http.maxBodyBytes (64 KiB) is the API's body limit.
    http::Limits http;
    // Failed authentications from one address: after `maxAuthFailures` within the window,
    // that address gets 429 for every further failure until `lockoutSeconds` have passed. A
    // valid token always passes, even from a locked address: only guesses are slowed down.
    int maxAuthFailures = 10;
    int failureWindowSeconds = 60;
    int lockoutSeconds = 60;
    // WebSocket: bytes a client may have unsent before its queue holds back (latest progress
    // wins), and queued messages before it is disconnected as too slow.
    qint64 wsMaxPendingBytes = 256 * 1024;
    int wsMaxQueuedMessages = 1024;
    // The LAN mirror (`serve --mirror`, setting server/mirror; off by default): the Hub's
    // read-only routes for the catalogue's ready models (docs/huggingface.md). Public models are
    // served to anyone who can reach the server, the others to holders of the API token.
    bool mirror = false;

    // The original miStudio web frontend's API (docs/remote-frontends.md). By default under
    // compatPrefix: the frontend's VITE_API_URL is then http://HOST:PORT/compat. With
    // compatAtRoot it answers /api/v1/models itself, a drop-in for the original backend behind
    // an unchanged reverse proxy; the native model routes then move to /native/api/v1.
    QString compatPrefix = QStringLiteral("/compat");
    bool compatAtRoot = false;
    // Its Socket.IO endpoint, always at /ws/socket.io (the path the frontend has built in).
    sio::EngineIoOptions socketIo;

    static bool isLoopback(const QHostAddress &address) { return address.isLoopback(); }
    bool tokenRequired() const { return requireToken || !host.isLoopback(); }
};

} // namespace mistudio
