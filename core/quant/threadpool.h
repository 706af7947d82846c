#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace mistudio::quant {

// A fixed set of worker threads running parallelFor() jobs; the calling thread works too.
class ThreadPool final
{
public:
    explicit ThreadPool(unsigned threads = 0); // 0 = hardware concurrency
    ~ThreadPool();
    ThreadPool(const ThreadPool &) = delete;
    ThreadPool &operator=(const ThreadPool &) = delete;

    unsigned size() const { return unsigned(m_workers.size()) + 1; }
    // Calls fn(begin, end) over [0, n) in chunks of `grain`, on all threads; returns when done.
    void parallelFor(size_t n, size_t grain, const std::function<void(size_t, size_t)> &fn);

private:
    void workerLoop();
    void runChunks(std::unique_lock<std::mutex> &lock);

    std::vector<std::thread> m_workers;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_done;
    const std::function<void(size_t, size_t)> *m_fn = nullptr;
    size_t m_n = 0;
    size_t m_grain = 1;
    size_t m_next = 0;
    unsigned m_active = 0;
    unsigned long m_generation = 0;
    bool m_stop = false;
};

} // namespace mistudio::quant
