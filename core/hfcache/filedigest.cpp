#include "hfcache/filedigest.h"

#include <openssl/evp.h>

namespace mistudio::hfcache {

struct FileDigest::Ctx
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    ~Ctx() { EVP_MD_CTX_free(md); }
};

FileDigest::FileDigest(HashKind kind, qint64 size)
    : m_ctx(std::make_unique<Ctx>())
{
    EVP_DigestInit_ex(m_ctx->md, kind == HashKind::Sha256 ? EVP_sha256() : EVP_sha1(), nullptr);
    if (kind == HashKind::GitBlobSha1) {
        // git hashes an object as "<type> <decimal size>\0<content>".
        QByteArray header = QByteArray("blob ") + QByteArray::number(size);
        header.append('\0');
        EVP_DigestUpdate(m_ctx->md, header.constData(), size_t(header.size()));
    }
}

FileDigest::~FileDigest() = default;

void FileDigest::update(const char *data, qint64 size)
{
    if (size > 0)
        EVP_DigestUpdate(m_ctx->md, data, size_t(size));
}

QString FileDigest::finalHex()
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(m_ctx->md, out, &len);
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(out), int(len)).toHex());
}

QString FileDigest::of(HashKind kind, const QByteArray &data)
{
    FileDigest d(kind, data.size());
    d.update(data.constData(), data.size());
    return d.finalHex();
}

} // namespace mistudio::hfcache
