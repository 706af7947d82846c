#pragma once

#include "download/downloadsource.h"
#include "download/hubresolver.h"
#include "hub/hubclient.h"
#include "service/engines.h"

#include <memory>
#include <optional>

namespace mistudio::hub {
class CancelSource;
}

namespace mistudio {

// The files of one job's download as the Hub lists them: the pinned commit (the one an earlier
// attempt resolved, else the revision's now), then the tree and the token's access (checked
// before any byte) at once, the default selection narrowed by the job's include/exclude globs.
// Lives in the
// download session's thread with a HubClient of its own (the job's token, a cancel source of its
// own), which then also sends the files' resolver HEADs, over the same connections.
class HubDownloadSource final : public DownloadSource
{
public:
    // `options` carries the job's token; its cancel source is replaced by the source's own.
    HubDownloadSource(hub::HubOptions options, DownloadSpec spec);
    ~HubDownloadSource() override;
    Q_DISABLE_COPY_MOVE(HubDownloadSource)

    void resolve(Resolved done) override;
    UrlResolver *urlResolver() override { return &m_resolver; }
    void abort() override;

private:
    void handleInfo(Result<hub::ModelInfo> info);
    // Once both the tree and the access check answered.
    void handleTreeAndAccess();

    std::shared_ptr<hub::CancelSource> m_cancel;
    hub::HubClient m_client;
    HubResolver m_resolver;
    DownloadSpec m_spec;
    Resolved m_done;
    hub::ModelInfo m_info;
    std::optional<Result<QList<hub::RepoFile>>> m_tree;
    std::optional<Result<bool>> m_access;
};

} // namespace mistudio
