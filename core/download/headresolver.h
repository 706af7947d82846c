#pragma once

#include "download/urlresolver.h"

#include <QObject>

class QNetworkAccessManager;
class QNetworkReply;

namespace mistudio {

// The resolver HEAD of huggingface_hub's get_hf_file_metadata (docs/hub.md H5): no
// automatic redirects; a relative 3xx is repeated on the same host with the Location's path
// only (resolve-cache, renamed repos; the token is kept); the first absolute 3xx is the CDN URL
// and is not followed (the token is never sent there). Metadata: commit = X-Repo-Commit,
// etag = X-Linked-Etag or ETag (W/ and quotes stripped), size = X-Linked-Size or Content-Length
// of a non-redirect. Any of them missing → invalid_response. Every Location passes core/hub's
// redirect rules (http(s) only, not off loopback from a loopback endpoint); the token goes to the
// endpoint's own origin only. Lives in the engine's thread.
class HeadResolver final : public QObject, public UrlResolver
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HeadResolver)
public:
    explicit HeadResolver(QObject *parent = nullptr);
    ~HeadResolver() override;

    void setTimeoutMs(int ms) { m_timeoutMs = ms; }
    // A loopback endpoint may send us off loopback (core/hub/redirectpolicy.h); off by default.
    void setAllowOffLoopbackRedirects(bool allow) { m_allowOffLoopback = allow; }
    void setUserAgent(const QByteArray &ua) { m_userAgent = ua; }

    void resolve(const PinnedDownload &download, const RemoteFile &file, Callback done) override;

    // The typed error for a failed Hub response (status + X-Error-Code/-Message).
    static Error errorForResponse(int status, const QByteArray &errorCode, const QByteArray &message,
                                  const QByteArray &rateLimit, const QByteArray &retryAfter,
                                  const QByteArray &requestId);

private:
    void sendHead(const QUrl &endpoint, const QUrl &url, const QString &token, int hops, Callback done);
    void handleReply(QNetworkReply *reply, const QUrl &endpoint, const QString &token, int hops, Callback done);

    QNetworkAccessManager *m_nam = nullptr;
    int m_timeoutMs = 10000;
    bool m_allowOffLoopback = false;
    QByteArray m_userAgent = QByteArrayLiteral("mistudio/" MISTUDIO_VERSION);
};

} // namespace mistudio
