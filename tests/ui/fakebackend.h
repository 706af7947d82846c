#pragma once

#include "modelbackend.h"

#include <QHash>

namespace mistudio::ui::test {

// An in-memory ModelBackend for widget tests and the start-up bench: answers asynchronously
// (queued, like the real service) and records the calls it received.
class FakeBackend final : public ModelBackend
{
    Q_OBJECT

public:
    using ModelBackend::ModelBackend;

    std::vector<ModelRecord> records;
    QJsonObject previewJson;
    std::optional<Error> previewError;
    QJsonObject architectureJson;
    QStringList searchResults;
    QStringList calls; // "cancel <uuid>", "download <repo> <quant>", ...
    qint64 bytesFreed = 0;

    static ModelRecord makeRecord(int i, ModelStatus status = ModelStatus::Ready);

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

    // Test helpers that play the service's events.
    void emitChanged(const ModelRecord &r) { Q_EMIT modelChanged(r); }
    void emitProgress(const QUuid &id, const JobProgress &p) { Q_EMIT progressChanged(id, p); }
};

} // namespace mistudio::ui::test
