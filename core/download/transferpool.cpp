#include "download/transferpool.h"

#include <QThread>

namespace mistudio {

TransferPool::TransferPool(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<ChunkTransfer>();
    qRegisterMetaType<ChunkResult>();
}

TransferPool::~TransferPool()
{
    for (Worker &w : m_workers) {
        // The worker (and its QNAM) is destroyed in its own thread, then the thread ends.
        QMetaObject::invokeMethod(w.worker, [worker = w.worker] { delete worker; }, Qt::QueuedConnection);
        w.thread->quit();
    }
    for (Worker &w : m_workers) {
        w.thread->wait();
        delete w.thread;
    }
}

void TransferPool::start(const ChunkTransfer &transfer)
{
    int best = -1;
    for (int i = 0; i < int(m_workers.size()); ++i) {
        if (m_workers[size_t(i)].busy < kSlotsPerWorker
            && (best < 0 || m_workers[size_t(i)].busy < m_workers[size_t(best)].busy))
            best = i;
    }
    if (best < 0) {
        Worker w;
        w.thread = new QThread;
        w.thread->setObjectName(QStringLiteral("download-%1").arg(m_workers.size()));
        w.worker = new TransferWorker;
        w.worker->moveToThread(w.thread);
        connect(w.worker, &TransferWorker::chunkEnded, this, &TransferPool::handleChunkEnded, Qt::QueuedConnection);
        connect(w.worker, &TransferWorker::splitDone, this, &TransferPool::splitDone, Qt::QueuedConnection);
        w.thread->start();
        m_workers.push_back(w);
        best = int(m_workers.size()) - 1;
    }
    Worker &w = m_workers[size_t(best)];
    ++w.busy;
    ++m_active;
    m_owner.insert(transfer.id, best);
    QMetaObject::invokeMethod(w.worker, [worker = w.worker, transfer] { worker->start(transfer); },
                              Qt::QueuedConnection);
}

void TransferPool::abort(quint64 id)
{
    const auto it = m_owner.constFind(id);
    if (it == m_owner.constEnd())
        return;
    TransferWorker *worker = m_workers[size_t(*it)].worker;
    QMetaObject::invokeMethod(worker, [worker, id] { worker->abort(id); }, Qt::QueuedConnection);
}

void TransferPool::split(quint64 id)
{
    const auto it = m_owner.constFind(id);
    if (it == m_owner.constEnd())
        return;
    TransferWorker *worker = m_workers[size_t(*it)].worker;
    QMetaObject::invokeMethod(worker, [worker, id] { worker->split(id); }, Qt::QueuedConnection);
}

void TransferPool::handleChunkEnded(const ChunkResult &result)
{
    const auto it = m_owner.find(result.id);
    if (it != m_owner.end()) {
        --m_workers[size_t(*it)].busy;
        --m_active;
        m_owner.erase(it);
    }
    Q_EMIT chunkEnded(result);
}

} // namespace mistudio
