#include "blob.h"

#include "prng.h"

#include <QCryptographicHash>
#include <QFile>

#include <openssl/evp.h>

#include <cstring>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::fakehub {

QByteArray Blob::readAll() const
{
    return read(0, size());
}

QByteArray Blob::read(qint64 offset, qint64 length) const
{
    QByteArray out(length, Qt::Uninitialized);
    if (length > 0)
        read(offset, length, out.data());
    return out;
}

QByteArray Blob::sha256Hex() const
{
    std::call_once(m_sha256Once, [this] {
        // OpenSSL (SHA-NI where available) rather than QCryptographicHash: several times faster on GB blobs
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();
        EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
        constexpr qint64 kChunk = 4 << 20;
        QByteArray buffer(kChunk, Qt::Uninitialized);
        for (qint64 pos = 0; pos < size(); pos += kChunk) {
            const qint64 n = std::min(kChunk, size() - pos);
            read(pos, n, buffer.data());
            EVP_DigestUpdate(ctx, buffer.constData(), size_t(n));
        }
        QByteArray digest(EVP_MAX_MD_SIZE, Qt::Uninitialized);
        unsigned int length = 0;
        EVP_DigestFinal_ex(ctx, reinterpret_cast<unsigned char *>(digest.data()), &length);
        EVP_MD_CTX_free(ctx);
        digest.truncate(length);
        m_sha256 = digest.toHex();
    });
    return m_sha256;
}

QByteArray Blob::gitSha1Hex() const
{
    std::call_once(m_gitSha1Once, [this] {
        QCryptographicHash sha1(QCryptographicHash::Sha1);
        sha1.addData(QByteArray("blob " + QByteArray::number(size())));
        sha1.addData(QByteArrayView("\0", 1));
        constexpr qint64 kChunk = 4 << 20;
        QByteArray buffer(kChunk, Qt::Uninitialized);
        for (qint64 pos = 0; pos < size(); pos += kChunk) {
            const qint64 n = std::min(kChunk, size() - pos);
            read(pos, n, buffer.data());
            sha1.addData(QByteArrayView(buffer.constData(), n));
        }
        m_gitSha1 = sha1.result().toHex();
    });
    return m_gitSha1;
}

MemoryBlob::MemoryBlob(QByteArray data)
    : m_data(std::move(data))
{
}

void MemoryBlob::read(qint64 offset, qint64 length, char *out) const
{
    std::memcpy(out, m_data.constData() + offset, size_t(length));
}

QByteArray MemoryBlob::identity() const
{
    return gitSha1Hex();
}

BlobPtr MemoryBlob::make(QByteArray data)
{
    return std::make_shared<MemoryBlob>(std::move(data));
}

GeneratedBlob::GeneratedBlob(QByteArray prefix, qint64 generatedBytes, quint64 seed)
    : m_prefix(std::move(prefix))
    , m_generated(generatedBytes)
    , m_seed(seed)
    , m_base(kPeriod, Qt::Uninitialized)
{
    SplitMix64 rng(seed);
    auto *words = reinterpret_cast<quint64 *>(m_base.data());
    for (qint64 i = 0; i < kPeriod / 8; ++i)
        words[i] = rng.next();
}

void GeneratedBlob::read(qint64 offset, qint64 length, char *out) const
{
    const qint64 prefixSize = m_prefix.size();
    if (offset < prefixSize) {
        const qint64 n = std::min(length, prefixSize - offset);
        std::memcpy(out, m_prefix.constData() + offset, size_t(n));
        out += n;
        offset += n;
        length -= n;
    }
    qint64 pos = offset - prefixSize; // position in the generated part
    while (length > 0) {
        const qint64 period = pos / kPeriod;
        const qint64 inPeriod = pos % kPeriod;
        const qint64 n = std::min(length, kPeriod - inPeriod);
        const quint64 mask = SplitMix64::mix(m_seed ^ (quint64(period) * 0x9E3779B97F4A7C15ULL));
        const auto *src = reinterpret_cast<const unsigned char *>(m_base.constData());
        const auto *maskBytes = reinterpret_cast<const unsigned char *>(&mask);
        qint64 i = 0;
        // byte loop until the source is 8-aligned inside the period, then whole words
        for (; i < n && ((inPeriod + i) & 7) != 0; ++i)
            out[i] = char(src[inPeriod + i] ^ maskBytes[(inPeriod + i) & 7]);
        for (; i + 8 <= n; i += 8) {
            quint64 w;
            std::memcpy(&w, src + inPeriod + i, 8);
            w ^= mask;
            std::memcpy(out + i, &w, 8);
        }
        for (; i < n; ++i)
            out[i] = char(src[inPeriod + i] ^ maskBytes[(inPeriod + i) & 7]);
        out += n;
        pos += n;
        length -= n;
    }
}

QByteArray GeneratedBlob::identity() const
{
    return "generated:" + QByteArray::number(m_seed) + ':' + QByteArray::number(m_generated) + ':'
           + QCryptographicHash::hash(m_prefix, QCryptographicHash::Sha1).toHex();
}

FileBlob::FileBlob(QString path, qint64 size)
    : m_path(std::move(path))
    , m_size(size)
{
}

void FileBlob::read(qint64 offset, qint64 length, char *out) const
{
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly) || !file.seek(offset) || file.read(out, length) != length)
        std::memset(out, 0, size_t(length)); // a vanished fixture file reads as zeros; the hash check will say so
}

QByteArray FileBlob::identity() const
{
    return "file:" + m_path.toUtf8() + ':' + QByteArray::number(m_size);
}

} // namespace mistudio::fakehub
