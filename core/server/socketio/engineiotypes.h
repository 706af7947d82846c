#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QUrlQuery>

#include <functional>

namespace mistudio::sio {

// Bounds and timers of the Engine.IO server. The defaults are python-socketio's (what the
// original backend runs) except the payload limit, which is the API server's body limit.
struct EngineIoOptions
{
    int pingIntervalMs = 25000;
    int pingTimeoutMs = 20000;
    // The largest polling POST body or WebSocket message a client may send; announced in the
    // handshake (maxPayload), so the client batches below it.
    qint64 maxPayload = 64 * 1024;
    int maxPacketsPerPayload = 256;
    // Sessions overall and per client address; a handshake over either is refused.
    int maxSessions = 1000;
    int maxSessionsPerAddress = 64;
    // What one session may have waiting to be sent (a client that does not poll, or reads its
    // WebSocket slowly): over either bound, an older packet with the same coalescing key is
    // replaced (latest progress wins); when that is not enough the session is closed.
    int maxQueuedPackets = 1024;
    qint64 maxQueuedBytes = 1024 * 1024;
    // Bytes handed to a WebSocket and not yet written before further packets queue.
    qint64 maxWebSocketPendingBytes = 256 * 1024;
    // A probe WebSocket that has not completed the upgrade by then is closed.
    int upgradeTimeoutMs = 10000;
};

// One HTTP request of the polling transport, as the HTTP layer hands it over.
struct PollingRequest
{
    QByteArray method; // GET (handshake or long-poll) or POST (packets from the client)
    QUrlQuery query;   // EIO, transport, sid
    QByteArray body;
    QHostAddress peer;
};

struct PollingReply
{
    int status = 200;
    QByteArray contentType = "text/plain; charset=UTF-8";
    QByteArray body;
};

// Answers a polling request, now or later (a long-poll).
using PollingResponder = std::function<void(const PollingReply &)>;

} // namespace mistudio::sio
