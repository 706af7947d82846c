#pragma once

#include <QtGlobal>

namespace mistudio::http {

// Every bound the HTTP layer enforces, with the defaults docs/security.md lists. They hold
// before any handler runs: a client that has not authenticated yet can cost the server at
// most one connection slot, maxHeaderBytes of buffer and a few seconds.
struct Limits
{
    // Request line plus headers; over it: 431 headers_too_large.
    qsizetype maxHeaderBytes = 16 * 1024;
    int maxHeaderCount = 100;
    // A body a handler reads with HeadAction::readBody() and no explicit limit; an announced
    // Content-Length over it is answered 413 before any byte of the body is read.
    qint64 maxBodyBytes = 64 * 1024;
    // From the connection's accept (or the first byte of a later request) to the end of the
    // head; a request that started then gets 408, a silent connection is closed.
    int headerTimeoutMs = 10'000;
    // From the end of the head to the end of the body (a deadline, not an inactivity timer:
    // one byte every few seconds does not keep a body open).
    int bodyTimeoutMs = 30'000;
    // Keep-alive: from a response to the first byte of the next request.
    int idleTimeoutMs = 30'000;
    // A response whose bytes stop leaving for this long (a client that does not read).
    int sendTimeoutMs = 60'000;
    // Requests on one connection before the server answers "Connection: close".
    int maxRequestsPerConnection = 1000;
    // Open connections overall and per client address (WebSockets included). At a cap the
    // oldest connection that has not completed a request (then the longest idle one) is closed
    // to make room; only when every slot has a request in progress is the newcomer refused:
    // 503 server_busy overall, 429 rate_limited per address, both with Retry-After.
    int maxConnections = 4096;
    int maxConnectionsPerAddress = 256;
    // File descriptors kept free for everything else (model files, the catalogue, downloads):
    // listen() lowers maxConnections to RLIMIT_NOFILE minus this.
    int reservedFileDescriptors = 256;
    int retryAfterSeconds = 5;
    // After a refusal that leaves part of a request unread (an announced body, a malformed
    // head), the server stops sending, then reads and discards what still arrives for at most
    // this long and this much, so that the client sees the answer instead of a reset. A
    // WebSocket the server closes (e.g. 1009) gets as long to answer its close frame.
    int lingerMs = 2000;
    qint64 lingerDiscardBytes = 1024 * 1024;
    // WebSocket: a message or frame over this is answered with close code 1009.
    qint64 webSocketMaxMessageBytes = 64 * 1024;
    int webSocketHandshakeTimeoutMs = 10'000;
    // Kernel queue of connections not accepted yet (capped by net.core.somaxconn).
    int listenBacklog = 1024;
    // Streamed file bodies go through sendfile(2) where the platform has it.
    bool useSendfile = true;
};

} // namespace mistudio::http
