#include "download/transferworker.h"

#include "download/chunkplanner.h"
#include "download/filesink.h"
#include "download/tokenbucket.h"
#include "hub/redirectpolicy.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {

namespace {
constexpr int kMaxTransferRedirects = 5;
}

struct TransferWorker::Active
{
    ChunkTransfer t;
    QUrl url;                  // the current hop
    QByteArray authorization;  // for the current hop
    int redirects = 0;
    QNetworkReply *reply = nullptr;
    QTimer *stall = nullptr;
    QTimer *throttle = nullptr;
    qint64 from = 0;  // first byte asked for
    qint64 end = 0;   // one past the last byte wanted (lowered by a split)
    qint64 asked = 0; // one past the last byte the request asked for
    bool cut = false; // split: the response goes on past `end`, which is where this ends
    qint64 received = 0;
    bool validated = false;
    bool stopped = false;
    bool httpError = false;
    bool replyFinished = false;
    ChunkResult result;
};

TransferWorker::TransferWorker(QObject *parent) : QObject(parent) {}

TransferWorker::~TransferWorker()
{
    for (Active *a : std::as_const(m_active)) {
        a->stopped = true;
        if (a->reply) {
            a->reply->disconnect(this);
            a->reply->abort();
            a->reply->deleteLater();
        }
        delete a;
    }
}

void TransferWorker::start(const ChunkTransfer &transfer)
{
    if (!m_nam) {
        m_nam = new QNetworkAccessManager(this);
        m_buffer.resize(kReadBufferSize);
    }
    auto *a = new Active;
    a->t = transfer;
    a->result.id = transfer.id;
    a->result.pieceIndex = transfer.pieceIndex;
    a->from = transfer.piece->next();
    a->end = transfer.piece->end.load();
    a->url = transfer.url;
    // The token only ever goes to the Hub's own origin, whatever URL a resolver handed over.
    if (hub::sameOrigin(transfer.url, transfer.endpoint))
        a->authorization = transfer.authorization;
    m_active.insert(transfer.id, a);
    // A URL that a redirect could not have taken us to is refused the same way (a file: URL
    // would make QNAM read a local file).
    if (Status ok = hub::checkRedirectTarget(transfer.endpoint, transfer.url,
                                             hub::RedirectRules{transfer.endpoint, transfer.allowOffLoopback});
        !ok) {
        a->result.outcome = ChunkResult::Outcome::Refused;
        a->result.error = ok.error();
        a->result.detail = ok.error().message;
        a->stopped = true;
        m_active.remove(a->t.id);
        const ChunkResult result = a->result;
        delete a;
        QMetaObject::invokeMethod(this, [this, result] { Q_EMIT chunkEnded(result); }, Qt::QueuedConnection);
        return;
    }
    send(a);
}

void TransferWorker::send(Active *a)
{
    QNetworkRequest req(a->url);
    // Redirects are ours (followRedirect): QNAM would keep Authorization on another host.
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    // Several real TCP connections, not one multiplexed HTTP/2 stream, so that per-connection
    // CDN limits add up.
    req.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    req.setRawHeader("Accept-Encoding", "identity");
    a->asked = a->end; // a piece split before this hop is asked for only up to its cut
    a->cut = false;
    if (!a->t.wholeFile)
        req.setRawHeader("Range", rangeHeader(a->from, a->asked));
    if (!a->authorization.isEmpty())
        req.setRawHeader("Authorization", a->authorization);
    a->reply = m_nam->get(req);
    a->reply->setReadBufferSize(kReadBufferSize);
    a->replyFinished = false;
    a->validated = false;
    a->httpError = false;

    a->stall = new QTimer(a->reply);
    a->stall->setSingleShot(true);
    a->stall->setInterval(a->t.stallTimeoutMs);
    connect(a->stall, &QTimer::timeout, this, [this, a] {
        stop(a, ChunkResult::Outcome::Stalled, u"no data for %1 ms"_s.arg(a->t.stallTimeoutMs));
    });
    a->throttle = new QTimer(a->reply);
    a->throttle->setSingleShot(true);
    connect(a->throttle, &QTimer::timeout, this, [this, a] { pump(a); });
    connect(a->reply, &QNetworkReply::readyRead, this, [this, a] { pump(a); });
    connect(a->reply, &QNetworkReply::finished, this, [this, a] { handleFinished(a); });
    a->stall->start();
}

bool TransferWorker::followRedirect(Active *a, int status)
{
    const QByteArray location = a->reply->rawHeader("Location");
    if (++a->redirects > kMaxTransferRedirects) {
        a->result.error = Error::make(ErrorCode::InvalidResponse,
                                      u"more than %1 redirects for %2"_s.arg(kMaxTransferRedirects)
                                          .arg(a->url.toString(QUrl::RemoveQuery)));
        stop(a, ChunkResult::Outcome::Refused, a->result.error.message);
        return false;
    }
    const Result<QUrl> next =
        hub::checkRedirect(a->url, location, hub::RedirectRules{a->t.endpoint, a->t.allowOffLoopback});
    if (!next) {
        a->result.error = next.error();
        a->result.error.details.insert(u"http_status"_s, status);
        stop(a, ChunkResult::Outcome::Refused, next.error().message);
        return false;
    }
    // Leave this reply behind (its body is a few words) and ask the next hop. Once the token
    // has been dropped for another origin it stays dropped.
    QNetworkReply *old = a->reply;
    old->disconnect(this);
    a->stall->stop();
    a->throttle->stop();
    old->abort();
    old->deleteLater();
    if (!hub::sameOrigin(*next, a->t.endpoint))
        a->authorization.clear();
    a->url = *next;
    send(a);
    return true;
}

void TransferWorker::split(quint64 id)
{
    Active *a = m_active.value(id);
    const qint64 pos = a ? a->from + a->received : 0;
    if (!a || a->stopped || a->t.wholeFile || a->end - pos < 2 * kMinSplitBytes) {
        Q_EMIT splitDone(id, false);
        return;
    }
    // Writes of this transfer happen on this thread only, so nothing lands past the cut.
    a->end = pos + (a->end - pos) / 2;
    a->t.piece->end.store(a->end);
    a->cut = true;
    Q_EMIT splitDone(id, true);
}

void TransferWorker::endAtCut(Active *a)
{
    a->stopped = true;
    a->result.outcome = ChunkResult::Outcome::Ok;
    a->result.detail = u"ended where its piece was split"_s;
    if (!a->replyFinished) {
        a->reply->disconnect(this);
        a->reply->abort(); // HTTP/1.1 cannot end a response early but by closing its connection
    }
    complete(a);
}

void TransferWorker::abort(quint64 id)
{
    if (Active *a = m_active.value(id))
        stop(a, ChunkResult::Outcome::Cancelled, u"cancelled"_s);
}

void TransferWorker::stop(Active *a, ChunkResult::Outcome outcome, const QString &detail)
{
    if (a->stopped)
        return;
    a->stopped = true;
    a->result.outcome = outcome;
    a->result.detail = detail;
    if (a->replyFinished) { // draining a finished reply: nothing left to abort
        complete(a);
        return;
    }
    a->reply->abort(); // emits finished → handleFinished reports the forced outcome
}

bool TransferWorker::validate(Active *a)
{
    if (a->validated)
        return true;
    if (a->httpError)
        return false;
    const int status = a->reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    a->result.httpStatus = status;
    const qint64 size = a->t.sink->file().size;
    if (status >= 300 && status < 400 && status != 304 && status != 305) {
        followRedirect(a, status);
        return false;
    }
    if (status >= 300 || status < 200) {
        // Error bodies are small: let the reply end by itself (aborting a reply that carries an
        // HTTP error makes QNAM report the error twice) and never write the body.
        a->httpError = true;
        a->result.rateLimit = a->reply->rawHeader("RateLimit");
        a->result.retryAfter = a->reply->rawHeader("Retry-After");
        return false;
    }
    if (a->t.wholeFile) {
        bool ok = false;
        const qint64 len = a->reply->header(QNetworkRequest::ContentLengthHeader).toLongLong(&ok);
        if (status != 200 || (ok && len != size)) {
            stop(a, ChunkResult::Outcome::BadResponse, u"HTTP %1 with Content-Length %2 for a %3-byte file"_s
                                                           .arg(status).arg(len).arg(size));
            return false;
        }
    } else if (status == 200) {
        // CloudFront's gzip cache answers some Range requests with the whole file (docs/hub.md H8).
        stop(a, ChunkResult::Outcome::RangeIgnored, u"HTTP 200 to a Range request"_s);
        return false;
    } else {
        qint64 first = 0, last = 0, total = 0;
        const QByteArray cr = a->reply->rawHeader("Content-Range");
        if (status != 206 || !parseContentRange(cr, &first, &last, &total) || first != a->from
            || last != a->asked - 1 || total != size) {
            stop(a, ChunkResult::Outcome::BadResponse,
                 u"HTTP %1, Content-Range '%2' for bytes %3-%4/%5"_s.arg(status)
                     .arg(QString::fromLatin1(cr)).arg(a->from).arg(a->asked - 1).arg(size));
            return false;
        }
    }
    a->validated = true;
    return true;
}

void TransferWorker::pump(Active *a)
{
    if (a->stopped || !validate(a))
        return;
    QNetworkReply *reply = a->reply;
    while (reply->bytesAvailable() > 0) {
        const qint64 room = a->end - (a->from + a->received);
        if (room <= 0) {
            if (a->cut) {
                endAtCut(a);
                return;
            }
            stop(a, ChunkResult::Outcome::BadResponse, u"body longer than the range asked for"_s);
            return;
        }
        qint64 want = qMin<qint64>(qMin<qint64>(reply->bytesAvailable(), qint64(m_buffer.size())), room);
        if (a->t.bucket) {
            // Also while draining a finished reply: its buffered tail obeys the cap too.
            const qint64 granted = a->t.bucket->take(want);
            if (granted <= 0) {
                a->throttle->start(a->t.bucket->msUntilAvailable(want));
                a->stall->start(); // our own throttling is not a stall
                return;
            }
            want = granted;
        }
        const qint64 n = reply->read(m_buffer.data(), want);
        if (n <= 0)
            break;
        if (Status st = a->t.sink->write(*a->t.piece, a->from + a->received, m_buffer.data(), n); !st) {
            a->result.error = st.error();
            stop(a, ChunkResult::Outcome::WriteFailed, st.error().message);
            return;
        }
        a->received += n;
        if (a->cut && a->from + a->received == a->end) {
            endAtCut(a); // the rest of the response belongs to another transfer now
            return;
        }
    }
    if (a->replyFinished) {
        complete(a);
        return;
    }
    a->stall->start();
}

void TransferWorker::handleFinished(Active *a)
{
    a->replyFinished = true;
    if (!a->stopped) {
        QNetworkReply *finished = a->reply;
        const quint64 id = a->t.id;
        const QVariant statusAttr = finished->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        if (statusAttr.isValid() && validate(a)) {
            pump(a); // bytes that arrived before the end (or before a reset) still count
            return;  // pump completes once the buffer is drained
        }
        // validate() may have ended the transfer (it is gone) or followed a redirect (the next
        // hop's reply is running).
        if (m_active.value(id) != a || a->reply != finished)
            return;
    }
    complete(a);
}

void TransferWorker::complete(Active *a)
{
    if (!a->stopped) {
        a->stopped = true;
        const QVariant statusAttr = a->reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        if (a->httpError) {
            a->result.outcome = ChunkResult::Outcome::HttpError;
            a->result.detail = u"HTTP %1"_s.arg(a->result.httpStatus);
        } else if (!statusAttr.isValid() || a->reply->error() != QNetworkReply::NoError) {
            a->result.outcome = ChunkResult::Outcome::NetworkError;
            a->result.detail = a->reply->errorString();
        } else if (a->from + a->received != a->end) {
            a->result.outcome = ChunkResult::Outcome::ShortBody;
            a->result.detail = u"body ended at byte %1 of %2"_s.arg(a->from + a->received).arg(a->end);
        } else {
            a->result.outcome = ChunkResult::Outcome::Ok;
        }
    }
    a->result.bytes = a->received;
    a->stall->stop();
    a->throttle->stop();
    m_active.remove(a->t.id);
    a->reply->disconnect(this);
    a->reply->deleteLater();
    const ChunkResult result = a->result;
    delete a;
    Q_EMIT chunkEnded(result);
}

} // namespace mistudio
