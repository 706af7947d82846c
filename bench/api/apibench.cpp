// bench/api: wrk against GET /api/v1/models (1000 records, 64 connections) while a throttled
// download from the fake Hub runs, and the WebSocket latency from a progress event being
// published to a client receiving it. Reference measured in the same run: GET /api/v1/health
// on the same server under the same load (the cost of the HTTP stack alone).
//
//   apibench [--records 1000] [--connections 64] [--seconds 10] [--results bench/RESULTS.md]
#include "fakehub/fakehub.h"
#include "server/apiserver.h"
#include "service/modelservice.h"
#include "engines/realengines.h"
#include "store/storefactory.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QMutex>
#include <QProcess>
#include <QRegularExpression>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QThread>
#include <QWebSocket>

#include <algorithm>
#include <cstdio>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;

namespace {

struct WrkResult
{
    double p50Ms = 0, p90Ms = 0, p99Ms = 0, rps = 0;
    qint64 requests = 0, errors = 0;
};

double toMs(const QString &v)
{
    const QRegularExpressionMatch m = QRegularExpression(u"([0-9.]+)(us|ms|s)"_s).match(v);
    if (!m.hasMatch())
        return -1;
    const double x = m.captured(1).toDouble();
    return m.captured(2) == u"us"_s ? x / 1000.0 : m.captured(2) == u"s"_s ? x * 1000.0 : x;
}

WrkResult runWrk(const QString &url, int connections, int seconds)
{
    QProcess wrk;
    wrk.start(u"wrk"_s, {u"-t2"_s, u"-c%1"_s.arg(connections), u"-d%1s"_s.arg(seconds), u"--latency"_s, url});
    // The server lives in this thread: keep its event loop running while wrk hammers it.
    QEventLoop loop;
    QObject::connect(&wrk, &QProcess::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const QString out = QString::fromUtf8(wrk.readAllStandardOutput());
    WrkResult r;
    auto pct = [&](const char *p) {
        const QRegularExpressionMatch m = QRegularExpression(QLatin1StringView(p) + u"%\\s+([0-9.]+(?:us|ms|s))"_s).match(out);
        return m.hasMatch() ? toMs(m.captured(1)) : -1.0;
    };
    r.p50Ms = pct("50");
    r.p90Ms = pct("90");
    r.p99Ms = pct("99");
    const QRegularExpressionMatch rps = QRegularExpression(u"Requests/sec:\\s+([0-9.]+)"_s).match(out);
    r.rps = rps.captured(1).toDouble();
    const QRegularExpressionMatch n = QRegularExpression(u"(\\d+) requests in"_s).match(out);
    r.requests = n.captured(1).toLongLong();
    const QRegularExpressionMatch e = QRegularExpression(u"Non-2xx or 3xx responses: (\\d+)"_s).match(out);
    r.errors = e.hasMatch() ? e.captured(1).toLongLong() : 0;
    if (r.p99Ms < 0)
        std::fprintf(stderr, "%s\n", qPrintable(out));
    return r;
}

// Publish time of each progress event, by (model, downloaded_bytes), taken on the publishing
// thread; the client looks its message up on receipt.
class StampSink final : public EventSink
{
public:
    explicit StampSink(const QElapsedTimer &clock) : m_clock(clock) {}
    void deliver(const ModelEvent &e) override
    {
        if (e.type() != ModelEvent::Type::DownloadProgress)
            return;
        QMutexLocker lock(&m_mutex);
        m_stamps.insert(e.payload().value(u"downloaded_bytes"_s).toInteger(), m_clock.nsecsElapsed());
    }
    qint64 take(qint64 key)
    {
        QMutexLocker lock(&m_mutex);
        return m_stamps.take(key);
    }

private:
    const QElapsedTimer &m_clock;
    QMutex m_mutex;
    QHash<qint64, qint64> m_stamps;
};

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return -1;
    std::sort(v.begin(), v.end());
    return v[size_t(std::min<double>(double(v.size() - 1), p * double(v.size() - 1) + 0.5))];
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.addOption({u"records"_s, u"Catalogue rows."_s, u"N"_s, u"1000"_s});
    p.addOption({u"connections"_s, u"wrk connections."_s, u"N"_s, u"64"_s});
    p.addOption({u"seconds"_s, u"Seconds per wrk run."_s, u"S"_s, u"10"_s});
    p.addOption({u"results"_s, u"Append a section to this file."_s, u"FILE"_s});
    p.process(app);
    const int records = p.value(u"records"_s).toInt();
    const int conns = p.value(u"connections"_s).toInt();
    const int seconds = p.value(u"seconds"_s).toInt();

    fakehub::FakeHub::Options ho;
    ho.fixtures.bigFileBytes = 2'000'000'000; // generated on the fly; the download never finishes here
    fakehub::FakeHub hub(ho);
    QString error;
    if (!hub.start(&error)) {
        std::fprintf(stderr, "fakehub: %s\n", qPrintable(error));
        return 1;
    }
    QTemporaryDir dir;
    AppConfig cfg;
    cfg.dataDir = dir.path();
    Result<Stores> stores = openStores(cfg);
    if (!stores) {
        std::fprintf(stderr, "%s\n", qPrintable(stores.error().toString()));
        return 1;
    }
    EventBus bus;
    QElapsedTimer clock;
    clock.start();
    auto stamps = std::make_shared<StampSink>(clock);
    bus.addSink(stamps);
    HubSettings hs;
    hs.hub.endpoint = hub.endpoint();
    hs.environment = QProcessEnvironment();
    ServiceOptions so;
    so.dataDir = DataDir(dir.path());
    so.progressIntervalMs = 100;
    ModelService service(stores->models, stores->jobs, &bus, makeRealEngines(hs), so);
    if (!service.start())
        return 1;
    for (int i = 0; i < records; ++i) {
        NewModel m;
        m.repoId = u"bench-org/model-%1"_s.arg(i, 4, 10, QLatin1Char('0'));
        if (!service.create(m))
            return 1;
    }
    ApiServer server(&service, ServerConfig{QHostAddress(QHostAddress::LocalHost), 0});
    if (!server.start())
        return 1;
    const QString base = u"http://127.0.0.1:%1/api/v1"_s.arg(server.port());

    // The throttled download (5 MB/s) and a WebSocket client on its channel.
    NewModel big;
    big.repoId = u"org/big"_s;
    const QUuid id = service.create(big)->id;
    std::vector<double> wsLatencyMs;
    QWebSocket ws;
    QObject::connect(&ws, &QWebSocket::textMessageReceived, &ws, [&](const QString &m) {
        const qint64 now = clock.nsecsElapsed();
        const QJsonObject o = QJsonDocument::fromJson(m.toUtf8()).object();
        if (o.value(u"event"_s).toString() != u"download_progress"_s)
            return;
        const qint64 sent = stamps->take(o.value(u"data"_s).toObject().value(u"downloaded_bytes"_s).toInteger());
        if (sent > 0)
            wsLatencyMs.push_back(double(now - sent) / 1e6);
    });
    ws.open(QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(server.port())));
    while (ws.state() != QAbstractSocket::ConnectedState)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 100);
    ws.sendTextMessage(uR"({"action":"subscribe","channel":"model/%1"})"_s.arg(id.toString(QUuid::WithoutBraces)));
    DownloadRequest dl;
    dl.maxBytesPerSecond = 5'000'000;
    if (!service.download(id, dl))
        return 1;
    QElapsedTimer warm;
    warm.start();
    while (warm.elapsed() < 2000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    const size_t wsIdle = wsLatencyMs.size();
    std::vector<double> idleLatency(wsLatencyMs.begin(), wsLatencyMs.end());

    const WrkResult health = runWrk(base + u"/health"_s, conns, seconds);
    const WrkResult list = runWrk(base + u"/models"_s, conns, seconds);
    const WrkResult listBig = runWrk(base + u"/models?limit=1000"_s, conns, seconds);
    std::vector<double> loaded(wsLatencyMs.begin() + qsizetype(wsIdle), wsLatencyMs.end());
    const QJsonObject job = service.activeJob(id) ? service.activeJob(id)->toJson() : QJsonObject();
    service.shutdown();

    const QString when = QDateTime::currentDateTimeUtc().toString(u"yyyy-MM-dd HH:mm"_s);
    QString md;
    md += u"\n## api — %1 UTC (bench/api/apibench, %2 CPUs, Qt %3)\n\n"_s.arg(when).arg(QThread::idealThreadCount()).arg(QString::fromLatin1(qVersion()));
    md += u"Server: in-process ApiServer on 127.0.0.1, SQLite catalogue with %1 models, while a download of "
          "org/big from the fake Hub runs capped at 5 MB/s (job progress at the end: %2%). "
          "`wrk -t2 -c%3 -d%4s --latency`. Reference: GET /api/v1/health on the same server under "
          "the same load.\n\n"_s.arg(records + 1).arg(job.value(u"progress"_s).toDouble(), 0, 'f', 1).arg(conns).arg(seconds);
    md += u"| route | p50 ms | p90 ms | p99 ms | req/s | non-2xx | p99 vs health |\n|---|---|---|---|---|---|---|\n"_s;
    auto row = [&](const QString &name, const WrkResult &r) {
        md += u"| %1 | %2 | %3 | %4 | %5 | %6 | %7× |\n"_s.arg(name)
                  .arg(r.p50Ms, 0, 'f', 2).arg(r.p90Ms, 0, 'f', 2).arg(r.p99Ms, 0, 'f', 2)
                  .arg(r.rps, 0, 'f', 0).arg(r.errors)
                  .arg(health.p99Ms > 0 ? r.p99Ms / health.p99Ms : 0.0, 0, 'f', 2);
    };
    row(u"GET /api/v1/health (reference)"_s, health);
    row(u"GET /api/v1/models (page of 50)"_s, list);
    row(u"GET /api/v1/models?limit=1000"_s, listBig);
    md += u"\nWebSocket `download_progress`, publish (worker thread) → client receipt, same process over loopback:\n"
          "idle p50 %1 ms / p99 %2 ms (%3 events); under the wrk load p50 %4 ms / p99 %5 ms (%6 events).\n"
          "Target p99 ≤ 10 ms for GET /api/v1/models: **%7**.\n"_s
              .arg(percentile(idleLatency, 0.5), 0, 'f', 2).arg(percentile(idleLatency, 0.99), 0, 'f', 2)
              .arg(idleLatency.size())
              .arg(percentile(loaded, 0.5), 0, 'f', 2).arg(percentile(loaded, 0.99), 0, 'f', 2).arg(loaded.size())
              .arg(list.p99Ms >= 0 && list.p99Ms <= 10.0 ? u"met"_s : u"not met"_s);
    std::printf("%s", qPrintable(md));
    if (p.isSet(u"results"_s)) {
        QFile f(p.value(u"results"_s));
        if (f.open(QIODevice::Append))
            f.write(md.toUtf8());
    }
    return 0;
}
