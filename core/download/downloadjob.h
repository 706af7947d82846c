#pragma once

#include "common/result.h"
#include "download/downloadtypes.h"
#include "download/filedownload.h"

#include <QElapsedTimer>
#include <QObject>

#include <deque>
#include <memory>
#include <vector>

namespace mistudio {

// One download (the selected files of one pinned commit): checks the free space, runs up to
// filesInParallel files at once, and succeeds only when every file is verified and in place.
// The first file that fails stops the others (their partials stay for a resume).
class DownloadJob final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DownloadJob)
public:
    DownloadJob(std::shared_ptr<FileContext> ctx, QObject *parent = nullptr);
    ~DownloadJob() override;

    void start();
    void pause();   // journals what was written and keeps the partials; start() again resumes
    void abandon(); // stops at once and touches no file any more (another process owns it now)
    void cancel();  // deletes partials and finished files of this download
    // Journals what the files wrote, on this thread, once no transfer runs (engine destructor).
    void checkpointNow();

    // A snapshot; also feeds the speed estimate (call at the progress rate).
    DownloadProgress sample();
    const PinnedDownload &request() const;

    bool isCancelling() const { return m_cancelling; }
    // Deletes partials, journals and finished files of this download and the emptied folders,
    // at once. Only when nothing runs any more (the engine's destructor).
    void removeFilesNow();

    // Bytes needed on disk before starting (files not yet in place nor reserved) + margin.
    qint64 bytesNeeded() const;

Q_SIGNALS:
    void finished(const mistudio::Status &status);
    void paused();

private:
    void stopFiles(FileDownload::StopMode mode);
    void startMore();
    void handleFileFinished(FileDownload *f, const Status &st);
    // Ends the job (finished/paused) once no file is running any more.
    void settle();

    std::shared_ptr<FileContext> m_ctx;
    std::vector<FileDownload *> m_files;
    size_t m_next = 0;
    bool m_cancelling = false;
    bool m_pausing = false;
    bool m_ended = false;
    bool m_bulkStop = false;
    std::optional<Error> m_failure;

    QElapsedTimer m_clock;
    std::deque<std::pair<qint64, qint64>> m_samples; // (ms, bytes) over the last few seconds
    double m_speed = 0;
};

} // namespace mistudio
