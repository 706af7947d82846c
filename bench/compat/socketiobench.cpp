// bench/compat: event latency from publication to a real client, for the original frontend's
// Socket.IO events (npm socket.io-client over HTTP long-polling and over a WebSocket) and, as the
// reference measured in the same run, the native API's plain WebSocket (/ws). A thread
// publishes download progress on the EventBus, as a download job does, stamping each event on
// CLOCK_MONOTONIC; the node client (tests/core/server/compat/npm/latency-client.mjs) stamps its
// receipt on the same clock in its own process.
//
//   socketiobench [--npm DIR] [--rate 20] [--count 400] [--results bench/RESULTS.md]
//   DIR: where tests/core/server/compat/npm/install-npm-clients.sh installed the clients
//        (default: the build tree's tests/core/server/compat/npm)
#include "server/apiserver.h"
#include "service/modelservice.h"
#include "store/storefactory.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;

namespace {

qint64 monotonicNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return -1;
    std::sort(v.begin(), v.end());
    return v[size_t(std::min<double>(double(v.size() - 1), p * double(v.size() - 1) + 0.5))];
}

struct Run
{
    QString name;
    int published = 0;
    std::vector<double> latencyMs;
    QString transport;
};

// Publishes `count` progress events of one model at `rate` per second: the n-th has n × 100
// of 1,000,000 bytes (n/100 %), so both kinds of client can name it.
class Publisher final : public QThread
{
public:
    Publisher(EventBus *bus, QUuid id, int count, int rate) : m_bus(bus), m_id(id), m_count(count), m_rate(rate) {}
    std::map<qint64, qint64> stamps() const
    {
        QMutexLocker lock(&m_mutex);
        return m_stamps;
    }

protected:
    void run() override
    {
        const qint64 interval = 1'000'000'000LL / m_rate;
        const qint64 start = monotonicNs();
        for (int n = 1; n <= m_count; ++n) {
            const qint64 due = start + n * interval;
            while (monotonicNs() < due)
                QThread::usleep(std::max<qint64>(1, (due - monotonicNs()) / 1000));
            TransferProgress p;
            p.downloadedBytes = qint64(n) * 100;
            p.totalBytes = 1'000'000;
            p.bytesPerSecond = 1e6;
            const qint64 now = monotonicNs();
            {
                QMutexLocker lock(&m_mutex);
                m_stamps[n] = now;
            }
            m_bus->publish(ModelEvent::downloadProgress(m_id, p));
        }
    }

private:
    EventBus *m_bus;
    QUuid m_id;
    int m_count;
    int m_rate;
    mutable QMutex m_mutex;
    std::map<qint64, qint64> m_stamps;
};

Run measure(const QString &mode, const QString &npmDir, quint16 port, EventBus *bus, const QUuid &id,
            int count, int rate)
{
    Run r;
    r.name = mode;
    QProcess node;
    node.setWorkingDirectory(npmDir);
    node.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    node.start(u"node"_s, {u"latency-client.mjs"_s, mode, u"http://127.0.0.1:%1"_s.arg(port),
                           id.toString(QUuid::WithoutBraces), QString::number(count)});
    // The server lives on this thread: its event loop runs while the client connects and reads.
    QByteArray out;
    QEventLoop loop;
    QObject::connect(&node, &QProcess::readyReadStandardOutput, &loop, [&] {
        out += node.readAllStandardOutput();
        if (out.contains("\"ready\""))
            loop.quit();
    });
    QObject::connect(&node, &QProcess::finished, &loop, &QEventLoop::quit);
    loop.exec();
    if (!out.contains("\"ready\"")) {
        std::fprintf(stderr, "%s: the client did not subscribe: %s\n", qPrintable(mode), out.constData());
        return r;
    }
    r.transport = QJsonDocument::fromJson(out.left(out.indexOf('\n'))).object().value(u"transport"_s).toString(u"websocket (plain)"_s);
    out.clear();
    QObject::disconnect(&node, &QProcess::readyReadStandardOutput, &loop, nullptr);
    Publisher publisher(bus, id, count, rate);
    publisher.start();
    // Coalescing may leave the client short of `count`: stop once publishing ended and a
    // second passed.
    QTimer grace;
    grace.setSingleShot(true);
    QObject::connect(&publisher, &QThread::finished, &grace, [&] { grace.start(1000); });
    QObject::connect(&grace, &QTimer::timeout, &loop, &QEventLoop::quit);
    loop.exec();
    publisher.wait();
    if (node.state() != QProcess::NotRunning) {
        node.kill();
        node.waitForFinished(5000);
    }
    out += node.readAllStandardOutput();
    const std::map<qint64, qint64> stamps = publisher.stamps();
    r.published = int(stamps.size());
    for (const QByteArray &line : out.split('\n')) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (!o.contains(u"key"_s))
            continue;
        qint64 key = o.value(u"key"_s).toInteger();
        if (mode == u"native"_s)
            key /= 100;
        const auto sent = stamps.find(key);
        if (sent != stamps.end())
            r.latencyMs.push_back(double(o.value(u"ns"_s).toString().toLongLong() - sent->second) / 1e6);
    }
    return r;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.addOption({u"npm"_s, u"Installed npm clients."_s, u"DIR"_s,
                 QCoreApplication::applicationDirPath() + u"/../tests/core/server/compat/npm"_s});
    p.addOption({u"rate"_s, u"Progress events per second."_s, u"N"_s, u"20"_s});
    p.addOption({u"count"_s, u"Events per client."_s, u"N"_s, u"400"_s});
    p.addOption({u"results"_s, u"Append a section to this file."_s, u"FILE"_s});
    p.process(app);
    const QString npmDir = QFileInfo(p.value(u"npm"_s)).canonicalFilePath();
    if (!QFileInfo::exists(npmDir + u"/node_modules/socket.io-client/package.json"_s)) {
        std::fprintf(stderr, "socket.io-client is not installed in %s: run ctest -R compat_npm_setup first\n",
                     qPrintable(p.value(u"npm"_s)));
        return 1;
    }
    const int rate = p.value(u"rate"_s).toInt();
    const int count = p.value(u"count"_s).toInt();

    QTemporaryDir dir;
    AppConfig cfg;
    cfg.dataDir = dir.path();
    Result<Stores> stores = openStores(cfg);
    if (!stores)
        return 1;
    EventBus bus;
    ServiceOptions so;
    so.dataDir = DataDir(dir.path());
    so.runsJobs = false;
    ModelService service(stores->models, stores->jobs, &bus, Engines{}, so);
    NewModel m;
    m.repoId = u"bench-org/progress"_s;
    const QUuid id = service.create(m)->id;
    ApiServer server(&service, ServerConfig{QHostAddress(QHostAddress::LocalHost), 0});
    if (!server.start())
        return 1;

    std::vector<Run> runs;
    for (const QString &mode : {u"native"_s, u"websocket"_s, u"polling"_s})
        runs.push_back(measure(mode, npmDir, server.port(), &bus, id, count, rate));

    QProcess version;
    version.start(u"node"_s, {u"--version"_s});
    version.waitForFinished(10000);
    const QString nodeVersion = QString::fromUtf8(version.readAllStandardOutput()).trimmed();
    const QString when = QDateTime::currentDateTimeUtc().toString(u"yyyy-MM-dd HH:mm"_s);
    QString md;
    md += u"\n## compat Socket.IO — %1 UTC (bench/compat/socketiobench, %2 CPUs, Qt %3, node %4)\n\n"_s
              .arg(when).arg(QThread::idealThreadCount()).arg(QString::fromLatin1(qVersion()))
              .arg(nodeVersion);
    md += u"`socketiobench --rate %1 --count %2`: a thread publishes %2 download-progress events of one "
          "model on the EventBus at %1/s (as a download job does); an in-process ApiServer on 127.0.0.1 "
          "sends them to one node client in its own process, which stamps each receipt on "
          "CLOCK_MONOTONIC, the clock the publication was stamped on. Reference: the native API's "
          "plain WebSocket (/ws, `download_progress`) in the same run.\n\n"_s.arg(rate).arg(count);
    md += u"| client | transport | received / published | p50 ms | p99 ms | max ms | p99 vs native |\n|---|---|---|---|---|---|---|\n"_s;
    const double nativeP99 = percentile(runs.front().latencyMs, 0.99);
    for (const Run &r : runs) {
        md += u"| %1 | %2 | %3 / %4 | %5 | %6 | %7 | %8× |\n"_s
                  .arg(r.name == u"native"_s ? u"ws (npm), /ws"_s : u"socket.io-client 4.8.1, /ws/socket.io"_s)
                  .arg(r.transport)
                  .arg(r.latencyMs.size()).arg(r.published)
                  .arg(percentile(r.latencyMs, 0.5), 0, 'f', 2)
                  .arg(percentile(r.latencyMs, 0.99), 0, 'f', 2)
                  .arg(r.latencyMs.empty() ? -1.0 : *std::max_element(r.latencyMs.begin(), r.latencyMs.end()), 0, 'f', 2)
                  .arg(nativeP99 > 0 ? percentile(r.latencyMs, 0.99) / nativeP99 : 0.0, 0, 'f', 2);
    }
    std::printf("%s", qPrintable(md));
    if (p.isSet(u"results"_s)) {
        QFile f(p.value(u"results"_s));
        if (f.open(QIODevice::Append))
            f.write(md.toUtf8());
    }
    return 0;
}
