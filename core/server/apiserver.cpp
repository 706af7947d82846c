#include "server/apiserver.h"

#include "service/modelservice.h"
#include "server/websockethub.h"

#include <QDateTime>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrl>
#include <QWebSocket>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

QByteArray methodName(QHttpServerRequest::Method m)
{
    switch (m) {
    case QHttpServerRequest::Method::Get: return "GET";
    case QHttpServerRequest::Method::Put: return "PUT";
    case QHttpServerRequest::Method::Delete: return "DELETE";
    case QHttpServerRequest::Method::Post: return "POST";
    case QHttpServerRequest::Method::Head: return "HEAD";
    case QHttpServerRequest::Method::Options: return "OPTIONS";
    case QHttpServerRequest::Method::Patch: return "PATCH";
    case QHttpServerRequest::Method::Connect: return "CONNECT";
    case QHttpServerRequest::Method::Trace: return "TRACE";
    default: return "UNKNOWN";
    }
}

// Compares without an early exit, so that timing does not reveal how much of a guess matched.
bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i % std::max<qsizetype>(1, b.size())]);
    return diff == 0;
}

bool isLoopbackHostName(const QString &host)
{
    return host == u"127.0.0.1"_s || host == u"localhost"_s || host == u"[::1]"_s
        || host == u"::1"_s;
}

// Accepted sockets buffer at most this much: QHttpServer 6.4 reads a whole request before
// any handler sees it, so without a cap one huge body would be held in memory. Bodies over
// the API's limit but under this get 413; beyond it the connection simply stalls.
constexpr qint64 kSocketReadBuffer = 1024 * 1024;

class BoundedTcpServer final : public QTcpServer
{
public:
    explicit BoundedTcpServer(QObject *parent) : QTcpServer(parent) {}

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return;
        }
        socket->setReadBufferSize(kSocketReadBuffer);
        addPendingConnection(socket);
    }
};

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
    : QAbstractHttpServer(parent)
    , m_service(service)
    , m_config(std::move(config))
    , m_routes(service)
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
    // Must be connected before clients arrive: Qt 6.4 accepts an upgrade only then.
    connect(this, &QAbstractHttpServer::newWebSocketConnection, this,
            &ApiServer::handleNewWebSocket);
}

ApiServer::~ApiServer() = default;

Result<quint16> ApiServer::start()
{
    if (m_config.tokenRequired() && m_config.token.size() < 32)
        return Error::make(ErrorCode::Forbidden,
                           u"Listening on %1 requires an API token"_s.arg(m_config.host.toString()));
    auto *tcp = new BoundedTcpServer(this);
    if (!tcp->listen(m_config.host, m_config.port)) {
        const QString why = tcp->errorString();
        delete tcp;
        return Error::make(ErrorCode::IoError, u"Cannot listen on %1:%2: %3"_s
                                                   .arg(m_config.host.toString())
                                                   .arg(m_config.port)
                                                   .arg(why));
    }
    bind(tcp);
    m_port = tcp->serverPort();
    return m_port;
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

std::optional<ApiReply> ApiServer::checkAccess(const QHttpServerRequest &request, bool webSocket)
{
    const QByteArray origin = request.value("Origin");
    if (!origin.isEmpty() && !originAllowed(origin))
        return ApiReply::error(ErrorCode::Forbidden, u"Origin not allowed"_s,
                               {{u"origin"_s, QString::fromLatin1(origin.left(200))}});
    if (!m_config.tokenRequired()) {
        // Loopback without a token: refuse other Host names so that a web page cannot reach
        // this server through DNS rebinding.
        const QString host = QString::fromLatin1(request.value("Host"));
        const QString hostName = host.startsWith(u'[') ? host.section(u']', 0, 0) + u']'
                                                       : host.section(u':', 0, 0);
        if (!host.isEmpty() && !isLoopbackHostName(hostName))
            return ApiReply::error(ErrorCode::Forbidden, u"Host not allowed"_s);
        return std::nullopt;
    }
    if (request.method() == QHttpServerRequest::Method::Options)
        return std::nullopt; // CORS preflights carry no credentials
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QHostAddress remote = request.remoteAddress();
    if (const int wait = m_throttle.lockedForSeconds(remote, now); wait > 0)
        return ApiReply::error(ErrorCode::RateLimited,
                               u"Too many failed authentications; try again later"_s,
                               {{u"retry_after"_s, wait}});
    QByteArray presented;
    const QByteArray auth = request.value("Authorization");
    if (auth.startsWith("Bearer "))
        presented = auth.mid(7).trimmed();
    else if (webSocket)
        presented = request.query().queryItemValue(u"access_token"_s).toLatin1();
    if (presented.isEmpty() || !constantTimeEquals(presented, m_config.token.toLatin1())) {
        m_throttle.recordFailure(remote, now);
        ApiReply r = ApiReply::error(ErrorCode::Unauthorized,
                                     presented.isEmpty() ? u"An API token is required"_s
                                                         : u"The API token is not valid"_s);
        r.headers.append(qMakePair(QByteArray("WWW-Authenticate"), QByteArray("Bearer")));
        return r;
    }
    m_throttle.recordSuccess(remote);
    return std::nullopt;
}

bool ApiServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    const QString path = request.url().path();
    const bool upgrade = request.value("Upgrade").compare("websocket", Qt::CaseInsensitive) == 0;
    if (upgrade) {
        if (path != u"/ws"_s) {
            m_refusedUpgrades.insert(socket, ApiReply::error(ErrorCode::NotFound, u"No WebSocket at %1"_s.arg(path)));
            return false;
        }
        if (std::optional<ApiReply> refusal = checkAccess(request, true)) {
            m_refusedUpgrades.insert(socket, *refusal);
            return false;
        }
        return true; // QAbstractHttpServer hands the socket to its WebSocket server
    }
    if (std::optional<ApiReply> refusal = checkAccess(request, false)) {
        send(request, socket, *refusal);
        return true;
    }
    if (request.method() == QHttpServerRequest::Method::Options) {
        ApiReply r{204, {}, {{"Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS"},
                             {"Access-Control-Allow-Headers", "Authorization, Content-Type"},
                             {"Access-Control-Max-Age", "600"}}};
        send(request, socket, r);
        return true;
    }
    if (path == u"/ws"_s) {
        send(request, socket, ApiReply::error(ErrorCode::MalformedRequest,
                                              u"/ws expects a WebSocket upgrade"_s));
        return true;
    }
    const QByteArray contentLength = request.value("Content-Length");
    const QByteArray body = request.body();
    if (body.size() > m_config.maxBodyBytes || contentLength.toLongLong() > m_config.maxBodyBytes) {
        send(request, socket, ApiReply::error(ErrorCode::PayloadTooLarge,
                                              u"The body is larger than %1 bytes"_s.arg(m_config.maxBodyBytes),
                                              {{u"limit_bytes"_s, m_config.maxBodyBytes}}));
        return true;
    }
    const QByteArray contentType = request.value("Content-Type");
    if (!body.isEmpty() && !contentType.toLower().startsWith("application/json")) {
        send(request, socket, ApiReply::error(ErrorCode::UnsupportedMediaType,
                                              u"Send the body as application/json"_s));
        return true;
    }
    ApiRequest req{methodName(request.method()), path, request.query(), body, contentType,
                   request.remoteAddress()};
    ApiResult result = m_routes.handle(req);
    if (auto *now = std::get_if<ApiReply>(&result)) {
        send(request, socket, *now);
        return true;
    }
    // Answer later, on this thread, unless the client has gone meanwhile.
    auto responder = std::make_shared<QHttpServerResponder>(makeResponder(request, socket));
    QPointer<QTcpSocket> guard(socket);
    const QByteArray origin = request.value("Origin");
    std::get<QFuture<ApiReply>>(result).then(this, [this, responder, guard, origin](const ApiReply &reply) {
        if (!guard)
            return;
        ApiReply r = reply;
        if (!origin.isEmpty())
            r.headers.append({"Access-Control-Allow-Origin", origin});
        responder->writeStatusLine(QHttpServerResponder::StatusCode(r.status));
        for (const auto &h : securityHeaders())
            responder->writeHeader(h.first, h.second);
        for (const auto &h : std::as_const(r.headers))
            responder->writeHeader(h.first, h.second);
        responder->writeHeader("Content-Type", "application/json");
        responder->writeHeader("Content-Length", QByteArray::number(r.body.size()));
        responder->writeBody(r.body);
    });
    return true;
}

void ApiServer::send(const QHttpServerRequest &request, QTcpSocket *socket, const ApiReply &reply)
{
    QHttpServerResponder responder = makeResponder(request, socket);
    responder.writeStatusLine(QHttpServerResponder::StatusCode(reply.status));
    for (const auto &h : securityHeaders())
        responder.writeHeader(h.first, h.second);
    const QByteArray origin = request.value("Origin");
    if (!origin.isEmpty() && originAllowed(origin)) {
        responder.writeHeader("Access-Control-Allow-Origin", origin);
        responder.writeHeader("Vary", "Origin");
    }
    for (const auto &h : reply.headers)
        responder.writeHeader(h.first, h.second);
    if (!reply.body.isEmpty())
        responder.writeHeader("Content-Type", "application/json");
    responder.writeHeader("Content-Length", QByteArray::number(reply.body.size()));
    responder.writeBody(reply.body);
}

void ApiServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    const auto it = m_refusedUpgrades.find(socket);
    if (it != m_refusedUpgrades.end()) {
        const ApiReply reply = it.value();
        m_refusedUpgrades.erase(it);
        send(request, socket, reply);
        return;
    }
    send(request, socket, ApiReply::error(ErrorCode::NotFound, u"No route"_s));
}

void ApiServer::handleNewWebSocket()
{
    while (hasPendingWebSocketConnections()) {
        std::unique_ptr<QWebSocket> socket = nextPendingWebSocketConnection();
        if (socket)
            m_ws->addClient(std::move(socket));
    }
}

} // namespace mistudio
