#pragma once

#include "hfcache/hfcachetypes.h"

#include <QString>

#include <memory>

namespace mistudio::hfcache {

// Incremental digest in the form a blob is named after (see HashKind). OpenSSL EVP, which
// uses the CPU's SHA extensions where it has them.
class FileDigest final
{
public:
    // For GitBlobSha1 the size goes into the digest's prefix, so it must be known up front.
    FileDigest(HashKind kind, qint64 size);
    ~FileDigest();
    Q_DISABLE_COPY_MOVE(FileDigest)

    void update(const char *data, qint64 size);
    // Lowercase hex. The digest is finished afterwards: create a new one for other content.
    QString finalHex();

    // The digest of a whole byte array (tests and small files).
    static QString of(HashKind kind, const QByteArray &data);

private:
    struct Ctx;
    std::unique_ptr<Ctx> m_ctx;
};

} // namespace mistudio::hfcache
