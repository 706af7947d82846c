// CompatEvents: each of our events as the original frontend's Socket.IO events (name, room,
// payload), and a model's state as the same events for a client that subscribes late.
#include "server/compat/compatevents.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace mistudio::compat;

namespace {

const QUuid kId = QUuid::fromString(u"0b7e4c1a-1111-4222-8333-444455556666"_s);
const QString kChannel = u"models/0b7e4c1a-1111-4222-8333-444455556666/progress"_s;

QStringList names(const QList<SocketEvent> &events)
{
    QStringList out;
    for (const SocketEvent &e : events)
        out << e.event;
    return out;
}

} // namespace

class TestCompatEvents final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void channels();
    void downloadProgress();
    void quantizeProgress();
    void statusChanges_data();
    void statusChanges();
    void silentEvents();
    void snapshot_data();
    void snapshot();
};

void TestCompatEvents::channels()
{
    QCOMPARE(CompatEvents::progressChannel(kId), kChannel);
    QCOMPARE(CompatEvents::modelOfProgressChannel(kChannel), std::optional<QUuid>(kId));
    QVERIFY(!CompatEvents::modelOfProgressChannel(u"models/0b7e4c1a-1111-4222-8333-444455556666/extraction"_s));
    QVERIFY(!CompatEvents::modelOfProgressChannel(u"models/m_1234/progress"_s));
}

void TestCompatEvents::downloadProgress()
{
    DownloadProgressInfo info;
    info.downloadedBytes = 1'500'000'000;
    info.totalBytes = 6'000'000'000;
    info.bytesPerSecond = 50e6;
    const QList<SocketEvent> out = CompatEvents::translate(ModelEvent::downloadProgress(kId, info));
    QCOMPARE(out.size(), 1);
    const SocketEvent &e = out.first();
    QCOMPARE(e.channel, kChannel);
    QCOMPARE(e.event, u"model:progress"_s);
    QCOMPARE(e.data.value(u"type"_s).toString(), u"progress"_s);
    QCOMPARE(e.data.value(u"model_id"_s).toString(), kId.toString(QUuid::WithoutBraces));
    QCOMPARE(e.data.value(u"progress"_s).toDouble(), 25.0);
    QCOMPARE(e.data.value(u"status"_s).toString(), u"downloading"_s);
    QCOMPARE(e.data.value(u"message"_s).toString(), u"Downloaded 1.50 GB of 6.00 GB"_s);
    QCOMPARE(e.data.value(u"speed_mbps"_s).toDouble(), 50.0);
    QCOMPARE(e.data.value(u"eta_seconds"_s).toInt(), 90);
    QVERIFY(!e.coalesceKey.isEmpty());
    QCOMPARE(e.toEmitBody().value(u"channel"_s).toString(), kChannel);
}

void TestCompatEvents::quantizeProgress()
{
    QuantizeProgressInfo info;
    info.mode = u"bnb-4bit"_s;
    info.device = u"cpu"_s;
    info.tensorsDone = 3;
    info.tensorsTotal = 4;
    const QList<SocketEvent> out = CompatEvents::translate(ModelEvent::quantizeProgress(kId, info));
    QCOMPARE(names(out), QStringList{u"model:progress"_s});
    QCOMPARE(out.first().data.value(u"status"_s).toString(), u"quantizing"_s);
    QCOMPARE(out.first().data.value(u"progress"_s).toDouble(), 75.0);
    QCOMPARE(out.first().data.value(u"message"_s).toString(), u"Quantizing (bnb-4bit on cpu): 3 of 4 tensors"_s);
}

void TestCompatEvents::statusChanges_data()
{
    QTest::addColumn<int>("to");
    QTest::addColumn<QString>("jobState");
    QTest::addColumn<QStringList>("events");
    QTest::addColumn<QString>("type");   // of the model:progress event
    QTest::addColumn<QString>("status"); // in its vocabulary
    QTest::addColumn<QString>("error");
    const QStringList progress{u"model:progress"_s};
    QTest::newRow("downloading") << int(ModelStatus::Downloading) << u"queued"_s << progress << u"progress"_s
                                 << u"downloading"_s << QString();
    QTest::newRow("quantizing") << int(ModelStatus::Quantizing) << u"queued"_s << progress << u"progress"_s
                                << u"quantizing"_s << QString();
    QTest::newRow("ready") << int(ModelStatus::Ready) << u"done"_s
                           << QStringList{u"model:progress"_s, u"model:completed"_s} << u"completed"_s
                           << u"ready"_s << QString();
    QTest::newRow("failed") << int(ModelStatus::Failed) << u"failed"_s
                            << QStringList{u"model:progress"_s, u"model:error"_s} << u"error"_s << u"error"_s
                            << u"checksum mismatch"_s;
    QTest::newRow("paused") << int(ModelStatus::Pending) << u"paused"_s
                            << QStringList{u"model:progress"_s, u"model:error"_s} << u"error"_s << u"error"_s
                            << u"Paused; resume it from miStudio Models (desktop, CLI or /api/v1)"_s;
    QTest::newRow("cancelled") << int(ModelStatus::Pending) << u"cancelled"_s
                               << QStringList{u"model:progress"_s, u"model:error"_s} << u"error"_s
                               << u"error"_s << u"Download cancelled"_s;
}

void TestCompatEvents::statusChanges()
{
    QFETCH(int, to);
    QFETCH(QString, jobState);
    QFETCH(QStringList, events);
    QFETCH(QString, type);
    QFETCH(QString, status);
    QFETCH(QString, error);
    const ModelEvent e = ModelEvent::statusChanged(kId, ModelStatus::Downloading, ModelStatus(to),
                                                   ModelStatus(to) == ModelStatus::Failed ? error : QString(),
                                                   jobStateFromName(jobState));
    const QList<SocketEvent> out = CompatEvents::translate(e);
    QCOMPARE(names(out), events);
    for (const SocketEvent &s : out) {
        QCOMPARE(s.channel, kChannel);
        QCOMPARE(s.data.value(u"type"_s).toString(), type);
        QCOMPARE(s.data.value(u"status"_s).toString(), status);
        QCOMPARE(s.data.value(u"error"_s).toString(), error);
        QVERIFY(s.data.value(u"progress"_s).isDouble());
    }
    // Only progress may be replaced by a newer one; an end never is.
    QVERIFY(!out.first().coalesceKey.isEmpty());
    if (out.size() > 1)
        QVERIFY(out.last().coalesceKey.isEmpty());
}

void TestCompatEvents::silentEvents()
{
    ModelRecord r;
    r.id = kId;
    QVERIFY(CompatEvents::translate(ModelEvent::modelCreated(r)).isEmpty());
    QVERIFY(CompatEvents::translate(ModelEvent::modelDeleted(kId, 10)).isEmpty());
    QVERIFY(CompatEvents::translate(ModelEvent::downloadCompleted(kId, u"/x"_s, 1, {}, 1)).isEmpty());
    QVERIFY(CompatEvents::translate(ModelEvent::downloadFailed(kId, Error::make(ErrorCode::Timeout, u"t"_s))).isEmpty());
}

void TestCompatEvents::snapshot_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("withJob");
    QTest::addColumn<QStringList>("events");
    QTest::addColumn<double>("progress");
    QTest::newRow("downloading, job at 42%") << int(ModelStatus::Downloading) << true
                                             << QStringList{u"model:progress"_s} << 42.0;
    QTest::newRow("ready") << int(ModelStatus::Ready) << false
                           << QStringList{u"model:progress"_s, u"model:completed"_s} << 100.0;
    QTest::newRow("failed") << int(ModelStatus::Failed) << false
                            << QStringList{u"model:progress"_s, u"model:error"_s} << 0.0;
}

void TestCompatEvents::snapshot()
{
    QFETCH(int, status);
    QFETCH(bool, withJob);
    QFETCH(QStringList, events);
    QFETCH(double, progress);
    ModelRecord r;
    r.id = kId;
    r.status = ModelStatus(status);
    r.errorMessage = u"boom"_s;
    std::optional<JobView> job;
    if (withJob) {
        job = JobView{};
        job->kind = u"download"_s;
        job->state = u"running"_s;
        job->progress = 42.0;
    }
    const QList<SocketEvent> out = CompatEvents::snapshot(r, job);
    QCOMPARE(names(out), events);
    QCOMPARE(out.first().data.value(u"progress"_s).toDouble(), progress);
    if (r.status == ModelStatus::Failed)
        QCOMPARE(out.last().data.value(u"error"_s).toString(), u"boom"_s);
}

QTEST_GUILESS_MAIN(TestCompatEvents)
#include "tst_compatevents.moc"
