#include "common/transferprogress.h"

#include <algorithm>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {

QString TransferFile::stateName(State s)
{
    switch (s) {
    case State::Queued: return u"queued"_s;
    case State::Downloading: return u"downloading"_s;
    case State::Retrying: return u"retrying"_s;
    case State::Verifying: return u"verifying"_s;
    case State::Done: return u"done"_s;
    case State::Failed: return u"failed"_s;
    case State::Paused: return u"paused"_s;
    }
    return u"queued"_s;
}

double TransferProgress::percent() const
{
    return totalBytes > 0 ? std::min(100.0, 100.0 * double(downloadedBytes) / double(totalBytes)) : 0.0;
}

qint64 TransferProgress::etaSeconds() const
{
    if (totalBytes <= 0 || bytesPerSecond <= 0.0 || downloadedBytes > totalBytes)
        return -1;
    return qint64(std::ceil(double(totalBytes - downloadedBytes) / bytesPerSecond));
}

} // namespace mistudio
