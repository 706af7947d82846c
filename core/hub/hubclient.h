#pragma once

#include "common/result.h"
#include "hub/huberror.h"
#include "hub/huboptions.h"
#include "hub/hubtypes.h"

#include <QObject>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace mistudio::hub {

class ReplyGuard;

// Talks to the Hugging Face Hub (or HF_ENDPOINT) over HTTP, the way huggingface_hub does
// (docs/hub.md, "Protocol facts the client relies on").
//
// Threading: a HubClient and its QNetworkAccessManager belong to the thread the client lives in
// (the manager is created on first use, so moveToThread() before the first call is fine). Call
// its methods only from that thread; every callback runs later on that thread, from its event
// loop, never inside the call itself. The thread must run an event loop. To use the Hub from
// another thread, create a HubClient there. One client opens at most 6 connections per host.
//
// Every call fails with a typed Error (core/hub/huberror.h): the Hub's message, its request id,
// and details.http_status. 408/429/5xx, timeouts and dropped connections are retried up to
// HubOptions::maxAttempts with the wait of retryWaitMs (huberror.h); each wait is announced through
// retryScheduled() and run through the scheduler (tests inject one that does not sleep).
// A body cut short is retried once only; an answer that drips (HubOptions' low-speed rule) or
// passes its size limit (hublimits.h) is not retried; no call outlives HubOptions::callDeadlineMs;
// HubOptions::cancel aborts every call in flight.
// Redirects follow redirectpolicy.h: http(s) only, not off loopback from a loopback endpoint
// unless allowed, at most kMaxRedirects. The token is sent only to the endpoint's own
// scheme/host/port: never to a CDN or another host after a redirect.
// Names from the Hub (tree entries, siblings) pass common/namepolicy.h or the call fails with
// unsafe_path.
class HubClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HubClient)

public:
    template<class T>
    using Callback = std::function<void(Result<T>)>;
    // Runs fn after delayMs on the client's thread.
    using Scheduler = std::function<void(qint64 delayMs, std::function<void()> fn)>;

    explicit HubClient(HubOptions options, QObject *parent = nullptr);
    ~HubClient() override;

    const HubOptions &options() const { return m_options; }
    void setScheduler(Scheduler scheduler) { m_scheduler = std::move(scheduler); }
    QString userAgent() const;

    // GET /api/models/{repo}/revision/{rev}?blobs=true. A renamed repo's relative 307 is followed.
    void modelInfo(const QString &repo, const QString &revision, Callback<ModelInfo> done);
    // GET /api/models/{repo}/tree/{rev}?recursive=true, following Link rel="next" pages; files only.
    void listTree(const QString &repo, const QString &revision, Callback<QList<RepoFile>> done);
    // HEAD /{repo}/resolve/{rev}/{path}: relative redirects followed (token kept), an absolute
    // redirect is not followed and becomes FileMetadata::location.
    void fileMetadata(const QString &repo, const QString &revision, const QString &path,
                      Callback<FileMetadata> done);
    // GET of a small file (config.json, index.json); aborted as soon as it passes maxBytes.
    void fetchFile(const QString &repo, const QString &revision, const QString &path, qint64 maxBytes,
                   Callback<QByteArray> done);
    // A JSON object file of at most maxBytes (hublimits.h: kMaxJsonFileBytes by default).
    void fetchJson(const QString &repo, const QString &revision, const QString &path,
                   Callback<QJsonObject> done, qint64 maxBytes = -1);
    // Range: bytes=0-100000, then bytes=8-(N+7) when the header is longer; strict parse. With the
    // file's size (the tree's), every tensor's data must end inside the file exactly at its end.
    void safetensorsHeader(const QString &repo, const QString &revision, const QString &path,
                           Callback<SafetensorsHeader> done, qint64 fileSize = -1);
    // All files at once (the manager runs up to 6 per host in parallel), results in `files` order,
    // each checked against its size; all headers together at most kMaxPreviewHeaderBytes.
    void safetensorsHeaders(const QString &repo, const QString &revision, const QList<RepoFile> &files,
                            Callback<QList<SafetensorsHeader>> done);
    void safetensorsHeaders(const QString &repo, const QString &revision, const QStringList &paths,
                            Callback<QList<SafetensorsHeader>> done);
    // GET /api/models?search=&limit=&expand=... for autocompletion.
    void search(const QString &query, int limit, Callback<QList<SearchHit>> done);
    // GET /api/models/{repo}/auth-check: ok when the current token may download the files.
    void authCheck(const QString &repo, Callback<bool> done);

    QUrl resolveUrl(const QString &repo, const QString &revision, const QString &path) const;

    // Bytes of body received by this client, for the preview's "bytes fetched" figure.
    qint64 bytesReceived() const { return m_bytesReceived; }

Q_SIGNALS:
    void retryScheduled(const QUrl &url, int attempt, qint64 waitMs, const QString &reason);

private:
    struct Request;
    void send(const std::shared_ptr<Request> &request);
    void handleFinished(const std::shared_ptr<Request> &request, QNetworkReply *reply, ReplyGuard *guard);
    Error stoppedError(const std::shared_ptr<Request> &request, int stop) const;
    static Status checkNames(const QList<RepoFile> &files);
    void fail(const std::shared_ptr<Request> &request, const Error &error);
    void later(std::function<void()> fn);
    static std::optional<Error> checkInput(const QString &repo, const QString &revision);
    bool mayAuthorize(const QUrl &url) const;
    QUrl apiUrl(const QByteArray &encodedPath, const QByteArray &encodedQuery = QByteArray()) const;
    void getJson(const QUrl &url, qint64 limit, std::function<void(Result<HttpOutcome>)> done);
    void fetchTreePage(const QUrl &url, std::shared_ptr<QList<RepoFile>> acc, int page,
                       Callback<QList<RepoFile>> done);
    void fetchHeader(const QString &repo, const QString &revision, const QString &path, qint64 fileSize,
                     std::shared_ptr<qint64> budget, Callback<SafetensorsHeader> done);
    QNetworkAccessManager *nam();

    HubOptions m_options;
    Scheduler m_scheduler;
    QNetworkAccessManager *m_nam = nullptr;
    qint64 m_bytesReceived = 0;
};

} // namespace mistudio::hub
