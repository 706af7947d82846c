#include "server/mirror/mirrorrequest.h"

#include <QUrl>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::mirror {
namespace {

bool isRouteWord(const QString &s)
{
    return s == u"revision"_s || s == u"tree"_s || s == u"paths-info"_s || s == u"auth-check"_s;
}

} // namespace

std::optional<MirrorRequest> MirrorRequest::parse(const QByteArray &target)
{
    const qsizetype q = target.indexOf('?');
    const QByteArray rawPath = q < 0 ? target : target.left(q);
    if (!rawPath.startsWith('/'))
        return std::nullopt;
    QStringList seg;
    for (const QByteArray &s : rawPath.mid(1).split('/'))
        seg << QUrl::fromPercentEncoding(s);
    if (!seg.isEmpty() && seg.last().isEmpty() && seg.size() > 1)
        seg.removeLast(); // a trailing slash
    for (const QString &s : std::as_const(seg)) {
        if (s.isEmpty())
            return std::nullopt;
    }
    MirrorRequest r;
    if (seg.size() >= 3 && seg[0] == u"api"_s && seg[1] == u"models"_s) {
        const QStringList rest = seg.mid(2);
        // "org/name/<word>..." before "name/<word>..." (an old id without a namespace).
        qsizetype repoParts = rest.size() >= 3 && isRouteWord(rest[2]) ? 2
                              : rest.size() >= 2 && isRouteWord(rest[1]) ? 1
                                                                          : rest.size();
        if (repoParts > 2)
            return std::nullopt;
        r.repo = QStringList(rest.mid(0, repoParts)).join(u'/');
        const QStringList tail = rest.mid(repoParts);
        if (tail.isEmpty()) {
            r.route = Route::Info;
            return r;
        }
        const QString &word = tail[0];
        if (word == u"auth-check"_s && tail.size() == 1) {
            r.route = Route::AuthCheck;
            return r;
        }
        if (tail.size() < 2)
            return std::nullopt;
        if (word == u"revision"_s) {
            r.route = Route::Info;
            r.revision = QStringList(tail.mid(1)).join(u'/');
            return r;
        }
        r.revision = tail[1];
        if (word == u"tree"_s) {
            r.route = Route::Tree;
            r.path = QStringList(tail.mid(2)).join(u'/');
            return r;
        }
        if (word == u"paths-info"_s && tail.size() == 2) {
            r.route = Route::PathsInfo;
            return r;
        }
        return std::nullopt;
    }
    if (seg.value(0) == u"api"_s)
        return std::nullopt; // the native API and anything else under /api
    const qsizetype at = seg.size() >= 4 && seg[2] == u"resolve"_s ? 2
                         : seg.size() >= 3 && seg[1] == u"resolve"_s ? 1
                                                                      : -1;
    if (at < 0 || seg.size() < at + 3)
        return std::nullopt;
    r.route = Route::Resolve;
    r.repo = QStringList(seg.mid(0, at)).join(u'/');
    r.revision = seg[at + 1];
    r.path = QStringList(seg.mid(at + 2)).join(u'/');
    return r;
}

bool MirrorRequest::allows(const QByteArray &method) const
{
    if (route == Route::PathsInfo)
        return method == "POST";
    return method == "GET" || method == "HEAD";
}

} // namespace mistudio::mirror
