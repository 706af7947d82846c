#include "download/downloadjob.h"

#include "common/datadir.h"
#include "common/namepolicy.h"
#include "download/filedownload.h"
#include "download/filesink.h"

#include <QDir>
#include <QFile>

#include <cmath>

#include <sys/stat.h>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {

namespace {
constexpr qint64 kSpeedWindowMs = 3000;
}

DownloadJob::DownloadJob(std::shared_ptr<FileContext> ctx, QObject *parent)
    : QObject(parent), m_ctx(std::move(ctx))
{
    for (const RemoteFile &f : m_ctx->download.files) {
        auto *fd = new FileDownload(m_ctx, f, this);
        connect(fd, &FileDownload::finished, this, [this, fd](const Status &st) { handleFileFinished(fd, st); });
        connect(fd, &FileDownload::stopped, this, &DownloadJob::settle);
        m_files.push_back(fd);
    }
}

DownloadJob::~DownloadJob() = default;

const PinnedDownload &DownloadJob::request() const
{
    return m_ctx->download;
}

qint64 DownloadJob::bytesNeeded() const
{
    // lstat through the guarded root: a link to some big file elsewhere counts as nothing.
    auto regularOfSize = [](const GuardedPath &p, qint64 size) {
        struct stat st {};
        return p.stat(&st) == 0 && S_ISREG(st.st_mode) && qint64(st.st_size) == size;
    };
    qint64 needed = 0;
    for (const RemoteFile &f : m_ctx->download.files) {
        const GuardedPath path{m_ctx->root, f.path};
        if (regularOfSize(path, f.size))
            continue;
        // A partial from an earlier run already holds its (preallocated) space.
        if (f.size > 0 && regularOfSize(FileSink::partialPath(path), f.size))
            continue;
        needed += qMax<qint64>(0, f.size);
    }
    return needed;
}

void DownloadJob::start()
{
    qCDebug(lcDownloadTiming, "%s: start", qPrintable(m_ctx->download.repoId));
    m_ended = false;
    m_failure.reset();
    m_pausing = false;
    if (!m_clock.isValid())
        m_clock.start();
    m_samples.clear();

    // Every name comes from the Hub: checked before any byte is written or removed.
    QStringList paths;
    for (const RemoteFile &f : m_ctx->download.files)
        paths << f.path;
    if (Status st = validateRepoPaths(paths); !st) {
        m_ended = true;
        Q_EMIT finished(st.error());
        return;
    }
    // Progress starts from what an earlier run made durable, never from zero.
    for (FileDownload *f : m_files)
        if (!f->isRunning())
            f->loadBaseline();

    const qint64 needed = bytesNeeded();
    if (needed > 0) {
        const qint64 withMargin = needed + m_ctx->options.freeSpaceMargin;
        const qint64 available = DataDir(m_ctx->download.targetDir).freeBytes();
        if (available >= 0 && available < withMargin) {
            m_ended = true;
            Q_EMIT finished(Error::make(
                ErrorCode::InsufficientDiskSpace,
                u"Not enough disk space in '%1': %2 bytes needed (incl. a %3-byte margin), %4 available"_s
                    .arg(m_ctx->download.targetDir).arg(withMargin).arg(m_ctx->options.freeSpaceMargin).arg(available),
                {{u"needed_bytes"_s, withMargin}, {u"available_bytes"_s, available}, {u"path"_s, m_ctx->download.targetDir}}));
            return;
        }
    }
    if (!QDir().mkpath(m_ctx->download.targetDir)) {
        m_ended = true;
        Q_EMIT finished(Error::make(ErrorCode::IoError, u"Cannot create '%1'"_s.arg(m_ctx->download.targetDir)));
        return;
    }
    m_next = 0;
    startMore();
}

void DownloadJob::startMore()
{
    if (m_failure || m_pausing || m_cancelling || m_ended)
        return;
    const int limit = qMax(1, m_ctx->options.filesInParallel);
    int running = 0;
    for (FileDownload *f : m_files)
        running += f->isRunning() ? 1 : 0;
    while (running < limit && m_next < m_files.size()) {
        FileDownload *f = m_files[m_next++];
        if (f->progress().state == FileState::Done)
            continue;
        ++running;
        f->start();
    }
    if (running == 0 && m_next >= m_files.size())
        settle();
}

void DownloadJob::handleFileFinished(FileDownload *, const Status &st)
{
    if (st.ok()) {
        startMore();
        // A file that finished (verified) while the others were being stopped, after another
        // file's failure or a pause, may have been the last one running: the job ends here then.
        settle();
        return;
    }
    if (!m_failure && !m_cancelling) {
        m_failure = st.error();
        // Stop the other files; their partials stay for a later resume.
        stopFiles(FileDownload::StopMode::Pause);
    }
    settle();
}

void DownloadJob::settle()
{
    if (m_bulkStop)
        return;
    for (FileDownload *f : m_files)
        if (f->isRunning())
            return;
    if (m_ended)
        return;
    if (m_cancelling) {
        m_cancelling = false;
        removeFilesNow();
        m_ended = true;
        Q_EMIT finished(Error::make(ErrorCode::Cancelled, u"The download was cancelled"_s));
        return;
    }
    if (m_failure) {
        m_ended = true;
        Q_EMIT finished(*m_failure);
        return;
    }
    if (m_pausing) {
        m_pausing = false;
        Q_EMIT paused();
        return;
    }
    if (m_next >= m_files.size()) {
        m_ended = true;
        qCDebug(lcDownloadTiming, "%s: every file in place", qPrintable(m_ctx->download.repoId));
        Q_EMIT finished(Status());
    }
}

void DownloadJob::removeFilesNow()
{
    // Through the guarded root only: a name that would leave the folder (or pass a link) removes
    // nothing.
    for (const RemoteFile &f : m_ctx->download.files) {
        const GuardedPath path{m_ctx->root, f.path};
        FileSink::removePartials(path);
        path.remove();
    }
    // Remove the folders the files lived in, then the target itself, when left empty.
    for (const RemoteFile &f : m_ctx->download.files) {
        for (qsizetype slash = f.path.lastIndexOf(u'/'); slash > 0; slash = f.path.lastIndexOf(u'/', slash - 1)) {
            if (m_ctx->root.removeDir(QFile::encodeName(f.path.left(slash)).toStdString()) != 0)
                break; // not empty (or not ours): its parents are not empty either
        }
    }
    QDir().rmdir(m_ctx->download.targetDir);
}

void DownloadJob::stopFiles(FileDownload::StopMode mode)
{
    m_bulkStop = true;
    for (FileDownload *f : m_files)
        if (f->isRunning())
            f->stop(mode);
    m_bulkStop = false;
}

void DownloadJob::pause()
{
    if (m_ended || m_pausing || m_cancelling)
        return;
    m_pausing = true;
    stopFiles(FileDownload::StopMode::Pause);
    settle();
}

void DownloadJob::abandon()
{
    if (m_ended || m_cancelling)
        return;
    m_pausing = true;
    stopFiles(FileDownload::StopMode::Abandon);
    settle();
}

void DownloadJob::checkpointNow()
{
    if (m_cancelling)
        return;
    for (FileDownload *f : m_files)
        f->checkpointNow();
}

void DownloadJob::cancel()
{
    if (m_cancelling)
        return;
    m_cancelling = true;
    m_pausing = false;
    m_failure.reset();
    m_ended = false;
    m_bulkStop = true;
    for (FileDownload *f : m_files) // not only the running ones: finished files go too
        f->stop(FileDownload::StopMode::Cancel);
    m_bulkStop = false;
    settle();
}

DownloadProgress DownloadJob::sample()
{
    DownloadProgress p;
    p.filesTotal = int(m_files.size());
    qint64 received = 0;
    for (FileDownload *f : m_files) {
        received += f->bytesReceived();
        FileProgress fp = f->progress();
        p.bytesDone += fp.bytesDone;
        p.bytesTotal += fp.bytesTotal;
        if (fp.state == FileState::Done)
            ++p.filesDone;
        p.files.append(std::move(fp));
    }
    // The speed follows the bytes as they arrive; progress, the bytes made durable (which move
    // in checkpoint steps).
    const qint64 now = m_clock.isValid() ? m_clock.elapsed() : 0;
    m_samples.emplace_back(now, received);
    while (m_samples.size() > 2 && now - m_samples.front().first > kSpeedWindowMs)
        m_samples.pop_front();
    const auto &[t0, b0] = m_samples.front();
    if (now - t0 >= 200)
        m_speed = double(qMax<qint64>(0, received - b0)) * 1000.0 / double(now - t0);
    p.bytesPerSecond = m_speed;
    const qint64 left = p.bytesTotal - p.bytesDone;
    p.etaSeconds = left <= 0 ? 0 : (m_speed > 1 ? qint64(std::ceil(double(left) / m_speed)) : -1);
    return p;
}

} // namespace mistudio
