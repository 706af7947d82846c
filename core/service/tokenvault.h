#pragma once

#include <QHash>
#include <QMutex>
#include <QString>
#include <QUuid>

namespace mistudio {

// Hub tokens given with a request (download, resume, retry), kept in this process's memory only
// (never in the catalogue, a log or an event), by model: a model has at most one active job.
// The job carries this process as its affinity, so that only this process runs it while alive.
class TokenVault final
{
public:
    void put(const QUuid &modelId, const QString &token)
    {
        QMutexLocker lock(&m_mutex);
        if (token.isEmpty())
            m_tokens.remove(modelId);
        else
            m_tokens.insert(modelId, token);
    }
    QString get(const QUuid &modelId) const
    {
        QMutexLocker lock(&m_mutex);
        return m_tokens.value(modelId);
    }
    void forget(const QUuid &modelId)
    {
        QMutexLocker lock(&m_mutex);
        m_tokens.remove(modelId);
    }

private:
    mutable QMutex m_mutex;
    QHash<QUuid, QString> m_tokens;
};

} // namespace mistudio
