// bench/server: `mistudio serve --require-token` on loopback under connection floods
// (docs/security.md, "The API server", rows 3 and 4), for several binaries in the same run (this tree's and main's):
//  - slow-body: N unauthenticated connections announce a body (--announce, default 10 MB),
//    send the first --send bytes (default 1 MiB) at once, then 1 byte/s;
//  - idle: N connections that connect and say nothing.
// During each flood a client with the valid token opens a new connection every 100 ms and
// asks GET /api/v1/health; its latency (connect to last byte) and the server's resident memory
// (/proc/PID/status: VmHWM is the peak) are reported. Each scenario runs in a fresh server
// process started with the soft RLIMIT_NOFILE most sessions get (1024; hard limit unchanged).
// The flood does not reconnect unless --reconnect (then every connection the server closes is
// opened again at once: a sustained flood).
//
//   serverflood --binary build/ci/bin/mistudio=this --binary /tmp/main/bin/mistudio=main
//               [--slow 600] [--idle 2000] [--seconds 20] [--soft-nofile 1024] [--reconnect]
//               [--results bench/RESULTS.md]
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSysInfo>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <netinet/in.h>
#include <optional>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace {

enum class Mode
{
    None,
    SlowBody,
    Idle
};

QString modeName(Mode m, int n)
{
    switch (m) {
    case Mode::None:
        return u"none (baseline)"_s;
    case Mode::SlowBody:
        return u"%1 slow-body"_s.arg(n);
    case Mode::Idle:
        return u"%1 idle"_s.arg(n);
    }
    return {};
}

void raiseOwnFileLimit()
{
    struct rlimit rl = {};
    if (::getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &rl);
    }
}

// VmRSS and VmHWM of a process, in bytes.
std::pair<qint64, qint64> memoryOf(qint64 pid)
{
    QFile f(u"/proc/%1/status"_s.arg(pid));
    qint64 rss = -1, hwm = -1;
    if (f.open(QIODevice::ReadOnly)) {
        for (const QByteArray &line : f.readAll().split('\n')) {
            const auto kb = [&] {
                return line.simplified().split(' ').value(1).toLongLong() * 1024;
            };
            if (line.startsWith("VmRSS:"))
                rss = kb();
            else if (line.startsWith("VmHWM:"))
                hwm = kb();
        }
    }
    return {rss, hwm};
}

// One GET /api/v1/health on a new connection, blocking, with a deadline. Milliseconds from
// connect() to the last byte of a 200 answer; nothing on any failure or timeout.
std::optional<double> probe(quint16 port, const QByteArray &token, int timeoutMs)
{
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    const auto left = [&] {
        return std::max(0, int(timeoutMs - std::chrono::duration_cast<std::chrono::milliseconds>(
                                               Clock::now() - start)
                                               .count()));
    };
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return std::nullopt;
    const std::unique_ptr<const int, void (*)(const int *)> closer(
        &fd, [](const int *f) { ::close(*f); });
    sockaddr_in addr = {};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 &&
        errno != EINPROGRESS)
        return std::nullopt;
    pollfd p{fd, POLLOUT, 0};
    int err = 0;
    socklen_t len = sizeof err;
    if (::poll(&p, 1, left()) != 1 || ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 ||
        err != 0)
        return std::nullopt;
    const QByteArray request =
        "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
        "\r\nConnection: close\r\n\r\n";
    if (::send(fd, request.constData(), size_t(request.size()), MSG_NOSIGNAL) != request.size())
        return std::nullopt;
    static const QRegularExpression length(u"Content-Length: (\\d+)"_s,
                                           QRegularExpression::CaseInsensitiveOption);
    QByteArray in;
    p.events = POLLIN;
    while (left() > 0 && ::poll(&p, 1, left()) == 1) {
        char buf[4096];
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0)
            return std::nullopt;
        in.append(buf, n);
        const qsizetype end = in.indexOf("\r\n\r\n");
        if (end < 0)
            continue;
        const QRegularExpressionMatch m = length.match(QString::fromLatin1(in.left(end)));
        if (m.hasMatch() && in.size() >= end + 4 + m.captured(1).toLongLong()) {
            if (!in.startsWith("HTTP/1.1 200"))
                return std::nullopt;
            return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        }
    }
    return std::nullopt;
}

// The flood's connections, on their own thread and event loop.
class Flood final : public QObject
{
public:
    Flood(quint16 port, int count, Mode mode, bool reconnect, qint64 announce, qint64 prefix)
        : m_port(port)
        , m_count(count)
        , m_mode(mode)
        , m_reconnect(reconnect)
        , m_announce(announce)
        , m_prefix(prefix)
    {}
    void start()
    {
        // In batches, as a client opens them, so that the listen backlog is not the test.
        auto *opener = new QTimer(this);
        connect(opener, &QTimer::timeout, this, [this, opener] {
            for (int i = 0; i < 50 && m_opened < m_count; ++i, ++m_opened)
                open();
            if (m_opened >= m_count)
                opener->stop();
        });
        opener->start(20);
        if (m_mode == Mode::SlowBody) {
            auto *drip = new QTimer(this);
            connect(drip, &QTimer::timeout, this, [this] {
                for (QTcpSocket *s : std::as_const(m_sockets)) {
                    if (s->state() == QAbstractSocket::ConnectedState)
                        s->write("a");
                }
            });
            drip->start(1000);
        }
    }
    void stop()
    {
        m_reconnect = false;
        for (QTcpSocket *s : std::as_const(m_sockets)) {
            s->disconnect(this);
            s->abort();
            s->deleteLater();
        }
        m_sockets.clear();
    }
    std::atomic<int> openCount{0};
    std::atomic<int> closedByServer{0};
    std::atomic<int> failed{0};

private:
    void open()
    {
        auto *s = new QTcpSocket(this);
        m_sockets.append(s);
        connect(s, &QTcpSocket::connected, this, [this, s] {
            ++openCount;
            if (m_mode == Mode::SlowBody)
                s->write("POST /api/v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                         "application/json\r\n"
                         "Content-Length: " +
                         QByteArray::number(m_announce) + "\r\n\r\n" + QByteArray(m_prefix, ' '));
        });
        connect(s, &QTcpSocket::readyRead, s, [s] { s->readAll(); });
        connect(s, &QTcpSocket::disconnected, this, [this, s] { gone(s, true); });
        connect(s, &QTcpSocket::errorOccurred, this, [this, s](QAbstractSocket::SocketError e) {
            if (e != QAbstractSocket::RemoteHostClosedError &&
                s->state() != QAbstractSocket::ConnectedState)
                gone(s, false);
        });
        s->connectToHost(QHostAddress::LocalHost, m_port);
    }
    void gone(QTcpSocket *s, bool wasOpen)
    {
        if (!m_sockets.removeOne(s))
            return;
        if (wasOpen) {
            --openCount;
            ++closedByServer;
        } else {
            ++failed;
        }
        s->disconnect(this);
        s->deleteLater();
        if (m_reconnect)
            QTimer::singleShot(0, this, [this] { open(); });
    }

    quint16 m_port;
    int m_count;
    Mode m_mode;
    bool m_reconnect;
    qint64 m_announce;
    qint64 m_prefix;
    int m_opened = 0;
    QList<QTcpSocket *> m_sockets;
};

struct Serve
{
    QTemporaryDir dir;
    QProcess process;
    quint16 port = 0;
    QByteArray token;
    QString error;
};

bool startServe(Serve &s, const QString &binary, rlim_t softNofile)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"HOME"_s, s.dir.path());
    env.insert(u"XDG_CONFIG_HOME"_s, s.dir.filePath(u"config"_s));
    env.insert(u"HF_HUB_OFFLINE"_s, u"1"_s);
    env.remove(u"MISTUDIO_DATABASE_URL"_s);
    s.process.setProcessEnvironment(env);
    s.process.setStandardErrorFile(s.dir.filePath(u"serve.err"_s)); // never a full pipe
    s.process.setChildProcessModifier([softNofile] {
        struct rlimit rl = {};
        ::getrlimit(RLIMIT_NOFILE, &rl);
        rl.rlim_cur = std::min(softNofile, rl.rlim_max);
        ::setrlimit(RLIMIT_NOFILE, &rl);
    });
    s.process.start(binary, {u"serve"_s, u"--port"_s, u"0"_s, u"--require-token"_s, u"--data-dir"_s,
                             s.dir.filePath(u"data"_s)});
    QByteArray out;
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 20000 && !out.contains('\n') &&
           s.process.state() != QProcess::NotRunning) {
        s.process.waitForReadyRead(100);
        out += s.process.readAllStandardOutput();
    }
    const QRegularExpressionMatch m =
        QRegularExpression(u"127\\.0\\.0\\.1:(\\d+)"_s).match(QString::fromUtf8(out));
    QFile tokenFile(s.dir.filePath(u"data/server/api-token"_s));
    if (!m.hasMatch() || !tokenFile.open(QIODevice::ReadOnly)) {
        QFile err(s.dir.filePath(u"serve.err"_s));
        s.error =
            QString::fromUtf8(out + (err.open(QIODevice::ReadOnly) ? err.readAll() : QByteArray()));
        return false;
    }
    s.port = quint16(m.captured(1).toUInt());
    s.token = tokenFile.readAll().trimmed();
    return true;
}

struct Row
{
    QString binary;
    QString flood;
    int openAtEnd = 0, closedByServer = 0, connectFailed = 0;
    int probes = 0, ok = 0;
    double p50 = -1, p99 = -1;
    qint64 peakRss = 0, rssAfter = 0;
};

double percentile(std::vector<double> v, double q)
{
    if (v.empty())
        return -1;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(q * double(v.size() - 1) + 0.5))];
}

Row runScenario(const QString &label, const QString &binary, Mode mode, int count, int seconds,
                rlim_t softNofile, bool reconnect, qint64 announce, qint64 prefix)
{
    Row row{label, modeName(mode, count)};
    Serve serve;
    if (!startServe(serve, binary, softNofile)) {
        std::fprintf(stderr, "serverflood: %s did not start: %s\n", qPrintable(binary),
                     qPrintable(serve.error));
        return row;
    }
    const qint64 pid = serve.process.processId();
    QThread thread;
    auto *flood = new Flood(serve.port, count, mode, reconnect, announce, prefix);
    flood->moveToThread(&thread);
    QObject::connect(&thread, &QThread::finished, flood, &QObject::deleteLater);
    thread.start();
    if (mode != Mode::None) {
        QMetaObject::invokeMethod(flood, [flood] { flood->start(); });
        QThread::msleep(std::max(2000, count * 20 / 50 + 1500)); // the flood is in place
    }
    std::vector<double> latencies;
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < qint64(seconds) * 1000) {
        ++row.probes;
        if (const std::optional<double> ms = probe(serve.port, serve.token, 5000)) {
            ++row.ok;
            latencies.push_back(*ms);
        }
        QThread::msleep(100);
    }
    row.openAtEnd = flood->openCount;
    row.closedByServer = flood->closedByServer;
    row.connectFailed = flood->failed;
    row.peakRss = memoryOf(pid).second;
    QMetaObject::invokeMethod(
        flood, [flood] { flood->stop(); }, Qt::BlockingQueuedConnection);
    thread.quit();
    thread.wait();
    QThread::msleep(3000);
    row.rssAfter = memoryOf(pid).first;
    row.p50 = percentile(latencies, 0.50);
    row.p99 = percentile(latencies, 0.99);
    ::kill(pid_t(pid), SIGTERM);
    if (!serve.process.waitForFinished(10000)) {
        serve.process.kill();
        serve.process.waitForFinished();
    }
    return row;
}

QString mb(qint64 bytes)
{
    return QString::number(double(bytes) / 1048576.0, 'f', 1);
}

QString ms(double v)
{
    return v < 0 ? u"–"_s : QString::number(v, 'f', 2);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.addHelpOption();
    p.addOption(
        {u"binary"_s, u"mistudio binary to run, PATH or PATH=LABEL (repeatable)."_s, u"PATH"_s});
    p.addOption({u"slow"_s, u"Slow-body connections (default 600)."_s, u"N"_s, u"600"_s});
    p.addOption({u"idle"_s, u"Idle connections (default 2000)."_s, u"N"_s, u"2000"_s});
    p.addOption({u"seconds"_s, u"Probing time per scenario (default 20)."_s, u"S"_s, u"20"_s});
    p.addOption({u"soft-nofile"_s, u"Soft RLIMIT_NOFILE the server starts with (default 1024)."_s,
                 u"N"_s, u"1024"_s});
    p.addOption({u"announce"_s,
                 u"Content-Length a slow-body connection announces (default 10000000)."_s,
                 u"BYTES"_s, u"10000000"_s});
    p.addOption({u"send"_s, u"Body bytes a slow-body connection sends at once (default 1048576)."_s,
                 u"BYTES"_s, u"1048576"_s});
    p.addOption({u"reconnect"_s, u"Reopen every flood connection the server closes."_s});
    p.addOption({u"results"_s, u"Append a section to this file."_s, u"FILE"_s});
    p.process(app);
    raiseOwnFileLimit(); // the flood needs a descriptor per connection too
    const int seconds = p.value(u"seconds"_s).toInt();
    const rlim_t soft = rlim_t(p.value(u"soft-nofile"_s).toULongLong());
    const bool reconnect = p.isSet(u"reconnect"_s);
    const qint64 announce = p.value(u"announce"_s).toLongLong();
    const qint64 prefix = p.value(u"send"_s).toLongLong();
    QList<Row> rows;
    for (const QString &spec : p.values(u"binary"_s)) {
        const QString path = spec.section(u'=', 0, 0);
        const QString label = spec.contains(u'=') ? spec.section(u'=', 1) : path;
        for (const auto &[mode, n] :
             {std::pair{Mode::None, 0}, std::pair{Mode::SlowBody, p.value(u"slow"_s).toInt()},
              std::pair{Mode::Idle, p.value(u"idle"_s).toInt()}}) {
            const Row r = runScenario(label, path, mode, n, mode == Mode::None ? 5 : seconds, soft,
                                      reconnect, announce, prefix);
            std::printf("%-10s %-18s open %5d closed %6d failed %5d  probes %3d/%3d  p50 %8s ms  "
                        "p99 %8s ms  peak RSS %7s MB  after %7s MB\n",
                        qPrintable(r.binary), qPrintable(r.flood), r.openAtEnd, r.closedByServer,
                        r.connectFailed, r.ok, r.probes, qPrintable(ms(r.p50)),
                        qPrintable(ms(r.p99)), qPrintable(mb(r.peakRss)),
                        qPrintable(mb(r.rssAfter)));
            std::fflush(stdout);
            rows << r;
        }
    }
    if (p.isSet(u"results"_s)) {
        QFile f(p.value(u"results"_s));
        if (!f.open(QIODevice::Append | QIODevice::Text))
            return 1;
        QString s = u"\n## server floods — %1 (bench/server/serverflood, %2 CPUs, %3)\n\n"_s
                        .arg(QDateTime::currentDateTimeUtc().toString(u"yyyy-MM-dd HH:mm 'UTC'"_s))
                        .arg(QThread::idealThreadCount())
                        .arg(QSysInfo::prettyProductName());
        s += u"`mistudio serve --require-token` on 127.0.0.1 started with soft RLIMIT_NOFILE %1; a "
             u"fresh server per "
             "row. Flood: slow-body = unauthenticated POSTs announcing %4 bytes, sending %5 of "
             "them at once, then 1 byte/s; idle = connect and say "
             "nothing; %2. Probe: a new connection with the valid token, GET /api/v1/health, every "
             "100 ms for %3 s "
             "(5 s deadline; latency from connect to the last byte). open/closed: flood "
             "connections open at the end "
             "/ closed by the server (client view). Peak RSS = VmHWM of the server; after = VmRSS "
             "3 s after the "
             "flood closed.\n\n"_s.arg(soft)
                 .arg(reconnect ? u"every connection the server closes is reopened at once"_s
                                : u"no reconnection"_s)
                 .arg(seconds)
                 .arg(announce)
                 .arg(prefix);
        s += u"| binary | flood | open | closed | probes ok | p50 ms | p99 ms | peak RSS MB | RSS "
             u"after MB |\n"
             "|---|---|---|---|---|---|---|---|---|\n"_s;
        for (const Row &r : std::as_const(rows))
            s += u"| %1 | %2 | %3 | %4 | %5/%6 | %7 | %8 | %9 | %10 |\n"_s.arg(r.binary, r.flood)
                     .arg(r.openAtEnd)
                     .arg(r.closedByServer)
                     .arg(r.ok)
                     .arg(r.probes)
                     .arg(ms(r.p50), ms(r.p99), mb(r.peakRss), mb(r.rssAfter));
        f.write(s.toUtf8());
    }
    return 0;
}
