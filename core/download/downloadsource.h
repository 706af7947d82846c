#pragma once

#include "common/result.h"
#include "download/downloadtypes.h"

#include <functional>
#include <memory>

namespace mistudio {

class UrlResolver;

// Where the files of one session download come from: made, resolved and destroyed in the
// session's thread (so that what it talks through, e.g. a HubClient with the job's own token,
// lives there too). core/engines' Hub source resolves a repo's pinned commit, its file list and
// the token's access, and resolves each file's URL through the same client.
class DownloadSource
{
public:
    using Resolved = std::function<void(Result<PinnedDownload>)>;
    virtual ~DownloadSource() = default;

    // What to fetch; `done` is called exactly once, later, on the session thread.
    virtual void resolve(Resolved done) = 0;
    // Resolves each file's URL; valid while the source lives.
    virtual UrlResolver *urlResolver() = 0;
    // Ends every call in flight (their callbacks report ErrorCode::Cancelled) and refuses new ones.
    virtual void abort() = 0;
};

// Called on the session thread.
using DownloadSourceFactory = std::function<std::unique_ptr<DownloadSource>()>;

} // namespace mistudio
