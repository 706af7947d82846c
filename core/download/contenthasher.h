#pragma once

#include "common/result.h"
#include "download/downloadtypes.h"
#include "download/guardedpath.h"

#include <QByteArray>
#include <QString>

#include <memory>

namespace mistudio {

// Incremental OpenSSL EVP digest of a file's content, in the form the Hub publishes:
// sha256 of the bytes for LFS files, git's blob sha1 (sha1("blob <size>\0" + bytes)) otherwise.
class ContentHasher final
{
public:
    enum class Kind { Sha256, GitBlobSha1 };

    // For GitBlobSha1 the size is part of the digest, so it must be known up front.
    ContentHasher(Kind kind, qint64 size);
    ~ContentHasher();
    Q_DISABLE_COPY_MOVE(ContentHasher)

    // The kind and expected hex digest that verify `file` (sha256 if LFS, else git oid).
    static Kind kindFor(const RemoteFile &file);
    static QString expectedFor(const RemoteFile &file);
    // The digest of the file at `path` (a finished file of an earlier run), read through its
    // guarded root.
    static Result<QString> hashFile(const GuardedPath &path, const RemoteFile &file);

    void reset();
    void update(const char *data, qint64 size);
    void update(const QByteArray &data) { update(data.constData(), data.size()); }
    // Lowercase hex; the hasher must be reset() before reuse.
    QString finalHex();

    Kind kind() const { return m_kind; }

private:
    struct Ctx;
    Kind m_kind;
    qint64 m_size;
    std::unique_ptr<Ctx> m_ctx;
};

} // namespace mistudio
