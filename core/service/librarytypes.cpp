#include "service/librarytypes.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

template<class T> QJsonArray arrayOf(const QList<T> &items)
{
    QJsonArray a;
    for (const T &i : items)
        a.append(i.toJson());
    return a;
}

QJsonValue textOrNull(const QString &s)
{
    return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}

} // namespace

QString CacheCandidate::stateName(State state)
{
    switch (state) {
    case State::Importable:
        return u"importable"_s;
    case State::Incomplete:
        return u"incomplete"_s;
    case State::InCatalogue:
        return u"in_catalogue"_s;
    }
    return u"incomplete"_s;
}

QJsonObject CacheCandidate::toJson() const
{
    QJsonObject o{{u"repo_id"_s, repoId},
                  {u"commit"_s, commit},
                  {u"refs"_s, QJsonArray::fromStringList(refs)},
                  {u"files"_s, files},
                  {u"size_bytes"_s, bytes},
                  {u"state"_s, stateName(state)},
                  {u"default"_s, isDefault},
                  {u"problems"_s, QJsonArray::fromStringList(problems)}};
    if (!modelId.isNull())
        o.insert(u"model_id"_s, modelId.toString(QUuid::WithoutBraces));
    return o;
}

QJsonObject CacheListing::toJson() const
{
    return {{u"cache_dir"_s, cacheDir},
            {u"source"_s, source},
            {u"snapshots"_s, arrayOf(snapshots)},
            {u"warnings"_s, QJsonArray::fromStringList(warnings)}};
}

QJsonObject HfImportOutcome::toJson() const
{
    return {{u"model"_s, model.toJson()}, {u"import"_s, import.toJson()}};
}

QJsonObject HfPublishOutcome::toJson() const
{
    return {{u"model_id"_s, model.id.toString(QUuid::WithoutBraces)},
            {u"repo_id"_s, model.repoId},
            {u"commit"_s, model.commitSha},
            {u"cache_dir"_s, cacheDir},
            {u"publish"_s, publish.toJson()}};
}

QJsonObject VerifyOutcome::toJson() const
{
    return {{u"model_id"_s, model.id.toString(QUuid::WithoutBraces)},
            {u"repo_id"_s, model.repoId},
            {u"state"_s, state},
            {u"report"_s, report.toJson()}};
}

QJsonObject DiskUsageEntry::toJson() const
{
    return {{u"name"_s, name},         {u"path"_s, path},
            {u"bytes"_s, bytes},       {u"allocated_bytes"_s, allocated},
            {u"linked_bytes"_s, linkedBytes}, {u"partial_bytes"_s, partialBytes},
            {u"files"_s, files}};
}

qint64 ModelDiskUsage::totalBytes() const
{
    qint64 n = files.bytes + files.partialBytes;
    for (const DiskUsageEntry &v : variants)
        n += v.bytes;
    return n;
}

QJsonObject ModelDiskUsage::toJson() const
{
    return {{u"model_id"_s, model.id.toString(QUuid::WithoutBraces)},
            {u"repo_id"_s, model.repoId},
            {u"name"_s, model.name},
            {u"status"_s, modelStatusName(model.status)},
            {u"files"_s, files.toJson()},
            {u"variants"_s, arrayOf(variants)},
            {u"total_bytes"_s, totalBytes()}};
}

QJsonObject DiskUsage::toJson() const
{
    return {{u"models"_s, arrayOf(models)},
            {u"total_bytes"_s, totalBytes},
            {u"total_allocated_bytes"_s, totalAllocated},
            {u"free_bytes"_s, freeBytes}};
}

QJsonObject FileChange::toJson() const
{
    QJsonObject o{{u"path"_s, path}, {u"size"_s, size}};
    if (recordedSize != size && recordedSize > 0)
        o.insert(u"recorded_size"_s, recordedSize);
    return o;
}

QJsonObject UpdateCheck::toJson() const
{
    return {{u"model_id"_s, model.id.toString(QUuid::WithoutBraces)},
            {u"repo_id"_s, model.repoId},
            {u"revision"_s, revision},
            {u"recorded_commit"_s, textOrNull(recordedCommit)},
            {u"upstream_commit"_s, upstreamCommit},
            {u"access"_s, access},
            {u"up_to_date"_s, upToDate()},
            {u"commit_moved"_s, recordedCommit != upstreamCommit},
            {u"changed"_s, arrayOf(changed)},
            {u"added"_s, arrayOf(added)},
            {u"removed"_s, arrayOf(removed)},
            {u"unchanged_files"_s, unchanged},
            {u"download_bytes"_s, downloadBytes}};
}

QString UpdateOutcome::kindName(Kind kind)
{
    switch (kind) {
    case Kind::UpToDate:
        return u"up_to_date"_s;
    case Kind::Started:
        return u"started"_s;
    case Kind::Applied:
        return u"applied"_s;
    }
    return u"up_to_date"_s;
}

QJsonObject UpdateOutcome::toJson() const
{
    return {{u"outcome"_s, kindName(kind)}, {u"model"_s, model.toJson()}, {u"check"_s, check.toJson()}};
}

const ModelFileRecord *MirrorSnapshot::file(const QString &path) const
{
    for (const ModelFileRecord &f : files) {
        if (f.path == path)
            return &f;
    }
    return nullptr;
}

} // namespace mistudio
