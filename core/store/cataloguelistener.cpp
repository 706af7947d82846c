#include "store/cataloguelistener.h"

#include "store/jobqueue.h"
#include "store/sqldatabase.h"

#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {

CatalogueListener::CatalogueListener(std::shared_ptr<SqlDatabase> db, QObject *parent)
    : QObject(parent)
    , m_db(std::move(db))
{
}

CatalogueListener::~CatalogueListener() = default;

bool CatalogueListener::listen()
{
    if (m_listening)
        return true;
    if (!m_db || m_db->backend() != SqlBackend::Postgres)
        return false;
    // This thread's own connection: a LISTEN holds it, and the driver reads notifications on it
    // from this thread's event loop.
    const Result<QSqlDatabase> connection = m_db->connection();
    if (!connection)
        return false;
    QSqlDriver *driver = connection->driver();
    if (!driver || !driver->hasFeature(QSqlDriver::EventNotifications))
        return false;
    const QString events = QLatin1StringView(kEventsChannel);
    const QString progress = QLatin1StringView(kProgressChannel);
    if (!driver->subscribeToNotification(events) || !driver->subscribeToNotification(progress)) {
        qWarning("catalogue: cannot LISTEN: %s", qPrintable(driver->lastError().text()));
        return false;
    }
    QObject::connect(driver, &QSqlDriver::notification, this,
                     [this](const QString &name, QSqlDriver::NotificationSource, const QVariant &payload) {
                         onNotification(name, payload);
                     });
    m_listening = true;
    return true;
}

void CatalogueListener::onNotification(const QString &name, const QVariant &payload)
{
    if (name == QLatin1StringView(kEventsChannel)) {
        Q_EMIT eventsCommitted(payload.toString().toLongLong());
    } else if (name == QLatin1StringView(kProgressChannel)) {
        const QJsonDocument doc = QJsonDocument::fromJson(payload.toString().toUtf8());
        if (doc.isObject())
            Q_EMIT progressSaved(doc.object());
    }
}

} // namespace mistudio
