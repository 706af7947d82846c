#pragma once

#include "common/result.h"
#include "common/transferprogress.h"
#include "hub/hubtypes.h"
#include "hub/modelpreview.h"
#include "service/librarytypes.h"
#include "service/servicetypes.h"
#include "store/modelrecord.h"
#include "store/workerrecord.h"

#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QUuid>

#include <functional>
#include <optional>
#include <vector>

namespace mistudio::ui {

// What the table shows about a running job, built from download_progress/quantize_progress
// events. Percent is 0..100; negative numbers mean "unknown".
struct JobProgress
{
    enum class Phase
    {
        Download,
        Quantize
    };
    Phase phase = Phase::Download;
    double percent = 0.0;
    qint64 bytesDone = -1;
    qint64 bytesTotal = -1;
    double bytesPerSecond = -1.0;
    qint64 etaSeconds = -1;
    int filesDone = -1;
    int filesTotal = -1;
    QList<TransferFile> files; // per file, when the engine reports them (the details pane)
};

// The job a model has (queued, running, paused, waiting for a token), as the views need it:
// the row shows "Queued #2", "Paused" with the bytes kept, "Stopping…".
struct JobInfo
{
    enum class State
    {
        Queued,
        Running,
        Paused,
        NeedsToken
    };
    QUuid jobId;
    JobProgress::Phase phase = JobProgress::Phase::Download;
    State state = State::Queued;
    bool stopping = false;     // a pause or cancel was asked of its owner and is under way
    int queuePosition = 0;     // 1-based among queued jobs; 0 when not queued
    QString device;            // quantize jobs
    QString ownerHost;         // while running
    TransferProgress transfer; // a download's bytes as last saved (what a paused row shows)
};

// 4-bit options the advanced part of the download form exposes (docs/api.md: NF4 + double quant
// is the default; FP4 and single quantization are the advanced variants).
struct QuantOptions
{
    QString mode = QStringLiteral("none");     // none | bnb-4bit | bnb-8bit
    QString quantType = QStringLiteral("nf4"); // nf4 | fp4 (bnb-4bit only)
    bool doubleQuant = true;                   // bnb-4bit only
    QString device = QStringLiteral("auto");   // re-quantize only: auto | cpu | cuda:N
};

struct DownloadRequest
{
    QString repoId;
    QString revision = QStringLiteral("main");
    QuantOptions quant;
    QString token;                // empty: the service's own token resolution
    qint64 maxBytesPerSecond = 0; // this download only, besides the global cap; 0 = none
};

struct PreviewRequest
{
    QString repoId;
    QString revision = QStringLiteral("main");
    QString token;
};

// This machine as the preview's "fits in RAM/VRAM" hint needs it (-1: unknown).
struct MachineInfo
{
    qint64 ramBytes = -1;
    QStringList gpus;      // "cuda:0", ...
    qint64 vramBytes = -1; // the largest GPU's memory
};

// The last verification of a model's files against their recorded hashes, as the details pane
// shows it.
struct VerificationInfo
{
    QString state; // "" never verified, "ok", "failed"
    QDateTime verifiedAt;
    int files = 0;
    int failures = 0;
    QString firstBadFile;   // failed: the first file that did not match
    QString firstBadReason; // its state: mismatch | missing | size_mismatch | unreadable
};

// The processes sharing the catalogue (fresh heartbeat) and which of them is this one, so the
// window can say "3 workers" and mark its own row.
struct WorkerList
{
    std::vector<WorkerRecord> workers;
    QString selfId; // this process's worker id (WorkerRecord::id)
};

// The Widgets face's port onto the model service. Every call returns at once; its result is
// delivered later on the GUI thread to `context` (dropped if `context` is gone), so no widget
// ever waits on I/O. The adapter over core/service (ServiceBackend) is what the app injects;
// tests may inject their own.
class ModelBackend : public QObject
{
    Q_OBJECT

public:
    template<class T> using Callback = std::function<void(Result<T>)>;
    using StatusCallback = std::function<void(Status)>;

    using QObject::QObject;
    ~ModelBackend() override = default;

    // The catalogue, newest first, in batches: a small first one so the window can show rows at
    // once, then larger ones; `last` marks the final batch (an empty catalogue is one batch).
    using BatchCallback = std::function<void(Result<std::vector<ModelRecord>> batch, bool last)>;
    virtual void listModels(QObject *context, BatchCallback batch) = 0;
    // The active jobs (queued in queue order, running, paused, waiting for a token).
    virtual void listJobs(QObject *context, Callback<QList<JobView>> done) = 0;
    virtual void machine(QObject *context, Callback<MachineInfo> done) = 0;
    // Every process sharing this catalogue whose heartbeat is fresh, this one included.
    virtual void workers(QObject *context, Callback<WorkerList> done) = 0;

    virtual void preview(const PreviewRequest &request, QObject *context,
                         Callback<hub::ModelPreview> done) = 0;
    // README.md of the repo (Markdown); an error when it has none or the Hub is unreachable.
    virtual void modelCard(const PreviewRequest &request, QObject *context,
                           Callback<QString> done) = 0;
    // Hub search for the repo field; an offline Hub gives an error the form ignores.
    virtual void searchRepos(const QString &query, int limit, QObject *context,
                             Callback<QList<hub::SearchHit>> done) = 0;
    // "Download this repo" (the service's one policy: previews first, no record on refusal).
    virtual void download(const DownloadRequest &request, QObject *context,
                          Callback<ModelRecord> done) = 0;
    // Starts the download of a model that has none (cancelled, or never started).
    virtual void start(const QUuid &id, QObject *context, StatusCallback done) = 0;
    virtual void cancel(const QUuid &id, QObject *context, StatusCallback done) = 0;
    virtual void pause(const QUuid &id, QObject *context, StatusCallback done) = 0;
    virtual void resume(const QUuid &id, const QString &token, QObject *context,
                        StatusCallback done) = 0;
    virtual void retry(const QUuid &id, const QString &token, QObject *context,
                       StatusCallback done) = 0;
    // The global download cap (bytes/s, 0 = none), applied to running downloads at once.
    virtual void setBandwidthLimit(qint64 bytesPerSecond, QObject *context, StatusCallback done) = 0;
    // How many jobs were paused / resumed.
    virtual void pauseAll(QObject *context, Callback<int> done) = 0;
    virtual void resumeAll(QObject *context, Callback<int> done) = 0;
    // Moves the model's queued job before another model's queued job (to the end without one).
    virtual void moveInQueue(const QUuid &id, const std::optional<QUuid> &before, QObject *context,
                             StatusCallback done) = 0;
    // What deleting these models would free on disk now, by the service's deletion policy
    // (every variant counted, a folder another record of the same repo uses left out).
    virtual void planRemoval(const QList<QUuid> &ids, QObject *context,
                             Callback<qint64> done) = 0;
    // Result: the bytes freed on disk.
    virtual void remove(const QUuid &id, QObject *context, Callback<qint64> done) = 0;
    virtual void requantize(const QUuid &id, const QuantOptions &quant, QObject *context,
                            StatusCallback done) = 0;
    // The model's quantized variants (each in its own folder), oldest first.
    virtual void variants(const QUuid &id, QObject *context,
                          Callback<std::vector<VariantRecord>> done) = 0;
    // Deletes one variant ("bnb-4bit-nf4-dq", ...); the bytes freed.
    virtual void removeVariant(const QUuid &id, const QString &variant, QObject *context,
                               Callback<qint64> done) = 0;
    // Disk and memory per mode for a downloaded model, from its own files (no network).
    virtual void estimateVariants(const QUuid &id, QObject *context,
                                  Callback<QList<hub::SizeEstimate>> done) = 0;
    // Architecture JSON: the base keys plus layer tree and hook points (core/arch toJson()).
    virtual void architecture(const QUuid &id, QObject *context, Callback<QJsonObject> done) = 0;

    // The snapshots of the library's Hugging Face cache and whether each can be imported.
    virtual void scanHfCache(QObject *context, Callback<CacheListing> done) = 0;
    // Imports the snapshots one after the other; `done(i, result)` once per request, in order,
    // with the ready model it created (or why not).
    using ImportCallback = std::function<void(int index, Result<ModelRecord> result)>;
    virtual void importFromHfCache(const QList<HfImportRequest> &requests, QObject *context,
                                   ImportCallback done) = 0;
    // Re-hashes a ready model's files against their records (modelChanged follows with the
    // record's new state); the state last recorded.
    virtual void verify(const QUuid &id, QObject *context, Callback<VerificationInfo> done) = 0;
    virtual void verification(const QUuid &id, QObject *context,
                              Callback<VerificationInfo> done) = 0;

Q_SIGNALS:
    // Emitted on the GUI thread.
    void modelChanged(const mistudio::ModelRecord &record); // created or updated
    void modelRemoved(const QUuid &id);
    void progressChanged(const QUuid &id, const mistudio::ui::JobProgress &progress);
    // A download or quantization ended; `ok` false with the error otherwise.
    void jobFinished(const QUuid &id, const QString &repoId, mistudio::ui::JobProgress::Phase phase,
                     bool ok, const mistudio::Error &error);
    // The active jobs changed (a job queued, started, paused, moved, ended): the whole list,
    // queued ones in queue order.
    void jobsChanged(const QList<mistudio::JobView> &jobs);
    // A job waits for a Hugging Face token (gated repo, e.g. after a restart without one).
    void tokenRequired(const QUuid &id, const QString &repoId);
};

// Runs `fn` on `context`'s thread unless `context` has been destroyed meanwhile.
template<class Fn> void deliver(QObject *context, Fn &&fn)
{
    QMetaObject::invokeMethod(context, std::forward<Fn>(fn), Qt::QueuedConnection);
}

// The views' JobInfo for each model with an active job, from the service's list.
QHash<QUuid, JobInfo> jobInfos(const QList<JobView> &jobs);

// The details pane's view of what the library recorded (its verify_report summary).
VerificationInfo verificationInfo(const LibraryRecord &record);

} // namespace mistudio::ui

Q_DECLARE_METATYPE(mistudio::ui::JobProgress)
