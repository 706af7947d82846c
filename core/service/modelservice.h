#pragma once

#include "common/result.h"
#include "service/deletionpolicy.h"
#include "service/engines.h"
#include "service/eventbus.h"
#include "service/servicetypes.h"
#include "service/tokenvault.h"
#include "store/jobqueue.h"
#include "store/modelstore.h"

#include <QFuture>
#include <QObject>
#include <QThreadPool>

#include <memory>
#include <optional>

namespace mistudio {

class JobWorker;
class ModelLibrary;

// What downloadRepo did with a repo id: the one policy every face uses for "download this".
struct RepoDownload
{
    enum class Outcome {
        Started,        // a new record, or a pending/failed one, now queued
        Resumed,        // its paused (or token-waiting) job queued again
        AlreadyRunning, // its job is queued or running already (nothing changed)
        AlreadyReady,   // downloaded already (nothing changed; re-quantize is another use case)
    };
    Outcome outcome = Outcome::Started;
    ModelRecord model;
    std::optional<hub::ModelPreview> preview; // when the record was made from one
};

// The one service every face (GUI, HTTP/WebSocket server, CLI) uses: the flow
// of docs/api.md, create → preview → download → quantize (when requested) → architecture → ready,
// plus cancel, pause/resume, retry, delete and re-quantize. Use cases are written here once;
// faces only translate their input and output.
//
// Requests write rows of the jobs table (docs/jobs.md), which is the only authority: this
// process's worker (when it runs jobs) or any other process sharing the catalogue claims and runs
// them. Catalogue reads and requests are short database calls and return at once; what is long
// (previews over the network, deleting files) runs on the service's pools and reports through a
// QFuture; job progress and changes arrive through the EventBus.
class ModelService final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ModelService)

public:
    // `jobs` is the queue over the same catalogue as `store`; `bus` outlives the service.
    ModelService(std::shared_ptr<ModelStore> store, std::shared_ptr<JobQueue> jobs, EventBus *bus,
                 Engines engines, ServiceOptions options, QObject *parent = nullptr);
    ~ModelService() override; // shutdown()

    // Starts this process's worker (when it runs jobs): what dead processes of this host were
    // running is queued again at once, the rest comes back when leases expire. With
    // `onlyModel`, the worker takes that model's jobs only (a CLI download). Call once.
    Status start(std::optional<QUuid> onlyModel = std::nullopt);
    // Stops the worker: running jobs are released (queued again) unless a pause or cancel was
    // asked of them; waits for them. Interrupts in-flight previews.
    void shutdown();
    // A job may be claimable now (another process queued or released one): this process's
    // worker, if it has one, tries at once instead of at its next poll. Any thread.
    void wakeJobs() { wakeWorker(); }

    EventBus *events() const { return m_bus; }
    // The library's use cases: HF cache import/publish, verify, disk usage, updates, the mirror.
    ModelLibrary *library() const { return m_library.get(); }
    const ServiceOptions &options() const { return m_options; }
    QString ownerId() const { return m_options.ownerId; }

    // --- catalogue ---------------------------------------------------------------------
    Result<ModelRecord> create(const NewModel &model); // model_created
    Result<ModelPage> list(const ModelQuery &query) const;
    Result<ModelRecord> get(const QUuid &id) const;
    // Full UUID, unique prefix or repo id.
    Result<ModelRecord> resolve(QStringView idPrefixOrRepo) const;
    // The base architecture JSON (+ layer tree, hook points); NotFound until extracted.
    Result<QJsonObject> architecture(const QUuid &id) const;

    // --- jobs ----------------------------------------------------------------------------
    // pending|failed → downloading (queued). ready/downloading/quantizing → IllegalTransition
    // (a ready model takes an update request: ModelLibrary::update); a paused job → Conflict
    // (resume or cancel it).
    Result<ModelRecord> download(const QUuid &id, const DownloadRequest &request);
    // "Download this repo", the one policy of every face: the existing record of `repoId` is
    // started (pending, failed), resumed (paused, waiting for a token), or left as it is when
    // its job runs or it is ready (see RepoDownload). Without a record, the repo is previewed
    // first and the record made only once the Hub confirmed it and the access (so a misspelled
    // id or a gated repo without a token leave nothing behind), with its parameter count and
    // architecture known from the start.
    QFuture<Result<RepoDownload>> downloadRepo(const QString &repoId, const DownloadRequest &request);
    // ready → quantizing (re-quantize without downloading again).
    Result<ModelRecord> quantize(const QUuid &id, const QuantizeRequest &request);
    // Stops the active job; its partial data goes. A queued job stops at once; a running one is
    // stopped by its owner: when that is this process, this returns after it has stopped (up to
    // options().stopWait); otherwise at once, the job showing requested_stop until it does.
    Result<ModelRecord> cancel(const QUuid &id);
    // The same, keeping the partial data and the job's place for resume().
    Result<ModelRecord> pause(const QUuid &id);
    // cancel()/pause() for a face on an event loop (the server): the wait for this process's
    // job to stop happens on a service thread, never on the caller's.
    QFuture<Result<ModelRecord>> cancelAsync(const QUuid &id);
    QFuture<Result<ModelRecord>> pauseAsync(const QUuid &id);
    // Queues a paused job or one waiting for a token again (`token` used for it only).
    Result<ModelRecord> resume(const QUuid &id, const QString &token = {});
    // failed → a new download of the same files (verified, not fetched again when complete),
    // then the step that failed.
    Result<ModelRecord> retry(const QUuid &id, const QString &token = {});
    // What remove() would take from disk now (for a confirmation: "frees 1.2 GB").
    Result<Removal> planRemoval(const QUuid &id) const;
    // Stops the model's job (and waits until it has), removes its files (one policy,
    // DeletionPolicy: the model's folder under DATA_DIR/models with every variant, unless another
    // record of the same repo uses it; canonical paths only inside DATA_DIR/models) and the
    // record. What was removed and freed.
    QFuture<Result<Removal>> remove(const QUuid &id);
    // Resolves when the model has no running job (immediately when it has none).
    QFuture<void> whenSettled(const QUuid &id);
    // Fetches the Hub preview (docs/hub.md) on a worker thread.
    QFuture<Result<hub::ModelPreview>> preview(const QString &repoId, const QString &revision = {},
                                               const QString &token = {});

    // The repo's model card (README.md, Markdown), on a worker thread.
    QFuture<Result<QString>> modelCard(const QString &repoId, const QString &revision = {},
                                       const QString &token = {});
    // Hub search (autocompletion): ids with downloads, likes, gated state and last update.
    QFuture<Result<QList<hub::SearchHit>>> search(const QString &query, int limit);
    // Moves the model's queued job before another model's queued job (to the end without one).
    Status moveInQueue(const QUuid &modelId, const std::optional<QUuid> &beforeModelId);
    // Pause every queued or running job / resume every paused one; how many were.
    int pauseAll();
    int resumeAll();
    // Models per status and bytes on disk, for a status bar or sidebar.
    Result<CatalogueStats> stats() const;

    // The files of the model's download as the Hub described them (size, sha256 / git sha1).
    Result<QList<ModelFileRecord>> files(const QUuid &id) const;

    // --- quantized variants (each in its own folder, side by side) -------------------------
    Result<std::vector<VariantRecord>> variants(const QUuid &id) const;
    // Removes one variant's folder and record (Conflict while the model has a job); the bytes freed.
    QFuture<Result<qint64>> removeVariant(const QUuid &id, const QString &variant);
    // Disk and memory each mode would take for a downloaded model (for "which variant?").
    Result<QList<hub::SizeEstimate>> estimateVariants(const QUuid &id) const;

    std::optional<JobView> activeJob(const QUuid &modelId) const;
    QList<JobView> jobs() const; // queued, running, paused, needs_token
    QStringList gpus() const;
    // The global download bandwidth cap (every download of this process together), applied at
    // once to running downloads; 0 = unlimited. A download's own cap applies besides it.
    void setBandwidthLimit(qint64 bytesPerSecond);
    // Processes sharing this catalogue whose heartbeat is fresh.
    Result<std::vector<WorkerRecord>> workers() const;

private:
    Result<RepoDownload> downloadExisting(const ModelRecord &record, const DownloadRequest &request);
    Result<RepoDownload> downloadPreviewed(const QString &repoId, const DownloadRequest &request);
    Result<ModelRecord> stop(const QUuid &id, StopRequest request);
    Result<ModelRecord> enqueue(const ModelRecord &record, const NewJob &job, const ModelPatch &patch,
                                const QString &token);
    QString affinity(bool holdsToken) const;
    void wakeWorker();

    std::shared_ptr<ModelStore> m_store;
    std::shared_ptr<JobQueue> m_queue;
    EventBus *m_bus;
    Engines m_engines;
    ServiceOptions m_options;
    TokenVault m_tokens;
    std::unique_ptr<JobWorker> m_worker;
    std::unique_ptr<ModelLibrary> m_library;
    // Previews wait on the network, deletes on a job stopping and the disk: never the same
    // pool, so that slow Hub answers never hold a delete back.
    QThreadPool m_previewPool;
    QThreadPool m_removePool;
    QThreadPool m_stopPool; // cancelAsync/pauseAsync waiting for a local job to stop
};

} // namespace mistudio
