#include "service/eventrelay.h"

#include "service/eventbus.h"
#include "store/cataloguelistener.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSet>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

constexpr int kBatch = 500;

// A saved-progress notification as the event the owning process published locally.
std::optional<ModelEvent> progressEvent(const QJsonObject &n)
{
    const QUuid model = QUuid::fromString(n.value(u"model"_s).toString());
    if (model.isNull())
        return std::nullopt;
    const QJsonObject d = n.value(u"detail"_s).toObject();
    if (n.value(u"kind"_s).toString() == u"quantize"_s) {
        QuantizeProgressInfo q;
        q.mode = d.value(u"mode"_s).toString();
        q.device = d.value(u"device"_s).toString();
        q.tensorsDone = d.value(u"tensors_done"_s).toInt();
        q.tensorsTotal = d.value(u"tensors_total"_s).toInt();
        q.bytesDone = d.value(u"bytes_done"_s).toInteger();
        q.bytesTotal = d.value(u"bytes_total"_s).toInteger();
        q.secondsElapsed = d.value(u"seconds_elapsed"_s).toDouble();
        return ModelEvent::quantizeProgress(model, q);
    }
    TransferProgress p;
    p.downloadedBytes = d.value(u"downloaded_bytes"_s).toInteger();
    p.totalBytes = d.value(u"total_bytes"_s).toInteger();
    p.bytesPerSecond = d.value(u"speed_bytes_per_sec"_s).toDouble();
    p.filesDone = d.value(u"files_done"_s).toInt();
    p.filesTotal = d.value(u"files_total"_s).toInt();
    return ModelEvent::downloadProgress(model, p);
}

} // namespace

// The relay's thread: the listener's connection, the outbox reads and the timers live here.
class EventRelay::Loop final : public QObject
{
public:
    Loop(EventRelay *relay, qint64 startSeq) : m_r(relay), m_watermark(startSeq)
    {
        m_poll.setParent(this);
        m_poll.setInterval(std::max<qint64>(10, m_r->m_options.poll.count()));
        QObject::connect(&m_poll, &QTimer::timeout, this, [this] { drain(); });
        m_flush.setParent(this);
        m_flush.setSingleShot(true);
        m_flush.setInterval(std::max<qint64>(1, m_r->m_options.progressInterval.count()));
        QObject::connect(&m_flush, &QTimer::timeout, this, [this] { flushProgress(); });
        m_recheck.setParent(this);
        m_recheck.setSingleShot(true);
        m_recheck.setInterval(std::max<qint64>(10, m_r->m_options.holeGrace.count() / 4));
        QObject::connect(&m_recheck, &QTimer::timeout, this, [this] { drain(); });
    }

    void begin()
    {
        if (CatalogueListener *l = m_r->m_listener.get()) {
            QObject::connect(l, &CatalogueListener::eventsCommitted, this, [this](qint64) {
                ++m_r->m_notifications;
                drain();
            });
            QObject::connect(l, &CatalogueListener::progressSaved, this, [this](const QJsonObject &n) {
                ++m_r->m_notifications;
                onProgress(n);
            });
            m_r->m_listening = l->listen();
        }
        m_poll.start();
        drain();
    }
    void end()
    {
        m_poll.stop();
        m_flush.stop();
        m_recheck.stop();
    }

private:
    void drain()
    {
        for (;;) {
            const Result<std::vector<OutboxEvent>> rows = m_r->m_queue->eventsAfter(m_watermark, kBatch);
            if (!rows) {
                qWarning("events: cannot read the outbox: %s", qPrintable(rows.error().toString()));
                return;
            }
            for (const OutboxEvent &row : *rows) {
                if (m_seen.contains(row.seq))
                    continue;
                m_seen.insert(row.seq);
                m_highest = std::max(m_highest, row.seq);
                if (row.originId != m_r->m_options.originId)
                    publishRecorded(row);
            }
            // The seqs seen in a row from the watermark on are done with.
            while (m_seen.remove(m_watermark + 1))
                ++m_watermark;
            if (rows->size() < size_t(kBatch) || !m_seen.isEmpty())
                break;
        }
        checkHole();
    }

    // A missing seq below seen ones is a transaction still committing (PostgreSQL assigns seqs
    // before commit), one that rolled back, or rows pruned while we were behind: wait a little
    // for it, then treat it as a gap.
    void checkHole()
    {
        if (m_seen.isEmpty()) {
            m_holeAt = -1;
            return;
        }
        if (m_holeAt != m_watermark + 1) {
            m_holeAt = m_watermark + 1;
            m_holeClock.start();
        }
        if (m_holeClock.elapsed() < m_r->m_options.holeGrace.count()) {
            m_recheck.start();
            return;
        }
        m_watermark = m_highest;
        m_seen.clear();
        m_holeAt = -1;
        resync();
    }

    void publish(const ModelEvent &e)
    {
        m_r->m_bus->publish(e);
        if (m_r->m_options.onRelayed)
            m_r->m_options.onRelayed(e);
    }

    void publishRecorded(const OutboxEvent &row)
    {
        const std::optional<ModelEvent> e =
            ModelEvent::fromRecorded(row.type, row.modelId, row.payload, row.createdAt);
        if (!e)
            return; // a newer process's event this build does not know
        // Progress heard earlier must not follow the change that ended it.
        m_pending.remove(e->modelId());
        ++m_r->m_relayed;
        publish(*e);
    }

    // The current state of every model, in place of the changes that were missed.
    void resync()
    {
        ++m_r->m_resyncs;
        qWarning("events: a gap in the outbox after seq %lld: publishing the current state", m_watermark);
        JobQuery active;
        active.states = {JobState::Queued, JobState::Running, JobState::Paused, JobState::NeedsToken};
        QHash<QUuid, JobRecord> jobs;
        if (const Result<std::vector<JobRecord>> list = m_r->m_queue->list(active); list) {
            for (const JobRecord &j : *list)
                jobs.insert(j.modelId, j);
        }
        ModelQuery q;
        q.limit = 1000;
        for (q.page = 1;; ++q.page) {
            const Result<ModelPage> page = m_r->m_models->list(q);
            if (!page)
                return;
            for (const ModelRecord &m : page->items) {
                std::optional<JobState> state;
                if (const auto it = jobs.constFind(m.id); it != jobs.constEnd()) {
                    state = it->state;
                    publish(ModelEvent::jobChanged(*it));
                }
                m_pending.remove(m.id);
                publish(ModelEvent::statusChanged(m.id, m.status, m.status, m.errorMessage, state));
            }
            if (page->items.size() < size_t(q.limit))
                return;
        }
    }

    void onProgress(const QJsonObject &n)
    {
        if (n.value(u"owner"_s).toString() == m_r->m_options.originId)
            return; // published here already, at its own rate
        std::optional<ModelEvent> e = progressEvent(n);
        if (!e)
            return;
        m_pending.insert(e->modelId(), *e);
        if (!m_flush.isActive())
            m_flush.start();
    }

    void flushProgress()
    {
        const QHash<QUuid, ModelEvent> pending = std::exchange(m_pending, {});
        for (const ModelEvent &e : pending) {
            ++m_r->m_progress;
            publish(e);
        }
    }

    EventRelay *m_r;
    qint64 m_watermark; // every seq up to here was handled
    qint64 m_highest = 0;
    QSet<qint64> m_seen; // handled seqs above the watermark
    qint64 m_holeAt = -1;
    QElapsedTimer m_holeClock;
    QHash<QUuid, ModelEvent> m_pending; // coalesced progress, latest per model
    QTimer m_poll;
    QTimer m_flush;
    QTimer m_recheck;
};

EventRelay::EventRelay(std::shared_ptr<JobQueue> queue, std::shared_ptr<ModelStore> models, EventBus *bus,
                       std::unique_ptr<CatalogueListener> listener, Options options)
    : m_queue(std::move(queue))
    , m_models(std::move(models))
    , m_bus(bus)
    , m_listener(std::move(listener))
    , m_options(std::move(options))
{
}

EventRelay::~EventRelay()
{
    stop();
}

Status EventRelay::start()
{
    if (m_loop)
        return {};
    const Result<qint64> last = m_queue->lastEventSeq();
    if (!last)
        return last.error();
    m_loop = new Loop(this, *last);
    m_loop->moveToThread(&m_thread);
    if (m_listener)
        m_listener->moveToThread(&m_thread);
    m_thread.setObjectName(u"mistudio-events"_s);
    m_thread.start();
    QMetaObject::invokeMethod(m_loop, [this] { m_loop->begin(); }, Qt::QueuedConnection);
    return {};
}

void EventRelay::stop()
{
    if (!m_loop)
        return;
    QMetaObject::invokeMethod(m_loop, [this] {
        m_loop->end();
        m_listener.reset(); // unsubscribes on this thread, which owns its connection
        m_thread.quit();
    }, Qt::QueuedConnection);
    m_thread.wait();
    delete m_loop; // its thread has ended and its timers are stopped
    m_loop = nullptr;
}

EventRelay::Counters EventRelay::counters() const
{
    return {m_relayed.load(), m_progress.load(), m_notifications.load(), m_resyncs.load()};
}

} // namespace mistudio
