#include "routes_p.h"

#include <QDateTime>
#include <QLocale>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::fakehub {

namespace {

bool matches(const Fault &f, const HttpRequest &request, Listener listener, const HttpResponse &response)
{
    if (f.listener != Listener::Any && f.listener != listener)
        return false;
    if (!f.method.isEmpty() && f.method != request.method)
        return false;
    if (!f.pathContains.isEmpty() && !request.path().contains(f.pathContains))
        return false;
    if (f.atOffset >= 0) {
        if (!response.blob || f.atOffset < response.blobOffset || f.atOffset >= response.blobOffset + response.blobLength)
            return false;
    }
    return true;
}

QByteArray bucketOf(const HttpRequest &request)
{
    return request.path().contains(u"/resolve/"_s) ? "resolvers" : "api";
}

HttpResponse tooManyRequests(int seconds)
{
    return detail::errorResponse(429, QByteArray(),
                                 u"You have been rate-limited; you can retry this action in about "_s + QString::number(seconds)
                                     + u" seconds."_s);
}

} // namespace

void applyFaults(HubState &state, const HttpRequest &request, Listener listener, HttpResponse &response)
{
    for (Fault &f : state.faults) {
        if (!matches(f, request, listener, response))
            continue;
        ++f.seen;
        if (f.seen <= f.skip || (f.times >= 0 && f.fired >= f.times))
            continue;
        ++f.fired;
        // body faults act at a file offset when one is given, else after `afterBytes` of this body
        const qint64 at = f.atOffset >= 0 ? f.atOffset - response.blobOffset : f.afterBytes;
        const HeaderList common = response.headers;
        const auto keepCommon = [&common](HttpResponse &r) {
            for (const auto &[k, v] : common) {
                if (k.startsWith("X-Request-Id") || k.startsWith("RateLimit") || k.startsWith("Access-Control"))
                    r.setHeader(k, v);
            }
        };
        const bool head = response.headOnly;
        switch (f.kind) {
        case Fault::Kind::Status: {
            const QString message = f.status >= 500 ? u"Internal Error - We're working hard to fix this as soon as possible!"_s
                                                    : u"Request timeout"_s;
            response = detail::errorResponse(f.status, QByteArray(), message);
            keepCommon(response);
            break;
        }
        case Fault::Kind::RateLimit: {
            const QByteArray bucket = bucketOf(request);
            response = tooManyRequests(f.seconds);
            keepCommon(response);
            response.setHeader("RateLimit", '"' + bucket + "\";r=0;t=" + QByteArray::number(f.seconds));
            response.setHeader("RateLimit-Policy", "\"fixed window\";\"" + bucket + "\";q=3000;w=300");
            break;
        }
        case Fault::Kind::RetryAfter:
        case Fault::Kind::RetryAfterDate: {
            response = tooManyRequests(f.seconds);
            keepCommon(response);
            response.removeHeader("RateLimit");
            response.removeHeader("RateLimit-Policy");
            if (f.kind == Fault::Kind::RetryAfter) {
                response.setHeader("Retry-After", QByteArray::number(f.seconds));
            } else {
                const QDateTime when = QDateTime::currentDateTimeUtc().addSecs(f.seconds);
                response.setHeader("Retry-After",
                                   QLocale::c().toString(when, u"ddd, dd MMM yyyy hh:mm:ss 'GMT'"_s).toLatin1());
            }
            break;
        }
        case Fault::Kind::Reset:
            response.resetConnection = true;
            break;
        case Fault::Kind::Truncate:
            response.truncateAfter = std::max<qint64>(0, at);
            break;
        case Fault::Kind::Stall:
            response.stallAfter = std::max<qint64>(0, at);
            response.stallMs = f.stallMs;
            break;
        case Fault::Kind::IgnoreRange:
            if (response.blob && response.status == 206) {
                response.status = 200;
                response.blobOffset = 0;
                response.blobLength = response.blob->size();
                response.removeHeader("Content-Range");
            }
            break;
        case Fault::Kind::ShortChunked:
            response.shortChunkedAfter = std::max<qint64>(0, at);
            break;
        case Fault::Kind::Corrupt:
            response.corruptAt = std::max<qint64>(0, at);
            break;
        case Fault::Kind::StripHeaders: {
            const QStringList names = f.headers.isEmpty() ? QStringList{u"X-Repo-Commit"_s} : f.headers;
            for (const QString &h : names)
                response.removeHeader(h.toLatin1());
            break;
        }
        case Fault::Kind::ExpireUrls:
            ++state.urlGeneration;
            if (listener == Listener::Cdn) {
                response = HttpResponse::text(403,
                                              "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code>"
                                              "<Message>Request has expired</Message></Error>",
                                              "application/xml");
                keepCommon(response);
            }
            break;
        case Fault::Kind::MoveBranch: {
            Repo *repo = state.repo(f.repo.isEmpty() ? request.pathSegments().mid(0, 2).join(u'/') : f.repo);
            if (repo) {
                const QByteArray target = repo->resolveRevision(f.toRef);
                if (!target.isEmpty())
                    repo->branches.insert(f.branch, target);
            }
            break;
        }
        case Fault::Kind::Throttle:
            response.bytesPerSecond = f.bytesPerSecond;
            response.throttleBurst = f.burst;
            break;
        case Fault::Kind::Redirect: {
            QString location = f.location;
            location.replace(u"{hub}"_s, state.hubBase).replace(u"{cdn}"_s, state.cdnBase);
            location.replace(u"{other}"_s, state.otherBase).replace(u"{path}"_s, QString::fromUtf8(request.target));
            // The size and ETag stay readable for a HEAD, the way the Hub's own 302s carry them.
            if (response.header("X-Linked-Size").isEmpty() && response.status < 300)
                response.setHeader("X-Linked-Size", QByteArray::number(response.bodyLength()));
            response.status = f.status >= 300 && f.status < 400 ? f.status : 302;
            response.setHeader("Location", location.toUtf8());
            response.removeHeader("Content-Range");
            response.removeHeader("Content-Length");
            response.blob.reset();
            response.blobOffset = response.blobLength = 0;
            response.body = "Found. Redirecting to " + location.toUtf8();
            break;
        }
        }
        response.headOnly = head;
        response.faults.append(f.kindName());
    }
}

} // namespace mistudio::fakehub
