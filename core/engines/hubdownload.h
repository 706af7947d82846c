#pragma once

#include "download/downloadsession.h"
#include "engines/realengines.h"
#include "service/engines.h"

namespace mistudio {

// The download backend of this build: every job's download goes into the process's one
// DownloadSession (its Hub metadata and file HEADs resolved there by a HubDownloadSource with
// the job's token); the job's thread waits on the download's handle, forwards its progress and
// turns the job's stop requests into the session's pause, cancel or abandon.
class HubDownload final : public DownloadBackend
{
public:
    // settings.maxBytesPerSecond is the session's first global cap.
    explicit HubDownload(HubSettings settings);
    Q_DISABLE_COPY_MOVE(HubDownload)

    Result<DownloadOutcome> download(const DownloadSpec &spec,
                                     const std::function<void(const DownloadProgressInfo &)> &progress,
                                     const JobControl &control) override;
    void setBandwidthLimit(qint64 bytesPerSecond) override;
    const DownloadSession &session() const { return m_session; }

private:
    HubSettings m_settings;
    DownloadSession m_session;
};

} // namespace mistudio
