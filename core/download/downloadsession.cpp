#include "download/downloadsession.h"

#include "download/downloadengine.h"

#include <QHash>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {

// The session's side in its thread: the engine and the downloads it runs.
class DownloadSession::Core final : public QObject
{
public:
    Core() : m_engine(new DownloadEngine(this))
    {
        connect(m_engine, &DownloadEngine::progressUpdated, this, [this](const QString &id, const DownloadProgress &p) {
            if (Running *r = byEngineId(id))
                r->handle->publish(p);
        });
        connect(m_engine, &DownloadEngine::downloadSettled, this, [this](const QString &id, const Status &st) {
            // Done (or failed): the caller learns it now, with the final progress, rather than
            // after the engine's last ≤ 10 Hz event.
            if (Running *r = byEngineId(id)) {
                if (const std::optional<DownloadProgress> p = m_engine->snapshot(id))
                    r->handle->publish(*p);
                end(r->handle.get(), st);
            }
        });
        connect(m_engine, &DownloadEngine::stateChanged, this, [this](const QString &id, DownloadEngine::State s) {
            if (s != DownloadEngine::State::Paused)
                return;
            // A pause or an abandon completed: nothing of it runs any more.
            if (Running *r = byEngineId(id)) {
                end(r->handle.get(), Error::make(ErrorCode::Cancelled, u"stopped"_s));
                m_engine->forget(id);
            }
        });
    }

    ~Core() override
    {
        // The engine first: its transfers end and it journals what they wrote; then the sources
        // it resolved through.
        delete m_engine;
        m_engine = nullptr;
        for (const Running &r : std::as_const(m_running))
            r.handle->finish(Error::make(ErrorCode::Cancelled, u"the download session ended"_s));
        m_running.clear();
    }

    void setBandwidthLimit(qint64 bytesPerSecond) { m_engine->setBandwidthLimit(bytesPerSecond); }
    // Any thread: the engine outlives every caller of the session, and its count is atomic.
    qint64 bytesReceived() const { return m_engine->bytesReceived(); }

    void add(const std::shared_ptr<SessionDownload> &handle, const DownloadSourceFactory &factory,
             const DownloadOptions &options)
    {
        SessionDownload *key = handle.get();
        Running r;
        r.handle = handle;
        r.options = options;
        r.source = std::shared_ptr<DownloadSource>(factory());
        m_running.insert(key, r);
        handle->bind([this, key](SessionDownload::Stop how) {
            QMetaObject::invokeMethod(this, [this, key, how] { stop(key, how); }, Qt::QueuedConnection);
        });
        // A stop asked before this was bound arrives after it (queued), and ends the resolve.
        m_running[key].source->resolve([this, key](Result<PinnedDownload> pd) { handleResolved(key, std::move(pd)); });
    }

private:
    struct Running
    {
        std::shared_ptr<SessionDownload> handle;
        std::shared_ptr<DownloadSource> source;
        DownloadOptions options;
        QString engineId; // empty while resolving
        std::optional<SessionDownload::Stop> stop;
    };

    Running *byEngineId(const QString &id)
    {
        const auto key = m_byEngineId.value(id);
        const auto it = m_running.find(key);
        return it == m_running.end() ? nullptr : &*it;
    }

    void handleResolved(SessionDownload *key, Result<PinnedDownload> pd)
    {
        auto it = m_running.find(key);
        if (it == m_running.end())
            return;
        if (it->stop) {
            end(key, Error::make(ErrorCode::Cancelled, u"stopped"_s));
            return;
        }
        if (!pd) {
            end(key, pd.error());
            return;
        }
        it->handle->setResolved(*pd);
        it->engineId = m_engine->start(*pd, it->options, it->source->urlResolver());
        m_byEngineId.insert(it->engineId, key);
    }

    void stop(SessionDownload *key, SessionDownload::Stop how)
    {
        auto it = m_running.find(key);
        if (it == m_running.end())
            return;
        it->stop = how;
        const QString id = it->engineId;
        if (!id.isEmpty()) {
            switch (how) {
            case SessionDownload::Stop::Pause: m_engine->pause(id); break;
            case SessionDownload::Stop::Cancel: m_engine->cancel(id); break;
            case SessionDownload::Stop::Abandon: m_engine->abandon(id); break;
            }
        }
        // Hub calls in flight (the file list, resolver HEADs) end now; a resolve still running
        // then reports the stop (handleResolved).
        if (std::shared_ptr<DownloadSource> source = it->source)
            source->abort();
    }

    void end(SessionDownload *key, const Status &status)
    {
        auto it = m_running.find(key);
        if (it == m_running.end())
            return;
        it->handle->finish(status);
        m_byEngineId.remove(it->engineId);
        // The source goes on the next turn of the loop: this may run inside one of its callbacks.
        QMetaObject::invokeMethod(this, [source = it->source] { Q_UNUSED(source) }, Qt::QueuedConnection);
        m_running.erase(it);
    }

    DownloadEngine *m_engine;
    QHash<SessionDownload *, Running> m_running;
    QHash<QString, SessionDownload *> m_byEngineId;
};

DownloadSession::DownloadSession(qint64 bandwidthLimit) : m_core(new Core), m_limit(bandwidthLimit)
{
    m_core->setBandwidthLimit(bandwidthLimit);
    m_thread.setObjectName(u"mistudio-download"_s);
    m_core->moveToThread(&m_thread);
    m_thread.start();
}

DownloadSession::~DownloadSession()
{
    // The core (and its engine, sources and their network managers) is destroyed in its own
    // thread, then the thread ends: one posted call, so nothing can end the loop in between.
    QMetaObject::invokeMethod(m_core, [core = m_core] {
        delete core;
        QThread::currentThread()->quit();
    }, Qt::QueuedConnection);
    m_thread.wait();
}

void DownloadSession::setBandwidthLimit(qint64 bytesPerSecond)
{
    m_limit.store(qMax<qint64>(0, bytesPerSecond));
    QMetaObject::invokeMethod(m_core, [core = m_core, bytesPerSecond] { core->setBandwidthLimit(bytesPerSecond); },
                              Qt::QueuedConnection);
}

qint64 DownloadSession::bytesReceived() const
{
    return m_core->bytesReceived();
}

std::shared_ptr<SessionDownload> DownloadSession::start(DownloadSourceFactory source, const DownloadOptions &options)
{
    auto handle = std::make_shared<SessionDownload>();
    QMetaObject::invokeMethod(m_core, [core = m_core, handle, source = std::move(source), options] {
        core->add(handle, source, options);
    }, Qt::QueuedConnection);
    return handle;
}

} // namespace mistudio
