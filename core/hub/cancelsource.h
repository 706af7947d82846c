#pragma once

#include <QObject>

#include <atomic>

namespace mistudio::hub {

// Cancels Hub calls in flight, from any thread: every HubClient whose HubOptions::cancel is this
// source aborts its requests (their callbacks get ErrorCode::Cancelled, on the client's own
// thread) and refuses new ones from then on. The service fires it on shutdown, so that a preview
// waiting on a slow or hostile Hub does not hold the process.
class CancelSource final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CancelSource)

public:
    CancelSource() = default;

    void cancel(); // idempotent
    bool isCancelled() const { return m_cancelled.load(); }

Q_SIGNALS:
    void cancelled();

private:
    std::atomic<bool> m_cancelled{false};
};

} // namespace mistudio::hub
