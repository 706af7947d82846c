#pragma once

#include "hfcache/cachepublisher.h"
#include "hfcache/filetransfer.h"
#include "hfcache/modelverifier.h"
#include "hfcache/snapshotimporter.h"
#include "store/libraryrecord.h"
#include "store/modelrecord.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace mistudio {

// The plain results of ModelLibrary's use cases: faces render them (toJson for the API and
// `--json`, the fields for text and widgets).

// One snapshot of the HF cache as the import dialog and `import-hf-cache --dry-run` list it.
struct CacheCandidate
{
    enum class State
    {
        Importable,  // complete and not in the catalogue yet
        Incomplete,  // `problems` says why; never imported
        InCatalogue, // a record of the repo exists (`modelId`)
    };
    QString repoId;
    QString commit;
    QStringList refs; // revisions of the cache naming this commit
    int files = 0;
    qint64 bytes = 0;
    State state = State::Importable;
    QStringList problems;
    QUuid modelId;
    bool isDefault = false; // the snapshot an import of the repo takes without a revision

    static QString stateName(State state); // importable | incomplete | in_catalogue
    QJsonObject toJson() const;
};

struct CacheListing
{
    QString cacheDir;
    QString source; // which rule chose the folder: "explicit", "HF_HUB_CACHE", ..., "default"
    QList<CacheCandidate> snapshots; // by repo id, then commit
    QStringList warnings;

    QJsonObject toJson() const;
};

struct HfImportRequest
{
    QString cacheDir; // empty: the library's HF cache
    QString repoId;
    // A commit or a ref of the cache; empty: what refs/main names, else the repo's only snapshot.
    QString revision;
    hfcache::TransferMode mode = hfcache::TransferMode::Auto;
};

struct HfImportOutcome
{
    ModelRecord model; // ready, with its commit, files and parameter count
    hfcache::ImportResult import;

    QJsonObject toJson() const;
};

struct HfPublishOutcome
{
    ModelRecord model;
    QString cacheDir;
    hfcache::PublishResult publish;

    QJsonObject toJson() const;
};

struct VerifyOutcome
{
    ModelRecord model;
    QString state; // "ok" | "failed"
    hfcache::VerifyReport report;

    QJsonObject toJson() const;
};

// Progress of a use case over several models: which model, and its own progress. Returning
// false stops the work (the call then fails `cancelled`).
using ModelProgressFn = std::function<bool(const ModelRecord &, const hfcache::Progress &)>;

// Bytes on disk: apparent sizes; `allocated` counts each inode once (hard links shared with the
// HF cache, or between records, are counted where first seen).
struct DiskUsageEntry
{
    QString name;          // the model's folder, or a variant's name
    QString path;
    qint64 bytes = 0;      // sum of the files' sizes
    qint64 allocated = 0;  // blocks the files hold, each inode once
    qint64 linkedBytes = 0; // bytes in files that have other names too (e.g. the HF cache's blobs)
    qint64 partialBytes = 0; // unfinished downloads (*.incomplete)
    int files = 0;

    QJsonObject toJson() const;
};

struct ModelDiskUsage
{
    ModelRecord model;
    DiskUsageEntry files; // the downloaded (or imported) files, without quantized/
    QList<DiskUsageEntry> variants;
    qint64 totalBytes() const;

    QJsonObject toJson() const;
};

struct DiskUsage
{
    QList<ModelDiskUsage> models;
    qint64 totalBytes = 0;
    qint64 totalAllocated = 0; // each inode once over the whole library
    qint64 freeBytes = -1;     // on the data directory's file system

    QJsonObject toJson() const;
};

// One file that differs between the catalogue's record and the Hub now.
struct FileChange
{
    QString path;
    qint64 size = 0;         // upstream (changed, added) or recorded (removed)
    qint64 recordedSize = 0; // changed: the size on record
    QJsonObject toJson() const;
};

struct UpdateCheck
{
    ModelRecord model;
    QString revision;
    QString recordedCommit;
    QString upstreamCommit;
    QString access; // public | gated | private
    QList<FileChange> changed;
    QList<FileChange> added;
    QList<FileChange> removed;
    int unchanged = 0;
    qint64 downloadBytes = 0; // what an update fetches: the changed and added files

    // Nothing to fetch or remove (the commit may still have moved: a commit that touched files
    // outside the selection).
    bool upToDate() const { return changed.isEmpty() && added.isEmpty() && removed.isEmpty(); }
    QJsonObject toJson() const;
};

struct UpdateOutcome
{
    enum class Kind
    {
        UpToDate, // nothing to do (the recorded commit moved to the new one)
        Started,  // a download job fetches the changed and added files
        Applied,  // only removals: done at once
    };
    Kind kind = Kind::UpToDate;
    ModelRecord model;
    UpdateCheck check;

    static QString kindName(Kind kind); // up_to_date | started | applied
    QJsonObject toJson() const;
};

// What the LAN mirror serves for one repo revision: a ready model with its recorded files.
struct MirrorSnapshot
{
    ModelRecord model;
    QString commit;
    QString folder;
    QList<ModelFileRecord> files; // by path
    QString access;               // public | gated | private | "" (unknown: token holders only)
    QJsonObject config;           // the Hub's config subset: architectures, model_type

    const ModelFileRecord *file(const QString &path) const;
};

} // namespace mistudio
