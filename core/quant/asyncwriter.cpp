#include "quant/asyncwriter.h"

#include <algorithm>
#include <chrono>

namespace mistudio::quant {

AsyncWriter::AsyncWriter(uint64_t budgetBytes, unsigned threads) : m_budget(budgetBytes)
{
    for (unsigned i = 0; i < std::max(1u, threads); ++i)
        m_threads.emplace_back([this] { loop(); });
}

AsyncWriter::~AsyncWriter()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
        m_queue.clear();
        m_background.clear();
    }
    m_cv.notify_all();
    for (auto &t : m_threads)
        t.join();
}

void AsyncWriter::loop()
{
    std::unique_lock lock(m_mutex);
    while (true) {
        m_cv.wait(lock, [&] { return m_stop || !m_queue.empty() || !m_background.empty(); });
        if (m_stop)
            return;
        auto &from = !m_queue.empty() ? m_queue : m_background;
        Task task = std::move(from.front());
        from.pop_front();
        ++m_busy;
        const bool skip = !m_error.ok();
        lock.unlock();
        Status s = skip ? Status() : task.fn();
        task.fn = nullptr; // free the task's buffers before accounting for them
        lock.lock();
        if (!s.ok() && m_error.ok())
            m_error = s;
        m_queuedBytes -= task.bytes;
        --m_busy;
        m_cv.notify_all();
    }
}

void AsyncWriter::push(std::function<Status()> task, uint64_t bytes)
{
    std::unique_lock lock(m_mutex);
    // Always admit one task when nothing is queued, however large.
    auto admitted = [&] { return m_stop || m_queuedBytes == 0 || m_queuedBytes + bytes <= m_budget; };
    if (!admitted()) {
        const auto t0 = std::chrono::steady_clock::now();
        m_cv.wait(lock, admitted);
        m_blocked += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    m_queuedBytes += bytes;
    m_queue.push_back(Task{std::move(task), bytes});
    m_cv.notify_all();
}

void AsyncWriter::pushBackground(std::function<Status()> task)
{
    std::lock_guard lock(m_mutex);
    m_background.push_back(Task{std::move(task), 0});
    m_cv.notify_all();
}

Status AsyncWriter::drain()
{
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [&] { return m_stop || (m_queue.empty() && m_background.empty() && m_busy == 0); });
    return m_error;
}

double AsyncWriter::blockedSeconds() const
{
    std::lock_guard lock(m_mutex);
    return m_blocked;
}

bool AsyncWriter::failed() const
{
    std::lock_guard lock(m_mutex);
    return !m_error.ok();
}

} // namespace mistudio::quant
