// InternalEmitSink against a stand-in for the original backend's internal emit endpoint
// (test::FakeOriginalBackend on a loopback port): the bodies and the token it posts, in order; refusals
// counted; and a backend that does not answer never holds the publisher, whose queue stays
// bounded.
#include "server/compat/internalemitsink.h"

#include "fakebackend.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace mistudio::compat;

namespace {

const QUuid kId = QUuid::fromString(u"0b7e4c1a-1111-4222-8333-444455556666"_s);
const QString kToken = u"internal-secret"_s;

InternalEmitSink::Options options(const QUrl &url, const QString &token = kToken)
{
    InternalEmitSink::Options o;
    o.url = url;
    o.token = token;
    return o;
}

DownloadProgressInfo progressAt(qint64 done)
{
    DownloadProgressInfo p;
    p.downloadedBytes = done;
    p.totalBytes = 100;
    return p;
}

} // namespace

class TestInternalEmitSink final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void postsTranslatedEventsInOrder();
    void wrongTokenIsCountedAsFailed();
    void unansweringBackendNeverHoldsThePublisher();
};

void TestInternalEmitSink::postsTranslatedEventsInOrder()
{
    test::FakeOriginalBackend backend(kToken.toUtf8());
    InternalEmitSink sink(options(backend.url()));
    // One at a time: a progress event still queued would be replaced by a newer one.
    sink.deliver(ModelEvent::statusChanged(kId, ModelStatus::Pending, ModelStatus::Downloading, {}, JobState::Queued));
    QTRY_COMPARE(sink.counters().posted, 1);
    sink.deliver(ModelEvent::downloadProgress(kId, progressAt(50)));
    QTRY_COMPARE(sink.counters().posted, 2);
    sink.deliver(ModelEvent::modelDeleted(QUuid::createUuid(), 0)); // nothing for the frontend
    sink.deliver(ModelEvent::statusChanged(kId, ModelStatus::Downloading, ModelStatus::Ready, {}, JobState::Done));
    QTRY_COMPARE(sink.counters().posted, 4);
    QStringList events;
    for (const QJsonObject &b : std::as_const(backend.bodies)) {
        QCOMPARE(b.value(u"channel"_s).toString(), u"models/%1/progress"_s.arg(kId.toString(QUuid::WithoutBraces)));
        events << b.value(u"event"_s).toString() + u':' + b.value(u"data"_s).toObject().value(u"type"_s).toString();
    }
    QCOMPARE(events, (QStringList{u"model:progress:progress"_s, u"model:progress:progress"_s,
                                  u"model:progress:completed"_s, u"model:completed:completed"_s}));
    QCOMPARE(backend.bodies.at(1).value(u"data"_s).toObject().value(u"progress"_s).toDouble(), 50.0);
    QCOMPARE(backend.contentTypes.first(), QByteArray("application/json"));
    QCOMPARE(sink.counters().failed, 0);
}

void TestInternalEmitSink::wrongTokenIsCountedAsFailed()
{
    test::FakeOriginalBackend backend(kToken.toUtf8());
    InternalEmitSink sink(options(backend.url(), u"wrong"_s));
    sink.deliver(ModelEvent::statusChanged(kId, ModelStatus::Downloading, ModelStatus::Failed, u"boom"_s, JobState::Failed));
    QTRY_COMPARE(sink.counters().failed, 2); // model:progress and model:error
    QCOMPARE(sink.counters().posted, 0);
    QVERIFY(backend.bodies.isEmpty());
}

void TestInternalEmitSink::unansweringBackendNeverHoldsThePublisher()
{
    // Accepts connections and never answers: the first post hangs until its timeout.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
    InternalEmitSink::Options o = options(QUrl(u"http://127.0.0.1:%1/api/internal/ws/emit"_s.arg(silent.serverPort())));
    o.maxQueued = 8;
    o.timeoutMs = 60000;
    InternalEmitSink sink(o);
    // Each end of a different model: nothing coalesces.
    for (int i = 0; i < 50; ++i)
        sink.deliver(ModelEvent::statusChanged(QUuid::createUuid(), ModelStatus::Downloading, ModelStatus::Ready, {}, JobState::Done));
    // 100 events (two per end): at most one in flight and 8 queued, the rest dropped.
    QTRY_VERIFY(sink.counters().dropped >= 100 - 8 - 1);
    QCOMPARE(sink.counters().posted, 0);
    // Progress of one model: one queued at a time however many arrive.
    InternalEmitSink::Options p = o;
    InternalEmitSink progressSink(p);
    for (int i = 0; i < 1000; ++i)
        progressSink.deliver(ModelEvent::downloadProgress(kId, progressAt(i % 100)));
    QCOMPARE(progressSink.counters().dropped, 0);
}

QTEST_GUILESS_MAIN(TestInternalEmitSink)
#include "tst_internalemitsink.moc"
