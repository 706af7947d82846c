#include "server/jsonbody.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {

Result<QJsonObject> JsonBody::parseObject(const QByteArray &body, bool allowEmpty)
{
    if (body.trimmed().isEmpty()) {
        if (allowEmpty)
            return QJsonObject();
        return Error::make(ErrorCode::MalformedRequest, u"A JSON object body is required"_s);
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    if (pe.error != QJsonParseError::NoError)
        return Error::make(ErrorCode::MalformedRequest,
                           u"Malformed JSON: %1 at offset %2"_s.arg(pe.errorString()).arg(pe.offset),
                           {{u"offset"_s, pe.offset}});
    if (!doc.isObject())
        return Error::make(ErrorCode::MalformedRequest, u"The body must be a JSON object"_s);
    return doc.object();
}

JsonBody::JsonBody(QJsonObject object, const QStringList &allowedKeys)
    : m_object(std::move(object))
{
    for (auto it = m_object.constBegin(); it != m_object.constEnd(); ++it) {
        if (!allowedKeys.contains(it.key())) {
            m_error = Error::make(ErrorCode::InvalidInput, u"Unknown field '%1'"_s.arg(it.key()),
                                  {{u"field"_s, it.key()},
                                   {u"allowed"_s, QJsonArray::fromStringList(allowedKeys)}});
            return;
        }
    }
}

void JsonBody::fail(const QString &field, const QString &message)
{
    if (!m_error)
        m_error = Error::make(ErrorCode::InvalidInput, message, {{u"field"_s, field}});
}

std::optional<QString> JsonBody::string(const QString &key, bool required, int maxLength)
{
    const QJsonValue v = m_object.value(key);
    if (v.isUndefined() || v.isNull()) {
        if (required)
            fail(key, u"'%1' is required"_s.arg(key));
        return std::nullopt;
    }
    if (!v.isString()) {
        fail(key, u"'%1' must be a string"_s.arg(key));
        return std::nullopt;
    }
    const QString s = v.toString();
    if (s.size() > maxLength) {
        fail(key, u"'%1' is longer than %2 characters"_s.arg(key).arg(maxLength));
        return std::nullopt;
    }
    if (required && s.isEmpty()) {
        fail(key, u"'%1' must not be empty"_s.arg(key));
        return std::nullopt;
    }
    return s;
}

std::optional<qint64> JsonBody::integer(const QString &key, qint64 min, qint64 max)
{
    const QJsonValue v = m_object.value(key);
    if (v.isUndefined() || v.isNull())
        return std::nullopt;
    const double d = v.toDouble(std::nan(""));
    if (!v.isDouble() || std::floor(d) != d) {
        fail(key, u"'%1' must be an integer"_s.arg(key));
        return std::nullopt;
    }
    // Exact for every qint64 (Qt keeps a JSON integer as one, where a double would round
    // 2^63 - 1 up to 2^63). A whole number past the qint64 range has no such value: converting
    // the double was undefined behaviour.
    const qint64 i = v.toInteger(0);
    if ((i == 0 && d != 0) || i < min || i > max) {
        fail(key, u"'%1' must be between %2 and %3"_s.arg(key).arg(min).arg(max));
        return std::nullopt;
    }
    return i;
}

std::optional<bool> JsonBody::boolean(const QString &key)
{
    const QJsonValue v = m_object.value(key);
    if (v.isUndefined() || v.isNull())
        return std::nullopt;
    if (!v.isBool()) {
        fail(key, u"'%1' must be true or false"_s.arg(key));
        return std::nullopt;
    }
    return v.toBool();
}

std::optional<QStringList> JsonBody::stringList(const QString &key, int maxItems)
{
    const QJsonValue v = m_object.value(key);
    if (v.isUndefined() || v.isNull())
        return std::nullopt;
    if (!v.isArray()) {
        fail(key, u"'%1' must be an array of strings"_s.arg(key));
        return std::nullopt;
    }
    const QJsonArray a = v.toArray();
    if (a.size() > maxItems) {
        fail(key, u"'%1' has more than %2 items"_s.arg(key).arg(maxItems));
        return std::nullopt;
    }
    QStringList out;
    for (const QJsonValue &e : a) {
        if (!e.isString() || e.toString().isEmpty() || e.toString().size() > 512) {
            fail(key, u"'%1' must be an array of non-empty strings"_s.arg(key));
            return std::nullopt;
        }
        out << e.toString();
    }
    return out;
}

std::optional<QString> JsonBody::choice(const QString &key, const QStringList &choices)
{
    const std::optional<QString> s = string(key);
    if (s && !choices.contains(*s)) {
        fail(key, u"'%1' must be one of: %2"_s.arg(key, choices.join(u", "_s)));
        return std::nullopt;
    }
    return s;
}

} // namespace mistudio
