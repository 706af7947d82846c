#include "download/downloadjournal.h"

#include "download/partialfile.h"

#include <QFile>
#include <QMutexLocker>
#include <QtEndian>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

constexpr char kMagic[8] = {'M', 'S', 'D', 'J', 'R', 'N', 'L', '2'};
// The first format: the same header with a chunk size, then 8-byte records of finished chunks.
constexpr char kMagicV1[8] = {'M', 'S', 'D', 'J', 'R', 'N', 'L', '1'};
constexpr int kRecordSizeV1 = 8;
constexpr int kDigestField = 64;

quint32 fnv1a(const char *data, qsizetype size, quint32 h = 2166136261u)
{
    for (qsizetype i = 0; i < size; ++i) {
        h ^= quint8(data[i]);
        h *= 16777619u;
    }
    return h;
}

// magic(8) fileSize(8) chunkSize(8; v1 only, 0 now) digestLen(4) digest(64) check(4) = 96
QByteArray encodeHeader(const DownloadJournal::Identity &id, quint32 *checkOut)
{
    QByteArray h(DownloadJournal::kHeaderSize, '\0');
    char *p = h.data();
    std::memcpy(p, kMagic, 8);
    qToLittleEndian<quint64>(quint64(id.fileSize), p + 8);
    const QByteArray digest = id.digest.left(kDigestField);
    qToLittleEndian<quint32>(quint32(digest.size()), p + 24);
    std::memcpy(p + 28, digest.constData(), size_t(digest.size()));
    const quint32 check = fnv1a(p, 92);
    qToLittleEndian<quint32>(check, p + 92);
    *checkOut = check;
    return h;
}

struct Header
{
    int version = 0;
    qint64 fileSize = 0;
    qint64 chunkSize = 0; // v1
    QByteArray digest;
    quint32 check = 0;
};

std::optional<Header> decodeHeader(const QByteArray &h)
{
    if (h.size() < DownloadJournal::kHeaderSize)
        return std::nullopt;
    Header out;
    if (std::memcmp(h.constData(), kMagic, 8) == 0)
        out.version = 2;
    else if (std::memcmp(h.constData(), kMagicV1, 8) == 0)
        out.version = 1;
    else
        return std::nullopt;
    const char *p = h.constData();
    out.check = qFromLittleEndian<quint32>(p + 92);
    if (out.check != fnv1a(p, 92))
        return std::nullopt;
    const quint32 len = qFromLittleEndian<quint32>(p + 24);
    if (len > quint32(kDigestField))
        return std::nullopt;
    out.fileSize = qint64(qFromLittleEndian<quint64>(p + 8));
    out.chunkSize = qint64(qFromLittleEndian<quint64>(p + 16));
    out.digest = QByteArray(p + 28, qsizetype(len));
    if (out.fileSize < 0 || (out.version == 1 && out.chunkSize <= 0))
        return std::nullopt;
    return out;
}

quint32 recordCheckV1(quint32 headerCheck, quint32 index)
{
    char buf[8];
    qToLittleEndian<quint32>(headerCheck, buf);
    qToLittleEndian<quint32>(index, buf + 4);
    return fnv1a(buf, 8) | 1u;
}

QByteArray readAll(const GuardedPath &at)
{
    const safefs::Opened r = at.open(O_RDONLY);
    if (!r.ok())
        return {};
    QFile f;
    if (!f.open(r.fd, QIODevice::ReadOnly, QFileDevice::AutoCloseHandle)) {
        ::close(r.fd);
        return {};
    }
    return f.readAll();
}

struct Parsed
{
    Header header;
    RangeSet done;
    qsizetype validEnd = 0; // bytes of the file up to the last valid record
    qint64 records = 0;
};

// The journal's content if it is for `wanted`.
std::optional<Parsed> parse(const QByteArray &existing, const DownloadJournal::Identity &wanted,
                            quint32 (*check)(quint32, qint64, qint64))
{
    const std::optional<Header> h = decodeHeader(existing);
    if (!h || h->fileSize != wanted.fileSize || h->digest != wanted.digest.left(kDigestField))
        return std::nullopt;
    Parsed out;
    out.header = *h;
    qsizetype pos = DownloadJournal::kHeaderSize;
    if (h->version == 1) {
        const qint64 count = (h->fileSize + h->chunkSize - 1) / h->chunkSize;
        while (pos + kRecordSizeV1 <= existing.size()) {
            const quint32 index = qFromLittleEndian<quint32>(existing.constData() + pos);
            if (qint64(index) >= count
                || qFromLittleEndian<quint32>(existing.constData() + pos + 4) != recordCheckV1(h->check, index))
                break;
            out.done.add(qint64(index) * h->chunkSize, qMin(h->fileSize, (qint64(index) + 1) * h->chunkSize));
            pos += kRecordSizeV1;
            ++out.records;
        }
    } else {
        while (pos + DownloadJournal::kRecordSize <= existing.size()) {
            const char *r = existing.constData() + pos;
            const qint64 begin = qint64(qFromLittleEndian<quint64>(r));
            const qint64 end = qint64(qFromLittleEndian<quint64>(r + 8));
            if (begin < 0 || end <= begin || end > h->fileSize
                || qFromLittleEndian<quint32>(r + 16) != check(h->check, begin, end))
                break;
            out.done.add(begin, end);
            pos += DownloadJournal::kRecordSize;
            ++out.records;
        }
    }
    out.validEnd = pos;
    return out;
}

} // namespace

quint32 DownloadJournal::recordCheck(quint32 headerCheck, qint64 begin, qint64 end)
{
    char buf[20];
    qToLittleEndian<quint32>(headerCheck, buf);
    qToLittleEndian<quint64>(quint64(begin), buf + 4);
    qToLittleEndian<quint64>(quint64(end), buf + 12);
    // Never 0, so a zero-filled tail is never a valid record.
    return fnv1a(buf, 20) | 1u;
}

QByteArray DownloadJournal::encodeRecord(quint32 headerCheck, qint64 begin, qint64 end)
{
    QByteArray rec(kRecordSize, '\0');
    char *p = rec.data();
    qToLittleEndian<quint64>(quint64(begin), p);
    qToLittleEndian<quint64>(quint64(end), p + 8);
    qToLittleEndian<quint32>(recordCheck(headerCheck, begin, end), p + 16);
    return rec;
}

DownloadJournal::DownloadJournal(GuardedPath at, Identity id, int fd)
    : m_at(std::move(at)), m_path(m_at.display()), m_id(std::move(id)), m_fd(fd)
{
}

DownloadJournal::~DownloadJournal()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

qint64 DownloadJournal::peekDoneBytes(const GuardedPath &at, const Identity &wanted)
{
    const std::optional<Parsed> p = parse(readAll(at), wanted, &recordCheck);
    return p ? p->done.total() : 0;
}

Result<std::unique_ptr<DownloadJournal>> DownloadJournal::open(const GuardedPath &at, const Identity &wanted,
                                                               bool *fresh)
{
    *fresh = true;
    const std::optional<Parsed> p = parse(readAll(at), wanted, &recordCheck);
    if (!p)
        return create(at, wanted, {});
    *fresh = false;
    if (p->header.version == 1)
        return create(at, wanted, p->done); // the old format, rewritten in this one
    // Resume: read the valid records, cut any torn tail, append after it.
    const safefs::Opened w = at.open(O_WRONLY | O_APPEND);
    if (!w.ok())
        return at.error(w.error, u"Opening journal"_s);
    const int fd = w.fd;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && qint64(st.st_size) != qint64(p->validEnd) && ::ftruncate(fd, off_t(p->validEnd)) != 0) {
        const int err = errno;
        ::close(fd);
        return PartialFile::errnoError(err, u"Repairing journal"_s, at.display());
    }
    std::unique_ptr<DownloadJournal> j(new DownloadJournal(at, wanted, fd));
    j->m_headerCheck = p->header.check;
    j->m_done = p->done;
    j->m_records = p->records;
    return j;
}

Result<std::unique_ptr<DownloadJournal>> DownloadJournal::create(const GuardedPath &at, const Identity &id,
                                                                 const RangeSet &done)
{
    quint32 check = 0;
    QByteArray content = encodeHeader(id, &check);
    for (const auto &[b, e] : done.ranges())
        content += encodeRecord(check, b, e);
    const GuardedPath tmp = at.withSuffix(u".tmp");
    const safefs::Opened t = tmp.open(O_WRONLY | O_CREAT | O_TRUNC);
    if (!t.ok())
        return tmp.error(t.error, u"Creating journal"_s);
    const int tfd = t.fd;
    const ssize_t n = ::write(tfd, content.constData(), size_t(content.size()));
    const int werr = errno;
    if (n != content.size() || ::fdatasync(tfd) != 0) {
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
    std::unique_ptr<DownloadJournal> j(new DownloadJournal(at, id, a.fd));
    j->m_headerCheck = check;
    j->m_done = done;
    j->m_records = qint64(done.ranges().size());
    return j;
}

RangeSet DownloadJournal::done() const
{
    QMutexLocker lock(&m_mutex);
    return m_done;
}

qint64 DownloadJournal::doneBytes() const
{
    QMutexLocker lock(&m_mutex);
    return m_done.total();
}

bool DownloadJournal::isDone(qint64 begin, qint64 end) const
{
    QMutexLocker lock(&m_mutex);
    return m_done.contains(begin, end);
}

Status DownloadJournal::record(const std::vector<RangeSet::Range> &ranges)
{
    QMutexLocker lock(&m_mutex);
    QByteArray recs;
    RangeSet added = m_done;
    for (const auto &[b, e] : ranges) {
        if (b < 0 || e > m_id.fileSize || e <= b)
            return Error::make(ErrorCode::Internal, u"Range %1-%2 outside %3"_s.arg(b).arg(e).arg(m_path));
        if (added.contains(b, e))
            continue;
        recs += encodeRecord(m_headerCheck, b, e);
        added.add(b, e);
    }
    if (recs.isEmpty())
        return {};
    // One write(2) on an O_APPEND fd; a kill -9 can leave only a prefix of it, and a record cut
    // short fails its check on the next open.
    const off_t end = ::lseek(m_fd, 0, SEEK_END);
    const ssize_t n = ::write(m_fd, recs.constData(), size_t(recs.size()));
    if (n != recs.size()) {
        const int err = n < 0 ? errno : ENOSPC;
        if (n > 0 && end >= 0)
            (void)::ftruncate(m_fd, end); // never leave part of a record behind
        return PartialFile::errnoError(err, u"Writing journal"_s, m_path);
    }
    m_done = std::move(added);
    m_records += recs.size() / kRecordSize;
    if (m_records > qint64(m_done.ranges().size()) + kCompactAfterRecords)
        return compactLocked();
    return {};
}

Status DownloadJournal::compactLocked()
{
    Result<std::unique_ptr<DownloadJournal>> fresh = create(m_at, m_id, m_done);
    if (!fresh)
        return fresh.error();
    // Take over the new file; the old descriptor points at the replaced one.
    ::close(m_fd);
    m_fd = std::exchange((*fresh)->m_fd, -1);
    m_headerCheck = (*fresh)->m_headerCheck;
    m_records = (*fresh)->m_records;
    return {};
}

} // namespace mistudio
