#include "hub/replyguard.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

namespace mistudio::hub {
namespace {

constexpr qint64 kReadPiece = 256 * 1024;

bool isSuccess(const QNetworkReply *reply)
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    return status >= 200 && status < 300;
}

} // namespace

ReplyGuard::ReplyGuard(QNetworkReply *reply, const Limits &limits, QElapsedTimer clock)
    : QObject(reply), m_reply(reply), m_limits(limits), m_clock(clock), m_tick(new QTimer(this))
{
    // QNAM reads ahead of us at most this much; we take it as it comes.
    reply->setReadBufferSize(kReadPiece);
    connect(reply, &QNetworkReply::metaDataChanged, this, [this] {
        if (m_startedAtMs >= 0)
            return;
        m_startedAtMs = m_clock.elapsed();
        m_samples.emplace_back(m_startedAtMs, m_received);
        // A body announced past the limit is refused before any of it is read (a HEAD's
        // Content-Length is the file's size, not a body).
        bool known = false;
        const qint64 announced = m_reply->header(QNetworkRequest::ContentLengthHeader).toLongLong(&known);
        if (m_reply->operation() != QNetworkAccessManager::HeadOperation && isSuccess(m_reply) && known
            && m_limits.acceptPrefix <= 0 && m_limits.body >= 0 && announced > m_limits.body)
            abortWith(Stop::TooLarge);
    });
    connect(reply, &QNetworkReply::readyRead, this, &ReplyGuard::handleReadyRead);
    connect(m_tick, &QTimer::timeout, this, &ReplyGuard::handleTick);
    m_tick->start(qBound(20, m_limits.lowSpeedWindowMs / 10, 1000));
}

qint64 ReplyGuard::limitFor(bool success) const
{
    if (!success)
        return m_limits.errorBody;
    return m_limits.acceptPrefix > 0 ? m_limits.acceptPrefix : m_limits.body;
}

void ReplyGuard::handleReadyRead()
{
    if (m_stop != Stop::None)
        return;
    if (m_startedAtMs < 0) {
        m_startedAtMs = m_clock.elapsed();
        m_samples.emplace_back(m_startedAtMs, m_received);
    }
    const bool success = isSuccess(m_reply);
    const qint64 limit = limitFor(success);
    while (m_reply->bytesAvailable() > 0) {
        const QByteArray piece = m_reply->read(qMin(m_reply->bytesAvailable(), kReadPiece));
        if (piece.isEmpty())
            break;
        m_received += piece.size();
        if (limit < 0 || m_body.size() + piece.size() <= limit) {
            m_body += piece;
            if (success && m_limits.acceptPrefix > 0 && m_body.size() == m_limits.acceptPrefix) {
                abortWith(Stop::PrefixComplete);
                return;
            }
            continue;
        }
        if (success && m_limits.acceptPrefix > 0) {
            m_body += piece.left(m_limits.acceptPrefix - m_body.size());
            abortWith(Stop::PrefixComplete);
            return;
        }
        if (success) {
            abortWith(Stop::TooLarge);
            return;
        }
        // An error answer: its start carries the message; the rest is read and dropped (aborting
        // a reply with an HTTP error would lose its status), bounded in time by the rules below.
        m_body += piece.left(limit - m_body.size());
    }
}

void ReplyGuard::handleTick()
{
    const qint64 now = m_clock.elapsed();
    if (m_limits.deadlineMs >= 0 && now >= m_limits.deadlineMs) {
        abortWith(Stop::Deadline);
        return;
    }
    if (m_startedAtMs < 0 || m_reply->isFinished())
        return;
    const qint64 window = m_limits.lowSpeedWindowMs;
    m_samples.emplace_back(now, m_received);
    while (m_samples.size() > 1 && m_samples[1].first <= now - window)
        m_samples.pop_front();
    if (now - m_startedAtMs >= window && m_samples.front().first <= now - window
        && m_received - m_samples.front().second < m_limits.lowSpeedBytes)
        abortWith(Stop::LowSpeed);
}

void ReplyGuard::cancel()
{
    if (!m_reply->isFinished())
        abortWith(Stop::Cancelled);
}

void ReplyGuard::abortWith(Stop why)
{
    if (m_stop != Stop::None)
        return;
    m_stop = why;
    m_tick->stop();
    m_reply->abort(); // finished() follows
}

QByteArray ReplyGuard::takeBody()
{
    if (m_stop == Stop::None && m_reply->isOpen())
        handleReadyRead();
    m_tick->stop();
    return std::move(m_body);
}

} // namespace mistudio::hub
