#include "jobsstall.h"

#include "common/appconfig.h"
#include "desktopsession.h"
#include "engines/realengines.h"
#include "fakehub/fakehub.h"
#include "mainwindow.h"
#include "modelbackend.h"
#include "modelspanel.h"
#include "modeltablemodel.h"
#include "quant/syntheticcheckpoint.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QSettings>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <chrono>
#include <ctime>
#include <cstdio>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;

namespace {

constexpr int kConnections = 4;
constexpr double kDownloadSeconds = 8.0; // the throttled CDN makes each download take about this
const QStringList kDownloads{u"bench/dl-1"_s, u"bench/dl-2"_s, u"bench/dl-3"_s};
const QString kQuantized = u"bench/quantize"_s;

qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Longest gap between 5 ms ticks of a timer on the thread the object lives in.
class Heartbeat final : public QObject
{
public:
    Heartbeat()
    {
        m_timer.setInterval(5);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 t = nowNs();
            if (m_last > 0)
                m_maxGap = std::max<qint64>(m_maxGap, t - m_last);
            m_last = t;
        });
    }
    void start()
    {
        QMetaObject::invokeMethod(this, [this] {
            m_last = nowNs();
            m_timer.start();
        });
    }
    void stop()
    {
        if (thread() == QThread::currentThread())
            m_timer.stop();
        else
            QMetaObject::invokeMethod(this, [this] { m_timer.stop(); }, Qt::BlockingQueuedConnection);
    }
    double maxGapMs() const { return double(m_maxGap) / 1e6; }

private:
    QTimer m_timer{this};
    qint64 m_last = 0;
    std::atomic<qint64> m_maxGap{0};
};

quant::SyntheticSpec specFor(qint64 bytes)
{
    // A small llama: 1024 wide, untied 32k vocabulary (131 MB of embeddings in BF16), and as
    // many 25.7 MB layers as reach the size.
    quant::SyntheticSpec s;
    s.family = "llama";
    s.hidden = 1024;
    s.intermediate = 2816;
    s.vocab = 32000;
    s.dtype = quant::DType::BF16;
    s.tieEmbeddings = false;
    const qint64 embeddings = 2LL * 32000 * 1024 * 2;
    const qint64 layer = (4LL * 1024 * 1024 + 3LL * 1024 * 2816) * 2;
    s.layers = int(std::max<qint64>(1, (bytes - embeddings) / layer));
    return s;
}

qint64 threadCpuNs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// Times every event the GUI thread handles at the top level (nested deliveries are part of
// their parent's time): the longest one in CPU time is the app's own work, whatever the
// scheduler does; in wall time it also holds the preemptions.
class TimedApplication final : public QApplication
{
public:
    using QApplication::QApplication;

    bool notify(QObject *receiver, QEvent *event) override
    {
        // notify() runs on every thread that delivers events: only the GUI thread's count.
        if (m_depth > 0 || !m_measuring || QThread::currentThread() != thread())
            return QApplication::notify(receiver, event);
        ++m_depth;
        // Read before delivery: a DeferredDelete event deletes its receiver.
        const char *className = receiver->metaObject()->className();
        const int type = int(event->type());
        const qint64 w0 = nowNs();
        const qint64 c0 = threadCpuNs();
        const bool r = QApplication::notify(receiver, event);
        const qint64 cpu = threadCpuNs() - c0;
        const qint64 wall = nowNs() - w0;
        --m_depth;
        if (cpu > m_maxCpu) {
            m_maxCpu = cpu;
            m_maxCpuWhat = QString::fromLatin1(className) + u'/' + QString::number(type);
        }
        m_maxWall = std::max(m_maxWall, wall);
        return r;
    }
    void setMeasuring(bool on) { m_measuring = on; }
    double maxCpuMs() const { return double(m_maxCpu) / 1e6; }
    double maxWallMs() const { return double(m_maxWall) / 1e6; }
    QString maxCpuWhat() const { return m_maxCpuWhat; }

private:
    int m_depth = 0;
    bool m_measuring = false;
    qint64 m_maxCpu = 0;
    qint64 m_maxWall = 0;
    QString m_maxCpuWhat;
};

bool waitFor(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(1);
    }
    return true;
}

} // namespace

qint64 downloadWeightBytes(qint64 downloadBytes)
{
    return qint64(quant::syntheticBytes(specFor(downloadBytes)));
}

qint64 quantizeWeightBytes(qint64 downloadBytes)
{
    return qint64(quant::syntheticBytes(specFor(3 * downloadBytes)));
}

bool prepareJobsFixtures(const QString &dir, qint64 downloadBytes, QString *error)
{
    QStringList repos = kDownloads;
    repos << kQuantized;
    for (const QString &repo : std::as_const(repos)) {
        const QString path = dir + u'/' + repo;
        if (QFileInfo::exists(path + u"/config.json"_s))
            continue;
        QDir().mkpath(path);
        quant::SyntheticSpec spec = specFor(repo == kQuantized ? 3 * downloadBytes : downloadBytes);
        spec.seed = uint32_t(qHash(repo));
        if (quant::Status s = quant::writeSyntheticCheckpoint(path.toStdString(), spec); !s) {
            if (error)
                *error = QString::fromStdString(s.error().message);
            return false;
        }
    }
    return true;
}

int runJobsChild(const QString &fixtures, qint64 downloadBytes)
{
    int argc = 1;
    char arg0[] = "bench_gui";
    char *argv[] = {arg0, nullptr};
    TimedApplication app(argc, argv);
    fakehub::FakeHub hub;
    QString error;
    if (!hub.start(&error) || hub.addReposFromDirectory(fixtures, &error) < 4) {
        std::fprintf(stderr, "fake hub: %s\n", qPrintable(error));
        return 1;
    }
    QTemporaryDir data;
    AppConfig config;
    config.dataDir = data.filePath(u"data"_s);
    HubSettings o;
    o.environment = QProcessEnvironment();
    o.hub.endpoint = hub.endpoint();
    o.dataDir = config.dataDir;
    o.download.connectionsPerFile = kConnections;
    o.quantizeDevice = u"cpu"_s;
    ServiceOptions so;
    so.maxConcurrentDownloads = 3;
    auto session = ui::DesktopSession::open(config, makeRealEngines(o), so);
    if (!session) {
        std::fprintf(stderr, "%s\n", qPrintable(session.error().toString()));
        return 1;
    }
    QSettings settings(data.filePath(u"s.ini"_s), QSettings::IniFormat);
    ui::MainWindow window(config, (*session)->backend(), &settings);
    window.show();
    ui::ModelBackend *backend = (*session)->backend();
    ui::ModelTableModel *table = window.modelsPanel()->tableModel();
    int finished = 0;
    int failed = 0;
    QHash<QUuid, qint64> downloaded; // the bytes each download reported last
    QObject::connect(backend, &ui::ModelBackend::progressChanged, &app,
                     [&](const QUuid &id, const ui::JobProgress &p) {
                         if (p.phase == ui::JobProgress::Phase::Download && p.bytesDone > 0)
                             downloaded[id] = std::max(downloaded.value(id), p.bytesDone);
                     });
    QObject::connect(backend, &ui::ModelBackend::jobFinished, &app,
                     [&](const QUuid &, const QString &repo, ui::JobProgress::Phase, bool ok,
                         const Error &e) {
                         ++finished;
                         if (!ok) {
                             ++failed;
                             std::fprintf(stderr, "%s: %s\n", qPrintable(repo), qPrintable(e.toString()));
                         }
                     });

    // The model to quantize is downloaded first, at full speed (not measured).
    std::optional<ModelRecord> toQuantize;
    backend->download({kQuantized, u"main"_s, {}, {}, 0}, &app, [&](Result<ModelRecord> r) {
        if (r)
            toQuantize = *r;
        else
            std::fprintf(stderr, "%s\n", qPrintable(r.error().toString()));
    });
    if (!waitFor([&] { return finished > 0; }, 300000) || failed || !toQuantize)
        return 1;
    finished = 0;

    // Three downloads that take about kDownloadSeconds each, and the quantization, at once.
    hub.setCdnBandwidthPerConnection(
        std::max<qint64>(4096, qint64(double(downloadBytes) / kConnections / kDownloadSeconds)));
    Heartbeat gui;
    QThread idleThread;
    Heartbeat idle;
    idle.moveToThread(&idleThread);
    idleThread.start();
    const quint64 repaintsBefore = table->dataChangedCount();
    downloaded.clear();
    const qint64 t0 = nowNs();
    app.setMeasuring(true);
    gui.start();
    idle.start();
    for (const QString &repo : kDownloads)
        backend->download({repo, u"main"_s, {}, {}, 0}, &app, [](Result<ModelRecord> r) {
            if (!r)
                std::fprintf(stderr, "%s\n", qPrintable(r.error().toString()));
        });
    backend->requantize(toQuantize->id, ui::QuantOptions{u"bnb-4bit"_s, u"nf4"_s, true, u"cpu"_s},
                        &app, [](Status s) {
                            if (!s)
                                std::fprintf(stderr, "%s\n", qPrintable(s.error().toString()));
                        });
    // Run the GUI's own event loop (not a polling one) until the four jobs have ended.
    QTimer check;
    check.setInterval(20);
    QObject::connect(&check, &QTimer::timeout, &app, [&] {
        if (finished >= 4 || nowNs() - t0 > 600'000'000'000LL)
            QCoreApplication::exit(0);
    });
    check.start();
    QApplication::exec();
    const double wall = double(nowNs() - t0) / 1e9;
    app.setMeasuring(false);
    gui.stop();
    idle.stop();
    idleThread.quit();
    idleThread.wait();
    qint64 bytes = 0;
    for (qint64 b : std::as_const(downloaded))
        bytes += b;
    if (finished < 4 || failed)
        return 1;
    std::printf("jobs %.1f %.1f %.2f %lld %llu %.1f %.1f %s\n", gui.maxGapMs(), idle.maxGapMs(),
                wall, static_cast<long long>(bytes),
                static_cast<unsigned long long>(table->dataChangedCount() - repaintsBefore),
                app.maxCpuMs(), app.maxWallMs(), qPrintable(app.maxCpuWhat()));
    std::fflush(stdout);
    return 0;
}

JobsStall spawnJobs(const QString &self, const QString &fixtures, qint64 downloadBytes)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    env.insert(u"MISTUDIO_TOKEN_STORE"_s, u"file"_s);
    p.setProcessEnvironment(env);
    p.start(self, {u"--child-jobs"_s, fixtures, QString::number(downloadBytes)});
    JobsStall r;
    if (!p.waitForFinished(900000)) {
        p.kill();
        r.error = u"timed out"_s;
        return r;
    }
    for (const QString &line : QString::fromLocal8Bit(p.readAllStandardOutput()).split(u'\n')) {
        const QStringList f = line.split(u' ');
        if (f.value(0) == u"jobs"_s && f.size() >= 9) {
            r.maxEventCpuMs = f.value(6).toDouble();
            r.maxEventWallMs = f.value(7).toDouble();
            r.maxEventWhat = f.value(8);
            r.guiMaxGapMs = f.value(1).toDouble();
            r.idleMaxGapMs = f.value(2).toDouble();
            r.wallSeconds = f.value(3).toDouble();
            r.bytesDownloaded = f.value(4).toLongLong();
            r.progressRepaints = f.value(5).toInt();
            r.ok = true;
        }
    }
    if (!r.ok)
        r.error = QString::fromLocal8Bit(p.readAllStandardError()).trimmed();
    return r;
}
