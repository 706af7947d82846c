#include "service/jobtask.h"

#include "common/repoid.h"
#include "service/eventbus.h"
#include "service/jobevents.h"
#include "service/tokenvault.h"
#include "service/updateplan.h"

#include <QDirIterator>
#include <QElapsedTimer>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

constexpr qint64 kProgressSaveMs = 1000;

bool isTokenError(ErrorCode c)
{
    return c == ErrorCode::GatedAuthRequired || c == ErrorCode::NeedsToken
        || c == ErrorCode::InvalidToken;
}

// Publishes at most one progress event per interval.
class Throttle
{
public:
    explicit Throttle(int intervalMs) : m_interval(intervalMs) { m_timer.start(); }
    bool due()
    {
        if (m_first || m_timer.elapsed() >= m_interval) {
            m_first = false;
            m_timer.restart();
            return true;
        }
        return false;
    }

private:
    QElapsedTimer m_timer;
    int m_interval;
    bool m_first = true;
};

// The bytes of a folder's files (a variant on disk: weights, config, tokenizer copies).
qint64 folderBytes(const QString &dir)
{
    qint64 bytes = 0;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::NoSymLinks, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        bytes += it.fileInfo().size();
    }
    return bytes;
}

qint64 monotonicMs()
{
    static QElapsedTimer clock = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    return clock.elapsed();
}

} // namespace

void JobTask::run()
{
    if (finishIfStopped())
        return;
    if (m_job.kind == JobKind::Download)
        runDownload();
    else
        runQuantize();
}

void JobTask::finish(JobState to, const QString &error, const ModelPatch &patch,
                     const std::optional<NewJob> &next, std::vector<ModelEvent> leading)
{
    if (m_control.requested() == JobControl::Request::Lost)
        return;
    Result<CommittedChange> c =
        m_queue.finish(m_job.fence(), to, error, patch, next, recordEvents(std::move(leading)));
    if (!c) {
        if (c.error().code != ErrorCode::LeaseLost)
            qWarning("job %s: cannot record its end (%s): %s", qPrintable(m_job.id.toString(QUuid::WithoutBraces)),
                     qPrintable(jobStateName(to)), qPrintable(c.error().toString()));
        m_control.request(JobControl::Request::Lost);
        return;
    }
    if (isFinishedJobState(to))
        m_tokens.forget(m_job.modelId);
    publishCommitted(m_bus, *c);
}

bool JobTask::finishIfStopped()
{
    switch (m_control.requested()) {
    case JobControl::Request::None:
        return false;
    case JobControl::Request::Lost:
        return true;
    case JobControl::Request::Shutdown:
        finish(JobState::Queued, {}); // released: another worker (or the next start) takes it
        return true;
    case JobControl::Request::Pause:
        finish(JobState::Paused, {});
        return true;
    case JobControl::Request::Cancel:
        finish(JobState::Cancelled, {});
        return true;
    }
    return false;
}

void JobTask::saveProgress(double percent, const QJsonObject &detail)
{
    const qint64 now = monotonicMs();
    if (m_lastSaveMs >= 0 && now - m_lastSaveMs < kProgressSaveMs)
        return;
    m_lastSaveMs = now;
    if (Status s = m_queue.saveProgress(m_job.fence(), percent, detail); !s) {
        if (s.error().code == ErrorCode::LeaseLost)
            m_control.request(JobControl::Request::Lost);
        else
            qWarning("job %s: cannot save progress: %s", qPrintable(m_job.id.toString(QUuid::WithoutBraces)),
                     qPrintable(s.error().toString()));
    }
}

void JobTask::failBeforeStart(const Error &error, bool quantizeStep, const QString &mode)
{
    finish(JobState::Failed, error.message, {}, std::nullopt,
           {quantizeStep ? ModelEvent::quantizeFailed(m_job.modelId, error, mode)
                         : ModelEvent::downloadFailed(m_job.modelId, error)});
}

void JobTask::runDownload()
{
    const QUuid id = m_job.modelId;
    const Result<ModelRecord> rec = m_models.get(id);
    if (!rec) {
        finish(JobState::Failed, rec.error().message);
        return;
    }
    const Result<RepoId> repo = RepoId::parse(rec->repoId);
    if (!repo) {
        failBeforeStart(repo.error(), false, {});
        return;
    }
    const DownloadRequest request = DownloadRequest::fromParams(m_job.params);
    DownloadSpec spec;
    spec.modelId = id;
    spec.repoId = rec->repoId;
    spec.revision = request.revision.isEmpty() ? rec->revision : request.revision;
    // An update fetches the commit it was planned against; anything else keeps to the recorded one.
    spec.pinnedCommit = request.update ? request.commit : rec->commitSha;
    spec.include = request.include;
    spec.exclude = request.exclude;
    spec.connections = request.connections;
    spec.maxBytesPerSecond = request.maxBytesPerSecond;
    spec.token = m_tokens.get(id);
    if (spec.token.isEmpty() && m_engines.storedToken)
        spec.token = m_engines.storedToken();
    spec.targetDir = m_options.dataDir.modelDir(repo.value());

    Throttle throttle(m_options.progressIntervalMs);
    auto onProgress = [&](const DownloadProgressInfo &p) {
        if (m_control.stopRequested())
            return;
        const double pct = p.totalBytes > 0
            ? 100.0 * double(p.downloadedBytes) / double(p.totalBytes)
            : 0.0;
        if (throttle.due())
            m_bus->publish(ModelEvent::downloadProgress(id, p));
        saveProgress(pct, QJsonObject{{u"downloaded_bytes"_s, p.downloadedBytes},
                                      {u"total_bytes"_s, p.totalBytes},
                                      {u"speed_bytes_per_sec"_s, qint64(p.bytesPerSecond)},
                                      {u"files_done"_s, p.filesDone},
                                      {u"files_total"_s, p.filesTotal}});
    };
    Result<DownloadOutcome> out = m_engines.download
        ? m_engines.download->download(spec, onProgress, m_control)
        : Result<DownloadOutcome>(Error::make(ErrorCode::Internal, u"This build has no download engine"_s));

    if (finishIfStopped())
        return;
    if (!out) {
        const Error &e = out.error();
        // A job taken up without a token of its own (after a restart, or from a process that is
        // gone) waits for one instead of failing: resume with a token continues it.
        const bool adopted = m_job.attempts > 1 || (!m_job.affinityId.isEmpty() && m_job.affinityId != m_ownerId);
        if (isTokenError(e.code) && adopted && spec.token.isEmpty()) {
            finish(JobState::NeedsToken, e.message);
            return;
        }
        finish(JobState::Failed, e.message, {}, std::nullopt, {ModelEvent::downloadFailed(id, e)});
        return;
    }
    ModelPatch patch;
    patch.commitSha = out->commitSha;
    patch.filePath = out->dir;
    patch.sizeBytes = std::optional<qint64>(out->sizeBytes);
    if (!out->fileRecords.isEmpty())
        patch.files = out->fileRecords;
    if (request.update) {
        // Only what changed was fetched: the model's files are the recorded ones it did not
        // touch plus those, and the files gone upstream leave the folder.
        const Result<QList<ModelFileRecord>> before = m_models.files(id);
        if (!before) {
            finish(JobState::Failed, before.error().message, {}, std::nullopt, {ModelEvent::downloadFailed(id, before.error())});
            return;
        }
        const QList<ModelFileRecord> files = UpdatePlan::merge(*before, out->fileRecords, request.removePaths);
        UpdatePlan::removeFiles(out->dir, request.removePaths);
        patch.files = files;
        patch.sizeBytes = std::optional<qint64>(totalSize(files));
    }
    if (m_engines.architecture) {
        Result<QJsonObject> arch = m_engines.architecture->extract(out->dir);
        if (arch) {
            patch.architecture = arch.value();
            // The exact count from the downloaded headers (the preview's, for a record made
            // without one, e.g. POST /models).
            if (const qint64 n = arch->value(u"total_params"_s).toInteger(); n > 0)
                patch.paramsCount = std::optional<qint64>(n);
        }
        else
            patch.errorMessage = u"architecture: "_s + arch.error().message;
    }
    std::vector<ModelEvent> leading{
        ModelEvent::downloadCompleted(id, out->dir, out->sizeBytes, out->commitSha, out->files)};
    const QString mode = request.quantization;
    if (mode.isEmpty() || mode == u"none"_s) {
        finish(JobState::Done, {}, patch, std::nullopt, std::move(leading));
        return;
    }
    if (!m_engines.quantize) {
        const Error e = Error::make(ErrorCode::GpuUnavailable, u"This build has no quantizer"_s);
        leading.push_back(ModelEvent::quantizeFailed(id, e, mode));
        // Downloaded, but the quantization asked for cannot happen: the model shows failed.
        finish(JobState::Failed, e.message, patch, std::nullopt, std::move(leading));
        return;
    }
    // The quantization is its own job, queued in the same transaction, for any worker with a
    // device free: it needs no token, so nothing ties it to this process.
    QJsonObject params{{u"mode"_s, mode}, {u"requantize"_s, false}};
    if (mode == u"bnb-4bit"_s) {
        params.insert(u"quant_type"_s, request.quantType);
        params.insert(u"double_quant"_s, request.doubleQuant);
    }
    finish(JobState::Done, {}, patch, NewJob{id, JobKind::Quantize, params, u"auto"_s, QString()},
           std::move(leading));
}

void JobTask::runQuantize()
{
    const QUuid id = m_job.modelId;
    const QString mode = m_job.params.value(u"mode"_s).toString();
    const Result<ModelRecord> rec = m_models.get(id);
    if (!rec) {
        finish(JobState::Failed, rec.error().message);
        return;
    }
    if (!m_engines.quantize) {
        failBeforeStart(Error::make(ErrorCode::GpuUnavailable, u"This build has no quantizer"_s), true, mode);
        return;
    }
    const Result<RepoId> repo = RepoId::parse(rec->repoId);
    if (!repo) {
        failBeforeStart(repo.error(), true, mode);
        return;
    }
    QuantizeSpec spec;
    spec.modelId = id;
    spec.mode = mode;
    spec.quantType = m_job.params.value(u"quant_type"_s).toString(u"nf4"_s);
    spec.doubleQuant = m_job.params.value(u"double_quant"_s).toBool(true);
    spec.device = m_device;
    spec.inputDir = rec->filePath;
    // Each variant in a folder of its own: quantizing another variant never replaces this one
    // (the same variant again replaces it, atomically: the quantizer writes aside, then renames).
    const QuantVariant variant{mode, spec.quantType, spec.doubleQuant};
    spec.outputDir = m_options.dataDir.variantDir(repo.value(), variant.name());

    Throttle throttle(m_options.progressIntervalMs);
    auto onProgress = [&](const QuantizeProgressInfo &p) {
        if (m_control.stopRequested())
            return;
        const double pct = p.bytesTotal > 0 ? 100.0 * double(p.bytesDone) / double(p.bytesTotal) : 0.0;
        if (throttle.due())
            m_bus->publish(ModelEvent::quantizeProgress(id, p));
        saveProgress(pct, QJsonObject{{u"tensors_done"_s, p.tensorsDone},
                                      {u"tensors_total"_s, p.tensorsTotal},
                                      {u"bytes_done"_s, p.bytesDone},
                                      {u"bytes_total"_s, p.bytesTotal},
                                      {u"seconds_elapsed"_s, p.secondsElapsed},
                                      {u"mode"_s, p.mode},
                                      {u"device"_s, p.device}});
    };
    Result<QuantizeOutcome> out = m_engines.quantize->quantize(spec, onProgress, m_control);

    if (finishIfStopped())
        return;
    if (!out) {
        finish(JobState::Failed, out.error().message, {}, std::nullopt,
               {ModelEvent::quantizeFailed(id, out.error(), mode)});
        return;
    }
    ModelPatch patch;
    patch.quantization = mode;
    patch.quantizedPath = out->filePath;
    patch.errorMessage = QString();
    VariantRecord record;
    record.modelId = id;
    record.variant = variant;
    record.path = spec.outputDir;
    record.sizeBytes = folderBytes(spec.outputDir);
    record.device = out->device.isEmpty() ? m_device : out->device;
    patch.addVariant = record;
    finish(JobState::Done, {}, patch, std::nullopt,
           {ModelEvent::quantizeCompleted(id, out->filePath, out->sizeBytes, mode)});
}

} // namespace mistudio
