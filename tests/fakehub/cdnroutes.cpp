#include "routes_p.h"

#include <QDateTime>
#include <QMessageAuthenticationCode>
#include <QUrl>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::fakehub {

namespace {

QByteArray signature(const HubState &state, const QByteArray &sha256, qint64 exp, int generation, const QString &filename)
{
    const QByteArray message = sha256 + '\n' + QByteArray::number(exp) + '\n' + QByteArray::number(generation) + '\n' + filename.toUtf8();
    return QMessageAuthenticationCode::hash(message, state.urlSecret, QCryptographicHash::Sha256).toHex();
}

HttpResponse s3Error(int status, const QByteArray &code, const QByteArray &message)
{
    return HttpResponse::text(status,
                              "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + message
                                  + "</Message></Error>",
                              "application/xml");
}

struct Range
{
    enum Kind { None, Single, Unsatisfiable } kind = None;
    qint64 first = 0;
    qint64 last = 0;
};

Range parseRange(const QByteArray &header, qint64 size)
{
    Range r;
    const QByteArray h = header.trimmed();
    if (!h.startsWith("bytes="))
        return r;
    const QByteArray spec = h.mid(6).trimmed();
    if (spec.contains(',')) // multi-range: served as 200 full (allowed by RFC 7233)
        return r;
    const qsizetype dash = spec.indexOf('-');
    if (dash < 0)
        return r;
    bool okA = true;
    bool okB = true;
    const QByteArray a = spec.left(dash).trimmed();
    const QByteArray b = spec.mid(dash + 1).trimmed();
    if (a.isEmpty()) { // suffix: last n bytes
        const qint64 n = b.toLongLong(&okB);
        if (!okB || n < 0)
            return r;
        if (n == 0 || size == 0) {
            r.kind = Range::Unsatisfiable;
            return r;
        }
        r.kind = Range::Single;
        r.first = std::max<qint64>(0, size - n);
        r.last = size - 1;
        return r;
    }
    const qint64 first = a.toLongLong(&okA);
    qint64 last = b.isEmpty() ? size - 1 : b.toLongLong(&okB);
    if (!okA || !okB || first < 0 || (!b.isEmpty() && last < first))
        return r; // syntactically invalid: ignored, full body
    if (first >= size) {
        r.kind = Range::Unsatisfiable;
        return r;
    }
    r.kind = Range::Single;
    r.first = first;
    r.last = std::min(last, size - 1); // clamp (hf_transfer asks for ...-size)
    return r;
}

} // namespace

namespace detail {

HttpResponse serveBlob(const HttpRequest &request, const BlobPtr &blob, HeaderList headers)
{
    HttpResponse r;
    r.headers = std::move(headers);
    r.setHeader("Accept-Ranges", "bytes");
    r.blob = blob;
    const qint64 size = blob->size();
    const Range range = parseRange(request.header("range"), size);
    if (range.kind == Range::Unsatisfiable) {
        HttpResponse e = HttpResponse::text(416, "Range Not Satisfiable");
        e.headers = r.headers;
        e.setHeader("Content-Type", "text/plain; charset=utf-8");
        e.setHeader("Content-Range", "bytes */" + QByteArray::number(size));
        e.headOnly = request.method == "HEAD";
        return e;
    }
    if (range.kind == Range::Single) {
        r.status = 206;
        r.blobOffset = range.first;
        r.blobLength = range.last - range.first + 1;
        r.setHeader("Content-Range", "bytes " + QByteArray::number(range.first) + '-' + QByteArray::number(range.last) + '/'
                                         + QByteArray::number(size));
    } else {
        r.status = 200;
        r.blobOffset = 0;
        r.blobLength = size;
    }
    r.headOnly = request.method == "HEAD";
    return r;
}

QString signedCdnUrl(HubState &state, const RepoFile &file)
{
    const QByteArray sha = file.blob->sha256Hex();
    state.cdnBlobs.insert(sha, file.blob);
    const qint64 exp = QDateTime::currentSecsSinceEpoch() + state.urlTtlSeconds;
    const QString filename = file.path.section(u'/', -1);
    QUrlQuery q;
    q.addQueryItem(u"exp"_s, QString::number(exp));
    q.addQueryItem(u"g"_s, QString::number(state.urlGeneration));
    q.addQueryItem(u"sig"_s, QString::fromLatin1(signature(state, sha, exp, state.urlGeneration, filename)));
    q.addQueryItem(u"filename"_s, QString::fromUtf8(QUrl::toPercentEncoding(filename)));
    return state.cdnBase + u"/cdn/"_s + QString::fromLatin1(sha) + u'?' + q.toString(QUrl::FullyEncoded);
}

} // namespace detail

HttpResponse routeCdn(HubState &state, const HttpRequest &request)
{
    const QStringList segments = request.pathSegments();
    if (segments.size() != 2 || segments[0] != u"cdn"_s)
        return s3Error(404, "NoSuchKey", "The specified key does not exist.");
    if (request.method != "GET" && request.method != "HEAD")
        return s3Error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
    if (state.strictCdnAuth && request.hasHeader("authorization"))
        return s3Error(400, "InvalidArgument", "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified");

    const QByteArray sha = segments[1].toLatin1();
    const QUrlQuery q = request.query();
    const qint64 exp = q.queryItemValue(u"exp"_s).toLongLong();
    const int generation = q.queryItemValue(u"g"_s).toInt();
    const QString filename = q.queryItemValue(u"filename"_s, QUrl::FullyDecoded);
    const QByteArray sig = q.queryItemValue(u"sig"_s).toLatin1();
    const auto blob = state.cdnBlobs.constFind(sha);
    if (blob == state.cdnBlobs.cend() || sig != signature(state, sha, exp, generation, filename))
        return s3Error(403, "AccessDenied", "Invalid signature");
    if (exp < QDateTime::currentSecsSinceEpoch() || generation < state.urlGeneration)
        return s3Error(403, "AccessDenied", "Request has expired");

    HeaderList headers{{"Content-Type", "application/octet-stream"},
                       {"ETag", '"' + sha + '"'},
                       {"Content-Disposition", "attachment; filename=\"" + filename.toUtf8() + "\";"},
                       {"Last-Modified", "Tue, 24 Sep 2024 15:48:47 GMT"},
                       {"X-Cache", "Hit from cloudfront"}};
    // CloudFront refuses a plain GET of more than 50 GB (docs/hub.md H8): ranges only
    if (request.method == "GET" && !request.hasHeader("range") && (*blob)->size() > 50'000'000'000LL)
        return s3Error(400, "BadRequest", "Bad Request");
    HttpResponse r = detail::serveBlob(request, *blob, headers);
    if (state.cdnBytesPerSecond > 0)
        r.bytesPerSecond = state.cdnBytesPerSecond;
    return r;
}

} // namespace mistudio::fakehub
