#pragma once

#include "common/result.h"
#include "hfcache/hfcachetypes.h"

#include <QString>

#include <functional>

namespace mistudio::hfcache {

// How a file gets to its new place. Auto tries the cheapest first: a hard link (no byte
// written), then a reflink (FICLONE: shared extents, copy-on-write), then a copy.
enum class TransferMode
{
    Auto,
    HardLink,
    Reflink,
    Copy
};
enum class TransferMethod
{
    HardLink,
    Reflink,
    Copy
};
QString transferMethodName(TransferMethod method); // "hard_link", "reflink", "copy"

// The system calls a transfer makes, injectable so that tests can stand in for file systems
// this machine does not have (EXDEV between two mounts, a reflink-capable one).
struct FileSystemCalls
{
    std::function<int(const char *from, const char *to)> hardLink; // link(2): 0 or -1 with errno
    std::function<int(int dstFd, int srcFd)> reflink; // ioctl FICLONE: 0 or -1 with errno

    static FileSystemCalls system();
};

// Places files and hashes them in one pass: large sequential reads, the digest fed from the same
// buffer that is written when copying. Each call is independent (used from several threads).
class FileTransfer final
{
public:
    struct Outcome
    {
        TransferMethod method = TransferMethod::Copy;
        QString digest;         // of the bytes now at the destination
        qint64 bytesCopied = 0; // bytes written (0 for hard links and reflinks)
    };
    // Receives the bytes hashed since the last call; returning false stops the transfer.
    using BytesFn = std::function<bool(qint64)>;

    explicit FileTransfer(TransferMode mode = TransferMode::Auto,
                          FileSystemCalls calls = FileSystemCalls::system());

    // Puts the content of `source` at `destination` (which must not exist) and returns the digest
    // of what is there now. `destination` is removed again on any failure.
    Result<Outcome> place(const QString &source, const QString &destination, HashKind kind,
                          const BytesFn &onBytes) const;

    // Digest of a file's content; *size receives the size hashed.
    static Result<QString> hashFile(const QString &path, HashKind kind, const BytesFn &onBytes,
                                    qint64 *size = nullptr);

    static constexpr qint64 kBlockBytes = 8 << 20;

private:
    TransferMode m_mode;
    FileSystemCalls m_calls;
};

} // namespace mistudio::hfcache
