#include "service/modellibrary.h"

#include "common/repoid.h"
#include "hfcache/cachelocator.h"
#include "hfcache/cachescanner.h"
#include "hfcache/modelverifier.h"
#include "hub/fileselection.h"
#include "service/deletionpolicy.h"
#include "service/diskusagewalker.h"
#include "service/eventbus.h"
#include "service/eventsink.h"
#include "service/jobevents.h"
#include "service/modelservice.h"
#include "service/updateplan.h"

#include <QFile>
#include <QFileInfo>
#include <QMutex>
#include <QSet>
#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

// A verification report keeps at most this many failing rows (the rest are counted).
constexpr int kReportedFailures = 100;
// config.json is read for the mirror's model info only up to this size.
constexpr qint64 kMaxConfigBytes = 1024 * 1024;

QString idText(const QUuid &id)
{
    return id.toString(QUuid::WithoutBraces);
}

QList<hfcache::FileRecord> fileRecords(const QList<ModelFileRecord> &files)
{
    QList<hfcache::FileRecord> out;
    for (const ModelFileRecord &f : files)
        out << hfcache::FileRecord{f.path, f.size, f.sha256.toLower(), f.gitOid.toLower()};
    return out;
}

// The snapshot an import takes: the revision asked for (a commit or a ref of the cache), else
// what refs/main names, else the repo's only snapshot.
const hfcache::CachedSnapshot *pickSnapshot(const hfcache::CachedRepo &repo, const QString &revision)
{
    if (!revision.isEmpty())
        return repo.snapshot(revision);
    if (const hfcache::CachedSnapshot *main = repo.snapshot(u"main"))
        return main;
    return repo.snapshots.size() == 1 ? &repo.snapshots.first() : nullptr;
}

Error noFileRecords(const ModelRecord &r)
{
    return Error::make(ErrorCode::Conflict,
                       u"%1 has no recorded file hashes (downloaded before they were kept); download it again"_s
                           .arg(r.repoId),
                       {{u"reason"_s, u"no_file_records"_s}, {u"model_id"_s, idText(r.id)}});
}

QJsonObject reportSummary(const hfcache::VerifyReport &report)
{
    QJsonArray failed;
    for (const hfcache::VerifiedFile &f : report.files) {
        if (f.state == hfcache::VerifyState::Ok || failed.size() >= kReportedFailures)
            continue;
        failed.append(QJsonObject{{u"path"_s, f.path}, {u"state"_s, hfcache::verifyStateName(f.state)}});
    }
    return {{u"files"_s, int(report.files.size())},
            {u"failures"_s, report.failures()},
            {u"bytes_hashed"_s, report.bytesHashed},
            {u"elapsed_ms"_s, report.elapsedMs},
            {u"failed"_s, failed}};
}

QString refContent(const QString &cacheDir, const RepoId &repo, const QString &revision)
{
    QFile f(cacheDir + u'/' + hfcache::CacheScanner::repoFolderName(repo) + u"/refs/"_s + revision);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromLatin1(f.read(64));
}

} // namespace

// Publishes every download this process finishes into the HF cache when the option asks for it.
// A finished download is published once its model is ready: at once when nothing follows, after
// the quantization that follows it otherwise (the events come after their change committed).
class ModelLibrary::DownloadSink final : public EventSink
{
public:
    explicit DownloadSink(ModelLibrary *library) : m_library(library) {}
    void deliver(const ModelEvent &event) override
    {
        const QUuid id = event.modelId();
        if (event.type() == ModelEvent::Type::DownloadCompleted) {
            QMutexLocker lock(&m_mutex);
            m_pending.insert(id);
            return;
        }
        if (event.type() != ModelEvent::Type::StatusChanged)
            return;
        const QString status = event.payload().value(u"status"_s).toString();
        if (status != u"ready"_s && status != u"failed"_s)
            return;
        {
            QMutexLocker lock(&m_mutex);
            if (!m_pending.remove(id) || status != u"ready"_s)
                return;
        }
        m_library->publishFinishedDownload(id);
    }

private:
    ModelLibrary *m_library;
    QMutex m_mutex;
    QSet<QUuid> m_pending; // downloaded, not ready yet
};

ModelLibrary::ModelLibrary(ModelService *service, std::shared_ptr<ModelStore> store,
                           std::shared_ptr<JobQueue> queue, EventBus *bus, Engines engines,
                           ServiceOptions options)
    : m_service(service)
    , m_store(std::move(store))
    , m_queue(std::move(queue))
    , m_bus(bus)
    , m_engines(std::move(engines))
    , m_options(std::move(options))
{
    m_pool.setMaxThreadCount(2);
    if (m_options.library.publishDownloads && m_bus) {
        m_sink = std::make_shared<DownloadSink>(this);
        m_bus->addSink(m_sink);
    }
}

ModelLibrary::~ModelLibrary()
{
    shutdown();
}

void ModelLibrary::shutdown()
{
    if (m_sink && m_bus) {
        m_bus->removeSink(m_sink);
        m_sink.reset();
    }
    m_pool.waitForDone();
}

void ModelLibrary::publishFinishedDownload(const QUuid &id)
{
    (void)run([this, id] {
        const Result<HfPublishOutcome> p = publishToHfCache(id);
        if (!p)
            qWarning("mistudio: publishing %s into the HF cache failed: %s", qPrintable(idText(id)),
                     qPrintable(p.error().toString()));
    });
}

QString ModelLibrary::hfCacheDir(const QString &explicitPath) const
{
    const hfcache::CacheLocator locator(m_options.library.environment);
    return locator.locate(explicitPath.isEmpty() ? m_options.library.hfCacheDir : explicitPath).path;
}

Result<ModelRecord> ModelLibrary::readyModel(const QUuid &id) const
{
    Result<ModelRecord> r = m_store->get(id);
    if (!r)
        return r;
    if (r->status != ModelStatus::Ready || r->filePath.isEmpty())
        return Error::make(ErrorCode::IllegalTransition,
                           u"%1 is %2, not ready"_s.arg(r->repoId, modelStatusName(r->status)),
                           {{u"status"_s, modelStatusName(r->status)}});
    return r;
}

Result<QList<ModelRecord>> ModelLibrary::models(std::optional<ModelStatus> status) const
{
    QList<ModelRecord> out;
    ModelQuery q;
    q.status = status;
    q.sort = SortKey::RepoId;
    q.order = SortOrder::Ascending;
    q.limit = 1000;
    for (q.page = 1;; ++q.page) {
        const Result<ModelPage> page = m_store->list(q);
        if (!page)
            return page.error();
        for (const ModelRecord &r : page->items)
            out << r;
        if (qint64(q.page) * q.limit >= page->total)
            return out;
    }
}

// --- the Hugging Face cache ----------------------------------------------------------------------

Result<CacheListing> ModelLibrary::scanHfCache(const QString &cacheDir) const
{
    const hfcache::CacheLocator locator(m_options.library.environment);
    const hfcache::CacheLocator::Location where =
        locator.locate(cacheDir.isEmpty() ? m_options.library.hfCacheDir : cacheDir);
    const Result<hfcache::CacheScan> scan = hfcache::CacheScanner::scan(where.path);
    if (!scan)
        return scan.error();
    CacheListing out;
    out.cacheDir = where.path;
    out.source = cacheDir.isEmpty() && m_options.library.hfCacheDir.isEmpty() ? where.source : u"explicit"_s;
    out.warnings = scan->warnings;
    for (const hfcache::CachedRepo &repo : scan->repos) {
        const Result<std::vector<ModelRecord>> records = m_store->byRepo(repo.repo.toString());
        if (!records)
            return records.error();
        const hfcache::CachedSnapshot *preferred = pickSnapshot(repo, {});
        for (const hfcache::CachedSnapshot &s : repo.snapshots) {
            CacheCandidate c;
            c.repoId = repo.repo.toString();
            c.commit = s.commit;
            c.refs = s.refs;
            c.files = int(s.files.size());
            c.bytes = s.totalBytes();
            c.problems = s.problems;
            c.isDefault = preferred == &s;
            if (!records->empty()) {
                c.state = CacheCandidate::State::InCatalogue;
                c.modelId = records->front().id;
            } else if (!s.isComplete()) {
                c.state = CacheCandidate::State::Incomplete;
            }
            out.snapshots << c;
        }
    }
    return out;
}

Result<HfImportOutcome> ModelLibrary::importFromHfCache(const HfImportRequest &request,
                                                        const hfcache::ProgressFn &progress)
{
    const Result<RepoId> repo = RepoId::parse(request.repoId);
    if (!repo)
        return repo.error();
    const QString cacheDir = hfCacheDir(request.cacheDir);
    const QString repoDir = cacheDir + u'/' + hfcache::CacheScanner::repoFolderName(*repo);
    if (!QFileInfo(repoDir).isDir())
        return Error::make(ErrorCode::NotFound, u"%1 is not in the HF cache %2"_s.arg(repo->toString(), cacheDir),
                           {{u"repo_id"_s, repo->toString()}, {u"cache_dir"_s, cacheDir}});
    const Result<hfcache::CachedRepo> cached = hfcache::CacheScanner::scanRepo(repoDir);
    if (!cached)
        return cached.error();
    const hfcache::CachedSnapshot *snapshot = pickSnapshot(*cached, request.revision);
    if (!snapshot)
        return Error::make(ErrorCode::NotFound,
                           request.revision.isEmpty()
                               ? u"%1 has several snapshots and no refs/main: name a commit"_s.arg(repo->toString())
                               : u"%1 has no snapshot '%2' in the HF cache"_s.arg(repo->toString(), request.revision),
                           {{u"repo_id"_s, repo->toString()}, {u"revision"_s, request.revision}});
    const Result<std::vector<ModelRecord>> existing = m_store->byRepo(repo->toString());
    if (!existing)
        return existing.error();
    if (!existing->empty())
        return Error::make(ErrorCode::Conflict, u"%1 is already in the catalogue"_s.arg(repo->toString()),
                           {{u"reason"_s, u"in_catalogue"_s}, {u"model_id"_s, idText(existing->front().id)}});
    if (Status s = m_options.dataDir.ensureExists(); !s)
        return s.error();

    hfcache::ImportOptions options;
    options.mode = request.mode;
    const QString target = m_options.dataDir.modelDir(*repo);
    Result<hfcache::ImportResult> imported =
        hfcache::SnapshotImporter(options).importSnapshot(*cached, *snapshot, target, progress);
    if (!imported)
        return imported.error();

    NewModel m;
    m.repoId = repo->toString();
    // The ref that named the snapshot is the revision it follows; a snapshot no ref names is
    // pinned to its commit.
    m.revision = snapshot->commit;
    for (const QString &ref : std::as_const(snapshot->refs)) {
        if (validateRevision(ref).ok()) {
            m.revision = ref;
            if (ref == u"main"_s)
                break;
        }
    }
    ModelPatch patch;
    patch.commitSha = imported->commit;
    patch.filePath = imported->folder;
    patch.sizeBytes = std::optional<qint64>(imported->bytesTotal);
    QList<ModelFileRecord> files;
    for (const hfcache::ImportedFile &f : std::as_const(imported->files))
        files << ModelFileRecord{f.record.path, f.record.size, f.record.sha256, f.record.gitOid};
    patch.files = files;
    // The parameter count and architecture come from the files' own headers, as after a download.
    if (m_engines.architecture) {
        if (const Result<QJsonObject> arch = m_engines.architecture->extract(imported->folder); arch) {
            patch.architecture = *arch;
            if (const qint64 n = arch->value(u"total_params"_s).toInteger(); n > 0)
                patch.paramsCount = std::optional<qint64>(n);
        } else {
            patch.errorMessage = u"architecture: "_s + arch.error().message;
        }
    }
    Result<CommittedChange> c = m_queue->adoptModel(m, patch, recordEvents());
    if (!c) {
        // No record: the folder must not stay behind as an orphan.
        DeletionPolicy::removeTree(imported->folder);
        return c.error();
    }
    publishCommitted(m_bus, *c);
    return HfImportOutcome{*c->change.after, *imported};
}

Result<HfPublishOutcome> ModelLibrary::publishToHfCache(const QUuid &id, const QString &cacheDir, bool moveRef,
                                                        const hfcache::ProgressFn &progress)
{
    const Result<ModelRecord> r = readyModel(id);
    if (!r)
        return r.error();
    const Result<RepoId> repo = RepoId::parse(r->repoId);
    if (!repo)
        return repo.error();
    const Result<QList<ModelFileRecord>> files = m_store->files(id);
    if (!files)
        return files.error();
    if (files->isEmpty() || r->commitSha.isEmpty())
        return noFileRecords(*r);
    const Result<LibraryRecord> lib = m_store->library(id);
    if (!lib)
        return lib.error();
    hfcache::PublishRequest req;
    req.modelDir = r->filePath;
    req.repo = *repo;
    req.commit = r->commitSha;
    req.revision = isCommitSha(r->revision) ? QString() : r->revision;
    req.files = fileRecords(*files);
    const QString dir = hfCacheDir(cacheDir);
    hfcache::PublishOptions options;
    // A ref that still names the commit we published before follows the model to its new one.
    options.moveRef = moveRef
        || (!req.revision.isEmpty() && !lib->publishedCommit.isEmpty()
            && refContent(dir, *repo, req.revision) == lib->publishedCommit);
    const Result<hfcache::PublishResult> p = hfcache::CachePublisher(options).publish(dir, req, progress);
    if (!p)
        return p.error();
    LibraryPatch patch;
    patch.hfCacheDir = dir;
    patch.publishedCommit = r->commitSha;
    patch.publishedAt = QDateTime::currentDateTimeUtc();
    if (Status s = m_store->putLibrary(id, patch); !s)
        return s.error();
    return HfPublishOutcome{*r, dir, *p};
}

Result<QList<HfPublishOutcome>> ModelLibrary::publishAllToHfCache(const QString &cacheDir, bool moveRef,
                                                                  const ModelProgressFn &progress)
{
    const Result<QList<ModelRecord>> ready = models(ModelStatus::Ready);
    if (!ready)
        return ready.error();
    QList<HfPublishOutcome> out;
    for (const ModelRecord &m : *ready) {
        Result<HfPublishOutcome> p = publishToHfCache(
            m.id, cacheDir, moveRef, [&](const hfcache::Progress &pr) { return !progress || progress(m, pr); });
        if (!p)
            return p.error();
        out << *p;
    }
    return out;
}

// --- verification and disk usage --------------------------------------------------------------------

Result<VerifyOutcome> ModelLibrary::verify(const QUuid &id, const hfcache::ProgressFn &progress)
{
    const Result<ModelRecord> r = readyModel(id);
    if (!r)
        return r.error();
    if (const Result<std::optional<JobRecord>> job = m_queue->active(id); !job || *job)
        return job ? Error::make(ErrorCode::Conflict, u"%1 has a job running; verify it once it ends"_s.arg(r->repoId))
                   : job.error();
    const Result<QList<ModelFileRecord>> files = m_store->files(id);
    if (!files)
        return files.error();
    if (files->isEmpty())
        return noFileRecords(*r);
    const Result<hfcache::VerifyReport> report = hfcache::ModelVerifier().verify(r->filePath, fileRecords(*files), progress);
    if (!report)
        return report.error();
    const QString state = report->allOk() ? u"ok"_s : u"failed"_s;
    LibraryPatch patch;
    patch.verifyState = state;
    patch.verifiedAt = QDateTime::currentDateTimeUtc();
    patch.verifyReport = reportSummary(*report);
    if (Status s = m_store->putLibrary(id, patch); !s)
        return s.error();
    Result<ModelRecord> after = m_store->get(id);
    return VerifyOutcome{after ? *after : *r, state, *report};
}

Result<QList<VerifyOutcome>> ModelLibrary::verifyAll(const ModelProgressFn &progress)
{
    const Result<QList<ModelRecord>> ready = models(ModelStatus::Ready);
    if (!ready)
        return ready.error();
    QList<VerifyOutcome> out;
    for (const ModelRecord &m : *ready) {
        Result<VerifyOutcome> v =
            verify(m.id, [&](const hfcache::Progress &p) { return !progress || progress(m, p); });
        if (!v) {
            // A model without records (or busy) is a row of the answer, not the end of it.
            if (v.error().code == ErrorCode::Cancelled)
                return v.error();
            out << VerifyOutcome{m, v.error().code == ErrorCode::Conflict ? v.error().details.value(u"reason"_s).toString(u"busy"_s)
                                                                          : v.error().codeName(),
                                 {}};
            continue;
        }
        out << *v;
    }
    return out;
}

Result<LibraryRecord> ModelLibrary::state(const QUuid &id) const
{
    return m_store->library(id);
}

Result<DiskUsage> ModelLibrary::diskUsage() const
{
    const Result<QList<ModelRecord>> all = models(std::nullopt);
    if (!all)
        return all.error();
    DiskUsage out;
    DiskUsageWalker walker;
    for (const ModelRecord &m : *all) {
        ModelDiskUsage u;
        u.model = m;
        QString folder = m.filePath;
        if (folder.isEmpty()) {
            if (const Result<RepoId> repo = RepoId::parse(m.repoId); repo)
                folder = m_options.dataDir.modelDir(*repo); // partial data of a download
        }
        if (QFileInfo(folder).isDir())
            u.files = walker.measure(QFileInfo(folder).fileName(), folder, u"quantized"_s);
        if (const Result<std::vector<VariantRecord>> variants = m_store->variants(m.id); variants) {
            for (const VariantRecord &v : *variants)
                u.variants << walker.measure(v.name(), v.path);
        }
        out.totalBytes += u.totalBytes();
        out.models << u;
    }
    out.totalAllocated = walker.allocatedTotal();
    out.freeBytes = m_options.dataDir.freeBytes();
    return out;
}

// --- upstream ------------------------------------------------------------------------------------

DownloadRequest ModelLibrary::lastSelection(const QUuid &id) const
{
    JobQuery q;
    q.modelId = id;
    q.kind = JobKind::Download;
    const Result<std::vector<JobRecord>> past = m_queue->list(q);
    if (past) {
        for (auto it = past->rbegin(); it != past->rend(); ++it) {
            const DownloadRequest r = DownloadRequest::fromParams(it->params);
            if (!r.update)
                return r;
        }
    }
    return {};
}

Result<UpdateCheck> ModelLibrary::checkUpdates(const QUuid &id, const QString &token)
{
    const Result<ModelRecord> r = readyModel(id);
    if (!r)
        return r.error();
    if (!m_engines.hub)
        return Error::make(ErrorCode::Internal, u"This build has no Hub client"_s);
    const Result<QList<ModelFileRecord>> recorded = m_store->files(id);
    if (!recorded)
        return recorded.error();
    if (recorded->isEmpty())
        return noFileRecords(*r);
    const DownloadRequest selection = lastSelection(id);
    const Result<UpstreamState> up =
        m_engines.hub->upstream(r->repoId, r->revision, selection.include, selection.exclude, token);
    if (!up)
        return up.error();
    LibraryPatch seen;
    seen.access = up->access;
    seen.upstreamCommit = up->commit;
    seen.checkedAt = QDateTime::currentDateTimeUtc();
    if (Status s = m_store->putLibrary(id, seen); !s)
        return s.error();
    UpdateCheck check;
    check.model = *r;
    check.revision = r->revision;
    check.recordedCommit = r->commitSha;
    check.upstreamCommit = up->commit;
    check.access = up->access;
    UpdatePlan::compare(*recorded, up->files).describe(&check);
    return check;
}

Result<QList<UpdateCheck>> ModelLibrary::checkAllUpdates(const QString &token)
{
    const Result<QList<ModelRecord>> ready = models(ModelStatus::Ready);
    if (!ready)
        return ready.error();
    QList<UpdateCheck> out;
    for (const ModelRecord &m : *ready) {
        Result<UpdateCheck> c = checkUpdates(m.id, token);
        if (!c)
            return c.error();
        out << *c;
    }
    return out;
}

Result<UpdateOutcome> ModelLibrary::update(const QUuid &id, const QString &token)
{
    const Result<UpdateCheck> check = checkUpdates(id, token);
    if (!check)
        return check.error();
    const Result<QList<ModelFileRecord>> recorded = m_store->files(id);
    if (!recorded)
        return recorded.error();
    QStringList fetch;
    for (const FileChange &f : check->changed)
        fetch << f.path;
    for (const FileChange &f : check->added)
        fetch << f.path;
    QStringList removed;
    for (const FileChange &f : check->removed)
        removed << f.path;
    if (fetch.isEmpty()) {
        if (removed.isEmpty() && check->recordedCommit == check->upstreamCommit)
            return UpdateOutcome{UpdateOutcome::Kind::UpToDate, check->model, *check};
        // Nothing to fetch: the new commit and the removals are recorded at once.
        const QList<ModelFileRecord> files = UpdatePlan::merge(*recorded, {}, removed);
        ModelPatch patch;
        patch.commitSha = check->upstreamCommit;
        patch.files = files;
        patch.sizeBytes = std::optional<qint64>(totalSize(files));
        Result<CommittedChange> c = m_queue->amendModel(id, patch, recordEvents());
        if (!c)
            return c.error();
        publishCommitted(m_bus, *c);
        UpdatePlan::removeFiles(check->model.filePath, removed);
        return UpdateOutcome{removed.isEmpty() ? UpdateOutcome::Kind::UpToDate : UpdateOutcome::Kind::Applied,
                             *c->change.after, *check};
    }
    DownloadRequest request;
    request.update = true;
    request.commit = check->upstreamCommit;
    for (const QString &p : std::as_const(fetch))
        request.include << hub::literalGlob(p);
    request.removePaths = removed;
    request.hfToken = token;
    Result<ModelRecord> started = m_service->download(id, request);
    if (!started)
        return started.error();
    return UpdateOutcome{UpdateOutcome::Kind::Started, *started, *check};
}

// --- the LAN mirror ------------------------------------------------------------------------------

Result<MirrorSnapshot> ModelLibrary::mirrorSnapshot(const QString &repoId, const QString &revision) const
{
    const Error repoNotFound = Error::make(ErrorCode::RepoNotFound, u"Repository not found"_s);
    const Result<RepoId> repo = RepoId::parse(repoId);
    if (!repo)
        return repoNotFound;
    const Result<std::vector<ModelRecord>> records = m_store->byRepo(repo->toString());
    if (!records)
        return records.error();
    std::vector<ModelRecord> ready;
    for (const ModelRecord &r : *records) {
        if (r.status == ModelStatus::Ready && !r.filePath.isEmpty() && isCommitSha(r.commitSha))
            ready.push_back(r);
    }
    if (ready.empty())
        return repoNotFound;
    const ModelRecord *chosen = nullptr;
    if (revision.isEmpty() || revision == u"HEAD"_s) {
        // The default branch: the record that follows main, else the newest.
        for (const ModelRecord &r : ready) {
            if (r.revision == u"main"_s)
                chosen = &r;
        }
        if (!chosen)
            chosen = &*std::max_element(ready.begin(), ready.end(), [](const ModelRecord &a, const ModelRecord &b) {
                return a.updatedAt < b.updatedAt;
            });
    } else {
        for (const ModelRecord &r : ready) {
            if (r.revision == revision || r.commitSha == revision.toLower())
                chosen = &r;
        }
    }
    if (!chosen)
        return Error::make(ErrorCode::RevisionNotFound, u"Invalid rev id: %1"_s.arg(revision));
    MirrorSnapshot out;
    out.model = *chosen;
    out.commit = chosen->commitSha;
    out.folder = chosen->filePath;
    const Result<QList<ModelFileRecord>> files = m_store->files(chosen->id);
    if (!files)
        return files.error();
    if (files->isEmpty())
        return repoNotFound; // no hashes to answer ETags with: not served
    out.files = *files;
    if (const Result<LibraryRecord> lib = m_store->library(chosen->id); lib)
        out.access = lib->access;
    QFile config(out.folder + u"/config.json"_s);
    if (out.file(u"config.json"_s) && config.open(QIODevice::ReadOnly) && config.size() <= kMaxConfigBytes) {
        const QJsonObject c = QJsonDocument::fromJson(config.readAll()).object();
        for (const QString &key : {u"architectures"_s, u"model_type"_s}) {
            if (c.contains(key))
                out.config.insert(key, c.value(key));
        }
    }
    return out;
}

void ModelLibrary::noteAccess(const QUuid &id, const QString &access)
{
    if (!isKnownAccess(access))
        return;
    LibraryPatch patch;
    patch.access = access;
    if (Status s = m_store->putLibrary(id, patch); !s)
        qWarning("mistudio: cannot record the access of %s: %s", qPrintable(idText(id)), qPrintable(s.error().toString()));
}

} // namespace mistudio
