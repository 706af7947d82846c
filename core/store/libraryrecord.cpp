#include "store/libraryrecord.h"

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

QJsonValue textOrNull(const QString &s)
{
    return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}

QJsonValue timeOrNull(const QDateTime &t)
{
    return t.isValid() ? QJsonValue(t.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue(QJsonValue::Null);
}

} // namespace

bool isKnownAccess(QStringView access)
{
    return access == u"public"_s || access == u"gated"_s || access == u"private"_s;
}

QJsonObject LibraryRecord::toJson() const
{
    return QJsonObject{
        {u"model_id"_s, modelId.toString(QUuid::WithoutBraces)},
        {u"verification"_s,
         QJsonObject{{u"state"_s, verifyState.isEmpty() ? u"never"_s : verifyState},
                     {u"verified_at"_s, timeOrNull(verifiedAt)},
                     {u"report"_s, verifyReport.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(verifyReport)}}},
        {u"upstream"_s,
         QJsonObject{{u"access"_s, textOrNull(access)},
                     {u"commit"_s, textOrNull(upstreamCommit)},
                     {u"checked_at"_s, timeOrNull(checkedAt)}}},
        {u"hf_cache"_s,
         QJsonObject{{u"dir"_s, textOrNull(hfCacheDir)},
                     {u"commit"_s, textOrNull(publishedCommit)},
                     {u"published_at"_s, timeOrNull(publishedAt)}}},
    };
}

} // namespace mistudio
