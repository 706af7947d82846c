#include "hub/safetensorsheader.h"

#include "quant/safetensors.h"

using namespace Qt::Literals::StringLiterals;

namespace mistudio::hub {

static_assert(quint64(kMaxSafetensorsHeader) == quant::kMaxHeaderLength,
              "the preview and the quantizer must accept the same safetensors headers");

namespace {

std::optional<uint64_t> knownSize(qint64 fileSize)
{
    return fileSize >= 0 ? std::optional<uint64_t>(uint64_t(fileSize)) : std::nullopt;
}

Error fromQuant(const QString &file, const quant::QuantError &q)
{
    ErrorCode code = ErrorCode::InvalidCheckpoint;
    errorCodeFromName(QString::fromLatin1(quant::quantErrcName(q.code)), &code);
    QJsonObject details{{u"file"_s, file}};
    if (!q.tensor.empty())
        details.insert(u"tensor"_s, QString::fromStdString(q.tensor));
    return Error::make(code, file + u": "_s + QString::fromStdString(q.message), details);
}

} // namespace

Result<quint64> safetensorsHeaderLength(const QByteArray &firstBytes, qint64 fileSize)
{
    const auto n = quant::readHeaderLength(reinterpret_cast<const uint8_t *>(firstBytes.constData()),
                                           size_t(firstBytes.size()), knownSize(fileSize));
    if (!n.ok())
        return fromQuant(u"safetensors file"_s, n.error());
    return quint64(*n);
}

Result<SafetensorsHeader> parseSafetensorsHeaderJson(const QString &file, const QByteArray &json,
                                                     qint64 fileSize)
{
    const auto parsed = quant::parseHeaderJson(reinterpret_cast<const uint8_t *>(json.constData()),
                                               size_t(json.size()), knownSize(fileSize));
    if (!parsed.ok())
        return fromQuant(file, parsed.error());
    SafetensorsHeader h;
    h.file = file;
    h.headerLength = parsed->headerLength;
    h.dataBytes = qint64(parsed->dataSize);
    for (const auto &[k, v] : parsed->metadata)
        h.metadata.insert(QString::fromStdString(k), QString::fromStdString(v));
    for (const quant::TensorEntry &t : parsed->tensors) {
        QList<qint64> shape;
        for (int64_t d : t.shape)
            shape.append(d);
        h.tensors.append(arch::TensorDesc{QString::fromStdString(t.name),
                                          QString::fromLatin1(quant::dtypeName(t.dtype)), shape});
    }
    return h;
}

} // namespace mistudio::hub
