#include "service/modelservice.h"

#include "common/namepolicy.h"
#include "common/repoid.h"
#include "service/jobrunner.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

QThreadPool *sharedMiscPool()
{
    // Previews and deletes: short, I/O-bound, never on the caller's thread.
    static QThreadPool pool;
    pool.setMaxThreadCount(4);
    return &pool;
}

bool isQuantizationMode(const QString &m)
{
    return m == u"none"_s || m == u"bnb-4bit"_s || m == u"bnb-8bit"_s;
}

// The 4-bit options apply to bnb-4bit only; anything but the defaults with another mode is
// refused rather than silently ignored.
Status validate4bitOptions(const QString &mode, const QString &quantType, bool doubleQuant)
{
    if (quantType != u"nf4"_s && quantType != u"fp4"_s)
        return Error::make(ErrorCode::InvalidInput,
                           u"Unknown 4-bit quant type '%1' (nf4, fp4)"_s.arg(quantType),
                           {{u"field"_s, u"bnb_4bit_quant_type"_s}});
    if (mode == u"bnb-4bit"_s)
        return {};
    if (quantType != u"nf4"_s)
        return Error::make(ErrorCode::InvalidInput,
                           u"The 4-bit quant type applies to bnb-4bit only (not %1)"_s.arg(mode),
                           {{u"field"_s, u"bnb_4bit_quant_type"_s}});
    if (!doubleQuant)
        return Error::make(ErrorCode::InvalidInput,
                           u"Double quantization applies to bnb-4bit only (not %1)"_s.arg(mode),
                           {{u"field"_s, u"bnb_4bit_use_double_quant"_s}});
    return {};
}

qint64 removeTree(const QString &path)
{
    qint64 bytes = 0;
    QDirIterator it(path, QDir::Files | QDir::Hidden | QDir::System | QDir::NoSymLinks,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        bytes += it.fileInfo().size();
    }
    QDir dir(path);
    if (dir.exists() && !dir.removeRecursively())
        return -1;
    return bytes;
}

} // namespace

ModelService::ModelService(std::shared_ptr<ModelStore> store, std::shared_ptr<JobStore> jobs,
                           EventBus *bus, Engines engines, ServiceOptions options, QObject *parent)
    : QObject(parent)
    , m_store(std::move(store))
    , m_bus(bus)
    , m_options(std::move(options))
    , m_preview(engines.preview)
    , m_runner(std::make_unique<JobRunner>(m_store, std::move(jobs), bus, std::move(engines),
                                            m_options))
{
}

ModelService::~ModelService()
{
    shutdown();
}

Status ModelService::start(std::optional<QUuid> onlyModel)
{
    if (Status s = m_options.dataDir.ensureExists(); !s)
        return s;
    return m_runner->recover(onlyModel);
}

void ModelService::shutdown()
{
    m_runner->shutdown();
}

Result<ModelRecord> ModelService::create(const NewModel &model)
{
    const Result<RepoId> repo = RepoId::parse(model.repoId);
    if (!repo)
        return repo.error();
    if (Status s = validateDisplayName(model.name); !s)
        return s.error();
    if (!isQuantizationMode(model.quantization))
        return Error::make(ErrorCode::InvalidInput,
                           u"Unknown quantization '%1' (none, bnb-4bit, bnb-8bit)"_s.arg(model.quantization),
                           {{u"field"_s, u"quantization"_s}});
    if (const Result<QString> rev = validateRevision(model.revision); !rev)
        return rev.error();
    Result<ModelRecord> r = m_store->create(model);
    if (r)
        m_bus->publish(ModelEvent::modelCreated(r.value()));
    return r;
}

Result<ModelPage> ModelService::list(const ModelQuery &query) const
{
    return m_store->list(query);
}

Result<ModelRecord> ModelService::get(const QUuid &id) const
{
    return m_store->get(id);
}

Result<ModelRecord> ModelService::resolve(QStringView idPrefixOrRepo) const
{
    return m_store->resolve(idPrefixOrRepo);
}

Result<QJsonObject> ModelService::architecture(const QUuid &id) const
{
    Result<ModelRecord> r = m_store->get(id);
    if (!r)
        return r.error();
    if (r->architecture.isEmpty())
        return Error::make(ErrorCode::NotFound,
                           u"The architecture is known once the model is downloaded"_s,
                           {{u"status"_s, modelStatusName(r->status)}});
    return r->architecture;
}

Result<ModelRecord> ModelService::download(const QUuid &id, const DownloadRequest &request)
{
    if (!isQuantizationMode(request.quantization))
        return Error::make(ErrorCode::InvalidInput,
                           u"Unknown quantization '%1' (none, bnb-4bit, bnb-8bit)"_s.arg(request.quantization),
                           {{u"field"_s, u"quantization"_s}});
    if (Status s = validate4bitOptions(request.quantization, request.quantType, request.doubleQuant); !s)
        return s.error();
    if (!request.revision.isEmpty()) {
        if (const Result<QString> rev = validateRevision(request.revision); !rev)
            return rev.error();
    }
    Result<ModelRecord> r = m_store->get(id);
    if (!r)
        return r;
    return m_runner->startDownload(r.value(), request);
}

Result<ModelRecord> ModelService::quantize(const QUuid &id, const QuantizeRequest &request)
{
    if (request.mode != u"bnb-4bit"_s && request.mode != u"bnb-8bit"_s)
        return Error::make(ErrorCode::InvalidInput,
                           u"Unknown quantization mode '%1' (bnb-4bit, bnb-8bit)"_s.arg(request.mode),
                           {{u"field"_s, u"mode"_s}});
    if (Status s = validate4bitOptions(request.mode, request.quantType, request.doubleQuant); !s)
        return s.error();
    Result<ModelRecord> r = m_store->get(id);
    if (!r)
        return r;
    return m_runner->startQuantize(r.value(), request);
}

Result<ModelRecord> ModelService::cancel(const QUuid &id)
{
    if (Result<ModelRecord> r = m_store->get(id); !r)
        return r;
    return m_runner->cancel(id);
}

Result<ModelRecord> ModelService::pause(const QUuid &id)
{
    if (Result<ModelRecord> r = m_store->get(id); !r)
        return r;
    return m_runner->pause(id);
}

Result<ModelRecord> ModelService::resume(const QUuid &id, const QString &token)
{
    if (Result<ModelRecord> r = m_store->get(id); !r)
        return r;
    return m_runner->resume(id, token);
}

Result<ModelRecord> ModelService::retry(const QUuid &id, const QString &token)
{
    Result<ModelRecord> r = m_store->get(id);
    if (!r)
        return r;
    return m_runner->retry(r.value(), token);
}

QFuture<Result<qint64>> ModelService::remove(const QUuid &id)
{
    Result<ModelRecord> rec = m_store->get(id);
    if (!rec)
        return QtFuture::makeReadyFuture(Result<qint64>(rec.error()));
    QFuture<void> stopped = m_runner->stopForDelete(id);
    const ModelRecord record = rec.value();
    auto store = m_store;
    EventBus *bus = m_bus;
    const DataDir dataDir = m_options.dataDir;
    return QtConcurrent::run(sharedMiscPool(), [=]() mutable -> Result<qint64> {
        stopped.waitForFinished();
        qint64 freed = 0;
        // Only what lies inside the data dir's models folder is ours to remove, and a folder
        // another record of the same repo still uses stays.
        ModelQuery same;
        same.search = record.repoId;
        same.limit = 1000;
        bool shared = false;
        if (const Result<ModelPage> page = store->list(same); page) {
            for (const ModelRecord &other : page->items)
                shared = shared || (other.id != record.id && other.repoId == record.repoId);
        }
        QStringList dirs;
        if (const Result<RepoId> repo = RepoId::parse(record.repoId); repo && !shared)
            dirs << dataDir.modelDir(repo.value());
        const QString models = QDir::cleanPath(dataDir.modelsDir()) + u'/';
        for (const QString &p : {record.filePath, record.quantizedPath}) {
            const QString clean = QDir::cleanPath(p);
            bool covered = false;
            for (const QString &d : std::as_const(dirs))
                covered = covered || clean == d || clean.startsWith(d + u'/');
            if (!shared && !p.isEmpty() && clean.startsWith(models) && !covered)
                dirs << clean;
        }
        for (const QString &d : std::as_const(dirs)) {
            const qint64 n = removeTree(d);
            if (n < 0)
                return Error::make(ErrorCode::IoError, u"Cannot remove '%1'"_s.arg(d),
                                   {{u"path"_s, d}});
            freed += n;
        }
        if (Status s = store->remove(record.id); !s)
            return s.error();
        bus->publish(ModelEvent::modelDeleted(record.id, freed));
        return freed;
    });
}

QFuture<Result<QJsonObject>> ModelService::preview(const QString &repoId, const QString &revision,
                                                    const QString &token)
{
    if (const Result<RepoId> repo = RepoId::parse(repoId); !repo)
        return QtFuture::makeReadyFuture(Result<QJsonObject>(repo.error()));
    if (!revision.isEmpty()) {
        if (const Result<QString> rev = validateRevision(revision); !rev)
            return QtFuture::makeReadyFuture(Result<QJsonObject>(rev.error()));
    }
    auto backend = m_preview;
    return QtConcurrent::run(sharedMiscPool(), [backend, repoId, revision, token]() {
        if (!backend)
            return Result<QJsonObject>(
                Error::make(ErrorCode::Internal, u"This build has no Hub client"_s));
        return backend->preview(repoId, revision, token);
    });
}

std::optional<JobView> ModelService::activeJob(const QUuid &modelId) const
{
    return m_runner->job(modelId);
}

QList<JobView> ModelService::jobs() const
{
    return m_runner->jobs();
}

QStringList ModelService::gpus() const
{
    return m_runner->gpus();
}

} // namespace mistudio
