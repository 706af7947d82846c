#pragma once

#include "service/modelevent.h"

#include <QObject>
#include <QSet>

#include <deque>
#include <memory>
#include <vector>

class QWebSocket;

namespace mistudio {

class EventBus;

// The /ws endpoint's clients: subscribe/unsubscribe to `model/<id>` and `models`, and get
// every event as {"channel","event","data"}. A slow client never stalls the server: once it
// has wsMaxPendingBytes unsent, further messages wait in its own queue where a newer progress
// event replaces an older one of the same channel (latest wins); a client whose queue still
// overflows is disconnected (close code 1008).
class WebSocketHub final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebSocketHub)

public:
    WebSocketHub(EventBus *bus, qint64 maxPendingBytes, int maxQueuedMessages,
                 QObject *parent = nullptr);
    ~WebSocketHub() override;

    void addClient(std::unique_ptr<QWebSocket> socket);
    int clientCount() const { return int(m_clients.size()); }
    // Messages held back for slow clients, over all clients (for /system and tests).
    int queuedMessages() const;

Q_SIGNALS:
    void clientDisconnected();

private:
    struct Queued
    {
        QString coalesceKey; // "channel\nevent" for progress, empty otherwise
        QByteArray text;
    };
    struct Client
    {
        std::unique_ptr<QWebSocket> socket;
        QSet<QString> channels;
        qint64 pendingBytes = 0;
        std::deque<Queued> queue;
    };

    void handleEvent(const ModelEvent &event);
    void handleMessage(Client *client, const QString &message);
    void send(Client *client, const QByteArray &text, const QString &coalesceKey = {});
    void flush(Client *client);
    void drop(Client *client);
    Client *find(QWebSocket *socket);

    qint64 m_maxPendingBytes;
    int m_maxQueued;
    std::vector<std::unique_ptr<Client>> m_clients;
};

} // namespace mistudio
