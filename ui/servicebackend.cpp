#include "servicebackend.h"

#include "service/eventbus.h"
#include "service/modelevent.h"
#include "service/modellibrary.h"
#include "service/modelservice.h"

#include <QFuture>
#include <QtConcurrent>

#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui {

ServiceBackend::ServiceBackend(ModelService *service, QObject *parent)
    : ModelBackend(parent)
    , m_service(service)
{
    m_jobsTimer.setSingleShot(true);
    m_jobsTimer.setInterval(50);
    connect(&m_jobsTimer, &QTimer::timeout, this, &ServiceBackend::refreshJobs);
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

template<class R, class Work, class Done>
void ServiceBackend::callAsync(QObject *context, Work work, Done done)
{
    QPointer<QObject> ctx(context);
    QPointer<ServiceBackend> self(this);
    QMetaObject::invokeMethod(
        m_service,
        [service = m_service, work, done, ctx, self]() mutable {
            // The work runs on the service's pools; its continuation comes back to this thread.
            work(service).then([done, ctx, self](R result) {
                if (!self)
                    return;
                QMetaObject::invokeMethod(
                    self.data(),
                    [done, ctx, result = std::move(result)]() mutable {
                        if (ctx)
                            done(std::move(result));
                    },
                    Qt::QueuedConnection);
            });
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

void ServiceBackend::listJobs(QObject *context, Callback<QList<JobView>> done)
{
    call<Result<QList<JobView>>>(
        context, [](ModelService *s) { return Result<QList<JobView>>(s->jobs()); },
        std::move(done));
}

void ServiceBackend::machine(QObject *context, Callback<MachineInfo> done)
{
    call<Result<MachineInfo>>(
        context,
        [](ModelService *s) {
            MachineInfo m;
            const long pages = sysconf(_SC_PHYS_PAGES);
            const long pageSize = sysconf(_SC_PAGESIZE);
            if (pages > 0 && pageSize > 0)
                m.ramBytes = qint64(pages) * pageSize;
            m.gpus = s->gpus();
            return Result<MachineInfo>(m);
        },
        std::move(done));
}

void ServiceBackend::workers(QObject *context, Callback<WorkerList> done)
{
    // A catalogue query (Postgres on a shared setup): on the service thread, never the GUI's.
    call<Result<WorkerList>>(
        context,
        [](ModelService *s) -> Result<WorkerList> {
            Result<std::vector<WorkerRecord>> w = s->workers();
            if (!w)
                return w.error();
            return WorkerList{std::move(*w), s->ownerId()};
        },
        std::move(done));
}

void ServiceBackend::preview(const PreviewRequest &request, QObject *context,
                             Callback<hub::ModelPreview> done)
{
    callAsync<Result<hub::ModelPreview>>(
        context,
        [request](ModelService *s) {
            return s->preview(request.repoId, request.revision, request.token);
        },
        std::move(done));
}

void ServiceBackend::modelCard(const PreviewRequest &request, QObject *context,
                               Callback<QString> done)
{
    callAsync<Result<QString>>(
        context,
        [request](ModelService *s) {
            return s->modelCard(request.repoId, request.revision, request.token);
        },
        std::move(done));
}

void ServiceBackend::searchRepos(const QString &query, int limit, QObject *context,
                                 Callback<QList<hub::SearchHit>> done)
{
    callAsync<Result<QList<hub::SearchHit>>>(
        context, [query, limit](ModelService *s) { return s->search(query, limit); },
        std::move(done));
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
    d.maxBytesPerSecond = request.maxBytesPerSecond;
    const QString repoId = request.repoId;
    QPointer<ServiceBackend> self(this);
    callAsync<Result<RepoDownload>>(
        context, [repoId, d](ModelService *s) { return s->downloadRepo(repoId, d); },
        [self, repoId, done](Result<RepoDownload> r) {
            // The service's one policy; the form reports what it did not start.
            Result<ModelRecord> out =
                r ? Result<ModelRecord>(r->model) : Result<ModelRecord>(r.error());
            if (r) {
                switch (r->outcome) {
                case RepoDownload::Outcome::AlreadyReady:
                    out = Error::make(
                        ErrorCode::Conflict,
                        u"%1 is already downloaded; use Re-quantize for another mode"_s.arg(repoId),
                        {{u"reason"_s, u"already_ready"_s}, {u"repo_id"_s, repoId}});
                    break;
                case RepoDownload::Outcome::AlreadyRunning:
                    out = Error::make(
                        ErrorCode::Conflict, u"%1 is already being downloaded"_s.arg(repoId),
                        {{u"reason"_s, u"already_running"_s}, {u"repo_id"_s, repoId}});
                    break;
                case RepoDownload::Outcome::Started:
                case RepoDownload::Outcome::Resumed:
                    break;
                }
            }
            if (out && self)
                self->m_repoOf.insert(out->id, out->repoId);
            done(out);
        });
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

void ServiceBackend::start(const QUuid &id, QObject *context, StatusCallback done)
{
    call<Status>(context, statusOf([id](ModelService *s) -> Result<ModelRecord> {
                     // The mode the record asks for (what its download was started with).
                     const Result<ModelRecord> r = s->get(id);
                     if (!r)
                         return r;
                     mistudio::DownloadRequest d;
                     d.quantization = r->quantization.isEmpty() ? u"none"_s : r->quantization;
                     return s->download(id, d);
                 }),
                 std::move(done));
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

void ServiceBackend::setBandwidthLimit(qint64 bytesPerSecond, QObject *context, StatusCallback done)
{
    call<Status>(
        context,
        [bytesPerSecond](ModelService *s) {
            s->setBandwidthLimit(bytesPerSecond);
            return Status();
        },
        std::move(done));
}

void ServiceBackend::pauseAll(QObject *context, Callback<int> done)
{
    call<Result<int>>(
        context, [](ModelService *s) { return Result<int>(s->pauseAll()); }, std::move(done));
}

void ServiceBackend::resumeAll(QObject *context, Callback<int> done)
{
    call<Result<int>>(
        context, [](ModelService *s) { return Result<int>(s->resumeAll()); }, std::move(done));
}

void ServiceBackend::moveInQueue(const QUuid &id, const std::optional<QUuid> &before,
                                 QObject *context, StatusCallback done)
{
    QPointer<ServiceBackend> self(this);
    call<Status>(
        context, [id, before](ModelService *s) { return s->moveInQueue(id, before); },
        [self, done](Status s) {
            // Reordering publishes no event: the new order is fetched here.
            if (self)
                self->refreshJobs();
            done(s);
        });
}

void ServiceBackend::requantize(const QUuid &id, const QuantOptions &quant, QObject *context,
                                StatusCallback done)
{
    call<Status>(context, statusOf([id, quant](ModelService *s) {
                     QuantizeRequest q;
                     q.mode = quant.mode;
                     q.device = quant.device.isEmpty() ? u"auto"_s : quant.device;
                     if (q.mode == u"bnb-4bit"_s) {
                         q.quantType = quant.quantType;
                         q.doubleQuant = quant.doubleQuant;
                     }
                     return s->quantize(id, q);
                 }),
                 std::move(done));
}

void ServiceBackend::variants(const QUuid &id, QObject *context,
                              Callback<std::vector<VariantRecord>> done)
{
    call<Result<std::vector<VariantRecord>>>(
        context, [id](ModelService *s) { return s->variants(id); }, std::move(done));
}

void ServiceBackend::removeVariant(const QUuid &id, const QString &variant, QObject *context,
                                   Callback<qint64> done)
{
    QPointer<ServiceBackend> self(this);
    callAsync<Result<qint64>>(
        context, [id, variant](ModelService *s) { return s->removeVariant(id, variant); },
        [self, id, done](Result<qint64> r) {
            // The record's sizes and newest variant changed without an event: fetch it.
            if (self && r)
                self->refreshRecord(id);
            done(std::move(r));
        });
}

void ServiceBackend::estimateVariants(const QUuid &id, QObject *context,
                                      Callback<QList<hub::SizeEstimate>> done)
{
    // It reads the model's safetensors headers: on the service's thread, never the GUI's.
    call<Result<QList<hub::SizeEstimate>>>(
        context, [id](ModelService *s) { return s->estimateVariants(id); }, std::move(done));
}

void ServiceBackend::planRemoval(const QList<QUuid> &ids, QObject *context,
                                 Callback<qint64> done)
{
    // Walks the folders on disk: on the service thread, never the GUI's.
    call<Result<qint64>>(
        context,
        [ids](ModelService *s) -> Result<qint64> {
            qint64 bytes = 0;
            for (const QUuid &id : ids) {
                const Result<Removal> plan = s->planRemoval(id);
                if (!plan)
                    return plan.error();
                bytes += plan->bytes;
            }
            return bytes;
        },
        std::move(done));
}

void ServiceBackend::remove(const QUuid &id, QObject *context, Callback<qint64> done)
{
    callAsync<Result<qint64>>(
        context,
        [id](ModelService *s) {
            return s->remove(id).then([](Result<Removal> removal) {
                return removal ? Result<qint64>(removal->bytes) : Result<qint64>(removal.error());
            });
        },
        std::move(done));
}

void ServiceBackend::architecture(const QUuid &id, QObject *context, Callback<QJsonObject> done)
{
    call<Result<QJsonObject>>(
        context, [id](ModelService *s) { return s->architecture(id); }, std::move(done));
}

void ServiceBackend::scanHfCache(QObject *context, Callback<CacheListing> done)
{
    // Reads the cache's folders: on the library's pool, never the GUI's thread.
    callAsync<Result<CacheListing>>(
        context,
        [](ModelService *s) {
            ModelLibrary *lib = s->library();
            return lib->run([lib] { return lib->scanHfCache(); });
        },
        std::move(done));
}

void ServiceBackend::importFromHfCache(const QList<HfImportRequest> &requests, QObject *context,
                                       ImportCallback done)
{
    importNext(requests, 0, QPointer<QObject>(context), done);
}

void ServiceBackend::importNext(const QList<HfImportRequest> &requests, int index,
                                QPointer<QObject> context, const ImportCallback &done)
{
    // One after the other: each import hashes every file, several at once would only compete
    // for the same disk.
    if (index >= requests.size() || !context)
        return;
    const HfImportRequest request = requests.at(index);
    callAsync<Result<ModelRecord>>(
        context,
        [request](ModelService *s) {
            ModelLibrary *lib = s->library();
            return lib->run([lib, request]() -> Result<ModelRecord> {
                Result<HfImportOutcome> r = lib->importFromHfCache(request);
                return r ? Result<ModelRecord>(r->model) : Result<ModelRecord>(r.error());
            });
        },
        [this, requests, index, context, done](Result<ModelRecord> result) {
            if (result) {
                m_repoOf.insert(result->id, result->repoId);
                Q_EMIT modelChanged(*result);
            }
            done(index, std::move(result));
            importNext(requests, index + 1, context, done);
        });
}

void ServiceBackend::verify(const QUuid &id, QObject *context, Callback<VerificationInfo> done)
{
    callAsync<Result<VerifyOutcome>>(
        context,
        [id](ModelService *s) {
            ModelLibrary *lib = s->library();
            return lib->run([lib, id] { return lib->verify(id); });
        },
        [this, id, done, ctx = QPointer<QObject>(context)](Result<VerifyOutcome> outcome) {
            if (!outcome) {
                done(outcome.error());
                return;
            }
            Q_EMIT modelChanged(outcome->model);
            // The summary as stored, so the pane shows the same after a restart.
            if (ctx)
                verification(id, ctx.data(), done);
        });
}

void ServiceBackend::verification(const QUuid &id, QObject *context,
                                  Callback<VerificationInfo> done)
{
    call<Result<VerificationInfo>>(
        context,
        [id](ModelService *s) -> Result<VerificationInfo> {
            const Result<LibraryRecord> r = s->library()->state(id);
            if (!r)
                return r.error();
            return verificationInfo(*r);
        },
        std::move(done));
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

void ServiceBackend::refreshJobs()
{
    m_jobsTimer.stop();
    call<QList<JobView>>(
        this, [](ModelService *s) { return s->jobs(); },
        [this](QList<JobView> jobs) { Q_EMIT jobsChanged(jobs); });
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
        if (j->state == JobState::NeedsToken)
            Q_EMIT tokenRequired(id, m_repoOf.value(id));
        if (!m_jobsTimer.isActive())
            m_jobsTimer.start();
        break;
    }
    case ModelEvent::Type::ModelDeleted:
        m_repoOf.remove(id);
        Q_EMIT modelRemoved(id);
        if (!m_jobsTimer.isActive())
            m_jobsTimer.start();
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
        jp.files = t.files;
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
