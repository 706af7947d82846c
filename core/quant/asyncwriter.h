#pragma once

#include "quant/quanterror.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace mistudio::quant {

// Runs write tasks in order on one thread, so that disk writes overlap the next tensor's
// compute. Tasks that own buffers count their bytes against a budget: push() blocks while the
// queued bytes exceed it, which bounds the memory held by pending output.
class AsyncWriter final
{
public:
    explicit AsyncWriter(uint64_t budgetBytes);
    ~AsyncWriter(); // abandons pending tasks and joins
    AsyncWriter(const AsyncWriter &) = delete;
    AsyncWriter &operator=(const AsyncWriter &) = delete;

    void push(std::function<Status()> task, uint64_t bytes);
    Status drain();           // waits for every queued task; the first error, if any
    bool failed() const;      // a task has failed (later ones are skipped)

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
    uint64_t m_budget;
    uint64_t m_queuedBytes = 0;
    bool m_busy = false;
    bool m_stop = false;
    Status m_error;
    std::thread m_thread;
};

} // namespace mistudio::quant
