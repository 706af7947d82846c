#pragma once

#include "store/modelstore.h"

#include <memory>

class QSqlQuery;

namespace mistudio {

class SqlDatabase;

// The one ModelStore implementation: plain SQL that runs on SQLite and PostgreSQL alike, with
// the few dialect differences asked of SqlDatabase.
class SqlModelStore final : public ModelStore
{
    Q_DISABLE_COPY_MOVE(SqlModelStore)

public:
    explicit SqlModelStore(std::shared_ptr<SqlDatabase> db);

    Result<ModelRecord> create(const NewModel &model) override;
    Result<ModelRecord> get(const QUuid &id) override;
    Result<ModelRecord> resolve(QStringView idPrefixOrRepo) override;
    Result<ModelPage> list(const ModelQuery &query) override;
    Result<std::vector<ModelRecord>> byRepo(const QString &repoId) override;
    Result<ModelRecord> update(const QUuid &id, const ModelPatch &patch) override;
    Status remove(const QUuid &id) override;
    Result<CatalogueStats> stats() override;
    Result<std::vector<VariantRecord>> variants(const QUuid &id) override;
    Status removeVariant(const QUuid &id, const QString &name) override;
    Result<QList<ModelFileRecord>> files(const QUuid &id) override;
    Result<LibraryRecord> library(const QUuid &id) override;
    Status putLibrary(const QUuid &id, const LibraryPatch &patch) override;

private:
    // Up to `limit` records matching `where`.
    Result<std::vector<ModelRecord>> select(const QString &where, const QVariantList &values, int limit);
    static ModelRecord readRecord(const QSqlQuery &q);
    Status putVariant(const QUuid &id, const VariantRecord &variant);
    Status putFiles(const QUuid &id, const QList<ModelFileRecord> &files);

    std::shared_ptr<SqlDatabase> m_db;
    QString m_columns;
};

} // namespace mistudio
