#include "encoding.h"

#include <QtEndian>

#include <array>

namespace mistudio::fakehub {

quint32 crc32(QByteArrayView data)
{
    static const std::array<quint32, 256> table = [] {
        std::array<quint32, 256> t{};
        for (quint32 i = 0; i < 256; ++i) {
            quint32 c = i;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xEDB88320U ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    quint32 c = 0xFFFFFFFFU;
    for (const char ch : data)
        c = table[(c ^ quint8(ch)) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFU;
}

QByteArray gzipCompress(const QByteArray &data)
{
    // qCompress: 4-byte big-endian length, then a zlib stream (2-byte header, deflate, 4-byte adler32)
    const QByteArray zlib = qCompress(data, 6);
    const QByteArray deflate = zlib.mid(4 + 2, zlib.size() - 4 - 2 - 4);
    QByteArray out("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10);
    out += deflate;
    char trailer[8];
    qToLittleEndian(crc32(data), trailer);
    qToLittleEndian(quint32(data.size()), trailer + 4);
    out.append(trailer, 8);
    return out;
}

} // namespace mistudio::fakehub
