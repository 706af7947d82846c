#include "download/downloadjournal.h"

#include "download/partialfile.h"

#include <QFile>
#include <QMutexLocker>
#include <QtEndian>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

constexpr char kMagic[8] = {'M', 'S', 'D', 'J', 'R', 'N', 'L', '1'};
constexpr int kDigestField = 64;

quint32 fnv1a(const char *data, qsizetype size, quint32 h = 2166136261u)
{
    for (qsizetype i = 0; i < size; ++i) {
        h ^= quint8(data[i]);
        h *= 16777619u;
    }
    return h;
}

// magic(8) fileSize(8) chunkSize(8) digestLen(4) digest(64) check(4) = 96
QByteArray encodeHeader(const DownloadJournal::Identity &id, quint32 *checkOut)
{
    QByteArray h(DownloadJournal::kHeaderSize, '\0');
    char *p = h.data();
    std::memcpy(p, kMagic, 8);
    qToLittleEndian<quint64>(quint64(id.fileSize), p + 8);
    qToLittleEndian<quint64>(quint64(id.chunkSize), p + 16);
    const QByteArray digest = id.digest.left(kDigestField);
    qToLittleEndian<quint32>(quint32(digest.size()), p + 24);
    std::memcpy(p + 28, digest.constData(), size_t(digest.size()));
    const quint32 check = fnv1a(p, 92);
    qToLittleEndian<quint32>(check, p + 92);
    *checkOut = check;
    return h;
}

bool decodeHeader(const QByteArray &h, DownloadJournal::Identity *id, quint32 *checkOut)
{
    if (h.size() < DownloadJournal::kHeaderSize || std::memcmp(h.constData(), kMagic, 8) != 0)
        return false;
    const char *p = h.constData();
    const quint32 check = qFromLittleEndian<quint32>(p + 92);
    if (check != fnv1a(p, 92))
        return false;
    const quint32 len = qFromLittleEndian<quint32>(p + 24);
    if (len > quint32(kDigestField))
        return false;
    id->fileSize = qint64(qFromLittleEndian<quint64>(p + 8));
    id->chunkSize = qint64(qFromLittleEndian<quint64>(p + 16));
    id->digest = QByteArray(p + 28, qsizetype(len));
    *checkOut = check;
    return id->fileSize >= 0 && id->chunkSize > 0;
}

int chunkCountFor(const DownloadJournal::Identity &id)
{
    return int((id.fileSize + id.chunkSize - 1) / id.chunkSize);
}

} // namespace

quint32 DownloadJournal::recordCheck(quint32 headerCheck, quint32 index)
{
    char buf[8];
    qToLittleEndian<quint32>(headerCheck, buf);
    qToLittleEndian<quint32>(index, buf + 4);
    // Never 0, so a zero-filled tail is never a valid record.
    return fnv1a(buf, 8) | 1u;
}

DownloadJournal::DownloadJournal(QString path, Identity id, int fd)
    : m_path(std::move(path)), m_id(std::move(id)), m_fd(fd)
{
}

DownloadJournal::~DownloadJournal()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

Result<std::unique_ptr<DownloadJournal>> DownloadJournal::open(const GuardedPath &at,
                                                               const Identity &wanted, bool *fresh)
{
    *fresh = true;
    Identity id = wanted;
    const QString path = at.display();
    QByteArray existing;
    if (const safefs::Opened r = at.open(O_RDONLY); r.ok()) {
        QFile f;
        if (f.open(r.fd, QIODevice::ReadOnly, QFileDevice::AutoCloseHandle))
            existing = f.readAll();
        else
            ::close(r.fd);
    }

    Identity old;
    quint32 oldCheck = 0;
    if (decodeHeader(existing, &old, &oldCheck) && old.fileSize == wanted.fileSize
        && old.digest == wanted.digest.left(kDigestField)) {
        // Resume: keep the journal's chunk size, read the valid records, cut any torn tail.
        const int count = chunkCountFor(old);
        std::vector<bool> done(size_t(count), false);
        qsizetype pos = kHeaderSize;
        while (pos + kRecordSize <= existing.size()) {
            const quint32 index = qFromLittleEndian<quint32>(existing.constData() + pos);
            const quint32 check = qFromLittleEndian<quint32>(existing.constData() + pos + 4);
            if (index >= quint32(count) || check != recordCheck(oldCheck, index))
                break;
            done[index] = true;
            pos += kRecordSize;
        }
        const safefs::Opened w = at.open(O_WRONLY);
        if (!w.ok())
            return at.error(w.error, u"Opening journal"_s);
        const int fd = w.fd;
        if (pos != existing.size() && ::ftruncate(fd, off_t(pos)) != 0) {
            const int err = errno;
            ::close(fd);
            return PartialFile::errnoError(err, u"Repairing journal"_s, path);
        }
        ::lseek(fd, off_t(pos), SEEK_SET);
        std::unique_ptr<DownloadJournal> j(new DownloadJournal(path, old, fd));
        j->m_headerCheck = oldCheck;
        j->m_done = std::move(done);
        *fresh = false;
        return j;
    }

    // Fresh journal: header written under a temporary name, flushed, renamed into place.
    quint32 check = 0;
    const QByteArray header = encodeHeader(id, &check);
    const GuardedPath tmp = at.withSuffix(u".tmp");
    const safefs::Opened t = tmp.open(O_WRONLY | O_CREAT | O_TRUNC);
    if (!t.ok())
        return tmp.error(t.error, u"Creating journal"_s);
    const int tfd = t.fd;
    const ssize_t n = ::write(tfd, header.constData(), size_t(header.size()));
    const int werr = errno;
    if (n != header.size() || ::fdatasync(tfd) != 0) {
        const int err = n < 0 ? werr : (errno ? errno : ENOSPC);
        ::close(tfd);
        tmp.remove();
        return tmp.error(err, u"Writing journal"_s);
    }
    ::close(tfd);
    if (Status st = atomicRename(tmp, at); !st)
        return st.error();
    const safefs::Opened a = at.open(O_WRONLY | O_APPEND);
    if (!a.ok())
        return at.error(a.error, u"Opening journal"_s);
    const int fd = a.fd;
    std::unique_ptr<DownloadJournal> j(new DownloadJournal(path, id, fd));
    j->m_headerCheck = check;
    j->m_done.assign(size_t(chunkCountFor(id)), false);
    return j;
}

bool DownloadJournal::isDone(int index) const
{
    QMutexLocker lock(&m_mutex);
    return index >= 0 && size_t(index) < m_done.size() && m_done[size_t(index)];
}

int DownloadJournal::doneCount() const
{
    QMutexLocker lock(&m_mutex);
    int n = 0;
    for (bool b : m_done)
        n += b ? 1 : 0;
    return n;
}

std::vector<bool> DownloadJournal::doneChunks() const
{
    QMutexLocker lock(&m_mutex);
    return m_done;
}

Status DownloadJournal::markDone(int index)
{
    QMutexLocker lock(&m_mutex);
    if (index < 0 || size_t(index) >= m_done.size())
        return Error::make(ErrorCode::Internal, u"Chunk %1 out of range"_s.arg(index));
    if (m_done[size_t(index)])
        return {};
    char rec[kRecordSize];
    qToLittleEndian<quint32>(quint32(index), rec);
    qToLittleEndian<quint32>(recordCheck(m_headerCheck, quint32(index)), rec + 4);
    // One write(2) of 8 bytes on an O_APPEND fd: a kill -9 leaves it whole or absent.
    const off_t end = ::lseek(m_fd, 0, SEEK_END);
    const ssize_t n = ::write(m_fd, rec, kRecordSize);
    if (n != kRecordSize) {
        const int err = n < 0 ? errno : ENOSPC;
        if (n > 0 && end >= 0)
            (void)::ftruncate(m_fd, end); // never leave half a record behind
        return PartialFile::errnoError(err, u"Writing journal"_s, m_path);
    }
    m_done[size_t(index)] = true;
    return {};
}

} // namespace mistudio
