#pragma once

#include "common/error.h"
#include "server/http/requesthead.h"
#include "server/http/responder.h"
#include "server/http/response.h"

#include <memory>

class QWebSocket;

namespace mistudio::http {

// What the server does once a request's head is parsed.
class HeadAction final
{
public:
    enum class Kind
    {
        ReadBody,
        Respond,
        UpgradeWebSocket
    };

    // Read the body (at most `maxBytes`, -1: Limits::maxBodyBytes), then call handleRequest.
    // An announced Content-Length over the limit is answered 413 without reading the body.
    static HeadAction readBody(qint64 maxBytes = -1)
    {
        return HeadAction(Kind::ReadBody, maxBytes, {});
    }
    // Answer now, without reading the body (a refusal: auth, media type, size...). When a
    // body was announced the connection is closed after the answer.
    static HeadAction respond(Response response)
    {
        return HeadAction(Kind::Respond, 0, std::move(response));
    }
    // Hand the connection to the WebSocket server (the head must be an upgrade request);
    // Handler::handleWebSocket receives the socket once the handshake is done.
    static HeadAction upgradeWebSocket() { return HeadAction(Kind::UpgradeWebSocket, 0, {}); }

    Kind kind() const { return m_kind; }
    qint64 maxBodyBytes() const { return m_maxBodyBytes; }
    const Response &response() const { return m_response; }

private:
    HeadAction(Kind kind, qint64 maxBodyBytes, Response response)
        : m_kind(kind)
        , m_maxBodyBytes(maxBodyBytes)
        , m_response(std::move(response))
    {}
    Kind m_kind;
    qint64 m_maxBodyBytes;
    Response m_response;
};

// What a Server serves: every call comes on the server's thread.
class Handler
{
public:
    virtual ~Handler() = default;

    // The head is parsed and checked; no byte of the body has been read. Authenticate and
    // refuse here: nothing an unauthenticated client sends after its head is ever buffered.
    virtual HeadAction handleHead(const RequestHead &head) = 0;
    // The body arrived (HeadAction::readBody). Answer through `responder`, now or later.
    virtual void handleRequest(const RequestHead &head, const QByteArray &body,
                               Responder responder) = 0;
    // A WebSocket whose upgrade handleHead accepted; its requestUrl() names the path.
    virtual void handleWebSocket(std::unique_ptr<QWebSocket> socket);
    // How the server renders its own refusals: malformed heads, limits, timeouts, the
    // connection caps (with details.retry_after). Default: {"error":{"code","message","details"}}.
    virtual Response errorResponse(const Error &error);
};

} // namespace mistudio::http
