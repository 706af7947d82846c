#pragma once

#include <atomic>

namespace mistudio {

// The flag a running job polls: set by pause/cancel (from this or another process, through the
// worker), by shutdown, or by the worker when the job was lost (its lease expired and someone
// else owns it now). Engines' progress callbacks return false ("stop") as soon as
// stopRequested() is true. A stronger request replaces a weaker one, never the reverse:
// Lost > Cancel > Pause > Shutdown (a user's pause is kept through a shutdown).
class JobControl
{
public:
    enum class Request { None, Shutdown, Pause, Cancel, Lost };

    void request(Request r)
    {
        int current = m_request.load();
        while (int(r) > current && !m_request.compare_exchange_weak(current, int(r))) {
        }
    }
    Request requested() const { return Request(m_request.load()); }
    bool stopRequested() const { return requested() != Request::None; }

private:
    std::atomic<int> m_request{int(Request::None)};
};

} // namespace mistudio
