#pragma once

#include "common/result.h"

#include <QJsonValue>
#include <QString>

#include <optional>

namespace mistudio::sio {

// One Socket.IO v5 packet, carried in an Engine.IO message:
// <type>[<attachments>-][<namespace>,][<ack id>][<JSON>], e.g. `42["subscribe",{...}]`,
// `431[{...}]`, `40{"sid":"..."}`, `44{"message":"..."}`.
struct SocketIoPacket
{
    enum class Type { Connect = 0, Disconnect = 1, Event = 2, Ack = 3, ConnectError = 4,
                      BinaryEvent = 5, BinaryAck = 6 };

    Type type = Type::Event;
    QString nsp = QStringLiteral("/");
    std::optional<qint64> id; // the acknowledgement id
    QJsonValue data = QJsonValue(QJsonValue::Undefined); // absent unless set
    int attachments = 0;      // binary packets only

    QString encode() const;
    // Refuses (MalformedRequest) what the reference parser refuses: an unknown type, a bad
    // attachment count, unparsable JSON, and data of the wrong shape for the type (an event
    // needs an array starting with a name that is not reserved).
    static Result<SocketIoPacket> decode(QStringView text);
    // The event name of an Event packet (its data's first element).
    QString eventName() const;
};

} // namespace mistudio::sio
