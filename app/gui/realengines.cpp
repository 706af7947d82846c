#include "realengines.h"

#include "arch/architecture.h"
#include "download/downloadengine.h"
#include "hub/fileselection.h"
#include "hub/hubclient.h"
#include "hub/previewbuilder.h"
#include "hub/safetensorsheader.h"
#include "quant/quantizer.h"

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QTimer>

#include <optional>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::gui {
namespace {

hub::HubOptions hubOptionsFor(const RealEngineOptions &o, const QString &explicitToken)
{
    hub::HubOptions h = o.hub;
    h.token = hub::resolveToken(explicitToken, o.env, o.storedToken);
    return h;
}

// Runs an asynchronous HubClient call to completion on this (pool) thread.
template<class T, class Start> Result<T> await(Start start)
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

class HubPreview final : public PreviewBackend
{
public:
    explicit HubPreview(RealEngineOptions o)
        : m_o(std::move(o))
    {}

    Result<QJsonObject> preview(const QString &repoId, const QString &revision,
                                const QString &token) override
    {
        hub::HubClient client(hubOptionsFor(m_o, token));
        hub::PreviewRequest request;
        request.repo = repoId;
        request.revision = revision.isEmpty() ? u"main"_s : revision;
        request.dataDir = m_o.dataDir;
        Result<hub::ModelPreview> p = await<hub::ModelPreview>(
            [&](auto done) { hub::buildPreview(&client, request, std::move(done)); });
        if (!p)
            return p.error();
        return p->toJson();
    }

private:
    RealEngineOptions m_o;
};

class PinnedDownloader final : public DownloadBackend
{
public:
    explicit PinnedDownloader(RealEngineOptions o)
        : m_o(std::move(o))
    {}

    Result<DownloadOutcome>
    download(const DownloadSpec &spec,
             const std::function<void(const DownloadProgressInfo &)> &progress,
             const JobControl &control) override
    {
        const hub::HubOptions options = hubOptionsFor(m_o, spec.token);
        hub::HubClient client(options);
        // One commit for every file: the one resolved by an earlier attempt, else the branch's now.
        const QString rev = spec.pinnedCommit.isEmpty() ? spec.revision : spec.pinnedCommit;
        Result<hub::ModelInfo> info = await<hub::ModelInfo>([&](auto done) {
            client.modelInfo(spec.repoId, rev.isEmpty() ? u"main"_s : rev, std::move(done));
        });
        if (!info)
            return info.error();
        Result<QList<hub::RepoFile>> tree = await<QList<hub::RepoFile>>(
            [&](auto done) { client.listTree(spec.repoId, info->sha, std::move(done)); });
        if (!tree)
            return tree.error();
        // Access is checked before any byte: a gated repo fails here with its own code.
        Result<bool> access =
            await<bool>([&](auto done) { client.authCheck(spec.repoId, std::move(done)); });
        if (!access)
            return access.error();
        const bool remoteCode = info->config.contains(u"auto_map"_s);
        const hub::FileSelection selection = hub::selectFiles(*tree, remoteCode);

        PinnedDownload pd;
        pd.repoId = spec.repoId;
        pd.commit = info->sha;
        pd.endpoint = options.endpoint;
        pd.token = options.token.token;
        pd.targetDir = spec.targetDir;
        for (const hub::RepoFile &f : selection.files)
            pd.files.append(RemoteFile{f.path, f.size, f.lfsSha256.toLower(), f.oid});

        DownloadEngine engine;
        DownloadOptions dlOptions = m_o.download;
        if (spec.connections > 0)
            dlOptions.connectionsPerFile = spec.connections;
        engine.setDefaultOptions(dlOptions);
        engine.setBandwidthLimit(spec.maxBytesPerSecond > 0 ? spec.maxBytesPerSecond
                                                            : m_o.maxBytesPerSecond);
        QEventLoop loop;
        std::optional<Status> finished;
        QObject::connect(&engine, &DownloadEngine::progressUpdated, &loop,
                         [&progress](const QString &, const DownloadProgress &p) {
                             DownloadProgressInfo i;
                             i.downloadedBytes = p.bytesDone;
                             i.totalBytes = p.bytesTotal;
                             i.bytesPerSecond = p.bytesPerSecond;
                             i.filesDone = p.filesDone;
                             i.filesTotal = p.filesTotal;
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
        bool stopping = false;
        QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
            if (stopping || !control.stopRequested())
                return;
            stopping = true;
            // Cancel deletes the partial data; pause and shutdown keep it for the resume.
            if (control.requested() == JobControl::Request::Cancel)
                engine.cancel(id);
            else
                engine.pause(id);
            if (!finished) // pause does not finish the download: stop waiting for it
                QTimer::singleShot(0, &loop, &QEventLoop::quit);
        });
        poll.start();
        if (!finished)
            loop.exec();
        if (stopping && (!finished || finished->ok()))
            return Error::make(ErrorCode::Cancelled, u"stopped"_s);
        if (!finished->ok())
            return finished->error();
        DownloadOutcome out;
        out.commitSha = info->sha;
        out.dir = spec.targetDir;
        out.sizeBytes = pd.totalBytes();
        out.files = int(pd.files.size());
        return out;
    }

private:
    RealEngineOptions m_o;
};

class BnbQuantizer final : public QuantizeBackend
{
public:
    explicit BnbQuantizer(RealEngineOptions o)
        : m_o(std::move(o))
    {}

    // One CPU pool; the quantizer itself picks CUDA when `device` is auto and a GPU is usable.
    QStringList gpus() const override { return {}; }

    Result<QuantizeOutcome>
    quantize(const QuantizeSpec &spec,
             const std::function<void(const QuantizeProgressInfo &)> &progress,
             const JobControl &control) override
    {
        quant::QuantizeRequest r;
        r.inputDir = spec.inputDir.toStdString();
        r.outputDir = spec.outputDir.toStdString();
        r.overwrite = true;
        r.options.mode =
            spec.mode == u"bnb-8bit"_s ? quant::QuantMode::Bnb8bit : quant::QuantMode::Bnb4bit;
        const QString device =
            spec.device.isEmpty() || spec.device == u"auto"_s ? m_o.quantizeDevice : spec.device;
        if (device == u"cpu"_s) {
            r.device = quant::DeviceKind::Cpu;
        } else if (device.startsWith(u"cuda"_s)) {
            r.device = quant::DeviceKind::Cuda;
            r.cudaDevice = device.section(u':', 1).toInt();
        }
        QElapsedTimer clock;
        clock.start();
        auto report = quant::quantizeCheckpoint(r, [&](const quant::QuantizeProgress &p) {
            QuantizeProgressInfo i;
            i.mode = spec.mode;
            i.device = device;
            i.tensorsDone = p.tensorIndex;
            i.tensorsTotal = p.tensorCount;
            i.bytesDone = qint64(p.bytesIn);
            i.bytesTotal = qint64(p.totalBytesIn);
            i.secondsElapsed = clock.elapsed() / 1000.0;
            progress(i);
            return !control.stopRequested();
        });
        if (!report) {
            if (control.stopRequested())
                return Error::make(ErrorCode::Cancelled, u"stopped"_s);
            ErrorCode code = ErrorCode::QuantizationFailed;
            errorCodeFromName(QString::fromLatin1(quant::quantErrcName(report.error().code)),
                              &code);
            return Error::make(code, QString::fromStdString(report.error().toString()));
        }
        QuantizeOutcome out;
        out.filePath = spec.outputDir;
        out.sizeBytes = qint64(report->bytesOut);
        out.device = QString::fromStdString(report->device);
        return out;
    }

private:
    RealEngineOptions m_o;
};

class LocalArchitecture final : public ArchitectureBackend
{
public:
    Result<QJsonObject> extract(const QString &modelDir) override
    {
        QFile cfgFile(modelDir + u"/config.json"_s);
        if (!cfgFile.open(QIODevice::ReadOnly))
            return Error::make(ErrorCode::InvalidCheckpoint,
                               u"%1 has no config.json"_s.arg(modelDir));
        const QJsonObject config = QJsonDocument::fromJson(cfgFile.readAll()).object();
        QList<arch::TensorDesc> tensors;
        QDirIterator it(modelDir, {u"*.safetensors"_s}, QDir::Files);
        while (it.hasNext()) {
            const QString path = it.next();
            QFile f(path);
            if (!f.open(QIODevice::ReadOnly))
                return Error::make(ErrorCode::IoError, f.errorString());
            Result<quint64> n = hub::safetensorsHeaderLength(f.read(8));
            if (!n)
                return n.error();
            Result<hub::SafetensorsHeader> h =
                hub::parseSafetensorsHeaderJson(path, f.read(qint64(*n)));
            if (!h)
                return h.error();
            tensors += h->tensors;
        }
        Result<arch::Architecture> a = arch::extractArchitecture(config, tensors);
        if (!a)
            return a.error();
        QJsonObject o = a->toJson();
        o.insert(u"layer_tree"_s, a->layerTreeJson());
        return o;
    }
};

} // namespace

std::function<Result<QStringList>(const QString &, int)>
makeRepoSearch(const RealEngineOptions &options)
{
    return [options](const QString &query, int limit) -> Result<QStringList> {
        hub::HubClient client(hubOptionsFor(options, QString()));
        Result<QList<hub::SearchHit>> hits = await<QList<hub::SearchHit>>(
            [&](auto done) { client.search(query, limit, std::move(done)); });
        if (!hits)
            return hits.error();
        QStringList ids;
        for (const hub::SearchHit &h : *hits)
            ids << h.id;
        return ids;
    };
}

Engines makeRealEngines(const RealEngineOptions &options)
{
    Engines e;
    e.preview = std::make_shared<HubPreview>(options);
    e.download = std::make_shared<PinnedDownloader>(options);
    e.quantize = std::make_shared<BnbQuantizer>(options);
    e.architecture = std::make_shared<LocalArchitecture>();
    const QString stored = options.storedToken;
    const QProcessEnvironment env = options.env;
    e.storedToken = [stored, env] { return hub::resolveToken(QString(), env, stored).token; };
    return e;
}

} // namespace mistudio::gui
