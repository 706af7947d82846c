#pragma once

#include "common/result.h"
#include "hfcache/filetransfer.h"
#include "hfcache/hfcachetypes.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace mistudio::hfcache {

// A downloaded model of ours, as the catalogue knows it.
struct PublishRequest
{
    QString modelDir; // DATA_DIR/models/{org}--{name}: the files at their repo paths
    RepoId repo;
    QString commit;          // 40 hex
    QString revision;        // refs/<revision> is pointed at the commit ("main"); empty: no ref
    QList<FileRecord> files; // with the hashes recorded at download time
};

struct PublishOptions
{
    bool moveRef = false; // replace a refs/<revision> that names another commit
    TransferMode mode = TransferMode::Auto;
    int threads = 0;
    int progressIntervalMs = 100;
    FileSystemCalls calls = FileSystemCalls::system();
};

struct PublishResult
{
    QString repoDir;     // <cache>/models--{org}--{name}
    QString snapshotDir; // <repoDir>/snapshots/<commit>
    int blobsLinked = 0; // hard links to our files
    int blobsReflinked = 0;
    int blobsCopied = 0; // written through a temporary name (another file system)
    int blobsReused = 0; // already in the cache (downloaded by huggingface_hub, or by us before)
    int linksCreated = 0;
    int linksKept = 0; // already there and pointing at the right blob
    qint64 bytesCopied = 0;
    bool refWritten = false;
    qint64 elapsedMs = 0;

    QJsonObject toJson() const;
};

// Makes a downloaded model visible to huggingface_hub/transformers (HF_HUB_OFFLINE=1) without a
// second copy: blobs/<hash> (a hard link to our file on the same file system, else a verified
// copy written under a hidden name and renamed), snapshots/<commit>/<path> as relative links
// "../../blobs/<hash>" (one more "../" per folder level) and refs/<revision> holding the commit
// with no newline, as huggingface_hub writes them.
//
// It never changes what is already in the cache: an existing blob of the right size is reused,
// a snapshot link to the right blob is kept; a link to another blob, a plain file in its place,
// a blob of another size, a `.no_exist` marker for one of the files or a ref naming another
// commit (unless moveRef) is a conflict, reported with every such entry before anything is
// written. Every file is hashed (the copy or the linked inode) and must match its record; on a
// failure the blobs and links this call created are removed again. The ref is written last,
// so it names the commit only once the snapshot is whole.
class CachePublisher final
{
public:
    explicit CachePublisher(PublishOptions options = {});

    // Errors: invalid_input (bad commit, revision, path or hash), size_mismatch / io_error (a
    // file of the model is missing or has another size), conflict (details.conflicts: [{path,
    // reason}]), checksum_mismatch, cancelled, disk_full / permission_denied.
    Result<PublishResult> publish(const QString &cacheDir, const PublishRequest &request,
                                  const ProgressFn &progress = {}) const;

    // The link target of a snapshot entry at `path`: "../" × (2 + folder depth) + "blobs/<hash>".
    static QString linkTarget(const QString &path, const QString &blobName);

private:
    PublishOptions m_options;
};

} // namespace mistudio::hfcache
