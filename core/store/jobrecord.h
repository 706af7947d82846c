#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QUuid>

#include <optional>
#include <vector>

namespace mistudio {

// A persisted unit of work (download or quantize) of one model. Jobs outlive the process that
// started them: a restarted host requeues its own running jobs, and several hosts sharing a
// PostgreSQL catalogue claim queued jobs with a lease.
enum class JobKind { Download, Quantize };
enum class JobState { Queued, Running, Paused, NeedsToken, Done, Failed, Cancelled };

QString jobKindName(JobKind kind); // "download", "quantize"
std::optional<JobKind> jobKindFromName(QStringView name);
QString jobStateName(JobState state); // "queued", "running", "paused", "needs_token", ...
std::optional<JobState> jobStateFromName(QStringView name);

// The job state machine (docs/jobs.md), enforced by JobQueue:
//   queued → running (claim) | paused | cancelled (a stop request)
//   running → queued (released, lease expired) | paused | needs_token | done | failed | cancelled
//   paused | needs_token → queued (resume) | cancelled
// done, failed and cancelled are final: a retry is a new job. Leaving `running` clears the
// owner and the lease.
bool isAllowedJobTransition(JobState from, JobState to);
// done, failed, cancelled: nothing will run any more.
bool isFinishedJobState(JobState state);
// queued, running, paused, needs_token: at most one such job per model (a unique index).
bool isActiveJobState(JobState state);

// A request, written on the row by any process, that the job's owner stops it.
enum class StopRequest { Pause, Cancel };
QString stopRequestName(StopRequest request); // "pause", "cancel"
std::optional<StopRequest> stopRequestFromName(QStringView name);

// The version of the job format this build writes and understands: a worker claims only jobs
// whose spec_version is at most this, so an older worker never runs a job it cannot read.
inline constexpr int kJobSpecVersion = 1;

// What proves that a worker still owns a running job: every write it makes is conditioned on
// all three (docs/jobs.md, "fencing").
struct JobFence
{
    QUuid jobId;
    QString ownerId;
    qint64 claimSeq = 0;
};

struct JobRecord
{
    QUuid id;
    QUuid modelId;
    JobKind kind = JobKind::Download;
    JobState state = JobState::Queued;
    QJsonObject params; // what the job needs to run again; never a token
    QString device = QStringLiteral("auto"); // requested: auto | cpu | cuda:N
    QString runDevice;  // where it runs or ran (set by the claim)
    QString ownerId;    // the process instance running it (host/boot/pid/start), empty unless running
    QString ownerHost;  // that process's host name, for display
    qint64 claimSeq = 0; // incremented by every claim: the fence
    QDateTime leaseUntil; // UTC; a running job whose lease passed is requeued by any process
    std::optional<StopRequest> requestedStop; // pause/cancel asked of the running owner
    QString affinityId; // a process holding this job's token in memory; others wait while it lives
    double position = 0; // queue order (claims take the lowest first)
    int specVersion = kJobSpecVersion;
    double progress = 0; // 0..100, saved by the owner about once a second
    QJsonObject progressDetail; // the owner's last progress snapshot (bytes, speed, files)
    int attempts = 0;     // times it was claimed
    QString lastError;
    QDateTime createdAt; // UTC
    QDateTime updatedAt; // UTC

    JobFence fence() const { return JobFence{id, ownerId, claimSeq}; }
    bool isActive() const { return isActiveJobState(state); }

    // {"id","model_id","kind","state","params","device","run_device","owner_id","owner_host",
    //  "claim_seq","lease_until","requested_stop","position","progress","attempts","last_error",
    //  "created_at","updated_at"}; unknown values are null.
    QJsonObject toJson() const;
};

struct NewJob
{
    QUuid modelId;
    JobKind kind = JobKind::Download;
    QJsonObject params;
    QString device = QStringLiteral("auto");
    QString affinityId; // see JobRecord::affinityId
};

struct JobQuery
{
    std::optional<QUuid> modelId;
    std::optional<JobKind> kind;
    std::vector<JobState> states; // empty: any state
};

} // namespace mistudio
