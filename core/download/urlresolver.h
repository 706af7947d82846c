#pragma once

#include "common/result.h"
#include "download/downloadtypes.h"

#include <QUrl>

#include <functional>

namespace mistudio {

// Where one file's bytes are fetched from: what the resolver HEAD (docs/hub.md H5) said.
struct ResolvedFile
{
    QUrl url;       // the CDN's signed URL, or the /resolve URL itself for small git files
    qint64 size = -1;
    QString etag;   // normalised: X-Linked-Etag (sha256) for LFS files, ETag (git sha1) otherwise
    QString commit; // X-Repo-Commit
    bool sendToken = false; // only when url is on the Hub's own host
};

// Turns a file of a pinned commit into a fetchable URL. The engine calls it once per file and
// again when a signed URL has expired (403 from the CDN). Implementations: HeadResolver (one
// HEAD, redirects as huggingface_hub follows them); an adapter over core/hub's HubClient.
class UrlResolver
{
public:
    using Callback = std::function<void(Result<ResolvedFile>)>;
    virtual ~UrlResolver() = default;

    // Called on the engine's thread; `done` must be called exactly once, on that same thread
    // (the engine's event loop), never from inside resolve() itself on error paths is fine too.
    // Errors carry the Hub's typed codes (gated_*, repo_not_found, rate_limited with
    // details.retry_after_ms, server_error, network_error, invalid_response...).
    virtual void resolve(const PinnedDownload &download, const RemoteFile &file, Callback done) = 0;
};

// The resolve URL of one file: {endpoint}/{repo}/resolve/{commit}/{path}, path segments encoded.
QUrl resolveUrl(const QUrl &endpoint, const QString &repoId, const QString &commit, const QString &path);

// Whether an error from the resolver (or a GET) is worth another attempt.
bool isRetryableError(ErrorCode code);

} // namespace mistudio
