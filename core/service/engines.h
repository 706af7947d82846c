#pragma once

#include "common/result.h"
#include "store/variantrecord.h"
#include "hub/hubtypes.h"
#include "hub/modelpreview.h"
#include "hub/sizeestimate.h"
#include "service/jobcontrol.h"
#include "service/modelevent.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace mistudio {

// The service's view of the engines (core/hub, core/download, core/quant, core/arch). Each call
// blocks and runs on one of the service's pool threads.
// app/ injects the real implementations (core/engines, engines/realengines.h); tests may inject
// others.

struct DownloadSpec
{
    QUuid modelId;
    QString repoId;
    QString revision;      // branch, tag or commit; pinned to one commit by the engine
    QString pinnedCommit;  // when resuming: the commit the first attempt resolved
    QStringList include;   // glob patterns; empty = the default selection
    QStringList exclude;
    int connections = 0;   // per file; 0 = engine default
    qint64 maxBytesPerSecond = 0; // this download's own cap, besides the global one; 0 = none
    QString token;         // used for this job only; never persisted or logged
    QString targetDir;     // DATA_DIR/models/{repo_dir}
};

struct DownloadOutcome
{
    QString commitSha;
    QString dir;
    qint64 sizeBytes = 0;
    int files = 0;
    QList<ModelFileRecord> fileRecords; // each file as the Hub described it (size, hashes)
};

struct QuantizeSpec
{
    QUuid modelId;
    QString mode;      // bnb-4bit | bnb-8bit
    QString quantType = QStringLiteral("nf4"); // nf4 | fp4 (bnb-4bit)
    bool doubleQuant = true;                   // bnb-4bit
    QString device;    // "auto", "cpu", "cuda:N"
    QString inputDir;  // the downloaded model
    QString outputDir; // DATA_DIR/models/{repo_dir}/quantized
};

struct QuantizeOutcome
{
    QString filePath;
    qint64 sizeBytes = 0;
    QString device;
};

class DownloadBackend
{
public:
    virtual ~DownloadBackend() = default;
    // `progress` is called often, on the calling thread; the backend stops (returning
    // ErrorCode::Cancelled) as soon as control.stopRequested().
    virtual Result<DownloadOutcome> download(
        const DownloadSpec &spec, const std::function<void(const DownloadProgressInfo &)> &progress,
        const JobControl &control) = 0;
    // The global cap, shared by every download of the process and applied at once to those
    // running (0 = unlimited). Any thread. A backend that moves no bytes of its own (a probe, a
    // test's stand-in) has nothing to cap, hence the empty default.
    virtual void setBandwidthLimit(qint64 bytesPerSecond) { Q_UNUSED(bytesPerSecond) }
};

// A repo's revision on the Hub now, as a download of it would fetch it: check-updates compares
// it with what the catalogue recorded.
struct UpstreamState
{
    QString commit;                // the revision's commit now
    QString access;                // "public", "gated" or "private"
    QList<ModelFileRecord> files;  // the default selection narrowed by include/exclude, with hashes
};

// What the Hub tells before anything is downloaded.
class HubBackend
{
public:
    virtual ~HubBackend() = default;
    // The base preview (docs/api.md) plus its extensions, as plain data (faces render it).
    virtual Result<hub::ModelPreview> preview(const QString &repoId, const QString &revision,
                                              const QString &token) = 0;
    // The repo's model card (README.md) as Markdown; NotFound/EntryNotFound when it has none.
    virtual Result<QString> modelCard(const QString &repoId, const QString &revision,
                                      const QString &token) = 0;
    // Repos matching `query` (GET /api/models?search=), with downloads, likes, gated, update.
    virtual Result<QList<hub::SearchHit>> search(const QString &query, int limit) = 0;
    // The revision's commit, the repo's access and the files a download with these globs would
    // fetch (model info, then the tree at that commit). Separate from the download itself.
    virtual Result<UpstreamState> upstream(const QString &repoId, const QString &revision,
                                           const QStringList &include, const QStringList &exclude,
                                           const QString &token) = 0;
};

class QuantizeBackend
{
public:
    virtual ~QuantizeBackend() = default;
    // GPUs the quantizer can use ("cuda:0", ...); one single-thread pool is made per entry.
    virtual QStringList gpus() const = 0;
    virtual Result<QuantizeOutcome> quantize(
        const QuantizeSpec &spec, const std::function<void(const QuantizeProgressInfo &)> &progress,
        const JobControl &control) = 0;
};

class ArchitectureBackend
{
public:
    virtual ~ArchitectureBackend() = default;
    // The base architecture JSON (+ layer tree, hook points) from a downloaded model directory.
    virtual Result<QJsonObject> extract(const QString &modelDir) = 0;
    // What each mode (none, bnb-4bit, bnb-8bit) of a downloaded model takes on disk and in
    // memory, from its headers through the quantizer's own rules.
    virtual Result<QList<hub::SizeEstimate>> estimateSizes(const QString &modelDir) = 0;
};

// Which stored Hub token (HF_TOKEN, the token file) exists, for resuming a gated download
// after a restart. Returns an empty string when there is none.
using StoredTokenProvider = std::function<QString()>;

struct Engines
{
    std::shared_ptr<DownloadBackend> download;
    std::shared_ptr<HubBackend> hub;
    std::shared_ptr<QuantizeBackend> quantize;
    std::shared_ptr<ArchitectureBackend> architecture;
    StoredTokenProvider storedToken;
    // Ends every Hub call in flight (previews, searches) at once and refuses new ones: the
    // service calls it when it shuts down.
    std::function<void()> interruptHubCalls;
};

} // namespace mistudio
