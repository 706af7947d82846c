#include "server/mirror/mirrorfiles.h"

#include "server/http/filerange.h"
#include "server/mirror/hubreply.h"

#include <QCryptographicHash>
#include <QFile>

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::mirror::mirrorfiles {
namespace {

QJsonObject lastCommit(const MirrorSnapshot &s)
{
    // The commit served: clients (@huggingface/hub's downloadFileToCacheDir) name the snapshot
    // folder after it.
    return {{u"id"_s, s.commit},
            {u"title"_s, u""_s},
            {u"date"_s, s.model.updatedAt.toUTC().toString(Qt::ISODateWithMs)}};
}

QByteArray contentType(const QString &path)
{
    if (path.endsWith(u".json"_s))
        return "application/json";
    if (path.endsWith(u".txt"_s) || path.endsWith(u".md"_s) || path.endsWith(u".py"_s) || path.endsWith(u".jinja"_s))
        return "text/plain; charset=utf-8";
    return "application/octet-stream";
}

struct ByteRange
{
    qint64 first = 0;
    qint64 length = 0;
};

enum class RangeAnswer
{
    Whole,        // no Range, one we do not serve (several ranges), or a stale If-Range
    Partial,      // 206
    Unsatisfiable // 416
};

// RFC 9110 §14: one "bytes=" range of the forms a-b, a- and -n; the end is clamped to the file.
RangeAnswer parseRange(const QByteArray &header, qint64 size, ByteRange *out)
{
    if (header.isEmpty())
        return RangeAnswer::Whole;
    const QByteArray h = header.trimmed();
    if (!h.startsWith("bytes=") || h.contains(','))
        return RangeAnswer::Whole;
    const QByteArray spec = h.mid(6).trimmed();
    const qsizetype dash = spec.indexOf('-');
    if (dash < 0)
        return RangeAnswer::Whole;
    bool okA = false;
    bool okB = false;
    const QByteArray a = spec.left(dash).trimmed();
    const QByteArray b = spec.mid(dash + 1).trimmed();
    if (a.isEmpty()) {
        const qint64 n = b.toLongLong(&okB);
        if (!okB || n < 0)
            return RangeAnswer::Whole;
        if (n == 0 || size == 0)
            return RangeAnswer::Unsatisfiable;
        out->first = qMax<qint64>(0, size - n);
        out->length = size - out->first;
        return RangeAnswer::Partial;
    }
    const qint64 first = a.toLongLong(&okA);
    if (!okA || first < 0)
        return RangeAnswer::Whole;
    qint64 last = size - 1;
    if (!b.isEmpty()) {
        last = b.toLongLong(&okB);
        if (!okB || last < first)
            return RangeAnswer::Whole;
        last = qMin(last, size - 1);
    }
    if (first >= size)
        return RangeAnswer::Unsatisfiable;
    out->first = first;
    out->length = last - first + 1;
    return RangeAnswer::Partial;
}

QByteArray quoted(const QString &s)
{
    return '"' + s.toLatin1() + '"';
}

} // namespace

QByteArray lfsPointer(const ModelFileRecord &file)
{
    return "version https://git-lfs.github.com/spec/v1\noid sha256:" + file.sha256.toLower().toLatin1() + "\nsize "
        + QByteArray::number(file.size) + '\n';
}

QString gitOid(const ModelFileRecord &file)
{
    if (!file.gitOid.isEmpty())
        return file.gitOid.toLower();
    const QByteArray pointer = lfsPointer(file);
    QCryptographicHash sha1(QCryptographicHash::Sha1);
    sha1.addData(QByteArray("blob " + QByteArray::number(pointer.size())));
    sha1.addData(QByteArrayView("\0", 1));
    sha1.addData(pointer);
    return QString::fromLatin1(sha1.result().toHex());
}

QString etag(const ModelFileRecord &file)
{
    return file.sha256.isEmpty() ? file.gitOid.toLower() : file.sha256.toLower();
}

QJsonObject fileEntry(const MirrorSnapshot &snapshot, const ModelFileRecord &file, bool expand)
{
    QJsonObject e{{u"type"_s, u"file"_s}, {u"oid"_s, gitOid(file)}, {u"size"_s, file.size}, {u"path"_s, file.path}};
    if (!file.sha256.isEmpty())
        e.insert(u"lfs"_s, QJsonObject{{u"oid"_s, file.sha256.toLower()},
                                       {u"size"_s, file.size},
                                       {u"pointerSize"_s, lfsPointer(file).size()}});
    if (expand)
        e.insert(u"lastCommit"_s, lastCommit(snapshot));
    return e;
}

QJsonObject directoryEntry(const MirrorSnapshot &snapshot, const QString &path, bool expand)
{
    // A stable id for the folder at this commit (not git's tree id: the mirror holds only the
    // files the model was downloaded with, so the Hub's tree ids could not be reproduced anyway).
    const QByteArray oid =
        QCryptographicHash::hash(QByteArray("tree " + snapshot.commit.toLatin1() + ':' + path.toUtf8()),
                                 QCryptographicHash::Sha1)
            .toHex();
    QJsonObject e{{u"type"_s, u"directory"_s}, {u"oid"_s, QString::fromLatin1(oid)}, {u"size"_s, 0}, {u"path"_s, path}};
    if (expand)
        e.insert(u"lastCommit"_s, lastCommit(snapshot));
    return e;
}

http::Response serve(const MirrorSnapshot &snapshot, const ModelFileRecord &file, const http::RequestHead &head)
{
    const QString path = snapshot.folder + u'/' + file.path;
    // Never a link: what the catalogue recorded is a regular file in the model's folder.
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st = {};
    if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || qint64(st.st_size) != file.size) {
        if (fd >= 0)
            ::close(fd);
        // The disk no longer holds what the catalogue says (deleted, replaced, truncated):
        // better no bytes than wrong ones. `mistudio models verify` says what happened.
        http::Response r = hubreply::error(500, {}, u"%1 on the mirror does not match its catalogue record"_s.arg(file.path));
        r.addHeader("X-Repo-Commit", snapshot.commit.toLatin1());
        return r;
    }
    const qint64 size = file.size;
    const QByteArray tag = quoted(etag(file));
    ByteRange range;
    RangeAnswer answer = parseRange(head.header("Range"), size, &range);
    // If-Range with another validator: the client's partial copy is of other bytes, send all.
    if (answer != RangeAnswer::Whole && head.hasHeader("If-Range") && head.header("If-Range").trimmed() != tag)
        answer = RangeAnswer::Whole;
    http::Response r;
    if (answer == RangeAnswer::Unsatisfiable) {
        ::close(fd);
        r = hubreply::error(416, {}, u"Requested range not satisfiable"_s);
        r.addHeader("Content-Range", "bytes */" + QByteArray::number(size));
    } else if (answer == RangeAnswer::Partial) {
        r = http::Response::stream(206, http::FileRange(fd, range.first, range.length), contentType(file.path));
        r.addHeader("Content-Range", "bytes " + QByteArray::number(range.first) + '-'
                                         + QByteArray::number(range.first + range.length - 1) + '/'
                                         + QByteArray::number(size));
    } else {
        r = http::Response::stream(200, http::FileRange(fd, 0, size), contentType(file.path));
    }
    r.addHeader("X-Repo-Commit", snapshot.commit.toLatin1());
    r.addHeader("ETag", tag);
    r.addHeader("Accept-Ranges", "bytes");
    if (!file.sha256.isEmpty()) {
        r.addHeader("X-Linked-Etag", tag);
        r.addHeader("X-Linked-Size", QByteArray::number(size));
    }
    return r;
}

} // namespace mistudio::mirror::mirrorfiles
