#include "download/contenthasher.h"

#include <openssl/evp.h>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {

struct ContentHasher::Ctx
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    ~Ctx() { EVP_MD_CTX_free(md); }
};

ContentHasher::ContentHasher(Kind kind, qint64 size)
    : m_kind(kind), m_size(size), m_ctx(std::make_unique<Ctx>())
{
    reset();
}

ContentHasher::~ContentHasher() = default;

ContentHasher::Kind ContentHasher::kindFor(const RemoteFile &file)
{
    return file.isLfs() ? Kind::Sha256 : Kind::GitBlobSha1;
}

QString ContentHasher::expectedFor(const RemoteFile &file)
{
    return (file.isLfs() ? file.sha256 : file.gitOid).toLower();
}

void ContentHasher::reset()
{
    // EVP_sha256 picks the CPU's SHA extensions when present (OpenSSL dispatches at run time).
    EVP_DigestInit_ex(m_ctx->md, m_kind == Kind::Sha256 ? EVP_sha256() : EVP_sha1(), nullptr);
    if (m_kind == Kind::GitBlobSha1) {
        QByteArray prefix = QByteArray("blob ") + QByteArray::number(m_size);
        prefix.append('\0');
        EVP_DigestUpdate(m_ctx->md, prefix.constData(), size_t(prefix.size()));
    }
}

void ContentHasher::update(const char *data, qint64 size)
{
    if (size > 0)
        EVP_DigestUpdate(m_ctx->md, data, size_t(size));
}

QString ContentHasher::finalHex()
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(m_ctx->md, digest, &len);
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(digest), int(len)).toHex());
}

} // namespace mistudio
