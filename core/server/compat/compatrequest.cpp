#include "server/compat/compatrequest.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

#include <algorithm>
#include <limits>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::compat {
namespace {

constexpr int kMaxSearch = 200;
constexpr int kMaxRepoId = 200;
constexpr int kMaxToken = 4096;
constexpr qint64 kMaxOffset = 1'000'000'000;

// The last value of a query parameter (as Starlette reads a repeated one), with `+` read as a
// space the way a browser's URLSearchParams writes it.
std::optional<QString> queryValue(const QUrlQuery &query, const QString &key)
{
    const QStringList all = query.allQueryItemValues(key, QUrl::FullyEncoded);
    if (all.isEmpty())
        return std::nullopt;
    QString raw = all.last();
    raw.replace(u'+', u' ');
    return QUrl::fromPercentEncoding(raw.toUtf8());
}

QJsonArray loc(const QString &where, const QString &name)
{
    return QJsonArray{where, name};
}

ValidationIssue enumIssue(const QJsonArray &at, const QJsonValue &input, const QString &expected)
{
    return {u"enum"_s, at, u"Input should be %1"_s.arg(expected), input,
            {{u"expected"_s, expected}}};
}

// An integer query parameter with FastAPI's ge/le checks.
std::optional<qint64> readInt(const QUrlQuery &query, const QString &key, qint64 min,
                              std::optional<qint64> max, QList<ValidationIssue> &issues)
{
    const std::optional<QString> v = queryValue(query, key);
    if (!v)
        return std::nullopt;
    bool ok = false;
    const qint64 n = v->trimmed().toLongLong(&ok);
    if (!ok) {
        issues << ValidationIssue{u"int_parsing"_s, loc(u"query"_s, key),
                                  u"Input should be a valid integer, unable to parse string as an integer"_s,
                                  *v, {}};
        return std::nullopt;
    }
    if (n < min) {
        issues << ValidationIssue{u"greater_than_equal"_s, loc(u"query"_s, key),
                                  u"Input should be greater than or equal to %1"_s.arg(min), *v,
                                  {{u"ge"_s, min}}};
        return std::nullopt;
    }
    if (max && n > *max) {
        issues << ValidationIssue{u"less_than_equal"_s, loc(u"query"_s, key),
                                  u"Input should be less than or equal to %1"_s.arg(*max), *v,
                                  {{u"le"_s, *max}}};
        return std::nullopt;
    }
    return n;
}

ModelSelection::Sort sortFor(const QString &name)
{
    if (name == u"updated_at"_s)
        return ModelSelection::Sort::UpdatedAt;
    if (name == u"name"_s)
        return ModelSelection::Sort::Name;
    if (name == u"repo_id"_s)
        return ModelSelection::Sort::RepoId;
    if (name == u"status"_s)
        return ModelSelection::Sort::StatusName;
    if (name == u"disk_size_bytes"_s)
        return ModelSelection::Sort::SizeBytes;
    if (name == u"params_count"_s)
        return ModelSelection::Sort::ParamsCount;
    return ModelSelection::Sort::CreatedAt;
}

// pydantic's lax booleans.
std::optional<bool> readBool(const QJsonValue &v)
{
    if (v.isBool())
        return v.toBool();
    if (v.isDouble() && (v.toDouble() == 0.0 || v.toDouble() == 1.0))
        return v.toDouble() == 1.0;
    if (v.isString()) {
        const QString s = v.toString().trimmed().toLower();
        if (QStringList{u"1"_s, u"on"_s, u"t"_s, u"true"_s, u"y"_s, u"yes"_s}.contains(s))
            return true;
        if (QStringList{u"0"_s, u"off"_s, u"f"_s, u"false"_s, u"n"_s, u"no"_s}.contains(s))
            return false;
    }
    return std::nullopt;
}

// A string field of the body; an issue when it has another type or a bad length.
std::optional<QString> readString(const QJsonObject &body, const QString &key, bool required,
                                  int maxLength, QList<ValidationIssue> &issues)
{
    const QJsonArray at = loc(u"body"_s, key);
    const QJsonValue v = body.value(key);
    if (v.isUndefined() || (v.isNull() && !required)) {
        if (required)
            issues << ValidationIssue{u"missing"_s, at, u"Field required"_s, body, {}};
        return std::nullopt;
    }
    if (!v.isString()) {
        issues << ValidationIssue{u"string_type"_s, at, u"Input should be a valid string"_s, v, {}};
        return std::nullopt;
    }
    const QString s = v.toString();
    if (required && s.isEmpty()) {
        issues << ValidationIssue{u"string_too_short"_s, at, u"String should have at least 1 character"_s,
                                  v, {{u"min_length"_s, 1}}};
        return std::nullopt;
    }
    if (s.size() > maxLength) {
        issues << ValidationIssue{u"string_too_long"_s, at,
                                  u"String should have at most %1 characters"_s.arg(maxLength), v,
                                  {{u"max_length"_s, maxLength}}};
        return std::nullopt;
    }
    return s;
}

} // namespace

std::variant<ListParams, QList<ValidationIssue>> CompatRequest::parseList(const QUrlQuery &query)
{
    QList<ValidationIssue> issues;
    ListParams p;
    ModelSelection &s = p.selection;
    const std::optional<qint64> page = readInt(query, u"page"_s, 1, std::nullopt, issues);
    const std::optional<qint64> limit = readInt(query, u"limit"_s, 1, 100, issues);
    const std::optional<qint64> skip = readInt(query, u"skip"_s, 0, std::nullopt, issues);
    if (const std::optional<QString> v = queryValue(query, u"search"_s)) {
        if (v->size() > kMaxSearch)
            issues << ValidationIssue{u"string_too_long"_s, loc(u"query"_s, u"search"_s),
                                      u"String should have at most %1 characters"_s.arg(kMaxSearch),
                                      *v, {{u"max_length"_s, kMaxSearch}}};
        else
            s.search = *v;
    }
    std::optional<QString> architecture = queryValue(query, u"architecture"_s);
    std::optional<Quantization> quantization;
    if (const std::optional<QString> v = queryValue(query, u"quantization"_s)) {
        quantization = quantizationFromName(*v);
        if (!quantization)
            issues << enumIssue(loc(u"query"_s, u"quantization"_s), *v, quantizationChoices());
    }
    std::optional<Status> status;
    if (const std::optional<QString> v = queryValue(query, u"status"_s)) {
        status = statusFromName(*v);
        if (!status)
            issues << enumIssue(loc(u"query"_s, u"status"_s), *v, statusChoices());
    }
    if (const std::optional<QString> v = queryValue(query, u"order"_s)) {
        if (*v == u"asc"_s || *v == u"desc"_s)
            s.order = *v == u"asc"_s ? SortOrder::Ascending : SortOrder::Descending;
        else
            issues << ValidationIssue{u"string_pattern_mismatch"_s, loc(u"query"_s, u"order"_s),
                                      u"String should match pattern '^(asc|desc)$'"_s, *v,
                                      {{u"pattern"_s, u"^(asc|desc)$"_s}}};
    }
    if (const std::optional<QString> v = queryValue(query, u"sort_by"_s))
        s.sort = sortFor(*v);
    if (!issues.isEmpty())
        return issues;

    s.limit = int(limit.value_or(50));
    // page and skip have no upper bound (as in the original), but (page - 1) * limit must not
    // overflow, nor ModelQueries' offset + limit and offset / limit + 1 as an int: the offset
    // saturates at kMaxOffset, past any catalogue, so such a page is empty either way.
    const qint64 pageIndex = std::min<qint64>(page.value_or(1) - 1, kMaxOffset);
    s.offset = std::min<qint64>(skip ? *skip : pageIndex * s.limit, kMaxOffset);
    p.page = skip ? int(s.offset / s.limit + 1)
                  : int(std::min<qint64>(page.value_or(1), std::numeric_limits<int>::max()));
    // Our statuses that are theirs one to one are narrowed by the store; `error` (failed and
    // pending) and `loading` (never ours) by the predicate.
    if (status == Status::Downloading)
        s.status = ModelStatus::Downloading;
    else if (status == Status::Quantizing)
        s.status = ModelStatus::Quantizing;
    else if (status == Status::Ready)
        s.status = ModelStatus::Ready;
    const bool byStatus = status == Status::Error || status == Status::Loading;
    if (architecture || quantization || byStatus) {
        s.keep = [architecture, quantization, status, byStatus](const ModelRecord &r) {
            if (architecture && r.architecture.value(u"model_type"_s).toString() != *architecture)
                return false;
            if (quantization && quantizationOf(r) != *quantization)
                return false;
            return !byStatus || statusOf(r) == *status;
        };
    }
    return p;
}

std::variant<DownloadParams, QList<ValidationIssue>> CompatRequest::parseDownload(const QByteArray &body)
{
    if (body.trimmed().isEmpty())
        return QList<ValidationIssue>{{u"missing"_s, QJsonArray{u"body"_s}, u"Field required"_s,
                                       QJsonValue(QJsonValue::Null), {}}};
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        return QList<ValidationIssue>{{u"json_invalid"_s, QJsonArray{u"body"_s, error.offset},
                                       u"JSON decode error"_s, QJsonObject(),
                                       {{u"error"_s, error.errorString()}}}};
    if (!doc.isObject()) {
        const QJsonValue input = doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(QJsonValue::Null);
        return QList<ValidationIssue>{{u"model_attributes_type"_s, QJsonArray{u"body"_s},
                                       u"Input should be a valid dictionary or object to extract fields from"_s,
                                       input, {}}};
    }
    const QJsonObject o = doc.object();
    QList<ValidationIssue> issues;
    DownloadParams p;
    if (const std::optional<QString> repo = readString(o, u"repo_id"_s, true, kMaxRepoId, issues)) {
        if (!repo->contains(u'/'))
            issues << ValidationIssue{u"value_error"_s, loc(u"body"_s, u"repo_id"_s),
                                      u"Value error, repo_id must be in format 'username/model-name'"_s,
                                      *repo, {{u"error"_s, QJsonObject()}}};
        else
            p.repoId = *repo;
    }
    const QJsonValue q = o.value(u"quantization"_s);
    if (!q.isUndefined()) {
        const std::optional<Quantization> parsed = q.isString() ? quantizationFromName(q.toString())
                                                                : std::nullopt;
        if (parsed)
            p.quantization = *parsed;
        else
            issues << enumIssue(loc(u"body"_s, u"quantization"_s), q, quantizationChoices());
    }
    p.accessToken = readString(o, u"access_token"_s, false, kMaxToken, issues).value_or(QString());
    const QJsonValue trust = o.value(u"trust_remote_code"_s);
    if (!trust.isUndefined()) {
        if (const std::optional<bool> b = readBool(trust))
            p.trustRemoteCode = *b;
        else
            issues << ValidationIssue{u"bool_parsing"_s, loc(u"body"_s, u"trust_remote_code"_s),
                                      u"Input should be a valid boolean, unable to interpret input"_s,
                                      trust, {}};
    }
    if (!issues.isEmpty())
        return issues;
    return p;
}

} // namespace mistudio::compat
