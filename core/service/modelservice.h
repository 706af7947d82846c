#pragma once

#include "common/result.h"
#include "service/engines.h"
#include "service/eventbus.h"
#include "service/servicetypes.h"
#include "store/jobstore.h"
#include "store/modelstore.h"

#include <QFuture>
#include <QObject>

#include <memory>
#include <optional>

namespace mistudio {

class JobRunner;

// The one service every face (GUI, HTTP/WebSocket server, CLI) uses: the flow of the design
// (§1.2, §6) create → preview → download → quantize (when requested) → architecture → ready,
// plus cancel, pause/resume, retry, delete and re-quantize.
//
// Catalogue reads and state changes (create/list/get/cancel/...) are short database calls and
// return at once; everything long (preview over the network, downloads, quantization, deleting
// files) runs on the service's thread pools and reports through the EventBus or a QFuture.
// Live in one thread (normally the main thread); the EventBus may be used from any thread.
class ModelService final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ModelService)

public:
    // `jobs` persists the jobs (same database as `store`); `bus` outlives the service.
    ModelService(std::shared_ptr<ModelStore> store, std::shared_ptr<JobStore> jobs, EventBus *bus,
                 Engines engines, ServiceOptions options, QObject *parent = nullptr);
    ~ModelService() override; // shutdown()

    // Recovers what a crash or restart interrupted: downloads resume (or wait in needs_token),
    // quantizations restart from their inputs, no record is left `downloading`. Call once.
    // With `onlyModel`, only that model's jobs are taken up (a CLI download re-run); the
    // others stay queued for the next full start.
    Status start(std::optional<QUuid> onlyModel = std::nullopt);
    // Stops running jobs so that the next start() resumes them; waits for the workers.
    void shutdown();

    EventBus *events() const { return m_bus; }
    const ServiceOptions &options() const { return m_options; }

    // --- catalogue ---------------------------------------------------------------------
    Result<ModelRecord> create(const NewModel &model); // model_created
    Result<ModelPage> list(const ModelQuery &query) const;
    Result<ModelRecord> get(const QUuid &id) const;
    // Full UUID, unique prefix or repo id.
    Result<ModelRecord> resolve(QStringView idPrefixOrRepo) const;
    // Design §2.2 JSON (+ layer tree, hook points); NotFound until extracted.
    Result<QJsonObject> architecture(const QUuid &id) const;

    // --- jobs ----------------------------------------------------------------------------
    // pending|failed → downloading (queued). ready/downloading/quantizing → IllegalTransition.
    Result<ModelRecord> download(const QUuid &id, const DownloadRequest &request);
    // ready → quantizing (re-quantize without downloading again).
    Result<ModelRecord> quantize(const QUuid &id, const QuantizeRequest &request);
    // Stops the active job; the record goes back to pending (ready for a re-quantize).
    Result<ModelRecord> cancel(const QUuid &id);
    // Stops the active job keeping its place (partial data, parameters) for resume().
    Result<ModelRecord> pause(const QUuid &id);
    // Restarts a paused job or one waiting for a token (`token` used for it only).
    Result<ModelRecord> resume(const QUuid &id, const QString &token = {});
    // failed → pending → the step that failed again (download or quantization).
    Result<ModelRecord> retry(const QUuid &id, const QString &token = {});
    // Cancels the active job, removes the files and the record; the bytes freed. model_deleted.
    QFuture<Result<qint64>> remove(const QUuid &id);
    // Fetches the Hub preview (§4.3) on a worker thread.
    QFuture<Result<QJsonObject>> preview(const QString &repoId, const QString &revision = {},
                                         const QString &token = {});

    std::optional<JobView> activeJob(const QUuid &modelId) const;
    QList<JobView> jobs() const; // queued, running, paused, needs_token
    QStringList gpus() const;

private:
    std::shared_ptr<ModelStore> m_store;
    EventBus *m_bus;
    ServiceOptions m_options;
    std::shared_ptr<PreviewBackend> m_preview;
    std::unique_ptr<JobRunner> m_runner;
};

} // namespace mistudio
