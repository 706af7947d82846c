#pragma once

#include "modelbackend.h"

#include <QHash>
#include <QPointer>

namespace mistudio {
class ModelEvent;
class ModelService;
} // namespace mistudio

namespace mistudio::ui {

// ModelBackend over core/service. The ModelService lives in its own thread (it makes short
// database calls, which must not run on the GUI thread); every call is posted to that thread
// and its result posted back here, then handed to the caller's context if it still exists.
// Service events arrive through the EventBus and become the table's signals.
class ServiceBackend final : public ModelBackend
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServiceBackend)

public:
    // `service` must outlive this object; it may live in any thread.
    explicit ServiceBackend(ModelService *service, QObject *parent = nullptr);
    ~ServiceBackend() override;


    void listModels(QObject *context, BatchCallback batch) override;
    void preview(const PreviewRequest &request, QObject *context,
                 Callback<QJsonObject> done) override;
    void searchRepos(const QString &query, int limit, QObject *context,
                     Callback<QStringList> done) override;
    void download(const DownloadRequest &request, QObject *context,
                  Callback<ModelRecord> done) override;
    void cancel(const QUuid &id, QObject *context, StatusCallback done) override;
    void pause(const QUuid &id, QObject *context, StatusCallback done) override;
    void resume(const QUuid &id, const QString &token, QObject *context,
                StatusCallback done) override;
    void retry(const QUuid &id, const QString &token, QObject *context,
               StatusCallback done) override;
    void remove(const QUuid &id, QObject *context, Callback<qint64> done) override;
    void requantize(const QUuid &id, const QuantOptions &quant, QObject *context,
                    StatusCallback done) override;
    void architecture(const QUuid &id, QObject *context, Callback<QJsonObject> done) override;

private:
    // Runs `work` in the service's thread and `finish(result)` back in this one, for `context`.
    template<class R, class Work, class Done> void call(QObject *context, Work work, Done done);
    void handleEvent(const ModelEvent &event);
    void refreshRecord(const QUuid &id);

    ModelService *m_service;
    QHash<QUuid, QString> m_repoOf; // for notifications about models the table no longer has
};

} // namespace mistudio::ui
