// The compat face's Socket.IO transport (core/server/socketio) on hostile text, the way a client
// that holds only a session id reaches it: a polling POST body is decoded as UTF-8 into an
// Engine.IO payload (EngineIoPacket::decodePayload with the server's packet limit), each message
// packet's data as a Socket.IO packet (SocketIoPacket::decode); a WebSocket text frame is one
// Engine.IO packet. The whole input is also decoded as a Socket.IO packet directly, so the
// fuzzer need not find the "4" prefix first.
//  - An accepted payload has 1..maxPackets packets and, when none is binary, encodes back to
//    exactly the text it came from.
//  - An accepted Socket.IO packet has the shape socketiopacket.h promises (namespace "/..."
//    without a comma, an event named by a number or a non-reserved string, attachments only on
//    binary packets), and what the server would send back with it decodes to the same packet.
#include "fuzzcheck.h"
#include "fuzzinput.h"

#include "server/socketio/engineiopacket.h"
#include "server/socketio/engineiotypes.h"
#include "server/socketio/socketiopacket.h"

#include <QJsonArray>

using namespace mistudio;
using namespace mistudio::sio;
using namespace Qt::Literals::StringLiterals;

namespace {

void checkSocketIo(QStringView text)
{
    const Result<SocketIoPacket> p = SocketIoPacket::decode(text);
    if (!p) {
        FUZZ_CHECK(p.error().code == ErrorCode::MalformedRequest);
        return;
    }
    const int type = int(p->type);
    FUZZ_CHECK(type >= 0 && type <= 6);
    const bool binary = p->type == SocketIoPacket::Type::BinaryEvent || p->type == SocketIoPacket::Type::BinaryAck;
    FUZZ_CHECK(p->attachments >= 0 && (binary || p->attachments == 0));
    FUZZ_CHECK(p->nsp.startsWith(u'/') && !p->nsp.contains(u','));
    FUZZ_CHECK(!p->id || *p->id >= 0);
    switch (p->type) {
    case SocketIoPacket::Type::Connect:
        FUZZ_CHECK(p->data.isUndefined() || p->data.isObject());
        break;
    case SocketIoPacket::Type::Disconnect:
        FUZZ_CHECK(p->data.isUndefined());
        break;
    case SocketIoPacket::Type::ConnectError:
        FUZZ_CHECK(p->data.isUndefined() || p->data.isString() || p->data.isObject());
        break;
    case SocketIoPacket::Type::Event:
    case SocketIoPacket::Type::BinaryEvent:
        if (!p->data.isUndefined()) {
            const QJsonArray a = p->data.toArray();
            FUZZ_CHECK(p->data.isArray() && !a.isEmpty());
            FUZZ_CHECK(a.first().isDouble() || (a.first().isString() && p->eventName() != u"connect"_s
                                                && p->eventName() != u"disconnect"_s));
        }
        break;
    case SocketIoPacket::Type::Ack:
    case SocketIoPacket::Type::BinaryAck:
        FUZZ_CHECK(p->data.isUndefined() || p->data.isArray());
        break;
    }
    // The server answers in the same namespace, with the same ack id (socketioserver.cpp):
    // what it encodes must read back as it was meant.
    const Result<SocketIoPacket> again = SocketIoPacket::decode(p->encode());
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(again->type == p->type && again->nsp == p->nsp && again->id == p->id
               && again->attachments == p->attachments && again->data == p->data);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = fuzz::inputText(data, size);
    const int maxPackets = EngineIoOptions().maxPacketsPerPayload;

    const auto packets = EngineIoPacket::decodePayload(text, maxPackets);
    if (packets) {
        FUZZ_CHECK(!packets->isEmpty() && packets->size() <= maxPackets);
        bool anyBinary = false;
        for (const EngineIoPacket &p : *packets) {
            anyBinary = anyBinary || p.isBinary;
            FUZZ_CHECK(p.isBinary ? p.type == EngineIoPacket::Type::Message && p.data.isEmpty()
                                  : int(p.type) >= 0 && int(p.type) <= 6 && p.binary.isEmpty());
            if (!p.isBinary && p.type == EngineIoPacket::Type::Message)
                checkSocketIo(p.data);
        }
        if (!anyBinary)
            FUZZ_CHECK(EngineIoPacket::encodePayload(*packets) == text);
    }
    // A WebSocket text frame is one packet: the same as a payload of one part.
    const auto single = EngineIoPacket::decode(text);
    if (!text.contains(QChar(0x1e)))
        FUZZ_CHECK(single.has_value() == packets.has_value());
    checkSocketIo(text);
    return 0;
}
