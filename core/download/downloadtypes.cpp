#include "download/downloadtypes.h"

#include <QJsonArray>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {

Q_LOGGING_CATEGORY(lcDownloadTiming, "mistudio.download.timing", QtWarningMsg)

namespace {
double rounded(double v, int decimals)
{
    const double f = std::pow(10.0, decimals);
    return std::round(v * f) / f;
}
} // namespace

qint64 PinnedDownload::totalBytes() const
{
    qint64 total = 0;
    for (const RemoteFile &f : files)
        total += qMax<qint64>(0, f.size);
    return total;
}

QString fileStateName(FileState state)
{
    switch (state) {
    case FileState::Queued: return u"queued"_s;
    case FileState::Downloading: return u"downloading"_s;
    case FileState::Retrying: return u"retrying"_s;
    case FileState::Verifying: return u"verifying"_s;
    case FileState::Done: return u"done"_s;
    case FileState::Failed: return u"failed"_s;
    case FileState::Paused: return u"paused"_s;
    }
    return u"queued"_s;
}

QJsonObject FileProgress::toJson() const
{
    QJsonObject o{{u"path"_s, path},
                  {u"bytes_done"_s, bytesDone},
                  {u"bytes_total"_s, bytesTotal},
                  {u"state"_s, fileStateName(state)}};
    if (state == FileState::Retrying && !retryCause.isEmpty())
        o.insert(u"retry_cause"_s, retryCause);
    if (retries > 0) {
        o.insert(u"retries"_s, retries);
        o.insert(u"last_retry_cause"_s, lastRetryCause);
    }
    return o;
}

QJsonObject DownloadProgress::toJson() const
{
    const double pct = bytesTotal > 0 ? 100.0 * double(bytesDone) / double(bytesTotal)
                                      : (filesTotal > 0 && filesDone == filesTotal ? 100.0 : 0.0);
    return QJsonObject{{u"progress"_s, rounded(pct, 1)},
                       {u"downloaded_gb"_s, rounded(double(bytesDone) / 1e9, 3)},
                       {u"total_gb"_s, rounded(double(bytesTotal) / 1e9, 3)},
                       {u"speed_mbps"_s, rounded(bytesPerSecond / 1e6, 2)},
                       {u"eta_seconds"_s, etaSeconds},
                       {u"files_done"_s, filesDone},
                       {u"files_total"_s, filesTotal}};
}

QJsonObject DownloadProgress::toDetailedJson() const
{
    QJsonObject o = toJson();
    QJsonArray arr;
    for (const FileProgress &f : files)
        arr.append(f.toJson());
    o.insert(u"files"_s, arr);
    return o;
}

} // namespace mistudio
