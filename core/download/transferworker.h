#pragma once

#include "common/error.h"

#include <QByteArray>
#include <QHash>
#include <QMetaType>
#include <QObject>
#include <QUrl>

#include <memory>
#include <vector>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

namespace mistudio {

class FileSink;
struct FilePiece;
class TokenBucket;

// One Range GET of the rest of one piece (or, for a server that ignores Range, of the whole file).
struct ChunkTransfer
{
    quint64 id = 0;
    std::shared_ptr<FileSink> sink;
    std::shared_ptr<FilePiece> piece;
    int pieceIndex = 0; // the file's own index of the piece, handed back in the result
    QUrl url;
    QByteArray authorization; // empty unless the URL is on the Hub's own host
    QUrl endpoint;            // the Hub's: Authorization goes to its scheme/host/port only
    bool allowOffLoopback = false; // let a loopback endpoint's redirects leave loopback
    bool wholeFile = false;   // no Range header; a 200 with the whole body is expected
    int stallTimeoutMs = 30000;
    TokenBucket *bucket = nullptr; // the download's cap (nested in the session's global one)
};

struct ChunkResult
{
    enum class Outcome {
        Ok,
        Cancelled,
        HttpError,      // status ≥ 300 (see httpStatus and the rate-limit headers)
        NetworkError,   // refused, reset, truncated body, timeout...
        Stalled,        // no byte for stallTimeoutMs
        RangeIgnored,   // 200 with the whole body to a Range request
        BadResponse,    // 206 with a Content-Range other than the one asked, or a body too long
        ShortBody,      // a well-framed body that ended before the range did
        WriteFailed,    // the disk refused the bytes (see error)
        Refused,        // the URL or a redirect breaks the redirect rules (see error): not retried
    };
    quint64 id = 0;
    int pieceIndex = 0;
    Outcome outcome = Outcome::Ok;
    int httpStatus = 0;
    QByteArray rateLimit;
    QByteArray retryAfter;
    qint64 bytes = 0; // received in this attempt
    QString detail;
    Error error;
};

// A thread with its own QNetworkAccessManager (a QNAM must live in the thread that uses it,
// and opens at most 6 connections per host: several workers give more). Runs a few chunk
// transfers at once; writes each body straight to the file as it arrives through a small
// buffer, so memory does not depend on file or chunk size. Redirects are followed here, not by
// QNAM, under core/hub's redirect rules (http(s) only, not off loopback from a loopback Hub
// unless allowed, at most 5 hops), and Authorization never leaves the Hub's own origin.
class TransferWorker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TransferWorker)
public:
    explicit TransferWorker(QObject *parent = nullptr);
    ~TransferWorker() override;

    static constexpr int kReadBufferSize = 256 * 1024;

    // All run in the worker's thread (call through QMetaObject::invokeMethod).
    void start(const mistudio::ChunkTransfer &transfer);
    void abort(quint64 id);
    // Ends transfer `id` halfway through what it has left (its piece's end is lowered; it stops
    // and reports Ok there), if each half keeps kMinSplitBytes: the rest becomes unclaimed.
    void split(quint64 id);

Q_SIGNALS:
    void chunkEnded(const mistudio::ChunkResult &result);
    void splitDone(quint64 id, bool split);

private:
    struct Active;
    void send(Active *a);
    bool followRedirect(Active *a, int status);
    void pump(Active *a);
    bool validate(Active *a);
    void handleFinished(Active *a);
    void complete(Active *a);
    void endAtCut(Active *a);
    void stop(Active *a, ChunkResult::Outcome outcome, const QString &detail);

    QNetworkAccessManager *m_nam = nullptr;
    QHash<quint64, Active *> m_active;
    std::vector<char> m_buffer;
};

} // namespace mistudio

Q_DECLARE_METATYPE(mistudio::ChunkTransfer)
Q_DECLARE_METATYPE(mistudio::ChunkResult)
