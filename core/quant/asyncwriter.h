#pragma once

#include "quant/quanterror.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace mistudio::quant {

// Runs write tasks on I/O threads, so that disk writes overlap the compute of later tensors. One
// thread for page-cache writes (ext4 serializes them on the inode lock: a second thread only
// spins); several for direct writes into a preallocated file, which ext4 runs side by side while
// each thread waits on the disk. Tasks that own buffers count their bytes against a budget:
// push() blocks while the queued bytes exceed it, which bounds the memory held by pending output.
// Tasks that hold no memory (in-kernel copies of unchanged tensors) go to a background queue that
// the threads serve only when no buffer is waiting, so they never hold back the buffers that
// block the producer.
// Tasks may run in any order (background tasks after later buffered ones): they must write to
// places of their own.
class AsyncWriter final
{
public:
    explicit AsyncWriter(uint64_t budgetBytes, unsigned threads = 1);
    ~AsyncWriter(); // abandons pending tasks and joins
    AsyncWriter(const AsyncWriter &) = delete;
    AsyncWriter &operator=(const AsyncWriter &) = delete;

    void push(std::function<Status()> task, uint64_t bytes);
    void pushBackground(std::function<Status()> task);
    Status drain();           // waits for every queued task; the first error, if any
    bool failed() const;      // a task has failed (later ones are skipped)
    double blockedSeconds() const; // total time push() waited for the budget

private:
    void loop();

    struct Task
    {
        std::function<Status()> fn;
        uint64_t bytes = 0;
    };
    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<Task> m_queue;
    std::deque<Task> m_background;
    uint64_t m_budget;
    uint64_t m_queuedBytes = 0;
    unsigned m_busy = 0; // tasks running
    double m_blocked = 0;
    bool m_stop = false;
    Status m_error;
    std::vector<std::thread> m_threads;
};

} // namespace mistudio::quant
