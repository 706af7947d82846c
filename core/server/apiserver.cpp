#include "server/apiserver.h"

#include "service/modelservice.h"
#include "server/websockethub.h"
#include "server/compat/compatsockethub.h"
#include "server/socketio/engineioserver.h"
#include "server/socketio/socketioserver.h"

#include "server/http/server.h"
#include "server/mirror/hubreply.h"

#include <QDateTime>
#include <QUrl>
#include <QWebSocket>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

// Compares without an early exit, so that timing does not reveal how much of a guess matched.
bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i % std::max<qsizetype>(1, b.size())]);
    return diff == 0;
}

// The original frontend's Socket.IO endpoint (its client asks for "/ws/socket.io/").
bool isSocketIoPath(const QString &path)
{
    return path == u"/ws/socket.io/"_s || path == u"/ws/socket.io"_s;
}

bool isLoopbackHostName(const QString &host)
{
    return host == u"127.0.0.1"_s || host == u"localhost"_s || host == u"[::1]"_s
        || host == u"::1"_s;
}

// Exactly `application/json`, optionally with `charset=utf-8` (any case, optional quotes):
// `application/jsonfoo`, `application/json-seq` or another charset are not JSON we read.
bool isJsonMediaType(const QByteArray &contentType)
{
    const QList<QByteArray> parts = contentType.split(';');
    if (parts.first().trimmed().compare("application/json", Qt::CaseInsensitive) != 0)
        return false;
    if (parts.size() == 1)
        return true;
    if (parts.size() > 2)
        return false;
    const QByteArray param = parts.at(1).trimmed();
    const qsizetype eq = param.indexOf('=');
    if (eq < 0 || param.left(eq).trimmed().compare("charset", Qt::CaseInsensitive) != 0)
        return false;
    QByteArray value = param.mid(eq + 1).trimmed();
    if (value.size() >= 2 && value.startsWith('"') && value.endsWith('"'))
        value = value.mid(1, value.size() - 2);
    return value.compare("utf-8", Qt::CaseInsensitive) == 0;
}

const QList<QPair<QByteArray, QByteArray>> &securityHeaders()
{
    static const QList<QPair<QByteArray, QByteArray>> h{
        {"X-Content-Type-Options", "nosniff"},
        {"X-Frame-Options", "DENY"},
        {"Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"},
        {"Referrer-Policy", "no-referrer"},
        {"Cache-Control", "no-store"},
        {"Cross-Origin-Resource-Policy", "same-origin"},
    };
    return h;
}

} // namespace

ApiServer::ApiServer(ModelService *service, ServerConfig config, QObject *parent)
    : QObject(parent)
    , m_service(service)
    , m_config(std::move(config))
    , m_routes(service, m_config)
    , m_throttle(m_config.maxAuthFailures, m_config.failureWindowSeconds, m_config.lockoutSeconds)
    , m_ws(nullptr)
{
    // Connected before the WebSocket hub's own connection: a client that hears of a change
    // and then lists the models never gets the page cached before it.
    connect(service->events(), &EventBus::eventPublished, this, [this](const ModelEvent &e) {
        if (!e.isProgress())
            m_routes.invalidateLists();
    });
    m_ws = new WebSocketHub(service->events(), m_config.wsMaxPendingBytes,
                            m_config.wsMaxQueuedMessages, this);
    sio::EngineIoOptions eio = m_config.socketIo;
    // Polling bodies and WebSocket messages are bounded by the HTTP layer's limits as well.
    eio.maxPayload = std::min(eio.maxPayload, m_config.http.webSocketMaxMessageBytes);
    m_engine = new sio::EngineIoServer(eio, this);
    m_io = new sio::SocketIoServer(m_engine, {}, this);
    m_compatHub = new compat::CompatSocketHub(service, m_io, this);
    if (m_config.mirror)
        m_mirror = std::make_unique<mirror::HubMirror>(service);
}

ApiServer::~ApiServer()
{
    // Connections first: their pending replies refer to this object.
    delete m_http;
}

Result<quint16> ApiServer::start()
{
    if (m_config.tokenRequired() && m_config.token.size() < 32)
        return Error::make(ErrorCode::Forbidden,
                           u"Listening on %1 requires an API token"_s.arg(m_config.host.toString()));
    auto *server = new http::Server(this, m_config.http, this);
    const Result<quint16> port = server->listen(m_config.host, m_config.port);
    if (!port) {
        delete server;
        return port.error();
    }
    delete m_http;
    m_http = server;
    m_port = port.value();
    return m_port;
}

QList<QTcpServer *> ApiServer::servers() const
{
    if (m_http && m_http->isListening())
        return {m_http->tcpServer()};
    return {};
}

bool ApiServer::originAllowed(const QByteArray &origin) const
{
    const QString o = QString::fromLatin1(origin);
    if (m_config.allowedOrigins.contains(o) || m_config.allowedOrigins.contains(u"*"_s))
        return true;
    // The server's own origin (a page it might serve later) is always allowed.
    const QUrl url(o);
    return url.port() == m_port && url.scheme() == u"http"_s
        && (isLoopbackHostName(url.host()) || url.host() == m_config.host.toString());
}

std::optional<ApiReply> ApiServer::checkAccess(const http::RequestHead &head, bool webSocket)
{
    const QByteArray origin = head.header("Origin");
    if (!origin.isEmpty() && !originAllowed(origin))
        return m_routes.errorReply(head.path, Error::make(ErrorCode::Forbidden, u"Origin not allowed"_s,
                                                          {{u"origin"_s, QString::fromLatin1(origin.left(200))}}));
    if (!m_config.tokenRequired()) {
        // Loopback without a token: refuse other Host names so that a web page cannot reach
        // this server through DNS rebinding.
        const QString host = QString::fromLatin1(head.header("Host"));
        const QString hostName = host.startsWith(u'[') ? host.section(u']', 0, 0) + u']'
                                                       : host.section(u':', 0, 0);
        if (!host.isEmpty() && !isLoopbackHostName(hostName))
            return m_routes.errorReply(head.path, Error::make(ErrorCode::Forbidden, u"Host not allowed"_s));
        return std::nullopt;
    }
    if (head.method == "OPTIONS")
        return std::nullopt; // CORS preflights carry no credentials
    QByteArray presented;
    const QByteArray auth = head.header("Authorization");
    if (auth.startsWith("Bearer "))
        presented = auth.mid(7).trimmed();
    else if (webSocket)
        presented = head.query.queryItemValue(u"access_token"_s).toLatin1();
    // The token is 256 random bits: nobody guesses it, so the lockout only slows guessing
    // down and never stands in the way of the real token (one client behind a proxy, or a
    // local process, must not lock everyone out).
    if (!presented.isEmpty() && constantTimeEquals(presented, m_config.token.toLatin1()))
        return std::nullopt;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (const int wait = m_throttle.lockedForSeconds(head.peer, now); wait > 0)
        return m_routes.errorReply(head.path, Error::make(ErrorCode::RateLimited,
                                                          u"Too many failed authentications; try again later"_s,
                                                          {{u"retry_after"_s, wait}}));
    m_throttle.recordFailure(head.peer, now);
    ApiReply r = m_routes.errorReply(head.path, Error::make(ErrorCode::Unauthorized,
                                                            presented.isEmpty() ? u"An API token is required"_s
                                                                                : u"The API token is not valid"_s));
    r.headers.append(qMakePair(QByteArray("WWW-Authenticate"), QByteArray("Bearer")));
    return r;
}

bool ApiServer::holdsToken(const http::RequestHead &head) const
{
    if (!m_config.tokenRequired())
        return true; // loopback without a token: every local client may use the API too
    const QByteArray auth = head.header("Authorization");
    return auth.startsWith("Bearer ") && constantTimeEquals(auth.mid(7).trimmed(), m_config.token.toLatin1());
}

std::optional<http::Response> ApiServer::checkMirrorAccess(const http::RequestHead &head)
{
    const QByteArray origin = head.header("Origin");
    if (!origin.isEmpty() && !originAllowed(origin))
        return mirror::hubreply::error(403, {}, u"Origin not allowed"_s);
    if (!m_config.tokenRequired()) {
        // The API's rule against DNS rebinding: on loopback without a token, loopback names only.
        const QString host = QString::fromLatin1(head.header("Host"));
        const QString hostName = host.startsWith(u'[') ? host.section(u']', 0, 0) + u']'
                                                       : host.section(u':', 0, 0);
        if (!host.isEmpty() && !isLoopbackHostName(hostName))
            return mirror::hubreply::error(403, {}, u"Host not allowed"_s);
    }
    if (head.method == "OPTIONS") {
        http::Response r;
        r.status = 204;
        r.addHeader("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS");
        r.addHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, Range, Accept");
        r.addHeader("Access-Control-Max-Age", "600");
        return r;
    }
    // No 401 for a token that is not ours: huggingface_hub sends the user's huggingface.co token
    // to whatever HF_ENDPOINT names, and such a client must still get the public models. It
    // simply grants nothing here (a guess of the 256-bit API token gains nothing either).
    return std::nullopt;
}

http::Response ApiServer::withCors(http::Response response, const QByteArray &origin) const
{
    response.addHeader("X-Content-Type-Options", "nosniff");
    if (!origin.isEmpty() && originAllowed(origin)) {
        response.addHeader("Access-Control-Allow-Origin", origin);
        response.addHeader("Vary", "Origin");
    }
    return response;
}

http::HeadAction ApiServer::handleHead(const http::RequestHead &head)
{
    const QByteArray origin = head.header("Origin");
    const auto refuse = [&](const ApiReply &reply) {
        return http::HeadAction::respond(render(reply, origin));
    };
    if (m_mirror && !head.webSocketUpgrade) {
        if (const std::optional<mirror::MirrorRequest> hub = mirror::MirrorRequest::parse(head.target)) {
            if (std::optional<http::Response> refusal = checkMirrorAccess(head))
                return http::HeadAction::respond(withCors(std::move(*refusal), origin));
            // Only paths-info has a body (a list of paths).
            return http::HeadAction::readBody(hub->route == mirror::MirrorRequest::Route::PathsInfo
                                                  ? m_config.http.maxBodyBytes
                                                  : 0);
        }
    }
    if (head.webSocketUpgrade || head.header("Upgrade").compare("websocket", Qt::CaseInsensitive) == 0) {
        if (isSocketIoPath(head.path)) {
            if (std::optional<ApiReply> refusal = checkAccess(head, true))
                return refuse(*refusal);
            if (std::optional<sio::PollingReply> refusal = m_engine->checkWebSocket(head.query, head.peer))
                return http::HeadAction::respond(render(*refusal, origin));
            return http::HeadAction::upgradeWebSocket();
        }
        if (head.path != u"/ws"_s)
            return refuse(ApiReply::error(ErrorCode::NotFound, u"No WebSocket at %1"_s.arg(head.path)));
        if (std::optional<ApiReply> refusal = checkAccess(head, true))
            return refuse(*refusal);
        return http::HeadAction::upgradeWebSocket();
    }
    // Socket.IO's polling: a browser cannot set headers on its requests either, so the token
    // may come as ?access_token= as on the WebSocket.
    const bool socketIo = isSocketIoPath(head.path);
    if (std::optional<ApiReply> refusal = checkAccess(head, socketIo))
        return refuse(*refusal);
    if (head.method == "OPTIONS")
        return refuse(ApiReply{204, {}, {{"Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS"},
                                         {"Access-Control-Allow-Headers", "Authorization, Content-Type"},
                                         {"Access-Control-Max-Age", "600"}}});
    if (head.path == u"/ws"_s)
        return refuse(ApiReply::error(ErrorCode::MalformedRequest, u"/ws expects a WebSocket upgrade"_s));
    if (socketIo) // Engine.IO packets, text/plain; a body over maxPayload is 413
        return http::HeadAction::readBody(m_engine->options().maxPayload);
    // Checked on the announced size: a body over the limit is never read.
    const qint64 limit = m_config.http.maxBodyBytes;
    if (head.contentLength > limit)
        return refuse(m_routes.errorReply(head.path, Error::make(ErrorCode::PayloadTooLarge,
                                                                 u"The body is larger than %1 bytes"_s.arg(limit),
                                                                 {{u"limit_bytes"_s, limit}})));
    if (head.contentLength > 0 && !isJsonMediaType(head.header("Content-Type")))
        return refuse(m_routes.errorReply(head.path, Error::make(ErrorCode::UnsupportedMediaType,
                                                                 u"Send the body as application/json"_s)));
    return http::HeadAction::readBody(limit);
}

void ApiServer::handleRequest(const http::RequestHead &head, const QByteArray &body,
                              http::Responder responder)
{
    const QByteArray origin = head.header("Origin");
    if (m_mirror) {
        if (const std::optional<mirror::MirrorRequest> hub = mirror::MirrorRequest::parse(head.target)) {
            responder.send(withCors(m_mirror->handle(*hub, head, body, holdsToken(head)), origin));
            return;
        }
    }
    if (isSocketIoPath(head.path)) {
        // A long-poll may be answered much later; it is forgotten if the client goes first.
        const sio::PollingRequest poll{head.method, head.query, body, head.peer};
        m_engine->handlePolling(poll, [this, responder, origin](const sio::PollingReply &reply) {
            responder.send(render(reply, origin));
        }, responder.context());
        return;
    }
    ApiRequest req{head.method, head.path, head.query, body, head.header("Content-Type"), head.peer};
    ApiResult result = m_routes.handle(req);
    if (auto *now = std::get_if<ApiReply>(&result)) {
        responder.send(render(*now, origin));
        return;
    }
    // Answered later, on this thread; dropped with the connection if the client has gone.
    std::get<QFuture<ApiReply>>(result).then(responder.context(), [this, responder, origin](const ApiReply &reply) {
        responder.send(render(reply, origin));
    });
}

void ApiServer::handleWebSocket(std::unique_ptr<QWebSocket> socket)
{
    const QUrl url = socket->requestUrl();
    if (isSocketIoPath(url.path())) {
        const QHostAddress peer = socket->peerAddress();
        m_engine->handleWebSocket(std::move(socket), QUrlQuery(url), peer);
        return;
    }
    m_ws->addClient(std::move(socket));
}

http::Response ApiServer::errorResponse(const Error &error)
{
    return render(ApiReply::error(error), {});
}

http::Response ApiServer::render(const ApiReply &reply, const QByteArray &origin) const
{
    http::Response r;
    r.status = reply.status;
    r.headers = securityHeaders();
    if (!origin.isEmpty() && originAllowed(origin)) {
        r.addHeader("Access-Control-Allow-Origin", origin);
        r.addHeader("Vary", "Origin");
    }
    r.headers += reply.headers;
    if (!reply.body.isEmpty())
        r.addHeader("Content-Type", "application/json");
    r.body = reply.body;
    return r;
}

http::Response ApiServer::render(const sio::PollingReply &reply, const QByteArray &origin) const
{
    // As any reply (security headers, CORS), with the Engine.IO content type instead of JSON.
    http::Response r = render(ApiReply{reply.status, {}, {{"Content-Type", reply.contentType}}}, origin);
    r.body = reply.body;
    return r;
}

} // namespace mistudio
