// `mistudio worker`: a headless process that only runs jobs of a shared catalogue (docs/deploy.md):
// it claims the jobs whose kind and device it offers, heartbeats, honours pause/cancel asked
// from any process, and drains on SIGTERM within a bounded time.
#include "cli/command.h"
#include "cli/exitcodes.h"
#include "cli/servicecommands.h"

#include "service/modelservice.h"
#include "stack/servicestack.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QHostInfo>
#include <QSettings>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::cli {
namespace {

// Ends the process if the drain takes longer than its bound: the jobs still held are then
// taken by other workers once their leases expire, as after a crash, and resume from their
// journals. A drain normally ends well within it (running jobs are released at their next
// progress check).
class DrainDeadline final
{
public:
    ~DrainDeadline()
    {
        {
            std::lock_guard lock(m_mutex);
            m_done = true;
        }
        m_cv.notify_all();
        if (m_thread.joinable())
            m_thread.join();
    }
    void arm(std::chrono::seconds bound)
    {
        if (m_thread.joinable())
            return;
        m_thread = std::thread([this, bound] {
            std::unique_lock lock(m_mutex);
            if (!m_cv.wait_for(lock, bound, [this] { return m_done; })) {
                static const char msg[] = "mistudio: worker: drain took too long; leaving the remaining jobs to lease expiry\n";
                [[maybe_unused]] const ssize_t n = ::write(STDERR_FILENO, msg, sizeof msg - 1);
                ::_exit(ExitFailure);
            }
        });
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_done = false;
    std::thread m_thread;
};

Result<QStringList> parseKinds(const QStringList &values)
{
    QStringList kinds;
    for (const QString &v : values) {
        for (const QString &k : v.split(u',', Qt::SkipEmptyParts)) {
            const QString kind = k.trimmed();
            if (kind != u"download"_s && kind != u"quantize"_s)
                return Error::make(ErrorCode::InvalidInput,
                                   u"--kinds: unknown job kind '%1' (download, quantize)"_s.arg(kind));
            if (!kinds.contains(kind))
                kinds << kind;
        }
    }
    return kinds;
}

Result<QStringList> parseDevices(const QStringList &values)
{
    QStringList devices;
    for (const QString &v : values) {
        for (const QString &d : v.split(u',', Qt::SkipEmptyParts)) {
            const QString device = d.trimmed();
            bool ok = device == u"cpu"_s || device == u"cuda"_s;
            if (!ok && device.startsWith(u"cuda:"_s)) {
                const QString n = device.mid(5);
                ok = !n.isEmpty() && n.size() <= 3 && n.toUInt(&ok) < 256 && ok;
            }
            if (!ok)
                return Error::make(ErrorCode::InvalidInput,
                                   u"--device: '%1' is not cpu, cuda or cuda:N"_s.arg(device));
            if (!devices.contains(device))
                devices << device;
        }
    }
    return devices;
}

int runWorker(Context &ctx)
{
    QCommandLineParser p;
    p.setApplicationDescription(u"Runs jobs of a shared catalogue and nothing else (docs/deploy.md): "
                                "downloads and quantizations that `serve`, the app or the CLI queued."_s);
    p.addOption({u"kinds"_s, u"Job kinds it runs: download, quantize (comma-separated or repeated; default both)."_s, u"KINDS"_s});
    p.addOption({u"device"_s, u"A device it may quantize on: cpu, cuda (every GPU) or cuda:N (repeatable; default every device it has)."_s, u"DEVICE"_s});
    p.addOption({u"concurrency"_s, u"Downloads at once (default: setting jobs/maxConcurrentDownloads, 2). Each GPU runs one quantization at a time."_s, u"N"_s});
    p.addOption({u"drain-timeout"_s, u"Seconds SIGTERM waits for running jobs to be released before the process ends anyway (default 30)."_s, u"S"_s});
    addCatalogueOptions(p);
    if (!p.parse(ctx.args))
        return fail(ctx, Error::make(ErrorCode::InvalidInput, p.errorText()));
    if (p.isSet(u"help"_s)) {
        ctx.out << p.helpText();
        return ExitOk;
    }
    if (!p.positionalArguments().isEmpty())
        return fail(ctx, Error::make(ErrorCode::InvalidInput, u"Usage: mistudio worker [options]"_s));
    const Result<QStringList> kinds = parseKinds(p.values(u"kinds"_s));
    if (!kinds)
        return fail(ctx, kinds.error());
    if (p.isSet(u"kinds"_s) && kinds->isEmpty())
        return fail(ctx, Error::make(ErrorCode::InvalidInput, u"--kinds: name at least one kind"_s));
    const Result<QStringList> devices = parseDevices(p.values(u"device"_s));
    if (!devices)
        return fail(ctx, devices.error());
    int concurrency = 0;
    if (p.isSet(u"concurrency"_s)) {
        bool ok = false;
        concurrency = p.value(u"concurrency"_s).toInt(&ok);
        if (!ok || concurrency < 1 || concurrency > 64)
            return fail(ctx, Error::make(ErrorCode::InvalidInput, u"--concurrency must be 1..64"_s));
    }
    int drainSeconds = 30;
    if (p.isSet(u"drain-timeout"_s)) {
        bool ok = false;
        drainSeconds = p.value(u"drain-timeout"_s).toInt(&ok);
        if (!ok || drainSeconds < 1 || drainSeconds > 3600)
            return fail(ctx, Error::make(ErrorCode::InvalidInput, u"--drain-timeout must be 1..3600 seconds"_s));
    }

    const AppConfig config = configFrom(p, ctx.config);
    const QSettings settings;
    StackConfig sc = StackConfig::read(config, StackRole::Worker, &settings);
    sc.service.runsJobs = true; // whatever jobs/runJobs says for the faces of this host
    sc.service.jobKinds = *kinds;
    sc.service.devices = *devices;
    if (concurrency > 0)
        sc.service.maxConcurrentDownloads = concurrency;
    Result<std::unique_ptr<ServiceStack>> stack = ServiceStack::build(sc);
    if (!stack)
        return fail(ctx, stack.error());
    ModelService *service = stack.value()->service();
    if (Status s = service->start(); !s)
        return fail(ctx, s.error());
    ctx.out << "mistudio: worker " << service->ownerId() << " on " << QHostInfo::localHostName()
            << " (kinds " << (kinds->isEmpty() ? u"all"_s : kinds->join(u',')) << ", devices "
            << (devices->isEmpty() ? u"all"_s : devices->join(u',')) << ", catalogue "
            << stack.value()->catalogue() << ", data " << config.dataDir << ")\n";
    ctx.out.flush();

    DrainDeadline deadline;
    std::atomic_bool draining = false;
    quitOnSignals([&] {
        if (draining.exchange(true)) {
            ::_exit(ExitCancelled); // a second signal: stop now, leases hand the jobs on
        }
        ctx.err << "mistudio: worker: draining (at most " << drainSeconds << " s)\n";
        ctx.err.flush();
        deadline.arm(std::chrono::seconds(drainSeconds));
        QCoreApplication::quit();
    });
    QCoreApplication::exec();
    service->shutdown(); // running jobs are released, queued again for other workers
    ctx.err << "mistudio: worker: drained\n";
    ctx.err.flush();
    return ExitOk;
}

} // namespace

void registerWorkerCommands(Registry &registry)
{
    registry.add({{u"worker"_s}, u"Run jobs of a shared catalogue, nothing else (headless)"_s, runWorker});
}

} // namespace mistudio::cli
