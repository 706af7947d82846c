#include "server/socketio/socketiopacket.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::sio {
namespace {

Error malformed(const QString &why)
{
    return Error::make(ErrorCode::MalformedRequest, u"Socket.IO packet: %1"_s.arg(why));
}

bool isDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}

// Any JSON value (QJsonDocument reads only objects and arrays at the top).
std::optional<QJsonValue> parseValue(QStringView text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray('[' + text.toUtf8() + ']'), &error);
    if (error.error != QJsonParseError::NoError || doc.array().size() != 1)
        return std::nullopt;
    return doc.array().first();
}

// The names socket.io reserves for its own events; a client may not send them.
bool isReserved(const QString &name)
{
    static const QStringList reserved{u"connect"_s, u"connect_error"_s, u"disconnect"_s,
                                      u"disconnecting"_s, u"newListener"_s, u"removeListener"_s};
    return reserved.contains(name);
}

bool validPayload(SocketIoPacket::Type type, const QJsonValue &v)
{
    switch (type) {
    case SocketIoPacket::Type::Connect:
        return v.isObject();
    case SocketIoPacket::Type::Disconnect:
        return false; // carries nothing
    case SocketIoPacket::Type::ConnectError:
        return v.isString() || v.isObject();
    case SocketIoPacket::Type::Event:
    case SocketIoPacket::Type::BinaryEvent: {
        const QJsonArray a = v.toArray();
        return v.isArray() && !a.isEmpty()
            && (a.first().isDouble() || (a.first().isString() && !isReserved(a.first().toString())));
    }
    case SocketIoPacket::Type::Ack:
    case SocketIoPacket::Type::BinaryAck:
        return v.isArray();
    }
    return false;
}

} // namespace

QString SocketIoPacket::encode() const
{
    QString out = QString::number(int(type));
    if (type == Type::BinaryEvent || type == Type::BinaryAck)
        out += QString::number(attachments) + u'-';
    if (!nsp.isEmpty() && nsp != u"/"_s)
        out += nsp + u',';
    if (id)
        out += QString::number(*id);
    if (data.isObject())
        out += QString::fromUtf8(QJsonDocument(data.toObject()).toJson(QJsonDocument::Compact));
    else if (data.isArray())
        out += QString::fromUtf8(QJsonDocument(data.toArray()).toJson(QJsonDocument::Compact));
    else if (data.isString())
        out += QString::fromUtf8(QJsonDocument(QJsonArray{data}).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
    return out;
}

Result<SocketIoPacket> SocketIoPacket::decode(QStringView text)
{
    if (text.isEmpty() || !isDigit(text.front()) || text.front() > u'6')
        return malformed(u"unknown type"_s);
    SocketIoPacket p;
    p.type = Type(text.front().unicode() - u'0');
    qsizetype i = 1;
    if (p.type == Type::BinaryEvent || p.type == Type::BinaryAck) {
        const qsizetype dash = text.indexOf(u'-', i);
        bool ok = false;
        p.attachments = dash > i ? text.mid(i, dash - i).toInt(&ok) : 0;
        if (!ok || p.attachments < 0)
            return malformed(u"bad attachment count"_s);
        i = dash + 1;
    }
    if (i < text.size() && text[i] == u'/') {
        const qsizetype comma = text.indexOf(u',', i);
        const qsizetype end = comma < 0 ? text.size() : comma;
        p.nsp = text.mid(i, end - i).toString();
        i = comma < 0 ? end : comma + 1;
    }
    const qsizetype idStart = i;
    while (i < text.size() && isDigit(text[i]) && i - idStart < 15)
        ++i;
    if (i > idStart)
        p.id = text.mid(idStart, i - idStart).toLongLong();
    if (i < text.size()) {
        const std::optional<QJsonValue> v = parseValue(text.mid(i));
        if (!v)
            return malformed(u"invalid JSON"_s);
        if (!validPayload(p.type, *v))
            return malformed(u"invalid payload"_s);
        p.data = *v;
    }
    return p;
}

QString SocketIoPacket::eventName() const
{
    return data.toArray().first().toString();
}

} // namespace mistudio::sio
