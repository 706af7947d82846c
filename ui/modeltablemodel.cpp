#include "modeltablemodel.h"

#include "errortext.h"
#include "localeformat.h"

#include <QLocale>
#include <QSet>

#include <algorithm>
#include <iterator>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui {

QString ModelTableModel::quantizationText(const QString &mode)
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
    // One summary signal per burst of changes (a batch of the catalogue, a flush).
    m_summaryTimer.setSingleShot(true);
    m_summaryTimer.setInterval(0);
    connect(&m_summaryTimer, &QTimer::timeout, this, &ModelTableModel::summaryChanged);
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

RowState ModelTableModel::rowState(int row) const
{
    if (row < 0 || row >= int(m_rows.size()))
        return RowState::NotDownloaded;
    const Row &r = m_rows[size_t(row)];
    return deriveRowState(r.record, r.job);
}

double ModelTableModel::percentOf(const Row &row) const
{
    if (row.job && row.job->state == JobInfo::State::Paused && row.job->transfer.totalBytes > 0)
        return row.job->transfer.percent();
    return row.progress ? row.progress->percent : row.record.progress;
}

QString ModelTableModel::detailText(int rowIndex) const
{
    if (rowIndex < 0 || rowIndex >= int(m_rows.size()))
        return {};
    const Row &row = m_rows[size_t(rowIndex)];
    const RowState state = deriveRowState(row.record, row.job);
    QStringList parts{rowStateText(state)};
    switch (state) {
    case RowState::Downloading:
    case RowState::Quantizing:
    case RowState::Stopping:
    case RowState::Paused: {
        const bool paused = state == RowState::Paused;
        const TransferProgress *saved = paused && row.job ? &row.job->transfer : nullptr;
        if (row.progress || (saved && saved->totalBytes > 0))
            parts << percentText(percentOf(row));
        qint64 done = row.progress ? row.progress->bytesDone : -1;
        qint64 total = row.progress ? row.progress->bytesTotal : -1;
        if (saved && saved->totalBytes > 0) {
            done = saved->downloadedBytes;
            total = saved->totalBytes;
        }
        if (done >= 0 && total > 0)
            parts << tr("%1 of %2").arg(sizeText(done), sizeText(total));
        else if (done >= 0)
            parts << sizeText(done);
        if (!paused && row.progress) {
            if (row.progress->bytesPerSecond >= 0 &&
                row.progress->phase == JobProgress::Phase::Download)
                parts << speedText(row.progress->bytesPerSecond);
            if (const QString eta = etaText(row.progress->etaSeconds); !eta.isEmpty())
                parts << eta;
            if (row.progress->filesTotal > 0)
                parts << tr("file %1 of %2")
                             .arg(QLocale().toString(std::min(row.progress->filesDone + 1,
                                                              row.progress->filesTotal)),
                                  QLocale().toString(row.progress->filesTotal));
        }
        break;
    }
    case RowState::Queued:
        if (row.job && row.job->queuePosition > 0)
            parts[0] = tr("Queued #%1").arg(row.job->queuePosition);
        break;
    case RowState::Failed:
        if (!row.record.errorMessage.isEmpty())
            parts << ErrorText::forStoredMessage(row.record.errorMessage);
        break;
    case RowState::NeedsToken:
        parts << tr("enter a Hugging Face token and resume");
        break;
    case RowState::NotDownloaded:
    case RowState::Ready:
        break;
    }
    return parts.join(u" · "_s);
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
        return r.paramsCount ? paramsText(*r.paramsCount) : QString();
    case Quantization:
        return quantizationText(r.quantization);
    case SizeOnDisk:
        // The download and every quantized variant beside it: what deleting it frees.
        return r.sizeBytes ? sizeText(*r.sizeBytes + r.variantsSizeBytes) : QString();
    case Status: {
        const RowState s = deriveRowState(r, row.job);
        if (s == RowState::Queued && row.job && row.job->queuePosition > 0)
            return tr("Queued #%1").arg(row.job->queuePosition);
        return rowStateText(s);
    }
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
        return r.sizeBytes ? *r.sizeBytes + r.variantsSizeBytes : qint64(-1);
    case Status:
        return int(deriveRowState(r, row.job));
    case Updated:
        return r.updatedAt;
    default:
        return displayData(row, column);
    }
}

QString ModelTableModel::toolTip(const Row &row, int column) const
{
    const ModelRecord &r = row.record;
    switch (column) {
    case Status:
        return detailText(rowOf(r.id));
    case Revision:
        return r.commitSha;
    case Parameters:
        return r.paramsCount ? tr("%1 parameters").arg(numberText(*r.paramsCount)) : QString();
    case SizeOnDisk:
        if (!r.sizeBytes)
            return {};
        if (r.variantsSizeBytes > 0)
            return tr("%1 downloaded + %2 of quantized variants")
                .arg(sizeText(*r.sizeBytes), sizeText(r.variantsSizeBytes));
        return tr("%1 bytes").arg(numberText(*r.sizeBytes));
    case Name:
    case RepoId:
        return r.filePath.isEmpty() ? r.repoId : r.filePath;
    default:
        return {};
    }
}

QVariant ModelTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[size_t(index.row())];
    const ModelRecord &r = row.record;
    const JobProgress p = row.progress.value_or(JobProgress{});
    const bool paused = row.job && row.job->state == JobInfo::State::Paused;
    switch (role) {
    case Qt::DisplayRole:
        return displayData(row, index.column());
    case Qt::ToolTipRole:
        return toolTip(row, index.column());
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
    case RowStateRole:
        return int(deriveRowState(r, row.job));
    case ActiveRole:
        return row.progress.has_value() && !paused &&
               (r.status == ModelStatus::Downloading || r.status == ModelStatus::Quantizing);
    case PausedRole:
        return paused;
    case ShowsBarRole: {
        const RowState s = deriveRowState(r, row.job);
        return (row.progress.has_value() &&
                (s == RowState::Downloading || s == RowState::Quantizing ||
                 s == RowState::Stopping)) ||
               (s == RowState::Paused &&
                (row.progress.has_value() || (row.job && row.job->transfer.totalBytes > 0)));
    }
    case PercentRole:
        return percentOf(row);
    case BytesDoneRole:
        if (paused && row.job->transfer.totalBytes > 0)
            return row.job->transfer.downloadedBytes;
        return p.bytesDone;
    case BytesTotalRole:
        if (paused && row.job->transfer.totalBytes > 0)
            return row.job->transfer.totalBytes;
        return p.bytesTotal;
    case SpeedRole:
        return paused ? -1.0 : p.bytesPerSecond;
    case EtaRole:
        return paused ? qint64(-1) : p.etaSeconds;
    case PhaseRole:
        if (row.progress)
            return int(p.phase);
        if (row.job)
            return int(row.job->phase);
        return int(r.status == ModelStatus::Quantizing ? JobProgress::Phase::Quantize
                                                       : JobProgress::Phase::Download);
    case QueuePositionRole:
        return row.job ? row.job->queuePosition : 0;
    case ErrorRole:
        return r.errorMessage;
    case FilePathRole:
        return r.quantizedPath.isEmpty() ? r.filePath : r.quantizedPath;
    case DetailRole:
        return detailText(index.row());
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

void ModelTableModel::markSummaryDirty()
{
    m_countsDirty = true;
    if (!m_summaryTimer.isActive())
        m_summaryTimer.start();
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
        std::optional<JobInfo> job;
        if (auto it = m_jobs.constFind(r.id); it != m_jobs.cend())
            job = *it;
        m_rows.push_back(Row{std::move(r), std::nullopt, job});
    }
    endResetModel();
    markSummaryDirty();
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
        std::optional<JobInfo> job;
        if (auto it = m_jobs.constFind(r.id); it != m_jobs.cend())
            job = *it;
        m_rows.push_back(Row{std::move(r), std::nullopt, job});
    }
    endInsertRows();
    markSummaryDirty();
}

void ModelTableModel::upsert(const ModelRecord &record)
{
    if (!m_index.contains(record.id)) {
        const int row = int(m_rows.size());
        beginInsertRows({}, row, row);
        std::optional<JobInfo> job;
        if (auto it = m_jobs.constFind(record.id); it != m_jobs.cend())
            job = *it;
        m_rows.push_back(Row{record, std::nullopt, job});
        m_index.insert(record.id, row);
        endInsertRows();
        markSummaryDirty();
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
    markSummaryDirty();
}

void ModelTableModel::setProgress(const QUuid &id, const JobProgress &progress)
{
    if (!m_index.contains(id))
        return;
    m_pendingProgress.insert(id, progress); // latest wins
    scheduleFlush();
}

void ModelTableModel::setJobs(const QList<JobView> &jobs)
{
    m_jobs = jobInfos(jobs);
    // Rows whose job appeared, changed or ended: their status cell (and the sort key) moves.
    std::vector<int> changed;
    for (int i = 0; i < int(m_rows.size()); ++i) {
        Row &row = m_rows[size_t(i)];
        const auto it = m_jobs.constFind(row.record.id);
        std::optional<JobInfo> next;
        if (it != m_jobs.cend())
            next = *it;
        const bool had = row.job.has_value();
        if (!had && !next)
            continue;
        if (had && next && row.job->state == next->state && row.job->stopping == next->stopping &&
            row.job->queuePosition == next->queuePosition && row.job->jobId == next->jobId &&
            row.job->transfer.downloadedBytes == next->transfer.downloadedBytes)
            continue;
        row.job = next;
        // A job that ended takes its bar with it (the record says what is left).
        if (!next && row.record.status != ModelStatus::Downloading &&
            row.record.status != ModelStatus::Quantizing)
            row.progress.reset();
        changed.push_back(i);
    }
    for (size_t i = 0; i < changed.size();) {
        size_t j = i;
        while (j + 1 < changed.size() && changed[j + 1] == changed[j] + 1)
            ++j;
        ++m_dataChangedCount;
        Q_EMIT dataChanged(index(changed[i], Status), index(changed[j], Status));
        i = j + 1;
    }
    markSummaryDirty();
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

std::optional<JobInfo> ModelTableModel::job(const QUuid &id) const
{
    const int row = rowOf(id);
    return row < 0 ? std::nullopt : m_rows[size_t(row)].job;
}

void ModelTableModel::recount() const
{
    m_counts.fill(0);
    m_librarySize = 0;
    for (const Row &r : m_rows) {
        ++m_counts[size_t(categoryOf(deriveRowState(r.record, r.job)))];
        m_librarySize += r.record.sizeBytes.value_or(0) + r.record.variantsSizeBytes;
    }
    m_counts[size_t(FilterCategory::All)] = int(m_rows.size());
    m_countsDirty = false;
}

int ModelTableModel::count(FilterCategory category) const
{
    if (m_countsDirty)
        recount();
    return m_counts[size_t(category)];
}

qint64 ModelTableModel::librarySize() const
{
    if (m_countsDirty)
        recount();
    return m_librarySize;
}

double ModelTableModel::totalSpeed() const
{
    double sum = 0;
    for (const Row &r : m_rows) {
        if (r.progress && r.progress->phase == JobProgress::Phase::Download &&
            r.progress->bytesPerSecond > 0 && r.record.status == ModelStatus::Downloading &&
            !(r.job && r.job->state == JobInfo::State::Paused))
            sum += r.progress->bytesPerSecond;
    }
    return sum;
}

int ModelTableModel::activeJobCount() const
{
    int n = 0;
    for (const JobInfo &j : m_jobs)
        n += j.state == JobInfo::State::Running ? 1 : 0;
    return n;
}

int ModelTableModel::queuedJobCount() const
{
    int n = 0;
    for (const JobInfo &j : m_jobs)
        n += j.state == JobInfo::State::Queued ? 1 : 0;
    return n;
}

QList<QUuid> ModelTableModel::queue() const
{
    QList<std::pair<int, QUuid>> queued;
    for (auto it = m_jobs.cbegin(); it != m_jobs.cend(); ++it)
        if (it->state == JobInfo::State::Queued)
            queued.append({it->queuePosition, it.key()});
    std::sort(queued.begin(), queued.end(),
              [](const auto &a, const auto &b) { return a.first < b.first; });
    QList<QUuid> out;
    for (const auto &q : queued)
        out << q.second;
    return out;
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
        // A paused job keeps its bar (and bytes); any other end takes it away.
        if (jobEnded && it->status != ModelStatus::Pending)
            r.progress.reset();
        wholeRows.push_back(row);
    }
    for (auto it = m_pendingProgress.cbegin(); it != m_pendingProgress.cend(); ++it) {
        const int row = rowOf(it.key());
        if (row < 0)
            continue;
        Row &r = m_rows[size_t(row)];
        if (r.job && (r.job->state == JobInfo::State::Paused || r.job->stopping))
            continue; // a progress event that was under way when the job paused
        const bool running = (r.job && r.job->state == JobInfo::State::Running) ||
                             r.record.status == ModelStatus::Downloading ||
                             r.record.status == ModelStatus::Quantizing;
        if (!running && !r.progress)
            continue; // late progress of a job that has ended
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
    if (!wholeRows.empty() || !onlyStatus.empty())
        markSummaryDirty();
}

} // namespace mistudio::ui
