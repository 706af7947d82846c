#pragma once

#include "modelbackend.h"

#include <QFuture>
#include <QHash>
#include <QPointer>
#include <QTimer>

namespace mistudio {
class ModelEvent;
class ModelService;
} // namespace mistudio

namespace mistudio::ui {

// ModelBackend over core/service. The ModelService lives in its own thread (it makes short
// database calls, which must not run on the GUI thread); every call is posted to that thread
// and its result posted back here, then handed to the caller's context if it still exists.
// Service events arrive through the EventBus and become the views' signals.
class ServiceBackend final : public ModelBackend
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServiceBackend)

public:
    // `service` must outlive this object; it may live in any thread.
    explicit ServiceBackend(ModelService *service, QObject *parent = nullptr);
    ~ServiceBackend() override;

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
    void variants(const QUuid &id, QObject *context,
                  Callback<std::vector<VariantRecord>> done) override;
    void removeVariant(const QUuid &id, const QString &variant, QObject *context,
                       Callback<qint64> done) override;
    void estimateVariants(const QUuid &id, QObject *context,
                          Callback<QList<hub::SizeEstimate>> done) override;
    void architecture(const QUuid &id, QObject *context, Callback<QJsonObject> done) override;
    void scanHfCache(QObject *context, Callback<CacheListing> done) override;
    void importFromHfCache(const QList<HfImportRequest> &requests, QObject *context,
                           ImportCallback done) override;
    void verify(const QUuid &id, QObject *context, Callback<VerificationInfo> done) override;
    void verification(const QUuid &id, QObject *context, Callback<VerificationInfo> done) override;

private:
    // Runs `work` in the service's thread and `done(result)` back in this one, for `context`.
    template<class R, class Work, class Done> void call(QObject *context, Work work, Done done);
    // The same for work that answers with a QFuture (previews, deletes: the service's pools).
    template<class R, class Work, class Done>
    void callAsync(QObject *context, Work work, Done done);
    void importNext(const QList<HfImportRequest> &requests, int index, QPointer<QObject> context,
                    const ImportCallback &done);
    void handleEvent(const ModelEvent &event);
    void refreshRecord(const QUuid &id);
    void refreshJobs();

    ModelService *m_service;
    QHash<QUuid, QString> m_repoOf; // for notifications about models the table no longer has
    // job_changed events come in bursts (a claim, a stop request, the stop): one list per burst.
    QTimer m_jobsTimer;
};

} // namespace mistudio::ui
