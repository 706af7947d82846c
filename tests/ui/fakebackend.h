#pragma once

#include "modelbackend.h"

#include <QHash>

namespace mistudio::ui::test {

// An in-memory ModelBackend for widget tests, the screenshot tool and the start-up bench:
// answers asynchronously (queued, like the real service) and records the calls it received.
class FakeBackend final : public ModelBackend
{
    Q_OBJECT

public:
    using ModelBackend::ModelBackend;

    std::vector<ModelRecord> records;
    QList<JobView> jobList;
    hub::ModelPreview previewData;
    std::optional<Error> previewError;
    QString card =
        QStringLiteral("---\nlicense: gemma\n---\n# Sample model\n\nA **model card**.\n");
    std::optional<Error> cardError;
    QJsonObject architectureJson;
    QList<hub::SearchHit> searchResults;
    std::optional<Error> downloadError;
    MachineInfo machineInfo{16'000'000'000LL, {}, -1};
    QHash<QUuid, std::vector<VariantRecord>> variantsOf;
    QList<hub::SizeEstimate> estimates;
    std::optional<Error> estimateError;
    WorkerList workerList; // workers()'s answer (empty: none registered)
    std::optional<Error> workersError;
    QStringList calls; // "cancel <uuid>", "download <repo> <quant>", ...
    qint64 bytesFreed = 0;
    // planRemoval's answer per model; a model not in it plans its size plus its variants'.
    QHash<QUuid, qint64> plannedFree;
    std::optional<Error> planError;
    // The HF cache the import dialog lists, and what importing a repo answers (a repo not in
    // importErrors becomes a ready model).
    CacheListing cacheListing;
    std::optional<Error> scanError;
    QHash<QString, Error> importErrors;
    QList<HfImportRequest> importRequests; // every request importFromHfCache received
    // What verify answers per model (a model not in it verifies "ok"), and what verification
    // says was recorded before.
    QHash<QUuid, VerificationInfo> verifyResults;
    QHash<QUuid, VerificationInfo> recordedVerification;

    static ModelRecord makeRecord(int i, ModelStatus status = ModelStatus::Ready);
    static JobView makeJob(const QUuid &modelId, const QString &state,
                           const QString &kind = QStringLiteral("download"));

    void listModels(QObject *context, BatchCallback batch) override;
    void listJobs(QObject *context, Callback<QList<JobView>> done) override;
    void machine(QObject *context, Callback<MachineInfo> done) override;
    void workers(QObject *context, Callback<WorkerList> done) override;
    void preview(const PreviewRequest &request, QObject *context,
                 Callback<hub::ModelPreview> done) override;
    void modelCard(const PreviewRequest &request, QObject *context,
                   Callback<QString> done) override;
    void searchRepos(const QString &query, int limit, QObject *context,
                     Callback<QList<hub::SearchHit>> done) override;
    void download(const DownloadRequest &request, QObject *context,
                  Callback<ModelRecord> done) override;
    void start(const QUuid &id, QObject *context, StatusCallback done) override;
    void cancel(const QUuid &id, QObject *context, StatusCallback done) override;
    void pause(const QUuid &id, QObject *context, StatusCallback done) override;
    void resume(const QUuid &id, const QString &token, QObject *context,
                StatusCallback done) override;
    void retry(const QUuid &id, const QString &token, QObject *context,
               StatusCallback done) override;
    void setBandwidthLimit(qint64 bytesPerSecond, QObject *context, StatusCallback done) override;
    void pauseAll(QObject *context, Callback<int> done) override;
    void resumeAll(QObject *context, Callback<int> done) override;
    void moveInQueue(const QUuid &id, const std::optional<QUuid> &before, QObject *context,
                     StatusCallback done) override;
    void planRemoval(const QList<QUuid> &ids, QObject *context, Callback<qint64> done) override;
    void remove(const QUuid &id, QObject *context, Callback<qint64> done) override;
    void requantize(const QUuid &id, const QuantOptions &quant, QObject *context,
                    StatusCallback done) override;
    void architecture(const QUuid &id, QObject *context, Callback<QJsonObject> done) override;
    void variants(const QUuid &id, QObject *context,
                  Callback<std::vector<VariantRecord>> done) override;
    void removeVariant(const QUuid &id, const QString &variant, QObject *context,
                       Callback<qint64> done) override;
    void estimateVariants(const QUuid &id, QObject *context,
                          Callback<QList<hub::SizeEstimate>> done) override;
    void scanHfCache(QObject *context, Callback<CacheListing> done) override;
    void importFromHfCache(const QList<HfImportRequest> &requests, QObject *context,
                           ImportCallback done) override;
    void verify(const QUuid &id, QObject *context, Callback<VerificationInfo> done) override;
    void verification(const QUuid &id, QObject *context, Callback<VerificationInfo> done) override;
    static CacheCandidate makeCandidate(const QString &repoId, qint64 bytes,
                                        CacheCandidate::State state = CacheCandidate::State::Importable);
    static WorkerRecord makeWorker(int i, const QString &role, const QDateTime &heartbeat);
    static VariantRecord makeVariant(const QUuid &modelId, const QString &name, qint64 bytes);

    // Test helpers that play the service's events.
    void emitChanged(const ModelRecord &r) { Q_EMIT modelChanged(r); }
    void emitProgress(const QUuid &id, const JobProgress &p) { Q_EMIT progressChanged(id, p); }
    void emitJobs() { Q_EMIT jobsChanged(jobList); }
    void emitFinished(const QUuid &id, const QString &repo, JobProgress::Phase phase, bool ok,
                      const Error &error = {})
    {
        Q_EMIT jobFinished(id, repo, phase, ok, error);
    }
};

} // namespace mistudio::ui::test
