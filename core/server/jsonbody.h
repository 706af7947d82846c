#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace mistudio {

// Reads a JSON request body strictly: syntax errors are malformed_request (400); unknown
// keys, wrong types and out-of-range values are invalid_input (422) naming the field.
// Collects the first error; callers check error() once after reading all fields.
class JsonBody final
{
public:
    // An empty body reads as {} when allowEmpty.
    static Result<QJsonObject> parseObject(const QByteArray &body, bool allowEmpty);

    JsonBody(QJsonObject object, const QStringList &allowedKeys);

    std::optional<QString> string(const QString &key, bool required = false, int maxLength = 1024);
    std::optional<qint64> integer(const QString &key, qint64 min, qint64 max);
    std::optional<bool> boolean(const QString &key);
    std::optional<QStringList> stringList(const QString &key, int maxItems = 64);
    // One of `choices`.
    std::optional<QString> choice(const QString &key, const QStringList &choices);

    const std::optional<Error> &error() const { return m_error; }

private:
    void fail(const QString &field, const QString &message);

    QJsonObject m_object;
    std::optional<Error> m_error;
};

} // namespace mistudio
