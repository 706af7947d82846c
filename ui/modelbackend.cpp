#include "modelbackend.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui {

QHash<QUuid, JobInfo> jobInfos(const QList<JobView> &jobs)
{
    QHash<QUuid, JobInfo> out;
    int queued = 0;
    for (const JobView &j : jobs) {
        JobInfo info;
        info.jobId = j.id;
        info.phase =
            j.kind == u"quantize"_s ? JobProgress::Phase::Quantize : JobProgress::Phase::Download;
        if (j.state == u"running"_s)
            info.state = JobInfo::State::Running;
        else if (j.state == u"paused"_s)
            info.state = JobInfo::State::Paused;
        else if (j.state == u"needs_token"_s)
            info.state = JobInfo::State::NeedsToken;
        else if (j.state == u"queued"_s)
            info.state = JobInfo::State::Queued;
        else
            continue; // finished: not active any more
        if (info.state == JobInfo::State::Queued)
            info.queuePosition = ++queued; // the service lists queued jobs in queue order
        info.stopping = !j.requestedStop.isEmpty();
        info.device = j.device;
        info.ownerHost = j.ownerHost;
        info.transfer = j.transfer;
        out.insert(j.modelId, info);
    }
    return out;
}

VerificationInfo verificationInfo(const LibraryRecord &record)
{
    VerificationInfo out;
    out.state = record.verifyState;
    out.verifiedAt = record.verifiedAt;
    out.files = record.verifyReport.value(u"files"_s).toInt();
    out.failures = record.verifyReport.value(u"failures"_s).toInt();
    const QJsonArray failed = record.verifyReport.value(u"failed"_s).toArray();
    if (!failed.isEmpty()) {
        out.firstBadFile = failed.first().toObject().value(u"path"_s).toString();
        out.firstBadReason = failed.first().toObject().value(u"state"_s).toString();
    }
    return out;
}

} // namespace mistudio::ui
