// A small process around the download engine, for the tests that need to kill -9 it or give it a
// file-size limit (a "full disk"), and for bench/download. Usage:
//   download_helper REQUEST.json [--fsize-limit BYTES]
// REQUEST.json: {"endpoint","repo","commit","token","target",
//                "files":[{"path","size","sha256","git_oid"}],
//                "options":{"connections","files","chunk","stall_ms","backoff_ms","max_retries",
//                           "preallocate","bandwidth","margin","durable","checkpoint_ms"}}
// Prints one JSON line per progress event (the engine's JSON plus "bytes_done", the journaled
// bytes exactly), then {"result":"ok"|"error","code","message",
// "cpu_ms","wall_ms","peak_rss_kb"}. Exit 0 on success, 3 on a download error, 2 on bad usage.
#include "download/downloadengine.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <csignal>
#include <cstdio>
#include <sys/resource.h>

using namespace mistudio;
using namespace Qt::Literals::StringLiterals;

namespace {

void printLine(const QJsonObject &o)
{
    std::fputs(QJsonDocument(o).toJson(QJsonDocument::Compact).append('\n').constData(), stdout);
    std::fflush(stdout);
}

qint64 cpuMs()
{
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return qint64(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 2)
        return 2;
    for (int i = 2; i + 1 < args.size(); ++i) {
        if (args[i] == u"--fsize-limit"_s) {
            // The "disk" fills up at this size: writes past it fail with EFBIG, as ENOSPC would.
            std::signal(SIGXFSZ, SIG_IGN);
            const rlim_t lim = rlim_t(args[i + 1].toLongLong());
            rlimit rl{lim, lim};
            setrlimit(RLIMIT_FSIZE, &rl);
        }
    }
    QFile f(args[1]);
    if (!f.open(QIODevice::ReadOnly))
        return 2;
    const QJsonObject req = QJsonDocument::fromJson(f.readAll()).object();

    PinnedDownload d;
    d.endpoint = QUrl(req.value(u"endpoint"_s).toString());
    d.repoId = req.value(u"repo"_s).toString();
    d.commit = req.value(u"commit"_s).toString();
    d.token = req.value(u"token"_s).toString();
    d.targetDir = req.value(u"target"_s).toString();
    const QJsonArray files = req.value(u"files"_s).toArray();
    for (const QJsonValue &v : files) {
        const QJsonObject o = v.toObject();
        d.files.append(RemoteFile{o.value(u"path"_s).toString(), o.value(u"size"_s).toInteger(),
                                  o.value(u"sha256"_s).toString(), o.value(u"git_oid"_s).toString()});
    }
    const QJsonObject opt = req.value(u"options"_s).toObject();
    DownloadOptions o;
    o.connectionsPerFile = opt.value(u"connections"_s).toInt(o.connectionsPerFile);
    o.filesInParallel = opt.value(u"files"_s).toInt(o.filesInParallel);
    o.chunkSize = opt.value(u"chunk"_s).toInteger(o.chunkSize);
    o.stallTimeoutMs = opt.value(u"stall_ms"_s).toInt(o.stallTimeoutMs);
    o.backoffBaseMs = opt.value(u"backoff_ms"_s).toInt(o.backoffBaseMs);
    o.maxRetries = opt.value(u"max_retries"_s).toInt(o.maxRetries);
    o.preallocate = opt.value(u"preallocate"_s).toBool(o.preallocate);
    o.freeSpaceMargin = opt.value(u"margin"_s).toInteger(o.freeSpaceMargin);
    o.durable = opt.value(u"durable"_s).toBool(o.durable);
    o.checkpointIntervalMs = opt.value(u"checkpoint_ms"_s).toInt(o.checkpointIntervalMs);

    DownloadEngine engine;
    engine.setDefaultOptions(o);
    engine.setBandwidthLimit(opt.value(u"bandwidth"_s).toInteger(0));
    QElapsedTimer wall;
    wall.start();
    int exitCode = 0;
    QObject::connect(&engine, &DownloadEngine::progressUpdated, &app,
                     [](const QString &, const DownloadProgress &p) {
        QJsonObject line = p.toJson();
        line.insert(u"bytes_done"_s, p.bytesDone);
        printLine(line);
    });
    QObject::connect(&engine, &DownloadEngine::downloadFinished, &app,
                     [&](const QString &, const Status &st) {
        rusage ru{};
        getrusage(RUSAGE_SELF, &ru);
        QJsonObject out{{u"result"_s, st.ok() ? u"ok"_s : u"error"_s},
                        {u"cpu_ms"_s, cpuMs()},
                        {u"wall_ms"_s, wall.elapsed()},
                        {u"peak_rss_kb"_s, qint64(ru.ru_maxrss)}};
        if (!st.ok()) {
            out.insert(u"code"_s, st.error().codeName());
            out.insert(u"message"_s, st.error().message);
            out.insert(u"details"_s, st.error().details);
        }
        printLine(out);
        exitCode = st.ok() ? 0 : 3;
        app.quit();
    });
    engine.start(d);
    app.exec();
    return exitCode;
}
