#include "hub/previewbuilder.h"

#include "common/datadir.h"
#include "common/saturating.h"
#include "common/units.h"
#include "hub/hublimits.h"

#include <QHash>
#include <QJsonArray>
#include <QSet>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::hub {
namespace {

struct PreviewState
{
    HubClient *client = nullptr;
    PreviewRequest request;
    HubClient::Callback<ModelPreview> done;
    ModelPreview preview;
    ModelInfo info;
    QList<RepoFile> files;
    QJsonObject config;
    qint64 bytesAtStart = 0;
};
using StatePtr = std::shared_ptr<PreviewState>;

qint64 bytesPerParam(const QString &torchDtype)
{
    if (torchDtype == u"float32"_s || torchDtype.isEmpty())
        return 4; // old .bin checkpoints without a dtype are float32
    if (torchDtype == u"float64"_s)
        return 8;
    return 2;
}

void finish(const StatePtr &s, const QList<arch::TensorDesc> &tensors, bool haveHeaders)
{
    completePreview(s->preview, s->config, s->files, tensors, haveHeaders);
    s->preview.headerBytesFetched = s->client->bytesReceived() - s->bytesAtStart;
    s->done(s->preview);
}

void fetchHeaders(const StatePtr &s)
{
    ModelPreview &p = s->preview;
    const FileSelection sel = selectFiles(s->files, requiresTrustRemoteCode(s->config, s->files));
    if (sel.weightFormat != u"safetensors"_s || p.canDownload == false)
        return finish(s, {}, false);
    QHash<QString, RepoFile> present;
    for (const RepoFile &f : std::as_const(s->files))
        present.insert(f.path, f);
    auto fetch = [s, present](const QStringList &shards) {
        s->preview.shardCount = int(shards.size());
        QList<RepoFile> files;
        for (const QString &shard : shards)
            files.append(present.value(shard, RepoFile{shard, -1, QString(), QString(), QString()}));
        s->client->safetensorsHeaders(s->request.repo, s->preview.commitSha, files,
                                      [s](Result<QList<SafetensorsHeader>> r) {
                                          if (!r.ok() && r.error().code == ErrorCode::InvalidCheckpoint) {
                                              // The files are broken (offsets past the end, a header
                                              // too long...): no figure from them, nor the Hub's.
                                              return s->done(r.error());
                                          }
                                          if (!r.ok()) {
                                              s->preview.warnings << u"safetensors headers unreadable: "_s
                                                      + r.error().toString();
                                              return finish(s, {}, false);
                                          }
                                          QList<arch::TensorDesc> tensors;
                                          for (const SafetensorsHeader &h : *r)
                                              tensors += h.tensors;
                                          finish(s, tensors, true);
                                      });
    };
    if (present.contains(u"model.safetensors"_s))
        return fetch({u"model.safetensors"_s});
    if (present.contains(u"model.safetensors.index.json"_s)) {
        s->client->fetchJson(s->request.repo, p.commitSha, u"model.safetensors.index.json"_s,
                             [s, fetch, present](Result<QJsonObject> r) {
                                 if (!r.ok()) {
                                     s->preview.warnings << u"model.safetensors.index.json unreadable: "_s
                                             + r.error().toString();
                                     return finish(s, {}, false);
                                 }
                                 QStringList shards;
                                 const QJsonObject map = r->value(u"weight_map"_s).toObject();
                                 for (auto it = map.begin(); it != map.end(); ++it) {
                                     const QString f = it.value().toString();
                                     if (!shards.contains(f))
                                         shards << f;
                                 }
                                 shards.sort();
                                 for (const QString &f : std::as_const(shards)) {
                                     if (!present.contains(f))
                                         s->preview.warnings << u"index names a missing shard: "_s + f;
                                 }
                                 shards.removeIf([&present](const QString &f) { return !present.contains(f); });
                                 fetch(shards);
                             },
                             kMaxIndexFileBytes);
        return;
    }
    QStringList root;
    for (const QString &f : sel.weightFiles) {
        if (!f.contains(u'/'))
            root << f;
    }
    fetch(root.isEmpty() ? sel.weightFiles : root);
}

void fetchConfig(const StatePtr &s)
{
    s->client->fetchJson(s->request.repo, s->preview.commitSha, u"config.json"_s, [s](Result<QJsonObject> r) {
        if (r.ok()) {
            s->config = *r;
        } else {
            // Gated files are unreadable without access; the Hub's metadata keeps a subset.
            s->config = s->info.config;
            if (r.error().code != ErrorCode::GatedAuthRequired && r.error().code != ErrorCode::GatedAccessDenied
                && r.error().code != ErrorCode::RepoNotFound)
                s->preview.warnings << u"config.json unreadable: "_s + r.error().toString();
        }
        fetchHeaders(s);
    });
}

} // namespace

void completePreview(ModelPreview &p, const QJsonObject &config, const QList<RepoFile> &files,
                     const QList<arch::TensorDesc> &tensors, bool haveHeaders)
{
    p.requiresTrustRemoteCode = requiresTrustRemoteCode(config, files);
    p.files = selectFiles(files, p.requiresTrustRemoteCode);
    p.totalDownloadBytes = p.files.totalBytes;
    if (p.modelType.isEmpty())
        p.modelType = config.value(u"model_type"_s).toString();
    qint64 weightBytes = 0;
    for (const RepoFile &f : std::as_const(p.files.files)) {
        if (p.files.weightFiles.contains(f.path))
            weightBytes = saturatingAdd(weightBytes, qMax<qint64>(0, f.size));
    }

    if (haveHeaders) {
        p.parametersByDtype.clear();
        qint64 total = 0;
        for (const arch::TensorDesc &t : tensors) {
            const qint64 n = arch::elementCount(t.shape);
            p.parametersByDtype[t.dtype] = saturatingAdd(p.parametersByDtype.value(t.dtype), n);
            total = saturatingAdd(total, n);
        }
        p.parameterCount = total;
        p.paramsEstimated = false;
        p.paramsSource = u"safetensors_headers"_s;
        if (p.hubParameterTotal >= 0) {
            p.paramsMatchHub = p.hubParameterTotal == total;
            if (!*p.paramsMatchHub)
                p.warnings << QString(u"the Hub counts "_s + QString::number(p.hubParameterTotal)
                                      + u" parameters, the headers "_s + QString::number(total));
        }
    } else if (p.hubParameterTotal >= 0) {
        p.parameterCount = p.hubParameterTotal;
        p.paramsSource = u"hub_safetensors"_s;
        p.paramsEstimated = false;
    } else {
        const QString dtype = config.value(u"torch_dtype"_s).toString(config.value(u"dtype"_s).toString());
        p.parameterCount = weightBytes / bytesPerParam(dtype);
        p.paramsSource = u"file_sizes"_s;
        p.paramsEstimated = true;
    }
    p.parameters = formatParamCount(p.parameterCount);

    if (!config.isEmpty() || !tensors.isEmpty()) {
        auto a = arch::extractArchitecture(config, tensors);
        if (a.ok()) {
            p.hiddenSize = a->hiddenSize;
            p.numLayers = a->numHiddenLayers;
            if (p.modelType.isEmpty())
                p.modelType = a->modelType;
            p.architecture = *a;
        }
    }

    p.sizes.clear();
    if (haveHeaders) {
        for (Quantization q : {Quantization::None, Quantization::Bnb4bit, Quantization::Bnb8bit}) {
            const auto e = estimateSize(tensors, config, q, weightBytes);
            if (!e.ok()) {
                p.warnings << e.error().message;
                p.sizes.clear();
                break;
            }
            p.sizes.append(*e);
        }
        p.sizesEstimated = false;
    }
    if (p.sizes.isEmpty()) {
        // Without shapes: embeddings (vocab × hidden, twice when untied) stay bf16, the rest is
        // quantized at bnb's bytes per element (4-bit: ½ + 1/64 absmax; 8-bit: 1).
        const qint64 vocab = p.architecture ? p.architecture->vocabSize : 0;
        const bool tied = config.value(u"tie_word_embeddings"_s).toBool(true);
        // The counts come from the Hub (safetensors.total) and config.json: saturating arithmetic.
        const qint64 embed = std::max<qint64>(
            0, std::min(p.parameterCount, saturatingMul(saturatingMul(vocab, p.hiddenSize), tied ? 1 : 2)));
        const qint64 rest = p.parameterCount - embed;
        const qint64 embedBytes = saturatingMul(embed, 2);
        const qint64 fourBit = saturatingAdd(qint64(std::ceil(double(rest) * (0.5 + 1.0 / 64))), embedBytes);
        const qint64 eightBit = saturatingAdd(rest, embedBytes);
        p.sizes = {SizeEstimate{Quantization::None, weightBytes, saturatingMul(p.parameterCount, 2), 0, 0},
                   SizeEstimate{Quantization::Bnb4bit, fourBit, fourBit, 0, 0},
                   SizeEstimate{Quantization::Bnb8bit, eightBit, eightBit, 0, 0}};
        p.sizesEstimated = true;
    }
    p.estimatedSizeGb = std::round(double(p.totalDownloadBytes) / 1e9 * 1000.0) / 1000.0;
    for (const SizeEstimate &s : std::as_const(p.sizes)) {
        if (s.mode == Quantization::Bnb4bit)
            p.estimatedQuantizedSizeGb = std::round(double(s.outputBytes) / 1e9 * 1000.0) / 1000.0;
    }
    if (!p.dataDir.isEmpty())
        p.freeDiskBytes = DataDir(p.dataDir).freeBytes();
}

void buildPreview(HubClient *client, const PreviewRequest &request, HubClient::Callback<ModelPreview> done)
{
    auto s = std::make_shared<PreviewState>();
    s->client = client;
    s->request = request;
    s->done = std::move(done);
    s->bytesAtStart = client->bytesReceived();
    s->preview.repoId = request.repo;
    s->preview.revision = request.revision.isEmpty() ? u"main"_s : request.revision;
    s->preview.dataDir = request.dataDir;
    s->preview.tokenSource = client->options().token.source;
    client->modelInfo(request.repo, s->preview.revision, [s](Result<ModelInfo> r) {
        if (!r.ok())
            return s->done(r.error());
        s->info = *r;
        ModelPreview &p = s->preview;
        p.commitSha = s->info.sha;
        p.gated = s->info.gated;
        p.isPrivate = s->info.isPrivate;
        p.requiresAuth = !p.gated.isEmpty() || p.isPrivate;
        p.license = s->info.license;
        p.modelType = s->info.config.value(u"model_type"_s).toString();
        p.hubParameterTotal = s->info.safetensorsTotal;
        if (s->info.disabled) {
            // Fail with the Hub's own answer (message, request id) for the files of a disabled repo.
            return s->client->authCheck(s->request.repo, [s](Result<bool> a) {
                s->done(a.ok() ? Error::make(ErrorCode::RepoDisabled, u"Access to this resource is disabled."_s)
                               : a.error());
            });
        }
        // The tree at the commit, as snapshot_download lists it (paginated).
        s->client->listTree(s->request.repo, p.commitSha, [s](Result<QList<RepoFile>> t) {
            if (!t.ok())
                return s->done(t.error());
            s->files = *t;
            s->client->authCheck(s->request.repo, [s](Result<bool> a) {
                ModelPreview &pv = s->preview;
                if (a.ok()) {
                    pv.canDownload = true;
                } else if (a.error().code == ErrorCode::GatedAuthRequired
                           || a.error().code == ErrorCode::GatedAccessDenied
                           || a.error().code == ErrorCode::RepoNotFound
                           || a.error().code == ErrorCode::InvalidToken
                           || a.error().code == ErrorCode::Forbidden) {
                    pv.canDownload = false;
                    pv.accessError = a.error();
                } else {
                    pv.warnings << u"auth-check failed: "_s + a.error().toString();
                }
                fetchConfig(s);
            });
        });
    });
}

} // namespace mistudio::hub
