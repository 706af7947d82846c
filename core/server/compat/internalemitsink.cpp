#include "server/compat/internalemitsink.h"

#include "server/compat/compatevents.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::compat {

// Posts the sink's queue in order, one request at a time, on the sink's thread (where its
// QNetworkAccessManager lives).
class EmitPoster final : public QObject
{
public:
    explicit EmitPoster(InternalEmitSink *sink) : m_sink(sink) {}

    void wake()
    {
        if (!m_busy)
            postNext();
    }

private:
    void postNext()
    {
        const std::optional<QByteArray> body = m_sink->take();
        m_busy = body.has_value();
        if (!body)
            return;
        if (!m_nam) {
            m_nam = new QNetworkAccessManager(this);
            // The token is for the configured endpoint only: never follow it elsewhere.
            m_nam->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
        }
        QNetworkRequest request(m_sink->m_options.url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
        request.setRawHeader("X-Internal-Token", m_sink->m_options.token.toUtf8());
        request.setTransferTimeout(m_sink->m_options.timeoutMs);
        QNetworkReply *reply = m_nam->post(request, *body);
        connect(reply, &QNetworkReply::finished, this, [this, reply] {
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            m_sink->record(reply->error() == QNetworkReply::NoError && status == 200);
            reply->deleteLater();
            postNext();
        });
    }

    InternalEmitSink *m_sink;
    QNetworkAccessManager *m_nam = nullptr;
    bool m_busy = false;
};

InternalEmitSink::InternalEmitSink(Options options)
    : m_options(std::move(options))
{
    m_thread.setObjectName(u"compat-emit"_s);
    m_poster = new EmitPoster(this);
    m_poster->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_poster, &QObject::deleteLater);
    m_thread.start();
}

InternalEmitSink::~InternalEmitSink()
{
    m_thread.quit();
    m_thread.wait();
}

void InternalEmitSink::deliver(const ModelEvent &event)
{
    const QList<SocketEvent> events = CompatEvents::translate(event);
    if (events.isEmpty())
        return;
    {
        QMutexLocker lock(&m_mutex);
        for (const SocketEvent &e : events) {
            if (!e.coalesceKey.isEmpty()) {
                for (auto it = m_queue.begin(); it != m_queue.end(); ++it) {
                    if (it->coalesceKey == e.coalesceKey) {
                        m_queue.erase(it);
                        break;
                    }
                }
            }
            m_queue.push_back({QJsonDocument(e.toEmitBody()).toJson(QJsonDocument::Compact), e.coalesceKey});
            if (int(m_queue.size()) > m_options.maxQueued) {
                m_queue.pop_front();
                ++m_counters.dropped;
            }
        }
    }
    EmitPoster *poster = m_poster;
    QMetaObject::invokeMethod(poster, [poster] { poster->wake(); }, Qt::QueuedConnection);
}

std::optional<QByteArray> InternalEmitSink::take()
{
    QMutexLocker lock(&m_mutex);
    if (m_queue.empty())
        return std::nullopt;
    QByteArray body = std::move(m_queue.front().body);
    m_queue.pop_front();
    return body;
}

void InternalEmitSink::record(bool ok)
{
    QMutexLocker lock(&m_mutex);
    ++(ok ? m_counters.posted : m_counters.failed);
}

InternalEmitSink::Counters InternalEmitSink::counters() const
{
    QMutexLocker lock(&m_mutex);
    return m_counters;
}

} // namespace mistudio::compat
