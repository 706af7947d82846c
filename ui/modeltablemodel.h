#pragma once

#include "modelbackend.h"
#include "store/modelrecord.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QTimer>
#include <QUuid>

#include <optional>
#include <vector>

namespace mistudio::ui {

// The catalogue as the Models panel shows it. Live updates (record changes and job progress)
// are queued and applied by a coalescing timer, so a download emits a handful of dataChanged
// per second for the rows that moved, never one per byte.
class ModelTableModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ModelTableModel)

public:
    enum Column
    {
        Name,
        RepoId,
        Revision,
        Parameters,
        Quantization,
        SizeOnDisk,
        Status,
        Updated,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role
    {
        SortRole = Qt::UserRole + 1, // raw value for sorting
        IdRole,
        StatusRole,     // int(ModelStatus)
        ActiveRole,     // bool: a job is running and has progress
        PausedRole,     // bool
        PercentRole,    // double 0..100
        BytesDoneRole,  // qint64, -1 unknown
        BytesTotalRole, // qint64, -1 unknown
        SpeedRole,      // double bytes/s, -1 unknown
        EtaRole,        // qint64 seconds, -1 unknown
        PhaseRole,      // int(JobProgress::Phase)
        ErrorRole,      // QString
        FilePathRole,   // QString
    };

    explicit ModelTableModel(QObject *parent = nullptr);
    ~ModelTableModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    void setRecords(std::vector<ModelRecord> records);
    // Adds rows after the existing ones (a later batch of the catalogue); known ids are updated.
    void appendRecords(std::vector<ModelRecord> records);
    // Inserts a new record at once; an existing one is updated with the next flush.
    void upsert(const ModelRecord &record);
    void remove(const QUuid &id);
    void setProgress(const QUuid &id, const JobProgress &progress);
    void setPaused(const QUuid &id, bool paused);

    int rowOf(const QUuid &id) const;
    const ModelRecord *record(int row) const;
    const ModelRecord *record(const QUuid &id) const;
    std::optional<JobProgress> progress(const QUuid &id) const;

    // How often queued updates are applied (default 200 ms); 0 applies them immediately.
    void setFlushInterval(int ms);
    // Applies queued updates now (tests and the bench call it; the timer does otherwise).
    void flush();
    // Number of dataChanged signals emitted so far (the batching is observable in tests).
    quint64 dataChangedCount() const { return m_dataChangedCount; }

private:
    struct Row
    {
        ModelRecord record;
        std::optional<JobProgress> progress;
        bool paused = false;
    };

    void scheduleFlush();
    void rebuildIndex(int fromRow);
    QVariant displayData(const Row &row, int column) const;
    QVariant sortData(const Row &row, int column) const;

    std::vector<Row> m_rows;
    QHash<QUuid, int> m_index;
    QHash<QUuid, ModelRecord> m_pendingRecords;
    QHash<QUuid, JobProgress> m_pendingProgress;
    QTimer m_flushTimer;
    quint64 m_dataChangedCount = 0;
};

QString statusText(ModelStatus status);

} // namespace mistudio::ui
