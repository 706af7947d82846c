#pragma once

// Engines for service and server tests: a download backend that writes real files with
// progress (optionally slowly, failing, or demanding a token), a quantizer and an
// architecture extractor that read what it wrote. The real engines are tested in their areas.
#include "service/engines.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>
#include <QThread>

#include <atomic>

namespace mistudio::test {

class FakeDownload final : public DownloadBackend
{
public:
    int chunks = 8;
    qint64 chunkBytes = 64 * 1024;
    int chunkDelayMs = 0;
    std::atomic<bool> gated{false};            // fails with gated_auth_required without a token
    std::atomic<int> failWith{-1};             // an ErrorCode to fail with, -1 = none
    std::atomic<int> calls{0};
    std::atomic<int> stopped{0}; // runs that ended because the control asked them to stop
    std::atomic<bool> holdStop{false}; // an engine slow to stop: a stop request waits until cleared
    std::atomic<qint64> bandwidthLimit{-1}; // the last global cap set; -1 = never
    std::atomic<bool> recordFiles{false}; // report the files' hashes, as the real download does
    QMutex mutex;
    QStringList tokensSeen;

    void setBandwidthLimit(qint64 bytesPerSecond) override { bandwidthLimit = bytesPerSecond; }

    Result<DownloadOutcome> download(const DownloadSpec &spec,
                                     const std::function<void(const DownloadProgressInfo &)> &progress,
                                     const JobControl &control) override
    {
        ++calls;
        {
            QMutexLocker lock(&mutex);
            tokensSeen << spec.token;
        }
        if (gated && spec.token.isEmpty())
            return Error::make(ErrorCode::GatedAuthRequired, QStringLiteral("gated repo"));
        if (failWith >= 0)
            return Error::make(ErrorCode(int(failWith)), QStringLiteral("injected failure"));
        QDir().mkpath(spec.targetDir);
        QFile cfg(spec.targetDir + QStringLiteral("/config.json"));
        cfg.open(QIODevice::WriteOnly);
        cfg.write(R"({"model_type":"gpt2","n_embd":64,"n_layer":2})");
        cfg.close();
        // Resume: what an earlier attempt wrote counts as done.
        QFile part(spec.targetDir + QStringLiteral("/model.safetensors"));
        const qint64 total = chunks * chunkBytes;
        const qint64 already = part.exists() ? part.size() : 0;
        part.open(QIODevice::Append);
        DownloadProgressInfo p;
        p.totalBytes = total;
        p.filesTotal = 2;
        p.filesDone = 1;
        p.currentFile = QStringLiteral("model.safetensors");
        p.downloadedBytes = already;
        while (p.downloadedBytes < total) {
            if (control.stopRequested() && !holdStop) {
                ++stopped;
                return Error::make(ErrorCode::Cancelled, QStringLiteral("stopped"));
            }
            if (chunkDelayMs > 0)
                QThread::msleep(chunkDelayMs);
            part.write(QByteArray(chunkBytes, 'x'));
            part.flush();
            p.downloadedBytes += chunkBytes;
            p.bytesPerSecond = 1e6;
            progress(p);
        }
        p.filesDone = 2;
        progress(p);
        DownloadOutcome out{QStringLiteral("0123456789abcdef0123456789abcdef01234567"),
                            spec.targetDir, total + cfg.size(), 2, {}};
        if (recordFiles) {
            part.close();
            const auto hash = [&](const QString &name, QCryptographicHash::Algorithm a, bool gitBlob) {
                QFile f(spec.targetDir + u'/' + name);
                f.open(QIODevice::ReadOnly);
                const QByteArray bytes = f.readAll();
                QCryptographicHash h(a);
                if (gitBlob)
                    h.addData(QByteArray("blob " + QByteArray::number(bytes.size()) + '\0'));
                h.addData(bytes);
                return QString::fromLatin1(h.result().toHex());
            };
            out.fileRecords = {
                ModelFileRecord{QStringLiteral("config.json"), cfg.size(), {},
                                hash(QStringLiteral("config.json"), QCryptographicHash::Sha1, true)},
                ModelFileRecord{QStringLiteral("model.safetensors"), total,
                                hash(QStringLiteral("model.safetensors"), QCryptographicHash::Sha256, false), {}}};
        }
        return out;
    }
};

class FakeQuantizer final : public QuantizeBackend
{
public:
    std::atomic<bool> fail{false};
    std::atomic<int> calls{0};
    int steps = 4;
    int stepDelayMs = 0;
    QStringList gpuList;

    QStringList gpus() const override { return gpuList; }
    // The spec of the last call, to check what the service passed on.
    QuantizeSpec lastSpec() const
    {
        QMutexLocker lock(&m_mutex);
        return m_lastSpec;
    }
    Result<QuantizeOutcome> quantize(const QuantizeSpec &spec,
                                     const std::function<void(const QuantizeProgressInfo &)> &progress,
                                     const JobControl &control) override
    {
        ++calls;
        {
            QMutexLocker lock(&m_mutex);
            m_lastSpec = spec;
        }
        if (fail)
            return Error::make(ErrorCode::QuantizationFailed, QStringLiteral("injected"));
        QuantizeProgressInfo p;
        p.mode = spec.mode;
        p.device = spec.device;
        p.tensorsTotal = steps;
        for (int i = 1; i <= steps; ++i) {
            if (control.stopRequested())
                return Error::make(ErrorCode::Cancelled, QStringLiteral("stopped"));
            if (stepDelayMs > 0)
                QThread::msleep(stepDelayMs);
            p.tensorsDone = i;
            p.secondsElapsed = 0.1 * i;
            progress(p);
        }
        QDir().mkpath(spec.outputDir);
        const QString out = spec.outputDir + QStringLiteral("/model_4bit.safetensors");
        QFile f(out);
        f.open(QIODevice::WriteOnly);
        f.write(QByteArray(1000, 'q'));
        return QuantizeOutcome{out, 1000, spec.device};
    }

private:
    mutable QMutex m_mutex;
    QuantizeSpec m_lastSpec;
};

class FakeArchitecture final : public ArchitectureBackend
{
public:
    Result<QJsonObject> extract(const QString &dir) override
    {
        QFile f(dir + QStringLiteral("/config.json"));
        if (!f.open(QIODevice::ReadOnly))
            return Error::make(ErrorCode::InvalidCheckpoint, QStringLiteral("no config.json"));
        QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
        o.insert(QStringLiteral("hook_points"),
                 QJsonArray{QStringLiteral("transformer.h.0.hook_resid_post")});
        return o;
    }
    Result<QList<hub::SizeEstimate>> estimateSizes(const QString &dir) override
    {
        if (!QFile::exists(dir + QStringLiteral("/model.safetensors")))
            return Error::make(ErrorCode::UnsupportedCheckpoint, QStringLiteral("no weights"));
        const qint64 w = QFileInfo(dir + QStringLiteral("/model.safetensors")).size();
        return QList<hub::SizeEstimate>{{hub::Quantization::None, w, w, 0, 0},
                                        {hub::Quantization::Bnb4bit, w / 4, w / 4, 1, 0},
                                        {hub::Quantization::Bnb8bit, w / 2, w / 2, 1, 0}};
    }
};

class FakeHub final : public HubBackend
{
public:
    std::atomic<bool> gated{false}; // without a token: can_download false, gated_auth_required

    Result<hub::ModelPreview> preview(const QString &repoId, const QString &,
                                      const QString &token) override
    {
        if (repoId == QStringLiteral("nobody/missing"))
            return Error::make(ErrorCode::RepoNotFound, QStringLiteral("Repository not found"));
        hub::ModelPreview p;
        p.repoId = repoId;
        p.modelType = QStringLiteral("gpt2");
        p.parameters = QStringLiteral("124M");
        p.parameterCount = 124439808;
        p.canDownload = !gated || !token.isEmpty();
        if (!*p.canDownload)
            p.accessError = Error::make(ErrorCode::GatedAuthRequired, QStringLiteral("gated repo"));
        return p;
    }
    Result<QString> modelCard(const QString &repoId, const QString &, const QString &) override
    {
        if (repoId == QStringLiteral("nobody/missing"))
            return Error::make(ErrorCode::RepoNotFound, QStringLiteral("Repository not found"));
        return QString(QStringLiteral("# ") + repoId + QStringLiteral("\n\nA test model.\n"));
    }
    Result<QList<hub::SearchHit>> search(const QString &query, int limit) override
    {
        QList<hub::SearchHit> hits;
        for (int i = 0; i < std::min(limit, 3); ++i) {
            hub::SearchHit h;
            h.id = query + QStringLiteral("-") + QString::number(i);
            h.downloads = 1000 - i;
            hits << h;
        }
        return hits;
    }
    // What upstream() answers (check-updates); set by a test.
    UpstreamState upstreamState;
    Result<UpstreamState> upstream(const QString &repoId, const QString &, const QStringList &,
                                   const QStringList &, const QString &) override
    {
        if (repoId == QStringLiteral("nobody/missing"))
            return Error::make(ErrorCode::RepoNotFound, QStringLiteral("Repository not found"));
        QMutexLocker lock(&m_mutex);
        return upstreamState;
    }
    void setUpstream(UpstreamState state)
    {
        QMutexLocker lock(&m_mutex);
        upstreamState = std::move(state);
    }

private:
    QMutex m_mutex;
};

} // namespace mistudio::test
