#pragma once

#include "common/result.h"
#include "hfcache/filetransfer.h"
#include "hfcache/hfcachetypes.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace mistudio::hfcache {

struct ImportOptions
{
    TransferMode mode = TransferMode::Auto;
    int threads = 0; // files placed at once; 0: one per core, at most 4
    int progressIntervalMs = 100;
    FileSystemCalls calls = FileSystemCalls::system();
};

struct ImportedFile
{
    FileRecord record; // what the catalogue records: path, size, sha256 or git oid (verified)
    TransferMethod method = TransferMethod::Copy;
};

struct ImportResult
{
    RepoId repo;
    QString commit;
    QString folder; // the published model folder
    QList<ImportedFile> files;
    qint64 bytesTotal = 0;
    qint64 bytesCopied = 0; // bytes written; 0 when every file was hard-linked or reflinked
    int hardLinked = 0;
    int reflinked = 0;
    int copied = 0;
    qint64 elapsedMs = 0;

    QJsonObject toJson() const;
};

// Imports one snapshot of the HF cache into a model folder of ours (DATA_DIR/models/{org}--{name},
// see DataDir::modelDir) without copying bytes where the file system allows it. Every file is
// verified against its blob name while it is placed (the hash of what was linked or written);
// the folder is assembled under a hidden ".tmp-import-*" name beside the target and renamed into
// place only when every file matched, so a corrupt blob or a stop leaves nothing behind.
// The cache itself is only read (a hard link adds a name to a blob, it does not change it).
class SnapshotImporter final
{
public:
    explicit SnapshotImporter(ImportOptions options = {});

    // Errors: conflict (details.reason "incomplete_snapshot" with details.problems, or
    // "target_exists"), checksum_mismatch (details.path, expected, actual), cancelled,
    // disk_full / permission_denied / io_error.
    Result<ImportResult> importSnapshot(const CachedRepo &repo, const CachedSnapshot &snapshot,
                                        const QString &targetDir,
                                        const ProgressFn &progress = {}) const;

private:
    ImportOptions m_options;
};

} // namespace mistudio::hfcache
