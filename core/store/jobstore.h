#pragma once

#include "common/result.h"
#include "store/jobrecord.h"

#include <chrono>
#include <optional>
#include <vector>

namespace mistudio {

// Persisted jobs (the `jobs` table). Same threading rule as ModelStore: any thread, each on its
// own connection. Every state change is a compare-and-set on the current state, so two threads
// or two hosts never both win the same job.
class JobStore
{
public:
    virtual ~JobStore() = default;

    // A queued job. NotFound when the model does not exist.
    virtual Result<JobRecord> create(const NewJob &job) = 0;
    virtual Result<JobRecord> get(const QUuid &id) = 0;
    // Oldest first.
    virtual Result<std::vector<JobRecord>> list(const JobQuery &query) = 0;

    // Atomically takes the oldest queued job (or a running one whose lease has expired) of
    // the given kinds (all when empty): state running, owner ownerHost, lease now + lease,
    // attempts + 1. An empty optional when there is nothing to do.
    virtual Result<std::optional<JobRecord>> claim(const QString &ownerHost,
                                                   std::chrono::milliseconds lease,
                                                   const std::vector<JobKind> &kinds = {}) = 0;
    // Extends the lease of a running job ownerHost holds; Conflict when it no longer does.
    virtual Status renewLease(const QUuid &id, const QString &ownerHost,
                              std::chrono::milliseconds lease) = 0;
    // Enforces isAllowedJobTransition atomically; illegal → IllegalTransition, nothing written.
    // lastError, when not empty, is stored (failed, needs_token, ...).
    virtual Result<JobRecord> transition(const QUuid &id, JobState to, const QString &lastError = {}) = 0;
    virtual Result<JobRecord> updateParams(const QUuid &id, const QJsonObject &params) = 0;
    // After a restart: the jobs ownerHost was running go back to queued. Returns how many.
    virtual Result<int> requeueOwnedBy(const QString &ownerHost) = 0;
    virtual Status remove(const QUuid &id) = 0;
};

} // namespace mistudio
