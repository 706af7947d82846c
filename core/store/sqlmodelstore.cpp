#include "store/sqlmodelstore.h"

#include "common/repoid.h"
#include "store/sqldatabase.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSqlQuery>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

constexpr int kMinPrefixLength = 4;

QString idText(const QUuid &id)
{
    return id.toString(QUuid::WithoutBraces);
}

Error notFound(QStringView what)
{
    return Error::make(ErrorCode::NotFound, u"No model matches '%1'"_s.arg(what.toString()),
                       {{u"id"_s, what.toString()}});
}

// LIKE pattern for a case-insensitive substring; '\' escapes the wildcards on both backends.
QString likeContains(const QString &text)
{
    QString escaped = text.toLower();
    escaped.replace(u'\\', u"\\\\"_s).replace(u'%', u"\\%"_s).replace(u'_', u"\\_"_s);
    return u'%' + escaped + u'%';
}

QVariant optionalInt(const std::optional<qint64> &v)
{
    return v ? QVariant(*v) : QVariant(QMetaType(QMetaType::LongLong));
}

QString sortColumn(SortKey key)
{
    switch (key) {
    case SortKey::CreatedAt:
        return u"created_at"_s;
    case SortKey::UpdatedAt:
        return u"updated_at"_s;
    case SortKey::Name:
        return u"LOWER(name)"_s;
    case SortKey::RepoId:
        return u"LOWER(repo_id)"_s;
    case SortKey::StatusName:
        return u"status"_s;
    case SortKey::SizeBytes:
        return u"size_bytes"_s;
    }
    return u"created_at"_s;
}

Status validateText(const QString &value, const QString &field, qsizetype maxLength)
{
    if (value.size() > maxLength)
        return Error::make(ErrorCode::InvalidInput,
                           u"The %1 is longer than %2 characters"_s.arg(field).arg(maxLength),
                           {{u"field"_s, field}});
    return {};
}

} // namespace

SqlModelStore::SqlModelStore(std::shared_ptr<SqlDatabase> db)
    : m_db(std::move(db))
{
    m_columns = QStringList{m_db->uuidText(u"id"_s), u"name"_s, u"repo_id"_s, u"revision"_s,
                            u"commit_sha"_s, u"file_path"_s, u"quantized_path"_s, u"status"_s,
                            m_db->jsonText(u"architecture"_s), u"quantization"_s, u"size_bytes"_s,
                            u"params_count"_s, u"progress"_s, u"error_message"_s,
                            m_db->timeText(u"created_at"_s), m_db->timeText(u"updated_at"_s),
                            m_db->version() >= 5 ? u"(SELECT COALESCE(SUM(v.size_bytes), 0) FROM model_variants v"
                                                   " WHERE v.model_id = models.id)"_s
                                                 : u"0"_s,
                            m_db->version() >= 7 ? u"(SELECT l.verify_state FROM model_library l WHERE l.model_id = models.id)"_s
                                                 : u"NULL"_s,
                            m_db->version() >= 7 ? u"(SELECT "_s + m_db->timeText(u"l.verified_at"_s)
                                                       + u" FROM model_library l WHERE l.model_id = models.id)"_s
                                                 : u"NULL"_s}
                    .join(u", "_s);
}

ModelRecord SqlModelStore::readRecord(const QSqlQuery &q)
{
    ModelRecord r;
    r.id = QUuid::fromString(q.value(0).toString());
    r.name = q.value(1).toString();
    r.repoId = q.value(2).toString();
    r.revision = q.value(3).toString();
    r.commitSha = q.value(4).toString();
    r.filePath = q.value(5).toString();
    r.quantizedPath = q.value(6).toString();
    r.status = modelStatusFromName(q.value(7).toString()).value_or(ModelStatus::Failed);
    if (!q.value(8).isNull())
        r.architecture = QJsonDocument::fromJson(q.value(8).toString().toUtf8()).object();
    r.quantization = q.value(9).toString();
    if (!q.value(10).isNull())
        r.sizeBytes = q.value(10).toLongLong();
    if (!q.value(11).isNull())
        r.paramsCount = q.value(11).toLongLong();
    r.progress = q.value(12).toDouble();
    r.errorMessage = q.value(13).toString();
    r.createdAt = SqlDatabase::timeFromValue(q.value(14));
    r.updatedAt = SqlDatabase::timeFromValue(q.value(15));
    r.variantsSizeBytes = q.value(16).toLongLong();
    r.verifyState = q.value(17).toString();
    if (!q.value(18).isNull())
        r.verifiedAt = SqlDatabase::timeFromValue(q.value(18));
    return r;
}

Result<std::vector<ModelRecord>> SqlModelStore::select(const QString &where, const QVariantList &values,
                                                       int limit)
{
    auto q = m_db->run(u"SELECT %1 FROM models WHERE %2 ORDER BY id LIMIT %3"_s.arg(m_columns, where).arg(limit),
                       values);
    if (!q)
        return q.error();
    std::vector<ModelRecord> out;
    while (q->next())
        out.push_back(readRecord(*q));
    return out;
}

Result<ModelRecord> SqlModelStore::create(const NewModel &model)
{
    const auto repo = RepoId::parse(model.repoId);
    if (!repo)
        return repo.error();
    const QString revisionText = model.revision.isEmpty() ? u"main"_s : model.revision;
    const auto revision = validateRevision(revisionText);
    if (!revision)
        return revision.error();
    const QString quantization = model.quantization.isEmpty() ? u"none"_s : model.quantization;
    if (!isKnownQuantization(quantization))
        return Error::make(ErrorCode::InvalidInput,
                           u"Unknown quantization '%1' (none, bnb-4bit or bnb-8bit)"_s.arg(quantization),
                           {{u"field"_s, u"quantization"_s}});
    const QString name = model.name.trimmed().isEmpty() ? repo->name() : model.name.trimmed();
    if (auto s = validateText(name, u"name"_s, 255); !s)
        return s.error();

    if (model.paramsCount && *model.paramsCount < 0)
        return Error::make(ErrorCode::InvalidInput, u"A parameter count may not be negative"_s);
    const QUuid id = QUuid::createUuid();
    const QString now = SqlDatabase::timeValue(QDateTime::currentDateTimeUtc());
    auto q = m_db->run(u"INSERT INTO models (id, name, repo_id, revision, status, quantization, progress,"
                       " params_count, architecture, created_at, updated_at)"
                       " VALUES (?, ?, ?, ?, 'pending', ?, 0, ?, "_s
                           + m_db->jsonParam() + u", ?, ?)"_s,
                       {idText(id), name, repo->toString(), *revision, quantization,
                        optionalInt(model.paramsCount),
                        model.architecture.isEmpty()
                            ? QVariant(QMetaType(QMetaType::QString))
                            : QVariant(QString::fromUtf8(QJsonDocument(model.architecture).toJson(QJsonDocument::Compact))),
                        now, now});
    if (!q)
        return q.error();
    return get(id);
}

Result<ModelRecord> SqlModelStore::get(const QUuid &id)
{
    if (id.isNull())
        return Error::make(ErrorCode::InvalidInput, u"The model id is empty"_s);
    auto rows = select(u"id = ?"_s, {idText(id)}, 1);
    if (!rows)
        return rows.error();
    if (rows->empty())
        return notFound(idText(id));
    return rows->front();
}

Result<ModelRecord> SqlModelStore::resolve(QStringView idPrefixOrRepo)
{
    const QString text = idPrefixOrRepo.trimmed().toString();
    if (text.isEmpty())
        return Error::make(ErrorCode::InvalidInput, u"No model id given"_s, {{u"field"_s, u"id"_s}});
    const QUuid full = QUuid::fromString(text);
    if (!full.isNull())
        return get(full);

    auto ambiguous = [&](const std::vector<ModelRecord> &rows) {
        QJsonArray matches;
        for (const ModelRecord &r : rows)
            matches.append(idText(r.id));
        return Error::make(ErrorCode::AmbiguousId,
                           u"'%1' matches more than one model; give more of the id"_s.arg(text),
                           {{u"id"_s, text}, {u"matches"_s, matches}});
    };
    static const QRegularExpression hexPrefix(u"^[0-9a-fA-F-]+$"_s);
    if (text.size() >= kMinPrefixLength && text.size() < 36 && hexPrefix.match(text).hasMatch()) {
        auto rows = select(m_db->uuidText(u"id"_s) + u" LIKE ?"_s, {QString(text.toLower() + u'%')}, 2);
        if (!rows)
            return rows.error();
        if (rows->size() == 1)
            return rows->front();
        if (rows->size() > 1)
            return ambiguous(*rows);
    }
    auto rows = select(u"repo_id = ?"_s, {text}, 2);
    if (!rows)
        return rows.error();
    if (rows->size() == 1)
        return rows->front();
    if (rows->size() > 1)
        return ambiguous(*rows);
    return notFound(text);
}

Result<std::vector<ModelRecord>> SqlModelStore::byRepo(const QString &repoId)
{
    return select(u"repo_id = ?"_s, {repoId}, 100000);
}

Result<ModelPage> SqlModelStore::list(const ModelQuery &query)
{
    if (query.page < 1)
        return Error::make(ErrorCode::InvalidInput, u"The page must be 1 or more"_s, {{u"field"_s, u"page"_s}});
    if (query.limit < 1 || query.limit > 1000)
        return Error::make(ErrorCode::InvalidInput, u"The limit must be from 1 to 1000"_s,
                           {{u"field"_s, u"limit"_s}});
    QStringList where;
    QVariantList values;
    if (query.status) {
        where << u"status = ?"_s;
        values << modelStatusName(*query.status);
    }
    if (!query.search.trimmed().isEmpty()) {
        where << u"(LOWER(name) LIKE ? ESCAPE '\\' OR LOWER(repo_id) LIKE ? ESCAPE '\\')"_s;
        const QString pattern = likeContains(query.search.trimmed());
        values << pattern << pattern;
    }
    const QString whereSql = where.isEmpty() ? QString() : u" WHERE "_s + where.join(u" AND "_s);

    ModelPage page;
    page.page = query.page;
    page.limit = query.limit;
    {
        auto q = m_db->run(u"SELECT COUNT(*) FROM models"_s + whereSql, values);
        if (!q)
            return q.error();
        if (q->next())
            page.total = q->value(0).toLongLong();
    }
    const QString column = sortColumn(query.sort);
    const QString dir = query.order == SortOrder::Ascending ? u"ASC"_s : u"DESC"_s;
    // Ties by id, in the sort's direction, so pages never overlap and one (column, id) index
    // (schema v3) serves both directions: the page is read off the index instead of sorting
    // every row. Only size_bytes may be NULL: NULLs last in both orders and on both backends
    // (a leading expression no index serves, so that sort still sorts).
    const QString order = query.sort == SortKey::SizeBytes
        ? u" ORDER BY (%1 IS NULL), %1 %2, id %2"_s.arg(column, dir)
        : u" ORDER BY %1 %2, id %2"_s.arg(column, dir);
    QVariantList pageValues = values;
    pageValues << query.limit << qint64(query.page - 1) * query.limit;
    auto q = m_db->run(u"SELECT "_s + m_columns + u" FROM models"_s + whereSql + order
                           + u" LIMIT ? OFFSET ?"_s,
                       pageValues);
    if (!q)
        return q.error();
    while (q->next())
        page.items.push_back(readRecord(*q));
    return page;
}

Result<ModelRecord> SqlModelStore::update(const QUuid &id, const ModelPatch &patch)
{
    QStringList sets;
    QVariantList values;
    auto setText = [&](const char *column, const std::optional<QString> &v, qsizetype maxLength) -> Status {
        if (!v)
            return {};
        if (auto s = validateText(*v, QString::fromLatin1(column), maxLength); !s)
            return s;
        sets << QLatin1StringView(column) + u" = ?"_s;
        values << SqlDatabase::textOrNull(*v);
        return {};
    };
    if (patch.name) {
        if (patch.name->trimmed().isEmpty())
            return Error::make(ErrorCode::InvalidInput, u"The name may not be empty"_s, {{u"field"_s, u"name"_s}});
    }
    if (patch.commitSha && !patch.commitSha->isEmpty() && !isCommitSha(*patch.commitSha))
        return Error::make(ErrorCode::InvalidInput,
                           u"'%1' is not a 40-digit commit hash"_s.arg(*patch.commitSha),
                           {{u"field"_s, u"commit_sha"_s}});
    if (patch.quantization && !isKnownQuantization(*patch.quantization))
        return Error::make(ErrorCode::InvalidInput, u"Unknown quantization '%1'"_s.arg(*patch.quantization),
                           {{u"field"_s, u"quantization"_s}});
    if (patch.progress && !(*patch.progress >= 0.0 && *patch.progress <= 100.0))
        return Error::make(ErrorCode::InvalidInput, u"The progress must be from 0 to 100"_s,
                           {{u"field"_s, u"progress"_s}});
    for (const auto &size : {patch.sizeBytes, patch.paramsCount}) {
        if (size && *size && **size < 0)
            return Error::make(ErrorCode::InvalidInput, u"A size or count may not be negative"_s);
    }
    for (auto s : {setText("name", patch.name ? std::optional<QString>(patch.name->trimmed()) : std::nullopt, 255),
                   setText("commit_sha", patch.commitSha, 40), setText("file_path", patch.filePath, 500),
                   setText("quantized_path", patch.quantizedPath, 500),
                   setText("quantization", patch.quantization, 50),
                   setText("error_message", patch.errorMessage, 1 << 20)}) {
        if (!s)
            return s.error();
    }
    if (patch.architecture) {
        sets << u"architecture = "_s + m_db->jsonParam();
        values << (patch.architecture->isEmpty()
                       ? QVariant(QMetaType(QMetaType::QString))
                       : QVariant(QString::fromUtf8(QJsonDocument(*patch.architecture).toJson(QJsonDocument::Compact))));
    }
    if (patch.sizeBytes) {
        sets << u"size_bytes = ?"_s;
        values << optionalInt(*patch.sizeBytes);
    }
    if (patch.paramsCount) {
        sets << u"params_count = ?"_s;
        values << optionalInt(*patch.paramsCount);
    }
    if (patch.progress) {
        sets << u"progress = ?"_s;
        values << *patch.progress;
    }
    if (patch.addVariant) {
        if (Status s = putVariant(id, *patch.addVariant); !s)
            return s.error();
    }
    if (patch.files) {
        if (Status s = putFiles(id, *patch.files); !s)
            return s.error();
    }
    if (sets.isEmpty())
        return get(id);
    sets << u"updated_at = ?"_s;
    values << SqlDatabase::timeValue(QDateTime::currentDateTimeUtc()) << idText(id);
    auto q = m_db->run(u"UPDATE models SET "_s + sets.join(u", "_s) + u" WHERE id = ?"_s, values);
    if (!q)
        return q.error();
    if (q->numRowsAffected() == 0)
        return notFound(idText(id));
    return get(id);
}

Status SqlModelStore::remove(const QUuid &id)
{
    auto q = m_db->run(u"DELETE FROM models WHERE id = ?"_s, {idText(id)});
    if (!q)
        return q.error();
    if (q->numRowsAffected() == 0)
        return notFound(idText(id));
    return {};
}

Result<CatalogueStats> SqlModelStore::stats()
{
    auto q = m_db->run(u"SELECT status, COUNT(*), COALESCE(SUM(size_bytes), 0) FROM models GROUP BY status"_s);
    if (!q)
        return q.error();
    CatalogueStats out;
    while (q->next()) {
        const std::optional<ModelStatus> s = modelStatusFromName(q->value(0).toString());
        const qint64 n = q->value(1).toLongLong();
        if (s)
            out.byStatus.insert(*s, n);
        out.total += n;
        out.sizeBytes += q->value(2).toLongLong();
    }
    return out;
}

Status SqlModelStore::putVariant(const QUuid &id, const VariantRecord &v)
{
    if (!QuantVariant::fromName(v.name()))
        return Error::make(ErrorCode::InvalidInput, u"Unknown variant '%1'"_s.arg(v.name()));
    if (auto d = m_db->run(u"DELETE FROM model_variants WHERE model_id = ? AND name = ?"_s, {idText(id), v.name()}); !d)
        return d.error();
    const bool fourBit = v.variant.mode == u"bnb-4bit"_s;
    auto q = m_db->run(u"INSERT INTO model_variants (model_id, name, mode, quant_type, double_quant, path,"
                       " size_bytes, device, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"_s,
                       {idText(id), v.name(), v.variant.mode,
                        fourBit ? QVariant(v.variant.quantType) : QVariant(QMetaType(QMetaType::QString)),
                        fourBit ? QVariant(v.variant.doubleQuant ? 1 : 0) : QVariant(QMetaType(QMetaType::Int)),
                        v.path, v.sizeBytes, SqlDatabase::textOrNull(v.device),
                        SqlDatabase::timeValue(v.createdAt.isValid() ? v.createdAt : QDateTime::currentDateTimeUtc())});
    if (!q)
        return q.error();
    return {};
}

Result<std::vector<VariantRecord>> SqlModelStore::variants(const QUuid &id)
{
    auto q = m_db->run(u"SELECT name, path, size_bytes, device, "_s + m_db->timeText(u"created_at"_s)
                           + u" FROM model_variants WHERE model_id = ? ORDER BY created_at, name"_s,
                       {idText(id)});
    if (!q)
        return q.error();
    std::vector<VariantRecord> out;
    while (q->next()) {
        const std::optional<QuantVariant> v = QuantVariant::fromName(q->value(0).toString());
        if (!v)
            continue;
        VariantRecord r;
        r.modelId = id;
        r.variant = *v;
        r.path = q->value(1).toString();
        r.sizeBytes = q->value(2).toLongLong();
        r.device = q->value(3).toString();
        r.createdAt = SqlDatabase::timeFromValue(q->value(4));
        out.push_back(std::move(r));
    }
    return out;
}

Status SqlModelStore::removeVariant(const QUuid &id, const QString &name)
{
    auto q = m_db->run(u"DELETE FROM model_variants WHERE model_id = ? AND name = ?"_s, {idText(id), name});
    if (!q)
        return q.error();
    if (q->numRowsAffected() == 0)
        return Error::make(ErrorCode::NotFound, u"The model has no variant '%1'"_s.arg(name),
                           {{u"variant"_s, name}});
    return {};
}

Status SqlModelStore::putFiles(const QUuid &id, const QList<ModelFileRecord> &files)
{
    if (auto d = m_db->run(u"DELETE FROM model_files WHERE model_id = ?"_s, {idText(id)}); !d)
        return d.error();
    for (const ModelFileRecord &f : files) {
        auto q = m_db->run(u"INSERT INTO model_files (model_id, path, size, sha256, git_oid) VALUES (?, ?, ?, ?, ?)"_s,
                           {idText(id), f.path, f.size, SqlDatabase::textOrNull(f.sha256),
                            SqlDatabase::textOrNull(f.gitOid)});
        if (!q)
            return q.error();
    }
    return {};
}

Result<QList<ModelFileRecord>> SqlModelStore::files(const QUuid &id)
{
    auto q = m_db->run(u"SELECT path, size, sha256, git_oid FROM model_files WHERE model_id = ? ORDER BY path"_s,
                       {idText(id)});
    if (!q)
        return q.error();
    QList<ModelFileRecord> out;
    while (q->next())
        out << ModelFileRecord{q->value(0).toString(), q->value(1).toLongLong(), q->value(2).toString(),
                               q->value(3).toString()};
    return out;
}

Result<LibraryRecord> SqlModelStore::library(const QUuid &id)
{
    if (Result<ModelRecord> r = get(id); !r)
        return r.error();
    LibraryRecord out;
    out.modelId = id;
    auto q = m_db->run(u"SELECT verify_state, "_s + m_db->timeText(u"verified_at"_s) + u", "_s
                           + m_db->jsonText(u"verify_report"_s)
                           + u", access, upstream_commit, "_s + m_db->timeText(u"checked_at"_s)
                           + u", hf_cache_dir, published_commit, "_s + m_db->timeText(u"published_at"_s)
                           + u" FROM model_library WHERE model_id = ?"_s,
                       {idText(id)});
    if (!q)
        return q.error();
    if (!q->next())
        return out;
    out.verifyState = q->value(0).toString();
    out.verifiedAt = SqlDatabase::timeFromValue(q->value(1));
    if (!q->value(2).isNull())
        out.verifyReport = QJsonDocument::fromJson(q->value(2).toString().toUtf8()).object();
    out.access = q->value(3).toString();
    out.upstreamCommit = q->value(4).toString();
    out.checkedAt = SqlDatabase::timeFromValue(q->value(5));
    out.hfCacheDir = q->value(6).toString();
    out.publishedCommit = q->value(7).toString();
    out.publishedAt = SqlDatabase::timeFromValue(q->value(8));
    return out;
}

Status SqlModelStore::putLibrary(const QUuid &id, const LibraryPatch &patch)
{
    if (patch.verifyState && !patch.verifyState->isEmpty() && *patch.verifyState != u"ok"_s
        && *patch.verifyState != u"failed"_s)
        return Error::make(ErrorCode::InvalidInput, u"Unknown verification state '%1'"_s.arg(*patch.verifyState));
    if (patch.access && !patch.access->isEmpty() && !isKnownAccess(*patch.access))
        return Error::make(ErrorCode::InvalidInput, u"Unknown access '%1'"_s.arg(*patch.access));
    for (const std::optional<QString> &commit : {patch.upstreamCommit, patch.publishedCommit}) {
        if (commit && !commit->isEmpty() && !isCommitSha(*commit))
            return Error::make(ErrorCode::InvalidInput, u"'%1' is not a 40-digit commit hash"_s.arg(*commit));
    }
    if (patch.hfCacheDir) {
        if (Status s = validateText(*patch.hfCacheDir, u"HF cache folder"_s, 1024); !s)
            return s;
    }
    if (patch.isEmpty())
        return {};
    QStringList sets;
    QVariantList values;
    const auto text = [&](const char *column, const std::optional<QString> &v) {
        if (v) {
            sets << QString::fromLatin1(column) + u" = ?"_s;
            values << SqlDatabase::textOrNull(*v);
        }
    };
    const auto time = [&](const char *column, const std::optional<QDateTime> &v) {
        if (v) {
            sets << QString::fromLatin1(column) + u" = ?"_s;
            values << (v->isValid() ? QVariant(SqlDatabase::timeValue(*v)) : QVariant(QMetaType(QMetaType::QString)));
        }
    };
    text("verify_state", patch.verifyState);
    time("verified_at", patch.verifiedAt);
    if (patch.verifyReport) {
        sets << u"verify_report = "_s + m_db->jsonParam();
        values << (patch.verifyReport->isEmpty()
                       ? QVariant(QMetaType(QMetaType::QString))
                       : QVariant(QString::fromUtf8(QJsonDocument(*patch.verifyReport).toJson(QJsonDocument::Compact))));
    }
    text("access", patch.access);
    text("upstream_commit", patch.upstreamCommit);
    time("checked_at", patch.checkedAt);
    text("hf_cache_dir", patch.hfCacheDir);
    text("published_commit", patch.publishedCommit);
    time("published_at", patch.publishedAt);
    if (Result<ModelRecord> r = get(id); !r)
        return r.error();
    // Two statements, no transaction: concurrent writers each set their own fields. Both SQLite
    // (3.24+) and PostgreSQL take this form of upsert.
    if (auto q = m_db->run(u"INSERT INTO model_library (model_id) VALUES (?) ON CONFLICT (model_id) DO NOTHING"_s,
                           {idText(id)});
        !q)
        return q.error();
    values << idText(id);
    if (auto q = m_db->run(u"UPDATE model_library SET "_s + sets.join(u", "_s) + u" WHERE model_id = ?"_s, values); !q)
        return q.error();
    return {};
}

} // namespace mistudio
