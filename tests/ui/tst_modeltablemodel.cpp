// The Models panel's table model: passes QAbstractItemModelTester through every kind of change,
// batches live updates, derives what each row shows from the record and its job (paused rows
// keep their bar and bytes; a cancelled model is "not downloaded", not "pending"), counts rows
// per filter category, and the proxy sorts by raw values and filters by category and name.
#include "fakebackend.h"
#include "modelfilterproxy.h"
#include "modeltablemodel.h"
#include "statusdelegate.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace mistudio::ui;
using test::FakeBackend;

class TestModelTableModel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void testerThroughAllChanges();
    void progressIsBatched();
    void recordUpdateEndsProgress();
    void pausedSurvivesLateProgress();
    void pausedRowKeepsItsBarAndBytes();
    void rowStateFromRecordAndJob_data();
    void rowStateFromRecordAndJob();
    void statusTooltipHasTheWholeDetail();
    void countsAndQueue();
    void proxyFiltersByCategory();
    void parametersColumnShowsTheCount();
    void sizeOnDiskCountsTheVariants();
    void displayAndRoles_data();
    void displayAndRoles();
    void proxySortsByRawValue();
    void proxyFiltersNameAndRepo_data();
    void proxyFiltersNameAndRepo();
    void etaText_data();
    void etaText();
};

static std::vector<ModelRecord> makeRecords(int n)
{
    std::vector<ModelRecord> v;
    for (int i = 0; i < n; ++i)
        v.push_back(
            FakeBackend::makeRecord(i, i % 5 == 0 ? ModelStatus::Downloading : ModelStatus::Ready));
    return v;
}

void TestModelTableModel::testerThroughAllChanges()
{
    ModelTableModel model;
    ModelFilterProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxyTester(&proxy,
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.sort(ModelTableModel::SizeOnDisk, Qt::DescendingOrder);

    std::vector<ModelRecord> all = makeRecords(20);
    model.setRecords({all.begin(), all.begin() + 5});
    model.appendRecords({all.begin() + 3, all.end()}); // overlaps: 3 and 4 are updates
    model.flush();
    QCOMPARE(model.rowCount(), 20);
    QCOMPARE(model.columnCount(), int(ModelTableModel::ColumnCount));
    model.upsert(FakeBackend::makeRecord(100));
    QCOMPARE(model.rowCount(), 21);
    ModelRecord changed = FakeBackend::makeRecord(3);
    changed.sizeBytes = 1; // moves to the end of the sorted proxy
    model.upsert(changed);
    model.setProgress(FakeBackend::makeRecord(0).id,
                      JobProgress{JobProgress::Phase::Download, 42.0, 42, 100, 10.0, 6, 1, 2});
    model.flush();
    QCOMPARE(proxy.index(proxy.rowCount() - 1, ModelTableModel::Name).data().toString(),
             changed.name);
    model.remove(FakeBackend::makeRecord(7).id);
    QCOMPARE(model.rowCount(), 20);
    model.remove(QUuid::createUuid()); // unknown: no change
    QCOMPARE(model.rowCount(), 20);
    proxy.setFilterText(u"gemma"_s);
    QVERIFY(proxy.rowCount() > 0 && proxy.rowCount() < 20);
    model.setRecords({});
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(proxy.rowCount(), 0);
}

void TestModelTableModel::progressIsBatched()
{
    ModelTableModel model;
    model.setFlushInterval(50);
    model.setRecords(makeRecords(10));
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    const QUuid a = FakeBackend::makeRecord(0).id;
    const QUuid b = FakeBackend::makeRecord(5).id;
    // 2 000 progress events (a download's bytes) for two rows...
    for (int i = 1; i <= 1000; ++i) {
        model.setProgress(
            a, JobProgress{JobProgress::Phase::Download, i / 10.0, i, 1000, 5.0, 1, 0, 1});
        model.setProgress(
            b, JobProgress{JobProgress::Phase::Download, i / 20.0, i, 2000, 5.0, 1, 0, 1});
    }
    QCOMPARE(changed.count(), 0); // nothing until the timer fires
    QTRY_VERIFY(changed.count() > 0);
    // ...become one dataChanged per row (non-adjacent rows), for the status column only.
    QCOMPARE(changed.count(), 2);
    for (const QList<QVariant> &args : std::as_const(changed)) {
        QCOMPARE(args.at(0).toModelIndex().column(), int(ModelTableModel::Status));
        QCOMPARE(args.at(1).toModelIndex().column(), int(ModelTableModel::Status));
    }
    // The latest value won.
    const QModelIndex ia = model.index(model.rowOf(a), ModelTableModel::Status);
    QCOMPARE(ia.data(ModelTableModel::PercentRole).toDouble(), 100.0);
    QCOMPARE(ia.data(ModelTableModel::BytesDoneRole).toLongLong(), 1000);
    QVERIFY(ia.data(ModelTableModel::ActiveRole).toBool());
}

void TestModelTableModel::recordUpdateEndsProgress()
{
    ModelTableModel model;
    model.setFlushInterval(0);
    model.setRecords(makeRecords(6));
    ModelRecord r = FakeBackend::makeRecord(0, ModelStatus::Downloading);
    model.setProgress(r.id, JobProgress{JobProgress::Phase::Download, 50.0, 5, 10, 1.0, 5, 0, 1});
    QVERIFY(model.index(0, ModelTableModel::Status).data(ModelTableModel::ActiveRole).toBool());
    r.status = ModelStatus::Ready;
    model.upsert(r);
    const QModelIndex s = model.index(model.rowOf(r.id), ModelTableModel::Status);
    QVERIFY(!s.data(ModelTableModel::ActiveRole).toBool());
    QCOMPARE(s.data().toString(), u"Ready"_s);
    QVERIFY(!model.progress(r.id).has_value());
}

void TestModelTableModel::pausedSurvivesLateProgress()
{
    ModelTableModel model;
    model.setFlushInterval(0);
    ModelRecord r = FakeBackend::makeRecord(0, ModelStatus::Downloading);
    model.setRecords({r});
    const QModelIndex s = model.index(0, ModelTableModel::Status);
    model.setJobs({FakeBackend::makeJob(r.id, u"paused"_s)});
    r.status = ModelStatus::Pending;
    model.upsert(r);
    // A progress event sent just before the pause arrives after it: the row stays paused.
    model.setProgress(r.id, JobProgress{JobProgress::Phase::Download, 30.0, 3, 10, 1.0, 7, 0, 1});
    QVERIFY(s.data(ModelTableModel::PausedRole).toBool());
    QCOMPARE(s.data().toString(), u"Paused"_s);
    // Resumed: the record is downloading again and the row shows progress.
    r.status = ModelStatus::Downloading;
    model.upsert(r);
    model.setJobs({FakeBackend::makeJob(r.id, u"running"_s)});
    QVERIFY(!s.data(ModelTableModel::PausedRole).toBool());
    model.setProgress(r.id, JobProgress{JobProgress::Phase::Download, 40.0, 4, 10, 1.0, 6, 0, 1});
    QVERIFY(s.data(ModelTableModel::ActiveRole).toBool());
    QCOMPARE(s.data(ModelTableModel::PercentRole).toDouble(), 40.0);
}

void TestModelTableModel::pausedRowKeepsItsBarAndBytes()
{
    // Issue 17 item 2: a paused row dropped its bar and byte counts.
    ModelTableModel model;
    model.setFlushInterval(0);
    ModelRecord r = FakeBackend::makeRecord(0, ModelStatus::Downloading);
    model.setRecords({r});
    model.setJobs({FakeBackend::makeJob(r.id, u"running"_s)});
    model.setProgress(r.id,
                      JobProgress{JobProgress::Phase::Download, 12.1, 121, 1000, 9.0, 97, 0, 1});
    const QModelIndex s = model.index(0, ModelTableModel::Status);
    QVERIFY(s.data(ModelTableModel::ShowsBarRole).toBool());
    // Paused: the record says pending, the job says paused with the bytes it kept.
    JobView paused = FakeBackend::makeJob(r.id, u"paused"_s);
    paused.transfer.downloadedBytes = 125;
    paused.transfer.totalBytes = 1000;
    model.setJobs({paused});
    r.status = ModelStatus::Pending;
    model.upsert(r);
    QCOMPARE(s.data().toString(), u"Paused"_s);
    QVERIFY(s.data(ModelTableModel::ShowsBarRole).toBool());
    QVERIFY(!s.data(ModelTableModel::ActiveRole).toBool());
    QCOMPARE(s.data(ModelTableModel::PercentRole).toDouble(), 12.5);
    QCOMPARE(s.data(ModelTableModel::BytesDoneRole).toLongLong(), 125);
    QCOMPARE(s.data(ModelTableModel::BytesTotalRole).toLongLong(), 1000);
    QCOMPARE(s.data(ModelTableModel::SpeedRole).toDouble(), -1.0); // nothing moves
    QVERIFY2(s.data(ModelTableModel::DetailRole).toString().contains(u"125 B of 1.00 KB"_s),
             qPrintable(s.data(ModelTableModel::DetailRole).toString()));
    // After a restart there is no progress event at all: the saved bytes alone give the bar.
    ModelTableModel fresh;
    fresh.setJobs({paused});
    fresh.setRecords({r});
    QVERIFY(fresh.index(0, ModelTableModel::Status).data(ModelTableModel::ShowsBarRole).toBool());
    QCOMPARE(fresh.index(0, ModelTableModel::Status).data(ModelTableModel::PercentRole).toDouble(),
             12.5);
}

void TestModelTableModel::rowStateFromRecordAndJob_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("job");
    QTest::addColumn<QString>("stop");
    QTest::addColumn<QString>("shown");
    QTest::newRow("cancelled: no job")
        << int(ModelStatus::Pending) << QString() << QString() << u"Not downloaded"_s;
    QTest::newRow("paused") << int(ModelStatus::Pending) << u"paused"_s << QString() << u"Paused"_s;
    QTest::newRow("token") << int(ModelStatus::Pending) << u"needs_token"_s << QString()
                           << u"Needs a token"_s;
    QTest::newRow("queued") << int(ModelStatus::Downloading) << u"queued"_s << QString()
                            << u"Queued #1"_s;
    QTest::newRow("running") << int(ModelStatus::Downloading) << u"running"_s << QString()
                             << u"Downloading"_s;
    QTest::newRow("stopping") << int(ModelStatus::Downloading) << u"running"_s << u"cancel"_s
                              << u"Stopping…"_s;
    QTest::newRow("ready") << int(ModelStatus::Ready) << QString() << QString() << u"Ready"_s;
    QTest::newRow("failed") << int(ModelStatus::Failed) << QString() << QString() << u"Failed"_s;
}

void TestModelTableModel::rowStateFromRecordAndJob()
{
    QFETCH(int, status);
    QFETCH(QString, job);
    QFETCH(QString, stop);
    QFETCH(QString, shown);
    ModelTableModel model;
    const ModelRecord r = FakeBackend::makeRecord(0, ModelStatus(status));
    model.setRecords({r});
    if (!job.isEmpty()) {
        JobView j = FakeBackend::makeJob(r.id, job);
        j.requestedStop = stop;
        model.setJobs({j});
    }
    QCOMPARE(model.index(0, ModelTableModel::Status).data().toString(), shown);
}

void TestModelTableModel::statusTooltipHasTheWholeDetail()
{
    // Issue 17 item 2: the elided status cell had no tooltip; the ETA was cut off.
    ModelTableModel model;
    model.setFlushInterval(0);
    const ModelRecord r = FakeBackend::makeRecord(0, ModelStatus::Downloading);
    model.setRecords({r});
    model.setProgress(r.id, JobProgress{JobProgress::Phase::Download, 63.4, 1'054'000'000,
                                        1'662'000'000, 48'200'000.0, 13, 2, 4});
    const QString tip = model.index(0, ModelTableModel::Status).data(Qt::ToolTipRole).toString();
    for (const QString &part :
         {u"63.4 %"_s, u"1.05 GB of 1.66 GB"_s, u"48.2 MB/s"_s, u"13 s left"_s, u"file 3 of 4"_s})
        QVERIFY2(tip.contains(part), qPrintable(tip + u" lacks "_s + part));
    // A failed row's tooltip and detail say what went wrong, in words.
    ModelRecord failed = FakeBackend::makeRecord(1, ModelStatus::Failed);
    model.upsert(failed);
    const QString ftip = model.index(model.rowOf(failed.id), ModelTableModel::Status)
                             .data(Qt::ToolTipRole)
                             .toString();
    QVERIFY2(ftip.contains(u"did not match its checksum"_s), qPrintable(ftip));
}

void TestModelTableModel::countsAndQueue()
{
    ModelTableModel model;
    std::vector<ModelRecord> recs;
    const ModelStatus statuses[] = {ModelStatus::Ready,       ModelStatus::Ready,
                                    ModelStatus::Failed,      ModelStatus::Pending,
                                    ModelStatus::Pending,     ModelStatus::Downloading,
                                    ModelStatus::Downloading, ModelStatus::Downloading};
    for (int i = 0; i < 8; ++i)
        recs.push_back(FakeBackend::makeRecord(i, statuses[i]));
    model.setRecords(recs);
    // Queue order is the service's list order: 7 before 6.
    model.setJobs({FakeBackend::makeJob(recs[5].id, u"running"_s),
                   FakeBackend::makeJob(recs[7].id, u"queued"_s),
                   FakeBackend::makeJob(recs[6].id, u"queued"_s),
                   FakeBackend::makeJob(recs[3].id, u"paused"_s)});
    QCOMPARE(model.count(FilterCategory::All), 8);
    QCOMPARE(model.count(FilterCategory::Ready), 2);
    QCOMPARE(model.count(FilterCategory::Failed), 1);
    QCOMPARE(model.count(FilterCategory::Paused), 2); // paused + not downloaded
    QCOMPARE(model.count(FilterCategory::Active), 3);
    QCOMPARE(model.queue(), (QList<QUuid>{recs[7].id, recs[6].id}));
    QCOMPARE(model.activeJobCount(), 1);
    QCOMPARE(model.queuedJobCount(), 2);
    QCOMPARE(model.index(model.rowOf(recs[6].id), ModelTableModel::Status).data().toString(),
             u"Queued #2"_s);
}

void TestModelTableModel::proxyFiltersByCategory()
{
    ModelTableModel model;
    model.setFlushInterval(0);
    ModelFilterProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    std::vector<ModelRecord> recs{FakeBackend::makeRecord(0, ModelStatus::Ready),
                                  FakeBackend::makeRecord(1, ModelStatus::Failed),
                                  FakeBackend::makeRecord(2, ModelStatus::Downloading)};
    model.setRecords(recs);
    proxy.setCategory(FilterCategory::Ready);
    QCOMPARE(proxy.rowCount(), 1);
    // A download that finishes moves into the Ready view by itself.
    recs[2].status = ModelStatus::Ready;
    model.upsert(recs[2]);
    QCOMPARE(proxy.rowCount(), 2);
    proxy.setCategory(FilterCategory::Failed);
    QCOMPARE(proxy.rowCount(), 1);
    proxy.setFilterText(u"nothing-like-this"_s);
    QCOMPARE(proxy.rowCount(), 0);
}

void TestModelTableModel::sizeOnDiskCountsTheVariants()
{
    // Issue 17 item 6: "Size on disk" ignored the quantized copy (330 KB shown, 557 KB on disk).
    ModelTableModel model;
    ModelRecord r = FakeBackend::makeRecord(0);
    r.sizeBytes = 330'000;
    r.variantsSizeBytes = 227'000;
    model.setRecords({r});
    const QModelIndex size = model.index(0, ModelTableModel::SizeOnDisk);
    QCOMPARE(size.data().toString(), u"557 KB"_s);
    QCOMPARE(size.data(ModelTableModel::SortRole).toLongLong(), 557'000);
    QCOMPARE(size.data(Qt::ToolTipRole).toString(),
             u"330 KB downloaded + 227 KB of quantized variants"_s);
    QCOMPARE(model.librarySize(), 557'000);
}

void TestModelTableModel::parametersColumnShowsTheCount()
{
    // Issue 17 item 1: the column was always empty. Records made by downloadRepo carry the
    // preview's exact count (the real flow is checked in tst_guiflow).
    ModelTableModel model;
    ModelRecord r = FakeBackend::makeRecord(0);
    r.paramsCount = 2'614'341'888LL;
    model.setRecords({r});
    const QModelIndex p = model.index(0, ModelTableModel::Parameters);
    QCOMPARE(p.data().toString(), u"2.6B"_s);
    QCOMPARE(p.data(Qt::ToolTipRole).toString(), u"2,614,341,888 parameters"_s);
    QCOMPARE(p.data(ModelTableModel::SortRole).toLongLong(), 2'614'341'888LL);
}

void TestModelTableModel::displayAndRoles_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<int>("role");
    QTest::addColumn<QVariant>("expected");
    const ModelRecord r = FakeBackend::makeRecord(2);
    QTest::newRow("name") << int(ModelTableModel::Name) << int(Qt::DisplayRole) << QVariant(r.name);
    QTest::newRow("repo") << int(ModelTableModel::RepoId) << int(Qt::DisplayRole)
                          << QVariant(r.repoId);
    QTest::newRow("revision with sha") << int(ModelTableModel::Revision) << int(Qt::DisplayRole)
                                       << QVariant(u"main ("_s + r.commitSha.left(7) + u')');
    QTest::newRow("params") << int(ModelTableModel::Parameters) << int(Qt::DisplayRole)
                            << QVariant(u"372M"_s);
    QTest::newRow("params sort") << int(ModelTableModel::Parameters)
                                 << int(ModelTableModel::SortRole) << QVariant(qint64(372'000'002));
    QTest::newRow("quant") << int(ModelTableModel::Quantization) << int(Qt::DisplayRole)
                           << QVariant(u"8-bit (bnb)"_s);
    QTest::newRow("size") << int(ModelTableModel::SizeOnDisk) << int(Qt::DisplayRole)
                          << QVariant(u"750 MB"_s);
    QTest::newRow("size tooltip") << int(ModelTableModel::SizeOnDisk) << int(Qt::ToolTipRole)
                                  << QVariant(u"750,002,000 bytes"_s);
    QTest::newRow("status") << int(ModelTableModel::Status) << int(Qt::DisplayRole)
                            << QVariant(u"Ready"_s);
    QTest::newRow("id") << int(ModelTableModel::Name) << int(ModelTableModel::IdRole)
                        << QVariant(r.id);
}

void TestModelTableModel::displayAndRoles()
{
    QFETCH(int, column);
    QFETCH(int, role);
    QFETCH(QVariant, expected);
    ModelTableModel model;
    model.setRecords({FakeBackend::makeRecord(2)});
    const QVariant v = model.index(0, column).data(role);
    QCOMPARE(v.toString(), expected.toString());
}

void TestModelTableModel::proxySortsByRawValue()
{
    ModelTableModel model;
    ModelFilterProxy proxy;
    proxy.setSourceModel(&model);
    std::vector<ModelRecord> recs = makeRecords(3);
    recs[0].sizeBytes = 9'000'000'000;  // "9.00 GB": sorts last as text, first as bytes
    recs[1].sizeBytes = 10'000'000'000; // "10.0 GB"
    recs[2].sizeBytes = 800'000'000;    // "800 MB"
    model.setRecords(recs);
    proxy.sort(ModelTableModel::SizeOnDisk, Qt::AscendingOrder);
    QCOMPARE(proxy.index(0, ModelTableModel::SizeOnDisk).data().toString(), u"800 MB"_s);
    QCOMPARE(proxy.index(1, ModelTableModel::SizeOnDisk).data().toString(), u"9.00 GB"_s);
    QCOMPARE(proxy.index(2, ModelTableModel::SizeOnDisk).data().toString(), u"10.0 GB"_s);
}

void TestModelTableModel::proxyFiltersNameAndRepo_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<int>("rows");
    QTest::newRow("empty") << QString() << 12;
    QTest::newRow("org, any case") << u"QWEN"_s << 2;
    QTest::newRow("name part") << u"gemma-2"_s << 2;
    QTest::newRow("exact repo") << u"openai-community/gpt2-11"_s << 1;
    QTest::newRow("not a size") << u"MB"_s << 0;
    QTest::newRow("spaces trimmed") << u"  gpt2 "_s << 2;
}

void TestModelTableModel::proxyFiltersNameAndRepo()
{
    QFETCH(QString, filter);
    QFETCH(int, rows);
    ModelTableModel model;
    ModelFilterProxy proxy;
    proxy.setSourceModel(&model);
    model.setRecords(makeRecords(12));
    proxy.setFilterText(filter);
    QCOMPARE(proxy.rowCount(), rows);
}

void TestModelTableModel::etaText_data()
{
    QTest::addColumn<qint64>("seconds");
    QTest::addColumn<QString>("text");
    QTest::newRow("unknown") << qint64(-1) << QString();
    QTest::newRow("seconds") << qint64(42) << u"42 s left"_s;
    QTest::newRow("minutes round up") << qint64(61) << u"2 min left"_s;
    QTest::newRow("hours") << qint64(3 * 3600 + 125) << u"3 h 2 min left"_s;
}

void TestModelTableModel::etaText()
{
    QFETCH(qint64, seconds);
    QFETCH(QString, text);
    QCOMPARE(StatusDelegate::formatEta(seconds), text);
}

QTEST_MAIN(TestModelTableModel)
#include "tst_modeltablemodel.moc"
