#pragma once

#include "modelbackend.h"
#include "rowstate.h"
#include "store/modelrecord.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QTimer>
#include <QUuid>

#include <array>
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
    // The order of the columns as first shown: what a user watches (status and progress) comes
    // right after the name, so that it stays on screen in a narrow window.
    enum Column
    {
        Name,
        Status,
        Parameters,
        Quantization,
        SizeOnDisk,
        Revision,
        RepoId,
        Updated,
        ColumnCount
    };
    Q_ENUM(Column)

    // "4-bit (bnb)", "8-bit (bnb)", "None": the words for a quantization mode, shared with the
    // details pane so that both say the same.
    static QString quantizationText(const QString &mode);

    enum Role
    {
        SortRole = Qt::UserRole + 1, // raw value for sorting
        IdRole,
        StatusRole,        // int(ModelStatus)
        RowStateRole,      // int(RowState): what the row shows (derived, see rowstate.h)
        ActiveRole,        // bool: a job is running and has progress
        PausedRole,        // bool: its job is paused (partial data kept)
        ShowsBarRole,      // bool: the status cell draws a progress bar (running or paused)
        PercentRole,       // double 0..100
        BytesDoneRole,     // qint64, -1 unknown
        BytesTotalRole,    // qint64, -1 unknown
        SpeedRole,         // double bytes/s, -1 unknown
        EtaRole,           // qint64 seconds, -1 unknown
        PhaseRole,         // int(JobProgress::Phase)
        QueuePositionRole, // int, 0 when not queued
        ErrorRole,         // QString
        FilePathRole,      // QString
        DetailRole,        // QString: the status cell's full text (also its tooltip)
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
    // The active jobs of every model (the service's list): rows without one have no job.
    void setJobs(const QList<JobView> &jobs);

    int rowOf(const QUuid &id) const;
    const ModelRecord *record(int row) const;
    const ModelRecord *record(const QUuid &id) const;
    std::optional<JobProgress> progress(const QUuid &id) const;
    std::optional<JobInfo> job(const QUuid &id) const;
    RowState rowState(int row) const;
    // Models in each filter category (All counts every row).
    int count(FilterCategory category) const;
    // Bytes on disk of every model: downloads and their quantized variants.
    qint64 librarySize() const;
    // Sum of the speeds of the downloads that run, and the number of jobs (any state).
    double totalSpeed() const;
    int activeJobCount() const;
    int queuedJobCount() const;
    // Queued models in queue order (what Move up/down reorder).
    QList<QUuid> queue() const;

    // How often queued updates are applied (default 200 ms); 0 applies them immediately.
    void setFlushInterval(int ms);
    // Applies queued updates now (tests and the bench call it; the timer does otherwise).
    void flush();
    // Number of dataChanged signals emitted so far (the batching is observable in tests).
    quint64 dataChangedCount() const { return m_dataChangedCount; }

    // A status cell's text: "Downloading · 63.4 % · 1.05 GB / 1.66 GB · 48.2 MB/s · 13 s left".
    QString detailText(int row) const;

Q_SIGNALS:
    // Counts, total speed or jobs changed (the filter bar and the status bar follow).
    void summaryChanged();

private:
    struct Row
    {
        ModelRecord record;
        std::optional<JobProgress> progress;
        std::optional<JobInfo> job;
    };

    void scheduleFlush();
    void rebuildIndex(int fromRow);
    void markSummaryDirty();
    void recount() const;
    QVariant displayData(const Row &row, int column) const;
    QVariant sortData(const Row &row, int column) const;
    QString toolTip(const Row &row, int column) const;
    double percentOf(const Row &row) const;

    std::vector<Row> m_rows;
    QHash<QUuid, int> m_index;
    QHash<QUuid, ModelRecord> m_pendingRecords;
    QHash<QUuid, JobProgress> m_pendingProgress;
    QHash<QUuid, JobInfo> m_jobs; // the latest list, also for rows that arrive after it
    QTimer m_flushTimer;
    QTimer m_summaryTimer;
    quint64 m_dataChangedCount = 0;
    mutable bool m_countsDirty = true;
    mutable std::array<int, kFilterCategoryCount> m_counts{};
    mutable qint64 m_librarySize = 0;
};

} // namespace mistudio::ui
