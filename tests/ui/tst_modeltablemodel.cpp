// The Models panel's table model: passes QAbstractItemModelTester through every kind of change,
// batches live updates, and the proxy sorts by raw values and filters on name/repo id.
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
    // Pause marks the row without waiting for the next record.
    model.setPaused(r.id, true);
    QCOMPARE(s.data().toString(), u"Paused"_s);
}

void TestModelTableModel::pausedSurvivesLateProgress()
{
    ModelTableModel model;
    model.setFlushInterval(0);
    ModelRecord r = FakeBackend::makeRecord(0, ModelStatus::Downloading);
    model.setRecords({r});
    const QModelIndex s = model.index(0, ModelTableModel::Status);
    model.setPaused(r.id, true);
    r.status = ModelStatus::Pending;
    model.upsert(r);
    // A progress event sent just before the pause arrives after it: the row stays paused.
    model.setProgress(r.id, JobProgress{JobProgress::Phase::Download, 30.0, 3, 10, 1.0, 7, 0, 1});
    QVERIFY(s.data(ModelTableModel::PausedRole).toBool());
    QCOMPARE(s.data().toString(), u"Paused"_s);
    // Resumed: the record is downloading again and the row shows progress.
    r.status = ModelStatus::Downloading;
    model.upsert(r);
    QVERIFY(!s.data(ModelTableModel::PausedRole).toBool());
    model.setProgress(r.id, JobProgress{JobProgress::Phase::Download, 40.0, 4, 10, 1.0, 6, 0, 1});
    QVERIFY(s.data(ModelTableModel::ActiveRole).toBool());
    QCOMPARE(s.data(ModelTableModel::PercentRole).toDouble(), 40.0);
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
