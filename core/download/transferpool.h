#pragma once

#include "download/transferworker.h"

#include <QObject>

#include <functional>
#include <vector>

class QThread;

namespace mistudio {

// Owns the transfer threads (created on demand, each with its own TransferWorker and QNAM) and
// hands out transfer slots: at most kSlotsPerWorker requests per worker, which keeps every
// QNAM under its 6-connections-per-host limit. Lives in the engine's thread.
class TransferPool final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TransferPool)
public:
    static constexpr int kSlotsPerWorker = 4;

    explicit TransferPool(QObject *parent = nullptr);
    ~TransferPool() override;

    // Starts `transfer` on the least busy worker; the result comes back through chunkEnded.
    void start(const ChunkTransfer &transfer);
    void abort(quint64 id);
    void split(quint64 id); // TransferWorker::split; the answer comes through splitDone
    int activeTransfers() const { return m_active; }
    int workerCount() const { return int(m_workers.size()); }

Q_SIGNALS:
    void chunkEnded(const mistudio::ChunkResult &result);
    void splitDone(quint64 id, bool split);

private:
    struct Worker
    {
        QThread *thread = nullptr;
        TransferWorker *worker = nullptr;
        int busy = 0;
    };
    void handleChunkEnded(const ChunkResult &result);

    std::vector<Worker> m_workers;
    QHash<quint64, int> m_owner; // transfer id → worker index
    int m_active = 0;
};

} // namespace mistudio
