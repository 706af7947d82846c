#pragma once

#include <QJsonObject>
#include <QLoggingCategory>
#include <QList>
#include <QString>
#include <QUrl>

namespace mistudio {

// Where a download's time goes (start, resolve, first/last byte, syncs, digest, publish), for
// bench/download: QT_LOGGING_RULES="mistudio.download.timing.debug=true".
Q_DECLARE_LOGGING_CATEGORY(lcDownloadTiming)

// One file of a pinned commit, as the Hub's tree listing describes it.
struct RemoteFile
{
    QString path;   // repo path, '/'-separated, e.g. "model-00001-of-00002.safetensors"
    qint64 size = -1;
    QString sha256; // lfs.oid (tree) / lfs.sha256 (siblings), lowercase hex; empty for git files
    QString gitOid; // git blob sha1 (tree `oid`); verified when sha256 is empty

    bool isLfs() const { return !sha256.isEmpty(); }
};

// A download = the selected files of one pinned commit, written into targetDir.
struct PinnedDownload
{
    QString repoId;    // "org/name"
    QString commit;    // 40-hex sha: every URL is /resolve/<commit>/<path>
    QUrl endpoint;     // Hub base URL, e.g. https://huggingface.co
    QString token;     // sent to the Hub only, never to another host; never persisted
    QString targetDir; // DATA_DIR/models/{repo_dir}
    QList<RemoteFile> files;

    qint64 totalBytes() const;
};

// Engine settings. Every time is in milliseconds so that tests can shrink them.
struct DownloadOptions
{
    int connectionsPerFile = 8;
    int filesInParallel = 4;
    // The largest piece one Range request asks for; pieces shrink towards the file's end (down
    // to 1 MiB) so that the connections finish together. bench/download: 4 MiB slowest, 16 and
    // 64 MiB alike.
    qint64 chunkSize = 16 * 1024 * 1024;
    // How often what landed is made durable (fdatasync) and journaled while bytes arrive: a
    // kill -9 or a power cut costs at most about this much transfer (plus what the network
    // buffers held). Progress reports journaled bytes, so it moves in these steps.
    int checkpointIntervalMs = 500;
    qint64 maxBytesPerSecond = 0;        // this download's own cap, besides the global one; 0 = none
    int stallTimeoutMs = 30000;          // no byte for this long → abort and retry the chunk
    int maxRetries = 5;                  // consecutive failed attempts of one chunk (reset on progress)
    int backoffBaseMs = 1000;            // 1, 2, 4, 8, 8 s (+ jitter), like huggingface_hub
    int backoffMaxMs = 8000;
    int maxRetryAfterMs = 300000;        // longest 429 wait honoured
    int maxResolves = 4;                 // fresh HEADs per file for expired signed URLs
    qint64 freeSpaceMargin = 64 * 1024 * 1024;
    int progressIntervalMs = 100;        // ≤ 10 Hz
    bool preallocate = true;
    // fdatasync each chunk before its journal record (and the file before its rename): survives a
    // power cut, at the disk's write speed. Off: survives kill -9 only, at page-cache speed.
    bool durable = true;
    // A loopback endpoint's redirects may leave loopback (HubOptions::allowOffLoopbackRedirects).
    bool allowOffLoopbackRedirects = false;
};

enum class FileState { Queued, Downloading, Retrying, Verifying, Done, Failed, Paused };
QString fileStateName(FileState state);

struct FileProgress
{
    QString path;
    qint64 bytesDone = 0;
    qint64 bytesTotal = 0;
    FileState state = FileState::Queued;
    QString retryCause; // set while state == Retrying, e.g. "http_503", "stall", "url_expired"
    int retries = 0;        // retries so far (chunks, HEADs, re-fetches)
    QString lastRetryCause; // the cause of the latest one, kept after it succeeded

    QJsonObject toJson() const;
};

// A snapshot of one download. toJson() renders the base `download_progress` payload (docs/api.md)
// {progress (percent 0–100), downloaded_gb, total_gb, speed_mbps (MB/s, 10^6 bytes)} plus
// eta_seconds (-1 when unknown), files_done, files_total.
struct DownloadProgress
{
    qint64 bytesDone = 0;
    qint64 bytesTotal = 0;
    double bytesPerSecond = 0; // smoothed
    qint64 etaSeconds = -1;
    int filesDone = 0;
    int filesTotal = 0;
    QList<FileProgress> files;
    // When the engine emitted this snapshot, in ms on its monotonic clock (only differences
    // between events of one engine mean anything); -1 if never emitted. Not in toJson().
    qint64 emittedAtMs = -1;

    QJsonObject toJson() const;
    // toJson() plus a "files" array of the per-file states.
    QJsonObject toDetailedJson() const;
};

} // namespace mistudio
