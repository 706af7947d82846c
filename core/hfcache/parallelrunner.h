#pragma once

#include "common/result.h"
#include "hfcache/hfcachetypes.h"

#include <QString>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>

namespace mistudio::hfcache {

// Runs one job per file on a few threads while the calling thread reports progress, so that a
// progress callback never runs on a worker and a slow callback never stalls the disk.
// The first job that fails stops the others (they see stopping()) and its error is returned;
// a progress callback returning false does the same with `cancelled`.
class ParallelRunner final
{
public:
    // threads <= 0: one per core, at most 4 (more only queue on the same disk).
    ParallelRunner(int threads, int progressIntervalMs);
    Q_DISABLE_COPY_MOVE(ParallelRunner)

    using Job = std::function<Status(int index)>;
    Status run(int count, qint64 totalBytes, const Job &job, const ProgressFn &progress);

    // For jobs: count bytes done; returns false once the run is stopping.
    bool addBytes(qint64 bytes);
    bool stopping() const { return m_stop.load(std::memory_order_relaxed); }

private:
    void worker(int count, const Job &job);
    void fail(const Error &error);

    int m_threads;
    int m_intervalMs;
    std::atomic<int> m_next{0};
    std::atomic<int> m_filesDone{0};
    std::atomic<qint64> m_bytesDone{0};
    std::atomic<bool> m_stop{false};
    std::mutex m_mutex;
    std::condition_variable m_wake;
    int m_running = 0;
    bool m_failed = false;
    Error m_error;
};

} // namespace mistudio::hfcache
