#pragma once

#include "common/result.h"
#include "store/modelrecord.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QUuid>

#include <functional>
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
};

// 4-bit options the advanced part of the download form exposes (design §3: NF4 + double quant
// is the default; FP4 and single quantization are the advanced variants).
struct QuantOptions
{
    QString mode = QStringLiteral("none");     // none | bnb-4bit | bnb-8bit
    QString quantType = QStringLiteral("nf4"); // nf4 | fp4 (bnb-4bit only)
    bool doubleQuant = true;                   // bnb-4bit only
};

struct DownloadRequest
{
    QString repoId;
    QString revision = QStringLiteral("main");
    QuantOptions quant;
    QString token; // empty: the service's own token resolution
};

struct PreviewRequest
{
    QString repoId;
    QString revision = QStringLiteral("main");
    QString token;
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
    // Preview JSON: design §4.3 plus the Hub preview's extensions (ModelPreview::toJson()).
    virtual void preview(const PreviewRequest &request, QObject *context,
                         Callback<QJsonObject> done) = 0;
    // Repo ids for autocompletion; an offline Hub gives an error the form ignores.
    virtual void searchRepos(const QString &query, int limit, QObject *context,
                             Callback<QStringList> done) = 0;
    // Creates the record (model_created follows) and starts its download.
    virtual void download(const DownloadRequest &request, QObject *context,
                          Callback<ModelRecord> done) = 0;
    virtual void cancel(const QUuid &id, QObject *context, StatusCallback done) = 0;
    virtual void pause(const QUuid &id, QObject *context, StatusCallback done) = 0;
    virtual void resume(const QUuid &id, const QString &token, QObject *context,
                        StatusCallback done) = 0;
    virtual void retry(const QUuid &id, const QString &token, QObject *context,
                       StatusCallback done) = 0;
    // Result: the bytes freed on disk.
    virtual void remove(const QUuid &id, QObject *context, Callback<qint64> done) = 0;
    virtual void requantize(const QUuid &id, const QuantOptions &quant, QObject *context,
                            StatusCallback done) = 0;
    // Architecture JSON: design §2.2 plus layer tree and hook points (core/arch toJson()).
    virtual void architecture(const QUuid &id, QObject *context, Callback<QJsonObject> done) = 0;

Q_SIGNALS:
    // Emitted on the GUI thread.
    void modelChanged(const mistudio::ModelRecord &record); // created or updated
    void modelRemoved(const QUuid &id);
    void progressChanged(const QUuid &id, const mistudio::ui::JobProgress &progress);
    // A download or quantization ended; `ok` false with the error otherwise.
    void jobFinished(const QUuid &id, const QString &repoId, mistudio::ui::JobProgress::Phase phase,
                     bool ok, const mistudio::Error &error);
    void pausedChanged(const QUuid &id, bool paused);
    // A job waits for a Hugging Face token (gated repo, e.g. after a restart without one).
    void tokenRequired(const QUuid &id, const QString &repoId);
};

// Runs `fn` on `context`'s thread unless `context` has been destroyed meanwhile.
template<class Fn> void deliver(QObject *context, Fn &&fn)
{
    QMetaObject::invokeMethod(context, std::forward<Fn>(fn), Qt::QueuedConnection);
}

} // namespace mistudio::ui

Q_DECLARE_METATYPE(mistudio::ui::JobProgress)
