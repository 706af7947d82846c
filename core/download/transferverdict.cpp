#include "download/transferverdict.h"

#include "common/retrypolicy.h"

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

TransferVerdict retry(ErrorCode code, const QString &cause, int waitMs = -1)
{
    TransferVerdict v;
    v.action = TransferVerdict::Action::Retry;
    v.code = code;
    v.cause = cause;
    v.waitMs = waitMs;
    return v;
}

TransferVerdict failWith(const Error &e)
{
    TransferVerdict v;
    v.action = TransferVerdict::Action::Fail;
    v.error = e;
    return v;
}

} // namespace

TransferVerdict judgeTransfer(const ChunkResult &r, const QString &path)
{
    using O = ChunkResult::Outcome;
    TransferVerdict v;
    switch (r.outcome) {
    case O::Ok:
        v.action = TransferVerdict::Action::Written;
        return v;
    case O::Cancelled:
        return v;
    case O::WriteFailed:
    case O::Refused:
        return failWith(r.error);
    case O::RangeIgnored:
        // Partial pieces of a server that ignores Range cannot be trusted to line up.
        v.action = TransferVerdict::Action::SwitchToWholeFile;
        return v;
    case O::HttpError: {
        const int s = r.httpStatus;
        if (s == 403 || s == 401 || s == 404 || s == 410) {
            v.action = TransferVerdict::Action::Reresolve;
            v.httpStatus = s;
            return v;
        }
        if (s == 416)
            return failWith(Error::make(ErrorCode::SizeMismatch, u"%1: the server has fewer bytes than the Hub listed"_s.arg(path)));
        if (s == 429)
            return retry(ErrorCode::RateLimited, u"http_429"_s, rateLimitWaitMs(r.rateLimit, r.retryAfter).value_or(-1));
        if (s == 408)
            return retry(ErrorCode::Timeout, u"http_408"_s);
        if (s >= 500)
            return retry(ErrorCode::ServerError, u"http_%1"_s.arg(s));
        return failWith(Error::make(ErrorCode::InvalidResponse, u"%1: unexpected HTTP %2"_s.arg(path).arg(s),
                                    {{u"http_status"_s, s}}));
    }
    case O::NetworkError:
        return retry(ErrorCode::NetworkError, u"network"_s);
    case O::Stalled:
        return retry(ErrorCode::Timeout, u"stall"_s);
    case O::ShortBody:
        return retry(ErrorCode::NetworkError, u"short_body"_s);
    case O::BadResponse:
        return retry(ErrorCode::InvalidResponse, u"bad_content_range"_s);
    }
    return v;
}

} // namespace mistudio
