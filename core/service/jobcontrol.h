#pragma once

#include <atomic>

namespace mistudio {

// The flag a running job polls: set by cancel/pause/shutdown from any thread. Engines'
// progress callbacks return false ("stop") as soon as stopRequested() is true.
class JobControl
{
public:
    enum class Request { None, Cancel, Pause, Shutdown };

    void request(Request r) { m_request.store(int(r)); }
    Request requested() const { return Request(m_request.load()); }
    bool stopRequested() const { return requested() != Request::None; }

private:
    std::atomic<int> m_request{int(Request::None)};
};

} // namespace mistudio
