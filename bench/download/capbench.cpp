// bench/download: the global, live bandwidth cap. N downloads of the fake Hub's org/big run at
// once through the real download backend (HubDownload: the one download session the service
// uses, each download waited for on a thread of its own as the job worker does) under a global
// cap; the cap is changed mid-download (lowered, then raised back). The rate per 100 ms window of
// the bytes the downloads took in (the session's count) shows what the cap does and how soon a
// change takes effect; the fake Hub's count of what its CDN handed out is shown beside it (it
// lags a change by what the socket buffers hold). Not a ctest.
//   download_capbench [--downloads 3] [--cap 30000000] [--lower-to 10000000] [--seconds 5]
//                     [--results bench/RESULTS.md]
#include "engines/hubdownload.h"
#include "fakehub/fakehub.h"
#include "service/jobcontrol.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QThread>

#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

using namespace mistudio;
using namespace Qt::Literals::StringLiterals;

namespace {

struct Sample
{
    double t = 0;     // seconds since the downloads started
    qint64 bytes = 0; // taken in by the downloads so far
    qint64 served = 0; // handed out by the CDN so far
};

// Mean rate (B/s) over [from, to), of the downloads' bytes or, with `served`, the CDN's.
double meanRate(const std::vector<Sample> &s, double from, double to, bool served = false)
{
    const Sample *a = nullptr, *b = nullptr;
    for (const Sample &x : s) {
        if (!a && x.t >= from)
            a = &x;
        if (x.t <= to)
            b = &x;
    }
    if (!a || !b || b->t <= a->t)
        return 0.0;
    return double(served ? b->served - a->served : b->bytes - a->bytes) / (b->t - a->t);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.addOption({u"downloads"_s, u"Downloads at once."_s, u"N"_s, u"3"_s});
    p.addOption({u"cap"_s, u"Global cap, B/s."_s, u"BPS"_s, u"30000000"_s});
    p.addOption({u"lower-to"_s, u"The cap mid-download, B/s (then back)."_s, u"BPS"_s, u"10000000"_s});
    p.addOption({u"seconds"_s, u"Seconds per phase."_s, u"S"_s, u"5"_s});
    p.addOption({u"results"_s, u"Append a section to this file."_s, u"FILE"_s});
    p.process(app);
    const int n = p.value(u"downloads"_s).toInt();
    const qint64 cap = p.value(u"cap"_s).toLongLong();
    const qint64 lowered = p.value(u"lower-to"_s).toLongLong();
    const int phase = p.value(u"seconds"_s).toInt();

    // The machine is shared: what else ran is part of the figures.
    double loadAtStart = -1;
    getloadavg(&loadAtStart, 1);

    fakehub::FakeHub::Options ho;
    ho.fixtures.bigFileBytes = 2'000'000'000; // generated on the fly; never finished here
    fakehub::FakeHub hub(ho);
    QString error;
    if (!hub.start(&error)) {
        std::fprintf(stderr, "fakehub: %s\n", qPrintable(error));
        return 1;
    }
    QTemporaryDir dir;
    HubSettings hs;
    hs.hub.endpoint = hub.endpoint();
    hs.environment = QProcessEnvironment();
    hs.dataDir = dir.path();
    hs.maxBytesPerSecond = cap;
    hs.download.preallocate = false; // 3 x 2 GB would be reserved for nothing
    HubDownload backend(hs);

    std::vector<std::unique_ptr<JobControl>> controls;
    std::vector<std::thread> jobs;
    std::vector<QString> outcomes(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        controls.push_back(std::make_unique<JobControl>());
        DownloadSpec spec;
        spec.repoId = u"org/big"_s;
        spec.include = {u"model.safetensors"_s};
        spec.targetDir = dir.filePath(u"d%1"_s.arg(i));
        jobs.emplace_back([&backend, spec, control = controls.back().get(), out = &outcomes[size_t(i)]] {
            const auto r = backend.download(spec, [](const DownloadProgressInfo &) {}, *control);
            *out = r ? u"ok"_s : r.error().codeName();
        });
    }

    // The CDN's bytes every 100 ms: before, while lowered, and after raising the cap back.
    QElapsedTimer clock;
    clock.start();
    std::vector<Sample> samples;
    double lowerAt = -1, raiseAt = -1;
    const double end = 3.0 * phase;
    while (clock.elapsed() < qint64(end * 1000)) {
        const double t = double(clock.nsecsElapsed()) / 1e9;
        samples.push_back({t, backend.session().bytesReceived(), hub.bytesServed(fakehub::Listener::Cdn)});
        if (lowerAt < 0 && t >= phase) {
            lowerAt = t;
            backend.setBandwidthLimit(lowered);
        } else if (raiseAt < 0 && t >= 2.0 * phase) {
            raiseAt = t;
            backend.setBandwidthLimit(cap);
        }
        QThread::msleep(100);
    }
    for (auto &c : controls)
        c->request(JobControl::Request::Cancel);
    for (auto &j : jobs)
        j.join();

    // Settled: the end of the first window after a change from which on every window of the
    // next second is within 10 % of the new cap.
    auto settleMs = [&](double at, qint64 target) -> double {
        for (size_t i = 1; i < samples.size(); ++i) {
            if (samples[i - 1].t < at)
                continue;
            bool steady = true;
            for (size_t k = i; k < samples.size() && samples[k].t < samples[i - 1].t + 1.0; ++k) {
                const double r = double(samples[k].bytes - samples[k - 1].bytes) / (samples[k].t - samples[k - 1].t);
                if (std::abs(r - double(target)) > 0.1 * double(target))
                    steady = false;
            }
            if (steady)
                return (samples[i].t - at) * 1000.0;
        }
        return -1;
    };
    const double before = meanRate(samples, 1.0, lowerAt);
    const double during = meanRate(samples, lowerAt + 1.0, raiseAt);
    const double after = meanRate(samples, raiseAt + 1.0, end);
    const double beforeServed = meanRate(samples, 1.0, lowerAt, true);
    const double settleLower = settleMs(lowerAt, lowered), settleRaise = settleMs(raiseAt, cap);

    QString md;
    md += u"\n## download: global bandwidth cap (bench/download/capbench.cpp), %1 UTC\n\n"_s
              .arg(QDateTime::currentDateTimeUtc().toString(u"yyyy-MM-dd HH:mm"_s));
    md += u"%1 downloads of the fake Hub's org/big at once through the real download backend (one download "
          "session), CDN uncapped on loopback, %2 CPUs, load average %7 at the start. Global cap %3 MB/s, "
          "lowered to %4 MB/s at %5 s, raised back at %6 s. Rates are of the bytes the downloads took in (the "
          "session's count).\n\n"_s
              .arg(n).arg(QThread::idealThreadCount()).arg(double(cap) / 1e6, 0, 'f', 0)
              .arg(double(lowered) / 1e6, 0, 'f', 0).arg(lowerAt, 0, 'f', 1).arg(raiseAt, 0, 'f', 1)
              .arg(loadAtStart, 0, 'f', 1);
    md += u"| phase | cap (MB/s) | mean total rate (MB/s) | settled after the change |\n|---|---|---|---|\n"_s;
    md += u"| all %1 downloads, 1 s to %2 s | %3 | **%4** | |\n"_s.arg(n).arg(lowerAt, 0, 'f', 1)
              .arg(double(cap) / 1e6, 0, 'f', 0).arg(before / 1e6, 0, 'f', 2);
    md += u"| (the same, as the fake Hub's CDN counted what it handed out) | %1 | %2 | |\n"_s
              .arg(double(cap) / 1e6, 0, 'f', 0).arg(beforeServed / 1e6, 0, 'f', 2);
    md += u"| lowered (from 1 s after the change) | %1 | %2 | **%3 ms** |\n"_s.arg(double(lowered) / 1e6, 0, 'f', 0)
              .arg(during / 1e6, 0, 'f', 2).arg(settleLower, 0, 'f', 0);
    md += u"| raised back (from 1 s after the change) | %1 | %2 | **%3 ms** |\n\n"_s.arg(double(cap) / 1e6, 0, 'f', 0)
              .arg(after / 1e6, 0, 'f', 2).arg(settleRaise, 0, 'f', 0);
    md += u"Per 100 ms window around each change (MB/s; the change at t = 0):\n\n"_s;
    for (const auto &[at, name] : {std::pair{lowerAt, u"lowered"_s}, std::pair{raiseAt, u"raised"_s}}) {
        QStringList cells;
        for (size_t i = 1; i < samples.size(); ++i) {
            if (samples[i].t < at - 0.5 || samples[i - 1].t > at + 1.5)
                continue;
            const double r = double(samples[i].bytes - samples[i - 1].bytes) / (samples[i].t - samples[i - 1].t);
            cells << u"%1: %2"_s.arg((samples[i].t - at) * 1000.0, 0, 'f', 0).arg(r / 1e6, 0, 'f', 1);
        }
        md += u"- %1: %2\n"_s.arg(name, cells.join(u", "_s));
    }
    md += u"\nOutcomes (cancelled at the end, as asked): %1.\n"_s.arg(QStringList(outcomes.begin(), outcomes.end()).join(u", "_s));
    std::fputs(md.toUtf8().constData(), stdout);
    if (p.isSet(u"results"_s)) {
        QFile f(p.value(u"results"_s));
        if (f.open(QIODevice::Append))
            f.write(md.toUtf8());
    }
    return 0;
}
