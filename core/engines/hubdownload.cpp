#include "engines/hubdownload.h"

#include "engines/hubdownloadsource.h"

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

// How often the waiting job thread looks at its stop request while no progress comes.
constexpr std::chrono::milliseconds kControlPoll{50};

SessionDownload::Stop stopFor(JobControl::Request r)
{
    switch (r) {
    case JobControl::Request::Lost:
        return SessionDownload::Stop::Abandon; // another process writes these files now
    case JobControl::Request::Cancel:
        return SessionDownload::Stop::Cancel;
    case JobControl::Request::None:
    case JobControl::Request::Shutdown:
    case JobControl::Request::Pause:
        break;
    }
    return SessionDownload::Stop::Pause; // partials kept (and journaled) for a resume
}

DownloadProgressInfo infoFrom(const DownloadProgress &p)
{
    DownloadProgressInfo i;
    i.downloadedBytes = p.bytesDone;
    i.totalBytes = p.bytesTotal;
    i.bytesPerSecond = p.bytesPerSecond;
    i.filesDone = p.filesDone;
    i.filesTotal = p.filesTotal;
    for (const FileProgress &f : p.files) {
        if (f.state == FileState::Downloading || f.state == FileState::Retrying) {
            i.currentFile = f.path;
            break;
        }
    }
    return i;
}

} // namespace

HubDownload::HubDownload(HubSettings settings)
    : m_settings(std::move(settings)), m_session(m_settings.maxBytesPerSecond)
{
}

void HubDownload::setBandwidthLimit(qint64 bytesPerSecond)
{
    m_session.setBandwidthLimit(bytesPerSecond);
}

Result<DownloadOutcome> HubDownload::download(const DownloadSpec &spec,
                                              const std::function<void(const DownloadProgressInfo &)> &progress,
                                              const JobControl &control)
{
    qCDebug(lcDownloadTiming, "%s: job starts", qPrintable(spec.repoId));
    const hub::HubOptions options = hubOptionsFor(m_settings, spec.token);
    DownloadOptions opts = m_settings.download;
    if (spec.connections > 0)
        opts.connectionsPerFile = spec.connections;
    opts.allowOffLoopbackRedirects = m_settings.hub.allowOffLoopbackRedirects;
    opts.maxBytesPerSecond = spec.maxBytesPerSecond;
    const std::shared_ptr<SessionDownload> dl = m_session.start(
        [options, spec] { return std::make_unique<HubDownloadSource>(options, spec); }, opts);

    bool stopping = false;
    for (;;) {
        const SessionDownload::Update u = dl->waitForUpdate(kControlPoll);
        if (u.progress)
            progress(infoFrom(*u.progress));
        if (u.ended)
            break;
        if (control.stopRequested()) {
            stopping = true;
            dl->stop(stopFor(control.requested())); // a stronger request replaces a weaker one
        }
    }
    qCDebug(lcDownloadTiming, "%s: returned to the job", qPrintable(spec.repoId));
    const Status status = dl->status();
    if (stopping && status.ok())
        return Error::make(ErrorCode::Cancelled, u"stopped"_s);
    if (!status.ok())
        return status.error();
    const PinnedDownload pd = dl->resolved();
    DownloadOutcome outcome{pd.commit, spec.targetDir, pd.totalBytes(), int(pd.files.size()), {}};
    for (const RemoteFile &f : pd.files)
        outcome.fileRecords << ModelFileRecord{f.path, f.size, f.sha256, f.gitOid};
    return outcome;
}

} // namespace mistudio
