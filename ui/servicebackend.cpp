#include "servicebackend.h"

#include "service/eventbus.h"
#include "service/modelevent.h"
#include "service/modelservice.h"

#include <QFuture>
#include <QJsonArray>
#include <QtConcurrent>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui {

ServiceBackend::ServiceBackend(ModelService *service, QObject *parent)
    : ModelBackend(parent)
    , m_service(service)
{
    m_service->events()->subscribe(this, [this](const ModelEvent &e) { handleEvent(e); });
}

ServiceBackend::~ServiceBackend() = default;

template<class R, class Work, class Done>
void ServiceBackend::call(QObject *context, Work work, Done done)
{
    QPointer<QObject> ctx(context);
    QPointer<ServiceBackend> self(this);
    QMetaObject::invokeMethod(
        m_service,
        [service = m_service, work, done, ctx, self]() mutable {
            R result = work(service);
            if (!self)
                return;
            // Back to the GUI thread; the caller's context is checked there, where it lives.
            QMetaObject::invokeMethod(
                self.data(),
                [done, ctx, result = std::move(result)]() mutable {
                    if (ctx)
                        done(std::move(result));
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

void ServiceBackend::listModels(QObject *context, BatchCallback batch)
{
    QPointer<QObject> ctx(context);
    QPointer<ServiceBackend> self(this);
    QMetaObject::invokeMethod(
        m_service,
        [service = m_service, batch, ctx, self] {
            auto send = [&](Result<std::vector<ModelRecord>> items, bool last) {
                if (!self)
                    return false;
                QMetaObject::invokeMethod(
                    self.data(),
                    [self, batch, ctx, items = std::move(items), last]() mutable {
                        if (items)
                            for (const ModelRecord &m : *items)
                                self->m_repoOf.insert(m.id, m.repoId);
                        if (ctx)
                            batch(std::move(items), last);
                    },
                    Qt::QueuedConnection);
                return true;
            };
            // Newest first, as the table sorts by default: a small first page paints at once and
            // the rest follows in large pages while the user already sees the top of the list.
            constexpr int kFirst = 200;
            constexpr int kPage = 1000;
            ModelQuery q;
            q.sort = SortKey::UpdatedAt;
            q.order = SortOrder::Descending;
            q.limit = kFirst;
            Result<ModelPage> first = service->list(q);
            if (!first) {
                send(first.error(), true);
                return;
            }
            const qint64 total = first->total;
            if (!send(std::move(first->items), total <= kFirst) || total <= kFirst)
                return;
            q.limit = kPage;
            for (q.page = 1; qint64(q.page - 1) * kPage < total; ++q.page) {
                Result<ModelPage> page = service->list(q);
                if (!page) {
                    send(page.error(), true);
                    return;
                }
                std::vector<ModelRecord> items = std::move(page->items);
                if (q.page == 1) // its first rows went out in the first batch
                    items.erase(items.begin(),
                                items.begin() +
                                    std::min<qsizetype>(kFirst, qsizetype(items.size())));
                const bool last = items.empty() || qint64(q.page) * kPage >= page->total;
                if (!send(std::move(items), last) || last)
                    return;
            }
        },
        Qt::QueuedConnection);
}

void ServiceBackend::preview(const PreviewRequest &request, QObject *context,
                             Callback<QJsonObject> done)
{
    QPointer<QObject> ctx(context);
    QPointer<ServiceBackend> self(this);
    QMetaObject::invokeMethod(
        m_service,
        [service = m_service, request, done, ctx, self] {
            // The preview runs on the service's pool; its continuation comes back to this thread.
            service->preview(request.repoId, request.revision, request.token)
                .then([done, ctx, self](Result<hub::ModelPreview> p) {
                    Result<QJsonObject> r = p ? Result<QJsonObject>(p->toJson())
                                              : Result<QJsonObject>(p.error());
                    if (!self)
                        return;
                    QMetaObject::invokeMethod(
                        self.data(),
                        [done, ctx, r = std::move(r)] {
                            if (ctx)
                                done(r);
                        },
                        Qt::QueuedConnection);
                });
        },
        Qt::QueuedConnection);
}

void ServiceBackend::searchRepos(const QString &query, int limit, QObject *context,
                                 Callback<QStringList> done)
{
    QPointer<QObject> ctx(context);
    QPointer<ServiceBackend> self(this);
    QMetaObject::invokeMethod(
        m_service,
        [service = m_service, query, limit, done, ctx, self] {
            service->search(query, limit).then([done, ctx, self](Result<QList<hub::SearchHit>> hits) {
                if (!self)
                    return;
                Result<QStringList> ids = hits ? Result<QStringList>(QStringList()) : Result<QStringList>(hits.error());
                if (hits) {
                    for (const hub::SearchHit &h : *hits)
                        ids->append(h.id);
                }
                QMetaObject::invokeMethod(
                    self.data(),
                    [done, ctx, ids] {
                        if (ctx)
                            done(ids);
                    },
                    Qt::QueuedConnection);
            });
        },
        Qt::QueuedConnection);
}

void ServiceBackend::download(const DownloadRequest &request, QObject *context,
                              Callback<ModelRecord> done)
{
    mistudio::DownloadRequest d;
    d.quantization = request.quant.mode;
    // The form keeps its (disabled) 4-bit choices when another mode is picked; the service
    // refuses them with any mode but bnb-4bit.
    if (d.quantization == u"bnb-4bit"_s) {
        d.quantType = request.quant.quantType;
        d.doubleQuant = request.quant.doubleQuant;
    }
    d.hfToken = request.token;
    d.revision = request.revision;
    const QString repoId = request.repoId;
    QPointer<QObject> ctx(context);
    QPointer<ServiceBackend> self(this);
    QMetaObject::invokeMethod(
        m_service,
        [service = m_service, repoId, d, done, ctx, self] {
            service->downloadRepo(repoId, d).then([repoId, done, ctx, self](Result<RepoDownload> r) {
                if (!self)
                    return;
                // The service's one policy; the form reports what it did not start.
                Result<ModelRecord> out = r ? Result<ModelRecord>(r->model) : Result<ModelRecord>(r.error());
                if (r) {
                    switch (r->outcome) {
                    case RepoDownload::Outcome::AlreadyReady:
                        out = Error::make(ErrorCode::Conflict,
                                          u"%1 is already downloaded; use Re-quantize for another mode"_s.arg(repoId));
                        break;
                    case RepoDownload::Outcome::AlreadyRunning:
                        out = Error::make(ErrorCode::Conflict, u"%1 is already being downloaded"_s.arg(repoId));
                        break;
                    case RepoDownload::Outcome::Started:
                    case RepoDownload::Outcome::Resumed:
                        break;
                    }
                }
                QMetaObject::invokeMethod(
                    self.data(),
                    [self, done, ctx, out] {
                        if (out)
                            self->m_repoOf.insert(out->id, out->repoId);
                        if (ctx)
                            done(out);
                    },
                    Qt::QueuedConnection);
            });
        },
        Qt::QueuedConnection);
}

template<class Fn> static auto statusOf(Fn fn)
{
    return [fn](ModelService *s) -> Status {
        Result<ModelRecord> r = fn(s);
        if (!r)
            return r.error();
        return {};
    };
}

void ServiceBackend::cancel(const QUuid &id, QObject *context, StatusCallback done)
{
    call<Status>(context, statusOf([id](ModelService *s) { return s->cancel(id); }),
                 std::move(done));
}

void ServiceBackend::pause(const QUuid &id, QObject *context, StatusCallback done)
{
    call<Status>(context, statusOf([id](ModelService *s) { return s->pause(id); }),
                 std::move(done));
}

void ServiceBackend::resume(const QUuid &id, const QString &token, QObject *context,
                            StatusCallback done)
{
    call<Status>(context, statusOf([id, token](ModelService *s) { return s->resume(id, token); }),
                 std::move(done));
}

void ServiceBackend::retry(const QUuid &id, const QString &token, QObject *context,
                           StatusCallback done)
{
    call<Status>(context, statusOf([id, token](ModelService *s) { return s->retry(id, token); }),
                 std::move(done));
}

void ServiceBackend::requantize(const QUuid &id, const QuantOptions &quant, QObject *context,
                                StatusCallback done)
{
    call<Status>(context, statusOf([id, quant](ModelService *s) {
                     QuantizeRequest q;
                     q.mode = quant.mode;
                     if (q.mode == u"bnb-4bit"_s) {
                         q.quantType = quant.quantType;
                         q.doubleQuant = quant.doubleQuant;
                     }
                     return s->quantize(id, q);
                 }),
                 std::move(done));
}

void ServiceBackend::remove(const QUuid &id, QObject *context, Callback<qint64> done)
{
    QPointer<QObject> ctx(context);
    QPointer<ServiceBackend> self(this);
    QMetaObject::invokeMethod(
        m_service,
        [service = m_service, id, done, ctx, self] {
            service->remove(id).then([done, ctx, self](Result<Removal> removal) {
                const Result<qint64> r = removal ? Result<qint64>(removal->bytes) : Result<qint64>(removal.error());
                if (!self)
                    return;
                QMetaObject::invokeMethod(
                    self.data(),
                    [done, ctx, r] {
                        if (ctx)
                            done(r);
                    },
                    Qt::QueuedConnection);
            });
        },
        Qt::QueuedConnection);
}

void ServiceBackend::architecture(const QUuid &id, QObject *context, Callback<QJsonObject> done)
{
    call<Result<QJsonObject>>(
        context, [id](ModelService *s) { return s->architecture(id); }, std::move(done));
}

void ServiceBackend::refreshRecord(const QUuid &id)
{
    call<Result<ModelRecord>>(
        this, [id](ModelService *s) { return s->get(id); },
        [this](Result<ModelRecord> r) {
            if (!r)
                return; // deleted meanwhile: model_deleted follows
            m_repoOf.insert(r->id, r->repoId);
            Q_EMIT modelChanged(*r);
        });
}

void ServiceBackend::handleEvent(const ModelEvent &e)
{
    // Typed events: the GUI reads the structs, never the wire's key names.
    const QUuid id = e.modelId();
    switch (e.type()) {
    case ModelEvent::Type::ModelCreated:
    case ModelEvent::Type::StatusChanged:
        refreshRecord(id);
        break;
    case ModelEvent::Type::JobChanged: {
        const JobChangedEvent *j = e.as<JobChangedEvent>();
        Q_EMIT pausedChanged(id, j->state == JobState::Paused);
        if (j->state == JobState::NeedsToken)
            Q_EMIT tokenRequired(id, m_repoOf.value(id));
        break;
    }
    case ModelEvent::Type::ModelDeleted:
        m_repoOf.remove(id);
        Q_EMIT modelRemoved(id);
        break;
    case ModelEvent::Type::DownloadProgress: {
        const TransferProgress &t = e.as<DownloadProgressEvent>()->progress;
        JobProgress jp;
        jp.phase = JobProgress::Phase::Download;
        jp.percent = t.percent();
        jp.bytesDone = t.downloadedBytes;
        jp.bytesTotal = t.totalBytes > 0 ? t.totalBytes : -1;
        jp.bytesPerSecond = t.bytesPerSecond;
        jp.etaSeconds = t.etaSeconds();
        jp.filesDone = t.filesDone;
        jp.filesTotal = t.filesTotal;
        Q_EMIT progressChanged(id, jp);
        break;
    }
    case ModelEvent::Type::QuantizeProgress: {
        const QuantizeProgressInfo &q = e.as<QuantizeProgressEvent>()->progress;
        JobProgress jp;
        jp.phase = JobProgress::Phase::Quantize;
        jp.percent = q.percent();
        jp.etaSeconds = q.etaSeconds();
        Q_EMIT progressChanged(id, jp);
        break;
    }
    case ModelEvent::Type::DownloadCompleted:
    case ModelEvent::Type::QuantizeCompleted:
        refreshRecord(id);
        Q_EMIT jobFinished(id, m_repoOf.value(id),
                           e.type() == ModelEvent::Type::DownloadCompleted
                               ? JobProgress::Phase::Download
                               : JobProgress::Phase::Quantize,
                           true, Error());
        break;
    case ModelEvent::Type::DownloadFailed:
        refreshRecord(id);
        Q_EMIT jobFinished(id, m_repoOf.value(id), JobProgress::Phase::Download, false,
                           e.as<DownloadFailedEvent>()->error);
        break;
    case ModelEvent::Type::QuantizeFailed:
        refreshRecord(id);
        Q_EMIT jobFinished(id, m_repoOf.value(id), JobProgress::Phase::Quantize, false,
                           e.as<QuantizeFailedEvent>()->error);
        break;
    }
}

} // namespace mistudio::ui
