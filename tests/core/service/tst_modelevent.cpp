// ModelEvent: names and payloads exactly as docs/api.md's base keys plus the documented extras, and
// the EventBus delivering across threads and to sinks.
#include "service/eventbus.h"
#include "service/modelevent.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;

class TestModelEvent final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void namesAndKeys_data();
    void namesAndKeys();
    void progressFigures();
    void etaUnknownIsNull();
    void messageShape();
    void readsBackWhatItWrites_data();
    void readsBackWhatItWrites();
    void busDeliversAcrossThreadsAndToSinks();
};

void TestModelEvent::namesAndKeys_data()
{
    const QUuid id = QUuid::createUuid();
    Error err = Error::make(ErrorCode::RepoNotFound, u"gone"_s);
    ModelRecord rec;
    rec.id = id;
    QTest::addColumn<ModelEvent>("event");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QStringList>("keys");
    QTest::newRow("created") << ModelEvent::modelCreated(rec) << u"model_created"_s
                             << QStringList{u"model"_s, u"model_id"_s};
    QTest::newRow("deleted") << ModelEvent::modelDeleted(id, 5) << u"model_deleted"_s
                             << QStringList{u"bytes_freed"_s, u"model_id"_s};
    QTest::newRow("status") << ModelEvent::statusChanged(id, ModelStatus::Pending, ModelStatus::Downloading)
                            << u"status_changed"_s
                            << QStringList{u"model_id"_s, u"previous_status"_s, u"status"_s};
    QTest::newRow("progress") << ModelEvent::downloadProgress(id, {}) << u"download_progress"_s
                              << QStringList{u"downloaded_bytes"_s, u"downloaded_gb"_s,
                                             u"eta_seconds"_s, u"files_done"_s, u"files_total"_s,
                                             u"model_id"_s, u"progress"_s, u"speed_bytes_per_sec"_s,
                                             u"speed_mbps"_s, u"total_bytes"_s, u"total_gb"_s};
    QTest::newRow("completed") << ModelEvent::downloadCompleted(id, u"/d"_s, 10, {}, 2)
                               << u"download_completed"_s
                               << QStringList{u"file_path"_s, u"files"_s, u"model_id"_s, u"size_bytes"_s};
    QTest::newRow("failed") << ModelEvent::downloadFailed(id, err) << u"download_failed"_s
                            << QStringList{u"error"_s, u"error_code"_s, u"model_id"_s};
    QTest::newRow("q-progress") << ModelEvent::quantizeProgress(id, {}) << u"quantize_progress"_s
                                << QStringList{u"bytes_done"_s, u"bytes_total"_s, u"device"_s,
                                               u"eta_seconds"_s, u"mode"_s, u"model_id"_s,
                                               u"progress"_s, u"seconds_elapsed"_s, u"tensors_done"_s,
                                               u"tensors_total"_s};
    QTest::newRow("q-completed") << ModelEvent::quantizeCompleted(id, u"/q"_s, 3, u"bnb-4bit"_s)
                                 << u"quantize_completed"_s
                                 << QStringList{u"file_path"_s, u"mode"_s, u"model_id"_s, u"size_bytes"_s};
    QTest::newRow("q-failed") << ModelEvent::quantizeFailed(id, err, u"bnb-8bit"_s)
                              << u"quantize_failed"_s
                              << QStringList{u"error"_s, u"error_code"_s, u"mode"_s, u"model_id"_s};
}

void TestModelEvent::namesAndKeys()
{
    QFETCH(ModelEvent, event);
    QFETCH(QString, name);
    QFETCH(QStringList, keys);
    QCOMPARE(event.name(), name);
    QCOMPARE(event.payload().keys(), keys);
}

void TestModelEvent::progressFigures()
{
    DownloadProgressInfo p;
    p.downloadedBytes = 1'500'000'000;
    p.totalBytes = 6'000'000'000;
    p.bytesPerSecond = 50'000'000;
    p.filesDone = 1;
    p.filesTotal = 4;
    const QJsonObject o = ModelEvent::downloadProgress(QUuid::createUuid(), p).payload();
    QCOMPARE(o.value(u"progress"_s).toDouble(), 25.0);
    QCOMPARE(o.value(u"downloaded_gb"_s).toDouble(), 1.5);
    QCOMPARE(o.value(u"total_gb"_s).toDouble(), 6.0);
    QCOMPARE(o.value(u"speed_mbps"_s).toDouble(), 50.0);
    QCOMPARE(o.value(u"eta_seconds"_s).toInteger(), 90);
}

void TestModelEvent::etaUnknownIsNull()
{
    DownloadProgressInfo p;
    p.totalBytes = 100;
    const QJsonObject o = ModelEvent::downloadProgress(QUuid::createUuid(), p).payload();
    QVERIFY(o.value(u"eta_seconds"_s).isNull());
}

void TestModelEvent::readsBackWhatItWrites_data()
{
    // Every event the outbox (or another process) carries comes back as the same struct: the
    // one writer and the one reader agree, key for key.
    const QUuid id = QUuid::createUuid();
    ModelRecord rec;
    rec.id = id;
    rec.name = u"m"_s;
    rec.repoId = u"org/m"_s;
    rec.status = ModelStatus::Downloading;
    rec.paramsCount = 42;
    rec.createdAt = QDateTime::currentDateTimeUtc();
    TransferProgress t;
    t.downloadedBytes = 123;
    t.totalBytes = 456;
    t.bytesPerSecond = 78;
    t.filesDone = 1;
    t.filesTotal = 3;
    t.currentFile = u"a.safetensors"_s;
    t.files << TransferFile{u"a.safetensors"_s, 100, 200, TransferFile::State::Retrying, u"http_503"_s};
    QuantizeProgressInfo q{u"bnb-4bit"_s, u"cuda:0"_s, 3, 9, 30, 90, 1.5};
    JobRecord job;
    job.id = QUuid::createUuid();
    job.modelId = id;
    job.kind = JobKind::Quantize;
    job.state = JobState::Running;
    job.runDevice = u"cuda:1"_s;
    job.ownerHost = u"gpu-box"_s;
    job.requestedStop = StopRequest::Pause;
    job.progress = 12.5;
    const Error err = Error::make(ErrorCode::ChecksumMismatch, u"bad"_s, {{u"file"_s, u"x"_s}});
    QTest::addColumn<ModelEvent>("event");
    QTest::newRow("created") << ModelEvent::modelCreated(rec);
    QTest::newRow("deleted") << ModelEvent::modelDeleted(id, 99);
    QTest::newRow("status") << ModelEvent::statusChanged(id, ModelStatus::Downloading, ModelStatus::Failed,
                                                         u"boom"_s, JobState::Failed);
    QTest::newRow("progress") << ModelEvent::downloadProgress(id, t);
    QTest::newRow("completed") << ModelEvent::downloadCompleted(id, u"/d"_s, 10, QString(40, u'a'), 2);
    QTest::newRow("failed") << ModelEvent::downloadFailed(id, err);
    QTest::newRow("q-progress") << ModelEvent::quantizeProgress(id, q);
    QTest::newRow("q-completed") << ModelEvent::quantizeCompleted(id, u"/q"_s, 3, u"bnb-4bit"_s);
    QTest::newRow("q-failed") << ModelEvent::quantizeFailed(id, err, u"bnb-8bit"_s);
    QTest::newRow("job") << ModelEvent::jobChanged(job);
}

void TestModelEvent::readsBackWhatItWrites()
{
    QFETCH(ModelEvent, event);
    const std::optional<ModelEvent> back = ModelEvent::fromRecorded(event.name(), event.modelId(), event.payload());
    QVERIFY(back.has_value());
    QCOMPARE(back->type(), event.type());
    QCOMPARE(back->payload(), event.payload());
    QVERIFY(!ModelEvent::fromRecorded(u"no_such_event"_s, event.modelId(), event.payload()));
}

void TestModelEvent::messageShape()
{
    const QUuid id = QUuid::createUuid();
    const ModelEvent e = ModelEvent::downloadFailed(id, Error::make(ErrorCode::Offline, u"x"_s));
    const QJsonObject m = e.toMessage();
    QCOMPARE(m.value(u"channel"_s).toString(), u"model/"_s + id.toString(QUuid::WithoutBraces));
    QCOMPARE(m.value(u"event"_s).toString(), u"download_failed"_s);
    QCOMPARE(m.value(u"data"_s).toObject().value(u"error"_s).toString(), u"x"_s);
    QVERIFY(!e.isProgress());
    QVERIFY(ModelEvent::quantizeProgress(id, {}).isProgress());
}

namespace {
class CountingSink final : public EventSink
{
public:
    std::atomic<int> n{0};
    void deliver(const ModelEvent &) override { ++n; }
};
} // namespace

void TestModelEvent::busDeliversAcrossThreadsAndToSinks()
{
    EventBus bus;
    auto sink = std::make_shared<CountingSink>();
    bus.addSink(sink);
    QList<QString> received;
    Qt::HANDLE receiverThread = nullptr;
    bus.subscribe(this, [&](const ModelEvent &e) {
        received << e.name();
        receiverThread = QThread::currentThreadId();
    });
    QThread *t = QThread::create([&bus] {
        bus.publish(ModelEvent::modelDeleted(QUuid::createUuid(), 1));
    });
    t->start();
    QVERIFY(t->wait(5000));
    delete t;
    QTRY_COMPARE(received, QList<QString>{u"model_deleted"_s});
    QCOMPARE(receiverThread, QThread::currentThreadId());
    QCOMPARE(sink->n.load(), 1);
    bus.removeSink(sink);
    bus.publish(ModelEvent::modelDeleted(QUuid::createUuid(), 1));
    QCOMPARE(sink->n.load(), 1);
}

QTEST_GUILESS_MAIN(TestModelEvent)
#include "tst_modelevent.moc"
