#pragma once

#include <QJsonObject>
#include <QObject>

#include <memory>

namespace mistudio {

class SqlDatabase;

// Hears what other processes commit to a shared PostgreSQL catalogue (LISTEN on the channels of
// jobqueue.h) on a connection of its own: create it and call listen() in the thread that will
// receive the signals (a thread with an event loop; the driver watches the socket there).
// SQLite has no notifications: listen() returns false and callers poll the outbox instead.
class CatalogueListener final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CatalogueListener)

public:
    explicit CatalogueListener(std::shared_ptr<SqlDatabase> db, QObject *parent = nullptr);
    ~CatalogueListener() override;

    // Subscribes on this thread's connection; false when the catalogue cannot notify (SQLite)
    // or the subscription failed (then the caller's poll is all there is).
    bool listen();
    bool listening() const { return m_listening; }

Q_SIGNALS:
    void eventsCommitted(qint64 seq);           // outbox rows up to at least `seq` are committed
    void progressSaved(const QJsonObject &progress); // {"job","model","kind","owner","progress","detail"}

private:
    void onNotification(const QString &name, const QVariant &payload);

    std::shared_ptr<SqlDatabase> m_db;
    bool m_listening = false;
};

} // namespace mistudio
