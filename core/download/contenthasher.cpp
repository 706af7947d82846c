#include "download/contenthasher.h"

#include <QFile>

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

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

Result<QString> ContentHasher::hashFile(const GuardedPath &path, const RemoteFile &file)
{
    const safefs::Opened fd = path.open(O_RDONLY);
    if (!fd.ok())
        return path.error(fd.error, u"Reading"_s);
    QFile f;
    if (!f.open(fd.fd, QIODevice::ReadOnly, QFileDevice::AutoCloseHandle)) {
        ::close(fd.fd);
        return Error::make(ErrorCode::IoError, u"Cannot read '%1'"_s.arg(path.display()));
    }
    ContentHasher h(kindFor(file), f.size());
    QByteArray buf(1 << 20, Qt::Uninitialized);
    for (;;) {
        const qint64 n = f.read(buf.data(), buf.size());
        if (n < 0)
            return Error::make(ErrorCode::IoError, u"Cannot read '%1'"_s.arg(path.display()));
        if (n == 0)
            break;
        h.update(buf.constData(), n);
    }
    return h.finalHex();
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
