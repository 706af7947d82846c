#include "store/modelrecord.h"

#include <QJsonArray>

#include <array>
#include <utility>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

constexpr std::array kStatusNames = {
    std::pair{ModelStatus::Pending, "pending"},       std::pair{ModelStatus::Downloading, "downloading"},
    std::pair{ModelStatus::Quantizing, "quantizing"}, std::pair{ModelStatus::Ready, "ready"},
    std::pair{ModelStatus::Failed, "failed"},
};

constexpr std::array kSortNames = {
    std::pair{SortKey::CreatedAt, "created_at"}, std::pair{SortKey::UpdatedAt, "updated_at"},
    std::pair{SortKey::Name, "name"},            std::pair{SortKey::RepoId, "repo_id"},
    std::pair{SortKey::StatusName, "status"},        std::pair{SortKey::SizeBytes, "size_bytes"},
};

QJsonValue textOrNull(const QString &s)
{
    return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}

QJsonValue timeOrNull(const QDateTime &t)
{
    return t.isValid() ? QJsonValue(t.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue(QJsonValue::Null);
}

QJsonValue intOrNull(const std::optional<qint64> &v)
{
    return v ? QJsonValue(double(*v)) : QJsonValue(QJsonValue::Null);
}

} // namespace

QString modelStatusName(ModelStatus status)
{
    for (const auto &[s, name] : kStatusNames) {
        if (s == status)
            return QString::fromLatin1(name);
    }
    return u"pending"_s;
}

std::optional<ModelStatus> modelStatusFromName(QStringView name)
{
    for (const auto &[s, n] : kStatusNames) {
        if (name == QLatin1StringView(n))
            return s;
    }
    return std::nullopt;
}

bool isKnownQuantization(QStringView name)
{
    return name == u"none"_s || name == u"bnb-4bit"_s || name == u"bnb-8bit"_s;
}

QString sortKeyName(SortKey key)
{
    for (const auto &[k, name] : kSortNames) {
        if (k == key)
            return QString::fromLatin1(name);
    }
    return u"created_at"_s;
}

std::optional<SortKey> sortKeyFromName(QStringView name)
{
    for (const auto &[k, n] : kSortNames) {
        if (name == QLatin1StringView(n))
            return k;
    }
    return std::nullopt;
}

QString ModelRecord::shortId() const
{
    return id.toString(QUuid::WithoutBraces).left(8);
}

QJsonObject ModelRecord::toJson() const
{
    return QJsonObject{
        {u"id"_s, id.toString(QUuid::WithoutBraces)},
        {u"name"_s, name},
        {u"repo_id"_s, repoId},
        {u"revision"_s, revision},
        {u"commit_sha"_s, textOrNull(commitSha)},
        {u"file_path"_s, textOrNull(filePath)},
        {u"quantized_path"_s, textOrNull(quantizedPath)},
        {u"status"_s, modelStatusName(status)},
        {u"architecture"_s, architecture.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(architecture)},
        {u"quantization"_s, quantization},
        {u"size_bytes"_s, intOrNull(sizeBytes)},
        {u"params_count"_s, intOrNull(paramsCount)},
        // Extension: the download plus its quantized variants, what the model holds on disk.
        {u"disk_size_bytes"_s, sizeBytes ? QJsonValue(*sizeBytes + variantsSizeBytes) : QJsonValue(QJsonValue::Null)},
        {u"progress"_s, progress},
        {u"error_message"_s, textOrNull(errorMessage)},
        // Extension: the last re-hash of its files against their recorded hashes.
        {u"verification"_s, QJsonObject{{u"state"_s, verifyState.isEmpty() ? u"never"_s : verifyState},
                                        {u"verified_at"_s, timeOrNull(verifiedAt)}}},
        {u"created_at"_s, timeOrNull(createdAt)},
        {u"updated_at"_s, timeOrNull(updatedAt)},
    };
}

std::optional<ModelRecord> ModelRecord::fromJson(const QJsonObject &o)
{
    ModelRecord r;
    r.id = QUuid::fromString(o.value(u"id"_s).toString());
    const std::optional<ModelStatus> status = modelStatusFromName(o.value(u"status"_s).toString());
    if (r.id.isNull() || !status)
        return std::nullopt;
    r.status = *status;
    r.name = o.value(u"name"_s).toString();
    r.repoId = o.value(u"repo_id"_s).toString();
    r.revision = o.value(u"revision"_s).toString();
    r.commitSha = o.value(u"commit_sha"_s).toString();
    r.filePath = o.value(u"file_path"_s).toString();
    r.quantizedPath = o.value(u"quantized_path"_s).toString();
    r.architecture = o.value(u"architecture"_s).toObject();
    r.quantization = o.value(u"quantization"_s).toString();
    if (o.value(u"size_bytes"_s).isDouble())
        r.sizeBytes = o.value(u"size_bytes"_s).toInteger();
    if (o.value(u"params_count"_s).isDouble())
        r.paramsCount = o.value(u"params_count"_s).toInteger();
    if (r.sizeBytes && o.value(u"disk_size_bytes"_s).isDouble())
        r.variantsSizeBytes = o.value(u"disk_size_bytes"_s).toInteger() - *r.sizeBytes;
    r.progress = o.value(u"progress"_s).toDouble();
    if (const QJsonObject v = o.value(u"verification"_s).toObject(); v.value(u"state"_s).toString() != u"never"_s) {
        r.verifyState = v.value(u"state"_s).toString();
        r.verifiedAt = QDateTime::fromString(v.value(u"verified_at"_s).toString(), Qt::ISODateWithMs);
    }
    r.errorMessage = o.value(u"error_message"_s).toString();
    r.createdAt = QDateTime::fromString(o.value(u"created_at"_s).toString(), Qt::ISODateWithMs);
    r.updatedAt = QDateTime::fromString(o.value(u"updated_at"_s).toString(), Qt::ISODateWithMs);
    return r;
}

QJsonObject ModelPage::toJson() const
{
    QJsonArray array;
    for (const ModelRecord &r : items)
        array.append(r.toJson());
    return QJsonObject{{u"items"_s, array}, {u"total"_s, double(total)}, {u"page"_s, page},
                       {u"limit"_s, limit}};
}

} // namespace mistudio
