#include "modeltablemodel.h"

#include "common/units.h"

#include <QLocale>
#include <QSet>

#include <algorithm>
#include <iterator>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui {

QString statusText(ModelStatus status)
{
    switch (status) {
    case ModelStatus::Pending:
        return ModelTableModel::tr("Pending");
    case ModelStatus::Downloading:
        return ModelTableModel::tr("Downloading");
    case ModelStatus::Quantizing:
        return ModelTableModel::tr("Quantizing");
    case ModelStatus::Ready:
        return ModelTableModel::tr("Ready");
    case ModelStatus::Failed:
        return ModelTableModel::tr("Failed");
    }
    return {};
}

static QString quantizationText(const QString &mode)
{
    if (mode == u"bnb-4bit"_s)
        return ModelTableModel::tr("4-bit (bnb)");
    if (mode == u"bnb-8bit"_s)
        return ModelTableModel::tr("8-bit (bnb)");
    if (mode.isEmpty() || mode == u"none"_s)
        return ModelTableModel::tr("None");
    return mode;
}

ModelTableModel::ModelTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(200);
    connect(&m_flushTimer, &QTimer::timeout, this, &ModelTableModel::flush);
}

ModelTableModel::~ModelTableModel() = default;

int ModelTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ModelTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ModelTableModel::displayData(const Row &row, int column) const
{
    const ModelRecord &r = row.record;
    switch (column) {
    case Name:
        return r.name;
    case RepoId:
        return r.repoId;
    case Revision:
        return r.commitSha.isEmpty() || r.revision == r.commitSha
                   ? r.revision
                   : QString(r.revision + u" ("_s + r.commitSha.left(7) + u')');
    case Parameters:
        return r.paramsCount ? formatParamCount(*r.paramsCount) : QString();
    case Quantization:
        return quantizationText(r.quantization);
    case SizeOnDisk:
        return r.sizeBytes ? formatBytes(*r.sizeBytes) : QString();
    case Status:
        if (row.paused)
            return tr("Paused");
        return statusText(r.status);
    case Updated:
        return r.updatedAt.isValid()
                   ? QLocale().toString(r.updatedAt.toLocalTime(), QLocale::ShortFormat)
                   : QString();
    }
    return {};
}

QVariant ModelTableModel::sortData(const Row &row, int column) const
{
    const ModelRecord &r = row.record;
    switch (column) {
    case Parameters:
        return r.paramsCount.value_or(-1);
    case SizeOnDisk:
        return r.sizeBytes.value_or(-1);
    case Status:
        return int(r.status);
    case Updated:
        return r.updatedAt;
    default:
        return displayData(row, column);
    }
}

QVariant ModelTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[size_t(index.row())];
    const ModelRecord &r = row.record;
    const JobProgress p = row.progress.value_or(JobProgress{});
    switch (role) {
    case Qt::DisplayRole:
        return displayData(row, index.column());
    case Qt::ToolTipRole:
        if (index.column() == Status && r.status == ModelStatus::Failed &&
            !r.errorMessage.isEmpty())
            return tr("Failed: %1").arg(r.errorMessage);
        if (index.column() == Revision && !r.commitSha.isEmpty())
            return r.commitSha;
        if (index.column() == Parameters && r.paramsCount)
            return QLocale().toString(*r.paramsCount);
        if (index.column() == SizeOnDisk && r.sizeBytes)
            return tr("%1 bytes").arg(QLocale().toString(*r.sizeBytes));
        if (index.column() == Name || index.column() == RepoId)
            return r.filePath.isEmpty() ? r.repoId : r.filePath;
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == Parameters || index.column() == SizeOnDisk)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case SortRole:
        return sortData(row, index.column());
    case IdRole:
        return r.id;
    case StatusRole:
        return int(r.status);
    case ActiveRole:
        return row.progress.has_value() &&
               (r.status == ModelStatus::Downloading || r.status == ModelStatus::Quantizing);
    case PausedRole:
        return row.paused;
    case PercentRole:
        return row.progress ? p.percent : r.progress;
    case BytesDoneRole:
        return p.bytesDone;
    case BytesTotalRole:
        return p.bytesTotal;
    case SpeedRole:
        return p.bytesPerSecond;
    case EtaRole:
        return p.etaSeconds;
    case PhaseRole:
        return int(row.progress
                       ? p.phase
                       : (r.status == ModelStatus::Quantizing ? JobProgress::Phase::Quantize
                                                              : JobProgress::Phase::Download));
    case ErrorRole:
        return r.errorMessage;
    case FilePathRole:
        return r.quantizedPath.isEmpty() ? r.filePath : r.quantizedPath;
    default:
        return {};
    }
}

QVariant ModelTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Name:
        return tr("Name");
    case RepoId:
        return tr("Repo id");
    case Revision:
        return tr("Revision");
    case Parameters:
        return tr("Parameters");
    case Quantization:
        return tr("Quantization");
    case SizeOnDisk:
        return tr("Size on disk");
    case Status:
        return tr("Status");
    case Updated:
        return tr("Updated");
    }
    return {};
}

void ModelTableModel::rebuildIndex(int fromRow)
{
    for (int i = fromRow; i < int(m_rows.size()); ++i)
        m_index.insert(m_rows[size_t(i)].record.id, i);
}

void ModelTableModel::setRecords(std::vector<ModelRecord> records)
{
    beginResetModel();
    m_rows.clear();
    m_index.clear();
    m_pendingRecords.clear();
    m_pendingProgress.clear();
    m_rows.reserve(records.size());
    for (ModelRecord &r : records) {
        if (m_index.contains(r.id))
            continue; // a record listed twice (paging race) shows once
        m_index.insert(r.id, int(m_rows.size()));
        m_rows.push_back(Row{std::move(r), std::nullopt, false});
    }
    endResetModel();
}

void ModelTableModel::appendRecords(std::vector<ModelRecord> records)
{
    // Rows are only added between begin/endInsertRows; ids seen before go through the queue.
    std::vector<ModelRecord> fresh;
    fresh.reserve(records.size());
    QSet<QUuid> freshIds;
    for (ModelRecord &r : records) {
        if (m_index.contains(r.id))
            m_pendingRecords.insert(r.id, r);
        else if (!freshIds.contains(r.id)) {
            freshIds.insert(r.id);
            fresh.push_back(std::move(r));
        }
    }
    if (!m_pendingRecords.isEmpty())
        scheduleFlush();
    if (fresh.empty())
        return;
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + int(fresh.size()) - 1);
    for (ModelRecord &r : fresh) {
        m_index.insert(r.id, int(m_rows.size()));
        m_rows.push_back(Row{std::move(r), std::nullopt, false});
    }
    endInsertRows();
}

void ModelTableModel::upsert(const ModelRecord &record)
{
    if (!m_index.contains(record.id)) {
        const int row = int(m_rows.size());
        beginInsertRows({}, row, row);
        m_rows.push_back(Row{record, std::nullopt, false});
        m_index.insert(record.id, row);
        endInsertRows();
        return;
    }
    m_pendingRecords.insert(record.id, record);
    scheduleFlush();
}

void ModelTableModel::remove(const QUuid &id)
{
    const int row = rowOf(id);
    m_pendingRecords.remove(id);
    m_pendingProgress.remove(id);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_rows.erase(m_rows.begin() + row);
    m_index.remove(id);
    rebuildIndex(row);
    endRemoveRows();
}

void ModelTableModel::setProgress(const QUuid &id, const JobProgress &progress)
{
    if (!m_index.contains(id))
        return;
    m_pendingProgress.insert(id, progress); // latest wins
    scheduleFlush();
}

void ModelTableModel::setPaused(const QUuid &id, bool paused)
{
    const int row = rowOf(id);
    if (row < 0 || m_rows[size_t(row)].paused == paused)
        return;
    m_rows[size_t(row)].paused = paused;
    ++m_dataChangedCount;
    Q_EMIT dataChanged(index(row, Status), index(row, Status));
}

int ModelTableModel::rowOf(const QUuid &id) const
{
    return m_index.value(id, -1);
}

const ModelRecord *ModelTableModel::record(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? &m_rows[size_t(row)].record : nullptr;
}

const ModelRecord *ModelTableModel::record(const QUuid &id) const
{
    return record(rowOf(id));
}

std::optional<JobProgress> ModelTableModel::progress(const QUuid &id) const
{
    const int row = rowOf(id);
    return row < 0 ? std::nullopt : m_rows[size_t(row)].progress;
}

void ModelTableModel::setFlushInterval(int ms)
{
    m_flushTimer.setInterval(std::max(ms, 0));
}

void ModelTableModel::scheduleFlush()
{
    if (m_flushTimer.interval() == 0) {
        flush();
        return;
    }
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void ModelTableModel::flush()
{
    m_flushTimer.stop();
    if (m_pendingRecords.isEmpty() && m_pendingProgress.isEmpty())
        return;
    // Rows whose whole record changed, and rows where only the status column moved.
    std::vector<int> wholeRows;
    std::vector<int> statusRows;
    for (auto it = m_pendingRecords.cbegin(); it != m_pendingRecords.cend(); ++it) {
        const int row = rowOf(it.key());
        if (row < 0)
            continue;
        Row &r = m_rows[size_t(row)];
        const bool jobEnded =
            it->status != ModelStatus::Downloading && it->status != ModelStatus::Quantizing;
        r.record = *it;
        if (jobEnded)
            r.progress.reset();
        // Paused is a pending record whose job keeps its place; any other status ends it.
        if (it->status != ModelStatus::Pending)
            r.paused = false;
        wholeRows.push_back(row);
    }
    for (auto it = m_pendingProgress.cbegin(); it != m_pendingProgress.cend(); ++it) {
        const int row = rowOf(it.key());
        if (row < 0)
            continue;
        Row &r = m_rows[size_t(row)];
        if (r.paused)
            continue; // a progress event that was under way when the job paused
        r.progress = *it;
        r.record.progress = it->percent;
        statusRows.push_back(row);
    }
    m_pendingRecords.clear();
    m_pendingProgress.clear();

    // One dataChanged per contiguous run of rows keeps the signal count small.
    auto emitRuns = [this](std::vector<int> &rows, int firstCol, int lastCol) {
        std::sort(rows.begin(), rows.end());
        rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
        for (size_t i = 0; i < rows.size();) {
            size_t j = i;
            while (j + 1 < rows.size() && rows[j + 1] == rows[j] + 1)
                ++j;
            ++m_dataChangedCount;
            Q_EMIT dataChanged(index(rows[i], firstCol), index(rows[j], lastCol));
            i = j + 1;
        }
    };
    std::sort(statusRows.begin(), statusRows.end());
    std::sort(wholeRows.begin(), wholeRows.end());
    std::vector<int> onlyStatus;
    std::set_difference(statusRows.begin(), statusRows.end(), wholeRows.begin(), wholeRows.end(),
                        std::back_inserter(onlyStatus));
    emitRuns(wholeRows, 0, ColumnCount - 1);
    emitRuns(onlyStatus, Status, Status);
}

} // namespace mistudio::ui
