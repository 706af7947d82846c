#include "server/websockethub.h"

#include "service/eventbus.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTimer>
#include <QWebSocket>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QByteArray errorMessage(const QString &code, const QString &message)
{
    return compact({{u"event"_s, u"error"_s},
                    {u"data"_s, QJsonObject{{u"code"_s, code}, {u"message"_s, message}}}});
}

bool isValidChannel(const QString &channel)
{
    static const QRegularExpression re(
        u"^(models|jobs|model/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"_s);
    return re.match(channel).hasMatch();
}

} // namespace

WebSocketHub::WebSocketHub(EventBus *bus, qint64 maxPendingBytes, int maxQueuedMessages,
                           QObject *parent)
    : QObject(parent)
    , m_maxPendingBytes(maxPendingBytes)
    , m_maxQueued(maxQueuedMessages)
{
    connect(bus, &EventBus::eventPublished, this, &WebSocketHub::handleEvent);
}

WebSocketHub::~WebSocketHub()
{
    for (auto &c : m_clients) {
        c->socket->disconnect(this);
        c->socket->abort();
    }
}

int WebSocketHub::queuedMessages() const
{
    int n = 0;
    for (const auto &c : m_clients)
        n += int(c->queue.size());
    return n;
}

WebSocketHub::Client *WebSocketHub::find(QWebSocket *socket)
{
    for (auto &c : m_clients) {
        if (c->socket.get() == socket)
            return c.get();
    }
    return nullptr;
}

void WebSocketHub::addClient(std::unique_ptr<QWebSocket> socket)
{
    auto client = std::make_unique<Client>();
    client->socket = std::move(socket);
    QWebSocket *s = client->socket.get();
    connect(s, &QWebSocket::textMessageReceived, this, [this, s](const QString &message) {
        if (Client *c = find(s))
            handleMessage(c, message);
    });
    connect(s, &QWebSocket::binaryMessageReceived, this, [this, s](const QByteArray &) {
        if (Client *c = find(s))
            send(c, errorMessage(u"malformed_request"_s, u"Send JSON text messages"_s));
    });
    connect(s, &QWebSocket::bytesWritten, this, [this, s](qint64 n) {
        if (Client *c = find(s)) {
            c->pendingBytes = std::max<qint64>(0, c->pendingBytes - n);
            flush(c);
        }
    });
    connect(s, &QWebSocket::disconnected, this, [this, s]() {
        if (Client *c = find(s))
            drop(c);
    });
    m_clients.push_back(std::move(client));
}

void WebSocketHub::drop(Client *client)
{
    for (auto it = m_clients.begin(); it != m_clients.end(); ++it) {
        if (it->get() == client) {
            std::unique_ptr<Client> owned = std::move(*it);
            m_clients.erase(it);
            owned->socket->disconnect(this);
            // The socket may be inside one of its own signals: delete it later.
            owned->socket.release()->deleteLater();
            Q_EMIT clientDisconnected();
            return;
        }
    }
}

void WebSocketHub::handleMessage(Client *client, const QString &message)
{
    if (message.size() > 4096) {
        send(client, errorMessage(u"payload_too_large"_s, u"Messages are limited to 4096 bytes"_s));
        return;
    }
    const QJsonDocument doc = QJsonDocument::fromJson(message.toUtf8());
    if (!doc.isObject()) {
        send(client, errorMessage(u"malformed_request"_s, u"Messages are JSON objects"_s));
        return;
    }
    const QJsonObject o = doc.object();
    const QString action = o.value(u"action"_s).toString();
    const QString channel = o.value(u"channel"_s).toString();
    if (action != u"subscribe"_s && action != u"unsubscribe"_s) {
        send(client, errorMessage(u"invalid_input"_s,
                                  u"'action' must be \"subscribe\" or \"unsubscribe\""_s));
        return;
    }
    if (!isValidChannel(channel)) {
        send(client, errorMessage(u"invalid_input"_s,
                                  u"'channel' must be \"models\", \"jobs\" or \"model/<id>\" (lower-case UUID)"_s));
        return;
    }
    if (action == u"subscribe"_s)
        client->channels.insert(channel);
    else
        client->channels.remove(channel);
    send(client, compact({{u"event"_s, action == u"subscribe"_s ? u"subscribed"_s : u"unsubscribed"_s},
                          {u"channel"_s, channel}}));
}

void WebSocketHub::handleEvent(const ModelEvent &event)
{
    if (event.type() == ModelEvent::Type::JobChanged) {
        // Job changes (an extension) go to the `jobs` channel only: the model and list channels
        // carry only the events docs/api.md lists.
        const QByteArray text = compact(event.toMessage());
        std::vector<Client *> clients;
        for (auto &c : m_clients) {
            if (c->channels.contains(event.channel()))
                clients.push_back(c.get());
        }
        for (Client *c : clients) {
            if (std::any_of(m_clients.begin(), m_clients.end(), [c](const auto &p) { return p.get() == c; }))
                send(c, text, QString());
        }
        return;
    }
    const QString modelChannel = event.channel();
    const QString listChannel = u"models"_s;
    QByteArray modelText;
    QByteArray listText;
    // Copy the pointers: a send may drop a client (too slow) while we iterate.
    std::vector<Client *> clients;
    for (auto &c : m_clients)
        clients.push_back(c.get());
    const auto alive = [this](Client *c) {
        return std::any_of(m_clients.begin(), m_clients.end(),
                           [c](const auto &p) { return p.get() == c; });
    };
    for (Client *c : clients) {
        if (!alive(c))
            continue;
        if (c->channels.contains(modelChannel)) {
            if (modelText.isEmpty())
                modelText = compact(event.toMessage(modelChannel));
            send(c, modelText, event.isProgress() ? modelChannel + u'\n' + event.name() : QString());
        }
        if (alive(c) && c->channels.contains(listChannel)) {
            if (listText.isEmpty())
                listText = compact(event.toMessage(listChannel));
            send(c, listText, event.isProgress() ? modelChannel + u"\nlist\n"_s + event.name() : QString());
        }
    }
}

void WebSocketHub::send(Client *client, const QByteArray &text, const QString &coalesceKey)
{
    if (client->pendingBytes < m_maxPendingBytes && client->queue.empty()) {
        client->pendingBytes += client->socket->sendTextMessage(QString::fromUtf8(text));
        return;
    }
    if (!coalesceKey.isEmpty()) {
        for (auto it = client->queue.begin(); it != client->queue.end(); ++it) {
            if (it->coalesceKey == coalesceKey) {
                client->queue.erase(it);
                break;
            }
        }
    }
    client->queue.push_back({coalesceKey, text});
    if (int(client->queue.size()) > m_maxQueued) {
        client->queue.clear();
        client->socket->close(QWebSocketProtocol::CloseCodePolicyViolated,
                              u"client too slow: event queue overflow"_s);
        drop(client);
    }
}

void WebSocketHub::flush(Client *client)
{
    while (!client->queue.empty() && client->pendingBytes < m_maxPendingBytes) {
        const Queued q = std::move(client->queue.front());
        client->queue.pop_front();
        client->pendingBytes += client->socket->sendTextMessage(QString::fromUtf8(q.text));
    }
}

} // namespace mistudio
