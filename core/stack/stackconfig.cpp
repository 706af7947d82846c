#include "stack/stackconfig.h"

#include "common/settingskeys.h"

#include <QSettings>

using namespace Qt::Literals::StringLiterals;
namespace keys = mistudio::settingskeys;

namespace mistudio {
namespace {

QVariant setting(const QSettings *s, const char *key, const QVariant &fallback)
{
    return s ? s->value(QLatin1StringView(key), fallback) : fallback;
}

} // namespace

QString stackRoleName(StackRole role)
{
    switch (role) {
    case StackRole::Desktop: return u"desktop"_s;
    case StackRole::Serve: return u"serve"_s;
    case StackRole::Cli: return u"cli"_s;
    case StackRole::Worker: return u"worker"_s;
    case StackRole::Reader: return u"reader"_s;
    }
    return u"desktop"_s;
}

StackConfig StackConfig::read(const AppConfig &app, StackRole role, const QSettings *settings,
                              const QProcessEnvironment &env)
{
    StackConfig c;
    c.app = app;
    c.role = role;

    HubSettings &e = c.engines;
    e.environment = env;
    e.hub = hub::HubOptions::fromEnvironment(env, settings);
    e.dataDir = app.dataDir;
    e.download.connectionsPerFile = std::max(1, setting(settings, keys::kConnectionsPerFile, 8).toInt());
    e.download.filesInParallel = std::max(1, setting(settings, keys::kFilesInParallel, 4).toInt());
    // The journal's unit (what a crash can lose of a file): tests and benches shrink it to see
    // resumption on small files.
    if (const qint64 chunk = env.value(u"MISTUDIO_DOWNLOAD_CHUNK_BYTES"_s).toLongLong(); chunk > 0)
        e.download.chunkSize = std::clamp<qint64>(chunk, 64 * 1024, 1LL << 30);
    e.maxBytesPerSecond = std::max<qint64>(0, setting(settings, keys::kBandwidthCap, 0).toLongLong());
    e.quantizeDevice = setting(settings, keys::kQuantizeDevice, u"auto"_s).toString();

    ServiceOptions &s = c.service;
    s.dataDir = app.dir();
    s.role = stackRoleName(role);
    s.maxConcurrentDownloads = std::max(1, setting(settings, keys::kMaxConcurrentDownloads, 2).toInt());
    s.cpuQuantizeThreads = std::max(1, setting(settings, keys::kCpuQuantizeJobs, 1).toInt());
    s.runsJobs = role != StackRole::Reader && setting(settings, keys::kRunJobs, true).toBool();
    s.version = QStringLiteral(MISTUDIO_VERSION);
    s.library.environment = env;
    s.library.hfCacheDir = setting(settings, keys::kHfCacheDir, QString()).toString();
    s.library.publishDownloads = setting(settings, keys::kPublishDownloads, false).toBool();
    // Leases: how long a process that stopped answering keeps its jobs. Short in tests.
    qint64 leaseMs = setting(settings, keys::kJobLeaseMs, 30000).toLongLong();
    if (const QString v = env.value(u"MISTUDIO_JOB_LEASE_MS"_s); !v.isEmpty())
        leaseMs = v.toLongLong();
    s.lease = std::chrono::milliseconds(std::clamp<qint64>(leaseMs, 500, 3'600'000));
    // An expired lease is found within a lease (a worker's death costs at most two leases).
    s.reapInterval = std::min(s.reapInterval, s.lease);
    return c;
}

} // namespace mistudio
