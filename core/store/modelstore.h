#pragma once

#include "store/libraryrecord.h"
#include "store/modelrecord.h"

namespace mistudio {

// The catalogue. Implementations: SqlModelStore over QSQLITE (default) and QPSQL.
// Every method is safe to call from any thread: each thread uses its own connection.
class ModelStore
{
public:
    virtual ~ModelStore() = default;

    // Plain record writes without events: the service creates and removes models through
    // JobQueue::createModel/removeModel, which record the events in the same transaction.
    virtual Result<ModelRecord> create(const NewModel &model) = 0;
    virtual Result<ModelRecord> get(const QUuid &id) = 0;
    // ID = full UUID, unique prefix of one (≥ 4 hex chars), or a repo id (unique match).
    virtual Result<ModelRecord> resolve(QStringView idPrefixOrRepo) = 0;
    virtual Result<ModelPage> list(const ModelQuery &query) = 0;
    // Every record of exactly this repo id (they share the repo's folder).
    virtual Result<std::vector<ModelRecord>> byRepo(const QString &repoId) = 0;
    virtual Result<ModelRecord> update(const QUuid &id, const ModelPatch &patch) = 0;
    virtual Status remove(const QUuid &id) = 0;
    // Models per status and the bytes their downloads hold.
    virtual Result<CatalogueStats> stats() = 0;
    // The model's quantized variants, oldest first (ModelPatch::addVariant records one).
    virtual Result<std::vector<VariantRecord>> variants(const QUuid &id) = 0;
    virtual Status removeVariant(const QUuid &id, const QString &name) = 0;
    // The files of the model's download, by path (ModelPatch::files records them).
    virtual Result<QList<ModelFileRecord>> files(const QUuid &id) = 0;
    // What the library keeps about the model (an empty record, modelId set, when nothing yet);
    // NotFound for an unknown model.
    virtual Result<LibraryRecord> library(const QUuid &id) = 0;
    // Writes the fields `patch` sets (the row is made on first use).
    virtual Status putLibrary(const QUuid &id, const LibraryPatch &patch) = 0;
};

} // namespace mistudio
