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

// The job state machine, enforced by JobStore::transition:
//   queued → running (claim) | cancelled
//   running → queued (requeue, lease lost) | paused | needs_token | done | failed | cancelled
//   paused | needs_token → queued (resume) | cancelled
//   failed | cancelled → queued (retry)
// done is final. Leaving `running` clears the owner and the lease.
bool isAllowedJobTransition(JobState from, JobState to);
// done, failed, cancelled: nothing will run unless someone retries.
bool isFinishedJobState(JobState state);

struct JobRecord
{
    QUuid id;
    QUuid modelId;
    JobKind kind = JobKind::Download;
    JobState state = JobState::Queued;
    QJsonObject params; // what the job needs to run again; never a token
    QString ownerHost;  // the host running it, empty unless running
    QDateTime leaseUntil; // UTC; a running job whose lease passed may be claimed by another host
    int attempts = 0;     // times it was claimed
    QString lastError;
    QDateTime createdAt; // UTC
    QDateTime updatedAt; // UTC

    // {"id","model_id","kind","state","params","owner_host","lease_until","attempts",
    //  "last_error","created_at","updated_at"}; unknown values are null.
    QJsonObject toJson() const;
};

struct NewJob
{
    QUuid modelId;
    JobKind kind = JobKind::Download;
    QJsonObject params;
};

struct JobQuery
{
    std::optional<QUuid> modelId;
    std::optional<JobKind> kind;
    std::vector<JobState> states; // empty: any state
};

} // namespace mistudio
