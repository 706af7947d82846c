#include "engines/realengines.h"

#include "arch/architecture.h"
#include "engines/hubdownload.h"
#include "hub/cancelsource.h"
#include "hub/hubclient.h"
#include "hub/previewbuilder.h"
#include "hub/safetensorsheader.h"
#include "hub/sizeestimate.h"
#include "quant/cudaquantizer.h"
#include "quant/quantizer.h"

#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

#include <optional>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

// Runs `start(done)` on this (pool) thread's own event loop and waits for `done`: a preview or
// a search, answering a face's request (downloads go through the download session instead).
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

// Model cards are Markdown for people; a larger README is refused, not read.
constexpr qint64 kMaxModelCardBytes = 1024 * 1024;

class HubReader final : public HubBackend
{
public:
    explicit HubReader(HubSettings s) : m_settings(std::move(s)) {}

    Result<hub::ModelPreview> preview(const QString &repoId, const QString &revision,
                                      const QString &token) override
    {
        hub::HubClient client(hubOptionsFor(m_settings, token));
        hub::PreviewRequest req;
        req.repo = repoId;
        if (!revision.isEmpty())
            req.revision = revision;
        req.dataDir = m_settings.dataDir;
        const Result<hub::ModelPreview> p = runLocal<hub::ModelPreview>([&](auto done) {
            hub::buildPreview(&client, req, done);
        });
        return p;
    }

    Result<QString> modelCard(const QString &repoId, const QString &revision,
                              const QString &token) override
    {
        hub::HubClient client(hubOptionsFor(m_settings, token));
        const Result<QByteArray> text = runLocal<QByteArray>([&](auto done) {
            client.fetchFile(repoId, revision.isEmpty() ? u"main"_s : revision, u"README.md"_s,
                             kMaxModelCardBytes, done);
        });
        if (!text)
            return text.error();
        return QString::fromUtf8(*text);
    }

    Result<QList<hub::SearchHit>> search(const QString &query, int limit) override
    {
        hub::HubClient client(hubOptionsFor(m_settings, QString()));
        return runLocal<QList<hub::SearchHit>>([&](auto done) { client.search(query, limit, done); });
    }

    Result<UpstreamState> upstream(const QString &repoId, const QString &revision,
                                   const QStringList &include, const QStringList &exclude,
                                   const QString &token) override
    {
        hub::HubClient client(hubOptionsFor(m_settings, token));
        const Result<hub::ModelInfo> info = runLocal<hub::ModelInfo>([&](auto done) {
            client.modelInfo(repoId, revision.isEmpty() ? u"main"_s : revision, done);
        });
        if (!info)
            return info.error();
        const Result<QList<hub::RepoFile>> tree = runLocal<QList<hub::RepoFile>>([&](auto done) {
            client.listTree(repoId, info->sha, done);
        });
        if (!tree)
            return tree.error();
        UpstreamState out;
        out.commit = info->sha;
        out.access = info->isPrivate ? u"private"_s : info->gated.isEmpty() ? u"public"_s : u"gated"_s;
        // The same selection a download of this revision makes.
        const hub::FileSelection sel =
            hub::selectFiles(tree.value(), hub::requiresTrustRemoteCode(info->config, tree.value()));
        for (const hub::RepoFile &f : sel.files) {
            if ((!include.isEmpty() && !hub::matchesAnyGlob(f.path, include)) || hub::matchesAnyGlob(f.path, exclude))
                continue;
            out.files << ModelFileRecord{f.path, f.size, f.lfsSha256.toLower(), f.oid};
        }
        return out;
    }

private:
    HubSettings m_settings;
};

// The tensor list of a local safetensors file, through the same strict parser the preview and
// the quantizer use.
Result<QList<arch::TensorDesc>> readTensors(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error::make(ErrorCode::IoError, u"Cannot read %1"_s.arg(path));
    // The file's size bounds what is read and checks every tensor's offsets.
    const Result<quint64> n = hub::safetensorsHeaderLength(f.read(8), f.size());
    if (!n)
        return n.error();
    Result<hub::SafetensorsHeader> h = hub::parseSafetensorsHeaderJson(path, f.read(qint64(*n)), f.size());
    if (!h)
        return h.error();
    return h->tensors;
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

    Result<QList<hub::SizeEstimate>> estimateSizes(const QString &modelDir) override
    {
        QFile cfg(modelDir + u"/config.json"_s);
        QJsonObject config;
        if (cfg.open(QIODevice::ReadOnly))
            config = QJsonDocument::fromJson(cfg.readAll()).object();
        QList<arch::TensorDesc> tensors;
        qint64 weightBytes = 0;
        const QStringList files = QDir(modelDir).entryList({u"*.safetensors"_s}, QDir::Files, QDir::Name);
        for (const QString &name : files) {
            Result<QList<arch::TensorDesc>> t = readTensors(modelDir + u'/' + name);
            if (!t)
                return t.error();
            tensors += t.value();
            weightBytes += QFileInfo(modelDir + u'/' + name).size();
        }
        if (tensors.isEmpty())
            return Error::make(ErrorCode::UnsupportedCheckpoint,
                               u"%1 has no safetensors weights to estimate from"_s.arg(modelDir));
        QList<hub::SizeEstimate> out;
        for (hub::Quantization q : {hub::Quantization::None, hub::Quantization::Bnb4bit, hub::Quantization::Bnb8bit}) {
            Result<hub::SizeEstimate> e = hub::estimateSize(tensors, config, q, weightBytes);
            if (!e)
                return e.error();
            out << *e;
        }
        return out;
    }
};

class StreamingQuantizer final : public QuantizeBackend
{
public:
    explicit StreamingQuantizer(QString device) : m_device(std::move(device))
    {
        if (m_device == u"cpu"_s)
            return; // no GPU pool at all: the runner sends every job to the CPU
        if (m_device.startsWith(u"cuda"_s)) {
            m_gpus << m_device;
            return;
        }
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
        req.options.quantType = spec.quantType == u"fp4"_s ? quant::QuantType::FP4
                                                           : quant::QuantType::NF4;
        req.options.doubleQuant = spec.doubleQuant;
        req.overwrite = true; // a re-quantize replaces the previous variant
        const QString device =
            spec.device.isEmpty() || spec.device == u"auto"_s ? m_device : spec.device;
        if (device.startsWith(u"cuda"_s)) {
            req.device = quant::DeviceKind::Cuda;
            req.cudaDevice = device.section(u':', 1).toInt();
        } else if (device == u"cpu"_s) {
            req.device = quant::DeviceKind::Cpu;
        } // else auto: the quantizer takes CUDA when usable
        QElapsedTimer timer;
        timer.start();
        const auto report = quant::quantizeCheckpoint(req, [&](const quant::QuantizeProgress &p) {
            QuantizeProgressInfo i;
            i.mode = spec.mode;
            i.device = device;
            i.tensorsDone = p.tensorIndex;
            i.tensorsTotal = p.tensorCount;
            i.bytesDone = qint64(p.bytesIn);
            i.bytesTotal = qint64(p.totalBytesIn);
            i.secondsElapsed = double(timer.elapsed()) / 1000.0;
            progress(i);
            return !control.stopRequested();
        });
        if (!report.ok()) {
            if (control.stopRequested())
                return Error::make(ErrorCode::Cancelled, u"stopped"_s);
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
    QString m_device;
    QStringList m_gpus;
};

} // namespace

hub::HubOptions hubOptionsFor(const HubSettings &s, const QString &explicitToken)
{
    hub::HubOptions o = s.hub;
    o.token = hub::resolveToken(explicitToken, s.environment, s.storedToken);
    return o;
}

Engines makeRealEngines(const HubSettings &given)
{
    // One cancel source for the Hub calls of these engines, so that the service can end them.
    HubSettings settings = given;
    if (!settings.hub.cancel)
        settings.hub.cancel = std::make_shared<hub::CancelSource>();
    Engines e;
    e.download = std::make_shared<HubDownload>(settings);
    e.hub = std::make_shared<HubReader>(settings);
    e.architecture = std::make_shared<LocalArchitecture>();
    e.quantize = std::make_shared<StreamingQuantizer>(settings.quantizeDevice);
    const QProcessEnvironment env = settings.environment;
    const QString stored = settings.storedToken;
    e.storedToken = [env, stored] { return hub::resolveToken(QString(), env, stored).token; };
    if (const std::shared_ptr<hub::CancelSource> cancel = settings.hub.cancel)
        e.interruptHubCalls = [cancel] { cancel->cancel(); };
    return e;
}

} // namespace mistudio
