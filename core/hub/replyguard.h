#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>

#include <deque>
#include <utility>

class QNetworkReply;
class QTimer;

namespace mistudio::hub {

// Watches one Hub reply so that a hostile or broken server cannot make us hold much, wait long or
// hang: reads the body as it arrives into a buffer that never passes its limit (the reply is
// aborted the moment it would), stops early once a wanted prefix is in (a Range the server
// ignored), aborts an answer that drips (fewer than lowSpeedBytes in the last lowSpeedWindowMs once
// it started), one still running at the call's deadline, and one whose call was cancelled. A child
// of the reply; lives in its thread.
class ReplyGuard final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReplyGuard)

public:
    enum class Stop { None, TooLarge, PrefixComplete, LowSpeed, Deadline, Cancelled };

    struct Limits
    {
        qint64 body = -1;          // bytes of a 2xx body; more → TooLarge (-1: no limit)
        qint64 acceptPrefix = -1;  // > 0: a 2xx body is complete once this many bytes are in
        qint64 errorBody = 64 << 10; // bytes kept of a non-2xx body (the rest is not read)
        int lowSpeedBytes = 1024;
        int lowSpeedWindowMs = 15000;
        qint64 deadlineMs = -1;    // on `clock`; -1: none
    };

    ReplyGuard(QNetworkReply *reply, const Limits &limits, QElapsedTimer clock);

    void cancel();
    Stop stop() const { return m_stop; }
    // The body read so far plus what is still buffered, within the limits. Call once it finished.
    QByteArray takeBody();
    qint64 limitFor(bool success) const;

private:
    void handleReadyRead();
    void handleTick();
    void abortWith(Stop why);

    QNetworkReply *m_reply;
    Limits m_limits;
    QElapsedTimer m_clock;
    QTimer *m_tick = nullptr;
    QByteArray m_body;
    qint64 m_received = 0;   // body bytes seen, also those not kept
    qint64 m_startedAtMs = -1; // when the headers arrived
    std::deque<std::pair<qint64, qint64>> m_samples; // (ms, received)
    Stop m_stop = Stop::None;
};

} // namespace mistudio::hub
