#pragma once

#include "common/result.h"
#include "service/engines.h"
#include "service/librarytypes.h"
#include "service/servicetypes.h"
#include "store/jobqueue.h"
#include "store/modelstore.h"

#include <QFuture>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <memory>

namespace mistudio {

class EventBus;
class ModelService;

// The library's use cases over the catalogue (ModelService owns one, library()): the Hugging
// Face cache (list, import a snapshot as a ready model, publish a model into it), verification
// of the files against their recorded hashes, disk usage, upstream change detection and updates,
// and the look-ups the LAN mirror serves from. Written once here; the CLI, the API and the GUI
// only translate.
//
// Every use case blocks (file hashing, the Hub): call it on a worker thread, or through run(),
// which puts it on the library's own pool (waited for at shutdown). The store calls are short.
class ModelLibrary final
{
    Q_DISABLE_COPY_MOVE(ModelLibrary)

public:
    ModelLibrary(ModelService *service, std::shared_ptr<ModelStore> store, std::shared_ptr<JobQueue> queue,
                 EventBus *bus, Engines engines, ServiceOptions options);
    ~ModelLibrary();

    // Waits for the work run() started (a publish after a download included).
    void shutdown();

    // `work` on the library's pool; the future resolves on that thread.
    template<class F> auto run(F work) -> QFuture<std::invoke_result_t<F>>
    {
        return QtConcurrent::run(&m_pool, std::move(work));
    }

    // --- the Hugging Face cache ---------------------------------------------------------------
    // The HF cache in use: `explicitPath`, else the option, else huggingface_hub's own lookup.
    QString hfCacheDir(const QString &explicitPath = {}) const;
    // Every snapshot of the cache, and whether it can be imported. not_found without a cache.
    Result<CacheListing> scanHfCache(const QString &cacheDir = {}) const;
    // Imports one complete snapshot into DATA_DIR/models/{repo} (hard links where the file
    // system allows, every file verified against its blob name) and records it as a ready model
    // with its commit, files and parameter count from the local headers (model_created). Refused:
    // an incomplete snapshot (conflict, incomplete_snapshot), a repo already in the catalogue
    // (conflict, in_catalogue), a corrupt blob (checksum_mismatch; nothing is left behind).
    Result<HfImportOutcome> importFromHfCache(const HfImportRequest &request,
                                              const hfcache::ProgressFn &progress = {});
    // Publishes a ready model into the HF cache (blobs, relative snapshot links, refs), verifying
    // every file against its record; `moveRef` replaces a ref naming another commit (a ref naming
    // the commit we published before moves on its own). Needs the file records of its download.
    Result<HfPublishOutcome> publishToHfCache(const QUuid &id, const QString &cacheDir = {},
                                              bool moveRef = false,
                                              const hfcache::ProgressFn &progress = {});
    Result<QList<HfPublishOutcome>> publishAllToHfCache(const QString &cacheDir = {}, bool moveRef = false,
                                                        const ModelProgressFn &progress = {});

    // --- verification and disk usage ------------------------------------------------------------
    // Re-hashes a ready model's files against their records and stores the state (ok / failed)
    // with a summary; a changed or missing file is a row of the report, not an error.
    Result<VerifyOutcome> verify(const QUuid &id, const hfcache::ProgressFn &progress = {});
    // Every ready model with file records, one after the other.
    Result<QList<VerifyOutcome>> verifyAll(const ModelProgressFn &progress = {});
    Result<LibraryRecord> state(const QUuid &id) const;
    Result<DiskUsage> diskUsage() const;

    // --- upstream ---------------------------------------------------------------------------------
    // The revision's commit on the Hub now against the recorded one, and the files an update
    // would fetch (changed, added) or delete (removed), with the download size. Records what the
    // Hub said (commit, access).
    Result<UpdateCheck> checkUpdates(const QUuid &id, const QString &token = {});
    Result<QList<UpdateCheck>> checkAllUpdates(const QString &token = {});
    // Fetches only what changed into the model's folder through a download job pinned to the new
    // commit (the unchanged files stay as they are); removals only are applied at once.
    Result<UpdateOutcome> update(const QUuid &id, const QString &token = {});

    // --- the LAN mirror -----------------------------------------------------------------------
    // The ready model of `repoId` at `revision` (its revision name, its commit, or "HEAD"/empty
    // for the default one) with its recorded files. repo_not_found / revision_not_found.
    Result<MirrorSnapshot> mirrorSnapshot(const QString &repoId, const QString &revision) const;

    // What a preview said about the repo's access (downloadRepo records it with the model).
    void noteAccess(const QUuid &id, const QString &access);

private:
    class DownloadSink;
    Result<ModelRecord> readyModel(const QUuid &id) const;
    // Every record (in `status` when given), by repo id.
    Result<QList<ModelRecord>> models(std::optional<ModelStatus> status) const;
    // The include/exclude of the model's last download that was not an update.
    DownloadRequest lastSelection(const QUuid &id) const;
    void publishFinishedDownload(const QUuid &id);

    ModelService *m_service;
    std::shared_ptr<ModelStore> m_store;
    std::shared_ptr<JobQueue> m_queue;
    EventBus *m_bus;
    Engines m_engines;
    ServiceOptions m_options;
    std::shared_ptr<DownloadSink> m_sink;
    QThreadPool m_pool;
};

} // namespace mistudio
