#include "server/socketio/engineiopacket.h"

using namespace Qt::Literals::StringLiterals;

namespace mistudio::sio {
namespace {

constexpr QChar kSeparator = QChar(0x1e);

} // namespace

QString EngineIoPacket::encode() const
{
    if (isBinary)
        return u'b' + QString::fromLatin1(binary.toBase64());
    return QChar(u'0' + int(type)) + data;
}

std::optional<EngineIoPacket> EngineIoPacket::decode(QStringView text)
{
    if (text.isEmpty())
        return std::nullopt;
    if (text.front() == u'b') {
        const QByteArray::FromBase64Result bytes = QByteArray::fromBase64Encoding(
            text.mid(1).toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        if (!bytes)
            return std::nullopt;
        return binaryMessage(*bytes);
    }
    const char16_t c = text.front().unicode();
    if (c < u'0' || c > u'6')
        return std::nullopt;
    return of(Type(c - u'0'), text.mid(1).toString());
}

QString EngineIoPacket::encodePayload(const QList<EngineIoPacket> &packets)
{
    QString out;
    for (const EngineIoPacket &p : packets) {
        if (!out.isEmpty())
            out += kSeparator;
        out += p.encode();
    }
    return out;
}

std::optional<QList<EngineIoPacket>> EngineIoPacket::decodePayload(QStringView payload, int maxPackets)
{
    QList<EngineIoPacket> out;
    for (QStringView part : payload.split(kSeparator)) {
        if (out.size() >= maxPackets)
            return std::nullopt;
        std::optional<EngineIoPacket> p = decode(part);
        if (!p)
            return std::nullopt;
        out.append(std::move(*p));
    }
    return out;
}

} // namespace mistudio::sio
