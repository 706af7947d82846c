#pragma once

#include "common/datadir.h"
#include "common/transferprogress.h"

#include <QProcessEnvironment>

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QUuid>

#include <chrono>

namespace mistudio {

// The base ModelDownloadRequest (docs/api.md, "Base contract") plus the download engine's options.
struct DownloadRequest
{
    QString quantization = QStringLiteral("none"); // none | bnb-4bit | bnb-8bit
    // bnb-4bit only (BitsAndBytesConfig's bnb_4bit_quant_type / bnb_4bit_use_double_quant);
    // ModelService refuses other values with another mode.
    QString quantType = QStringLiteral("nf4"); // nf4 | fp4
    bool doubleQuant = true;
    QString hfToken;  // for this download only: never stored, logged or sent in an event
    QString revision; // empty = the record's revision
    QStringList include;
    QStringList exclude;
    int connections = 0;          // per file; 0 = engine default
    qint64 maxBytesPerSecond = 0; // 0 = unlimited
    // An update of a ready model (ModelLibrary::update): only `include` (the changed and added
    // files, as literal globs) is fetched at `commit`, `removePaths` are deleted, and the other
    // recorded files are kept as they are.
    bool update = false;
    QString commit; // the commit to fetch instead of the recorded one (40 hex)
    QStringList removePaths;

    // Everything but the token: what the jobs table keeps to resume the job.
    QJsonObject toParams() const;
    static DownloadRequest fromParams(const QJsonObject &params);
};

struct QuantizeRequest
{
    QString mode;                             // bnb-4bit | bnb-8bit
    QString device = QStringLiteral("auto");  // auto | cpu | cuda:N
    QString quantType = QStringLiteral("nf4"); // nf4 | fp4; bnb-4bit only, like doubleQuant
    bool doubleQuant = true;
};

// A job the service runs or keeps for later (paused, waiting for a token), as the faces see it.
struct JobView
{
    QUuid id;
    QUuid modelId;
    QString kind;  // download | quantize
    QString state; // queued | running | paused | needs_token | done | failed | cancelled
    double progress = 0.0;
    QString device; // quantize jobs: where it runs (or was asked to)
    int attempts = 0;
    QString lastError;
    QDateTime createdAt;
    QDateTime updatedAt;
    QString ownerHost;     // the host running it
    QString requestedStop; // "pause" | "cancel" while its owner is stopping it
    TransferProgress transfer; // a download's bytes as last saved (kept while paused)

    QJsonObject toJson() const;
};

// The library's use cases (ModelLibrary): where the Hugging Face cache is and what goes there.
struct LibraryOptions
{
    // The HF cache to import from and publish to; empty: huggingface_hub's own lookup
    // (HF_HUB_CACHE, HF_HOME/hub, ~/.cache/huggingface/hub) in `environment`.
    QString hfCacheDir;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    // Publish every download this process finishes into the HF cache (setting
    // library/publishDownloads, off by default).
    bool publishDownloads = false;
};

struct ServiceOptions
{
    DataDir dataDir;
    LibraryOptions library;
    int maxConcurrentDownloads = 2;
    int cpuQuantizeThreads = 1;
    int progressIntervalMs = 250; // at most one progress event per job per interval

    // This process as a job owner (docs/jobs.md). Empty: ProcessIdentity::current().
    QString ownerId;
    QString role = QStringLiteral("desktop"); // desktop | serve | cli | worker (shown in `workers`)
    // Whether this process runs jobs (a worker) or only writes requests (a front end).
    bool runsJobs = true;
    QString version;
    // What this process's worker may run (`mistudio worker --kinds/--device`): job kinds
    // ("download", "quantize"; empty: every kind its engines have) and devices ("cpu", "cuda"
    // for every GPU, "cuda:N"; empty: every device the quantize engine sees).
    QStringList jobKinds;
    QStringList devices;

    // Leases and the worker's timers; tests shorten them.
    std::chrono::milliseconds lease{30000};
    std::chrono::milliseconds heartbeatInterval{0}; // 0: a third of the lease
    std::chrono::milliseconds stopPollInterval{250};
    std::chrono::milliseconds reapInterval{5000};
    std::chrono::milliseconds claimPollInterval{1000}; // other processes' queued jobs
    // How long pause/cancel wait for a job this process runs to stop before they return.
    std::chrono::milliseconds stopWait{15000};
};

} // namespace mistudio
