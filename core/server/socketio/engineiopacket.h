#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace mistudio::sio {

// One Engine.IO v4 packet (docs/remote-frontends.md, "Protocol"): a type digit and its data.
// Text packets travel as "<type><data>" (one WebSocket text frame, or one part of a polling
// payload); binary ones as "b<base64>" in a polling payload. We never send binary.
struct EngineIoPacket
{
    enum class Type { Open = 0, Close = 1, Ping = 2, Pong = 3, Message = 4, Upgrade = 5, Noop = 6 };

    Type type = Type::Noop;
    QString data;
    QByteArray binary; // a binary message's bytes (data is then empty)
    bool isBinary = false;

    static EngineIoPacket of(Type type, QString data = {}) { return {type, std::move(data), {}, false}; }

    QString encode() const;
    // A text packet as it arrives in a WebSocket text frame or a payload part; nullopt when it
    // is not one (empty, unknown type, bad base64).
    static std::optional<EngineIoPacket> decode(QStringView text);
    // A binary WebSocket frame: the whole frame is a message's bytes.
    static EngineIoPacket binaryMessage(QByteArray bytes) { return {Type::Message, {}, std::move(bytes), true}; }

    // Polling payloads: packets joined by the record separator (0x1e).
    static QString encodePayload(const QList<EngineIoPacket> &packets);
    // nullopt when any part is not a packet or there are more than maxPackets.
    static std::optional<QList<EngineIoPacket>> decodePayload(QStringView payload, int maxPackets);
};

} // namespace mistudio::sio
