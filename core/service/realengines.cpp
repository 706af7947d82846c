#include "service/realengines.h"

#include "arch/architecture.h"
#include "download/downloadengine.h"
#include "hub/fileselection.h"
#include "hub/hubclient.h"
#include "hub/previewbuilder.h"
#include "quant/cudaquantizer.h"
#include "quant/quantizer.h"

#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTimer>
#include <QtEndian>

#include <optional>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

// Runs `start(done)` on this (pool) thread's own event loop and waits for `done`.
template<class T>
Result<T> runLocal(const std::function<void(std::function<void(Result<T>)>)> &start)
{
    QEventLoop loop;
    std::optional<Result<T>> out;
    start([&](Result<T> r) {
        out.emplace(std::move(r));
        loop.quit();
    });
    if (!out)
        loop.exec();
    return std::move(*out);
}

hub::HubOptions hubOptions(const HubSettings &s, const QString &token)
{
    hub::HubOptions o;
    o.endpoint = s.endpoint;
    o.offline = s.offline;
    o.token = hub::resolveToken(token, s.environment);
    return o;
}

bool matchesAny(const QString &path, const QStringList &globs)
{
    for (const QString &g : globs) {
        const QRegularExpression re(QRegularExpression::wildcardToRegularExpression(
            g, QRegularExpression::UnanchoredWildcardConversion));
        const QRegularExpression anchored(u"^(?:"_s + re.pattern() + u")$"_s);
        if (anchored.match(path).hasMatch() || anchored.match(path.section(u'/', -1)).hasMatch())
            return true;
    }
    return false;
}

class HubDownload final : public DownloadBackend
{
public:
    explicit HubDownload(HubSettings s) : m_settings(std::move(s)) {}

    Result<DownloadOutcome> download(const DownloadSpec &spec,
                                     const std::function<void(const DownloadProgressInfo &)> &progress,
                                     const JobControl &control) override
    {
        hub::HubClient client(hubOptions(m_settings, spec.token));
        const QString revision = spec.pinnedCommit.isEmpty() ? spec.revision : spec.pinnedCommit;
        const Result<hub::ModelInfo> info = runLocal<hub::ModelInfo>([&](auto done) {
            client.modelInfo(spec.repoId, revision, done);
        });
        if (!info)
            return info.error();
        const QString commit = info->sha;
        const Result<QList<hub::RepoFile>> tree = runLocal<QList<hub::RepoFile>>([&](auto done) {
            client.listTree(spec.repoId, commit, done);
        });
        if (!tree)
            return tree.error();
        const hub::FileSelection sel =
            hub::selectFiles(tree.value(), hub::requiresTrustRemoteCode(info->config, tree.value()));
        PinnedDownload pd;
        pd.repoId = spec.repoId;
        pd.commit = commit;
        pd.endpoint = m_settings.endpoint;
        pd.token = client.options().token.token;
        pd.targetDir = spec.targetDir;
        for (const hub::RepoFile &f : sel.files) {
            if (!spec.include.isEmpty() && !matchesAny(f.path, spec.include))
                continue;
            if (matchesAny(f.path, spec.exclude))
                continue;
            pd.files.append(RemoteFile{f.path, f.size, f.lfsSha256, f.oid});
        }
        if (pd.files.isEmpty())
            return Error::make(ErrorCode::EntryNotFound, u"No file of %1 matches the selection"_s.arg(spec.repoId));

        DownloadEngine engine;
        DownloadOptions opts = engine.defaultOptions();
        if (spec.connections > 0)
            opts.connectionsPerFile = spec.connections;
        else if (m_settings.connectionsPerFile > 0)
            opts.connectionsPerFile = m_settings.connectionsPerFile;
        if (m_settings.filesInParallel > 0)
            opts.filesInParallel = m_settings.filesInParallel;
        engine.setDefaultOptions(opts);
        engine.setBandwidthLimit(spec.maxBytesPerSecond);
        QEventLoop loop;
        std::optional<Status> finished;
        QObject::connect(&engine, &DownloadEngine::progressUpdated, &loop,
                         [&](const QString &, const DownloadProgress &p) {
                             DownloadProgressInfo i;
                             i.downloadedBytes = p.bytesDone;
                             i.totalBytes = p.bytesTotal;
                             i.bytesPerSecond = p.bytesPerSecond;
                             i.filesDone = p.filesDone;
                             i.filesTotal = p.filesTotal;
                             for (const FileProgress &f : p.files) {
                                 if (f.state == FileState::Downloading || f.state == FileState::Retrying) {
                                     i.currentFile = f.path;
                                     break;
                                 }
                             }
                             progress(i);
                         });
        QObject::connect(&engine, &DownloadEngine::downloadFinished, &loop,
                         [&](const QString &, const Status &s) {
                             finished = s;
                             loop.quit();
                         });
        const QString id = engine.enqueue(pd);
        QTimer poll;
        poll.setInterval(50);
        QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
            if (!control.stopRequested())
                return;
            // Pause and shutdown keep the partial files (and journal) for a resume; cancel
            // removes them.
            if (control.requested() == JobControl::Request::Cancel)
                engine.cancel(id);
            else
                engine.pause(id);
            finished = Status(Error::make(ErrorCode::Cancelled, u"stopped"_s));
            loop.quit();
        });
        poll.start();
        if (!finished)
            loop.exec();
        if (!finished->ok())
            return finished->error();
        qint64 size = 0;
        for (const RemoteFile &f : std::as_const(pd.files))
            size += std::max<qint64>(0, f.size);
        return DownloadOutcome{commit, spec.targetDir, size, int(pd.files.size())};
    }

private:
    HubSettings m_settings;
};

class HubPreview final : public PreviewBackend
{
public:
    explicit HubPreview(HubSettings s) : m_settings(std::move(s)) {}

    Result<QJsonObject> preview(const QString &repoId, const QString &revision,
                                const QString &token) override
    {
        hub::HubClient client(hubOptions(m_settings, token));
        hub::PreviewRequest req;
        req.repo = repoId;
        if (!revision.isEmpty())
            req.revision = revision;
        req.dataDir = m_settings.dataDir;
        const Result<hub::ModelPreview> p = runLocal<hub::ModelPreview>([&](auto done) {
            hub::buildPreview(&client, req, done);
        });
        if (!p)
            return p.error();
        return p->toJson();
    }

private:
    HubSettings m_settings;
};

// The tensor list of a local safetensors file: 8-byte little-endian length, then JSON.
Result<QList<arch::TensorDesc>> readTensors(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error::make(ErrorCode::IoError, u"Cannot read %1"_s.arg(path));
    const QByteArray prefix = f.read(8);
    if (prefix.size() != 8)
        return Error::make(ErrorCode::InvalidCheckpoint, u"%1 is too short"_s.arg(path));
    const quint64 n = qFromLittleEndian<quint64>(prefix.constData());
    if (n == 0 || n > 100'000'000 || qint64(n) > f.size() - 8)
        return Error::make(ErrorCode::InvalidCheckpoint, u"%1 has a bad header length"_s.arg(path));
    const QJsonObject header = QJsonDocument::fromJson(f.read(qint64(n))).object();
    QList<arch::TensorDesc> out;
    for (auto it = header.constBegin(); it != header.constEnd(); ++it) {
        if (it.key() == u"__metadata__"_s)
            continue;
        const QJsonObject t = it.value().toObject();
        arch::TensorDesc d;
        d.name = it.key();
        d.dtype = t.value(u"dtype"_s).toString();
        const QJsonArray shape = t.value(u"shape"_s).toArray();
        for (const QJsonValue &v : shape)
            d.shape << v.toInteger();
        out << d;
    }
    return out;
}

class LocalArchitecture final : public ArchitectureBackend
{
public:
    Result<QJsonObject> extract(const QString &modelDir) override
    {
        QFile cfg(modelDir + u"/config.json"_s);
        QJsonObject config;
        if (cfg.open(QIODevice::ReadOnly))
            config = QJsonDocument::fromJson(cfg.readAll()).object();
        QList<arch::TensorDesc> tensors;
        const QStringList files = QDir(modelDir).entryList({u"*.safetensors"_s}, QDir::Files, QDir::Name);
        for (const QString &name : files) {
            Result<QList<arch::TensorDesc>> t = readTensors(modelDir + u'/' + name);
            if (!t)
                return t.error();
            tensors += t.value();
        }
        const Result<arch::Architecture> a = arch::extractArchitecture(config, tensors);
        if (!a)
            return a.error();
        QJsonObject o = a->toJson();
        o.insert(u"layer_tree"_s, a->layerTreeJson());
        return o;
    }
};

class StreamingQuantizer final : public QuantizeBackend
{
public:
    StreamingQuantizer()
    {
        if (const auto devs = quant::CudaQuantizer::devices(); devs.ok()) {
            for (const quant::GpuDevice &d : devs.value())
                m_gpus << u"cuda:%1"_s.arg(d.index);
        }
    }

    QStringList gpus() const override { return m_gpus; }

    Result<QuantizeOutcome> quantize(const QuantizeSpec &spec,
                                     const std::function<void(const QuantizeProgressInfo &)> &progress,
                                     const JobControl &control) override
    {
        quant::QuantizeRequest req;
        req.inputDir = spec.inputDir.toStdString();
        req.outputDir = spec.outputDir.toStdString();
        req.options.mode = spec.mode == u"bnb-8bit"_s ? quant::QuantMode::Bnb8bit
                                                      : quant::QuantMode::Bnb4bit;
        req.overwrite = true; // a re-quantize replaces the previous variant
        if (spec.device.startsWith(u"cuda:"_s)) {
            req.device = quant::DeviceKind::Cuda;
            req.cudaDevice = spec.device.mid(5).toInt();
        } else {
            req.device = quant::DeviceKind::Cpu;
        }
        QElapsedTimer timer;
        timer.start();
        const auto report = quant::quantizeCheckpoint(req, [&](const quant::QuantizeProgress &p) {
            QuantizeProgressInfo i;
            i.mode = spec.mode;
            i.device = spec.device;
            i.tensorsDone = p.tensorIndex;
            i.tensorsTotal = p.tensorCount;
            i.bytesDone = qint64(p.bytesIn);
            i.bytesTotal = qint64(p.totalBytesIn);
            i.secondsElapsed = double(timer.elapsed()) / 1000.0;
            progress(i);
            return !control.stopRequested();
        });
        if (!report.ok()) {
            ErrorCode code = ErrorCode::QuantizationFailed;
            errorCodeFromName(QString::fromLatin1(quant::quantErrcName(report.error().code)), &code);
            return Error::make(code, QString::fromStdString(report.error().message));
        }
        QString file = spec.outputDir + u"/model.safetensors"_s;
        if (!QFile::exists(file))
            file = spec.outputDir;
        return QuantizeOutcome{file, qint64(report->bytesOut), QString::fromStdString(report->device)};
    }

private:
    QStringList m_gpus;
};

} // namespace

Engines makeRealEngines(const HubSettings &settings)
{
    Engines e;
    e.download = std::make_shared<HubDownload>(settings);
    e.preview = std::make_shared<HubPreview>(settings);
    e.architecture = std::make_shared<LocalArchitecture>();
    e.quantize = std::make_shared<StreamingQuantizer>();
    const QProcessEnvironment env = settings.environment;
    e.storedToken = [env] { return hub::resolveToken(QString(), env).token; };
    return e;
}

} // namespace mistudio
