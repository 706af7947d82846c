#pragma once

// How the Qt-side targets read their input.
#include <QByteArray>
#include <QJsonDocument>
#include <QString>

#include <cstdint>
#include <cstring>
#include <optional>

namespace mistudio::fuzz {

// The input's bytes, not copied (valid while the input is).
inline QByteArray inputBytes(const uint8_t *data, size_t size)
{
    return QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
}

// Text as UTF-8, or as raw UTF-16 (little-endian; lone surrogates and NULs reach the code) when
// the first byte is 0.
inline QString inputText(const uint8_t *data, size_t size)
{
    if (size == 0 || data[0] != 0)
        return QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    QString text(qsizetype((size - 1) / 2), Qt::Uninitialized);
    std::memcpy(text.data(), data + 1, size_t(text.size()) * sizeof(QChar));
    return text;
}

// A Hub answer's body as HubClient parses it; nothing when it is not JSON (invalid_response).
inline std::optional<QJsonDocument> inputJson(const uint8_t *data, size_t size)
{
    QJsonParseError err;
    QJsonDocument doc = QJsonDocument::fromJson(inputBytes(data, size), &err);
    if (err.error != QJsonParseError::NoError)
        return std::nullopt;
    return doc;
}

} // namespace mistudio::fuzz
