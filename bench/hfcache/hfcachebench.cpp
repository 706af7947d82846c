// hfcachebench: builds an HF-cache snapshot of a sharded model (pseudo-random shards, a config,
// an index), then measures in one run, on the same page-cache-warm files:
//   - sha256sum (GNU coreutils) over the shards, one process and one process per core;
//   - ModelVerifier on the same files, one thread and one per core;
//   - SnapshotImporter with hard links (bytes copied, time) and with a forced copy.
// Best of --rounds; the variants run round-robin. Appends a section to bench/RESULTS.md.
//   hfcachebench [--size-gb 2] [--shards 4] [--rounds 3] [--work DIR] [--results FILE]
#include "hfcache/cachescanner.h"
#include "hfcache/filedigest.h"
#include "hfcache/modelverifier.h"
#include "hfcache/snapshotimporter.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <limits>

using namespace mistudio;
using namespace mistudio::hfcache;
using namespace Qt::Literals::StringLiterals;

namespace {

struct Timing
{
    double seconds = std::numeric_limits<double>::max();
    double cpuSeconds = 0;
    QString note;
};

double cpuOf(int who)
{
    rusage u{};
    ::getrusage(who, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Runs `fn` and keeps the fastest run (CPU of this process and of its children).
void measure(Timing *best, const std::function<QString()> &fn)
{
    const double cpu0 = cpuOf(RUSAGE_SELF) + cpuOf(RUSAGE_CHILDREN);
    QElapsedTimer t;
    t.start();
    const QString note = fn();
    const double s = double(t.nsecsElapsed()) / 1e9;
    const double cpu = cpuOf(RUSAGE_SELF) + cpuOf(RUSAGE_CHILDREN) - cpu0;
    if (s < best->seconds)
        *best = Timing{s, cpu, note};
}

[[noreturn]] void die(const QString &what)
{
    std::fprintf(stderr, "hfcachebench: %s\n", qPrintable(what));
    std::exit(1);
}

// A file of pseudo-random bytes (xorshift), written in 8 MiB blocks; returns its sha256.
QString writeShard(const QString &path, qint64 size, quint64 seed)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        die(u"cannot write "_s + path);
    FileDigest digest(HashKind::Sha256, size);
    QByteArray block(8 << 20, Qt::Uninitialized);
    quint64 x = seed * 0x9E3779B97F4A7C15ull + 1;
    for (qint64 done = 0; done < size;) {
        auto *w = reinterpret_cast<quint64 *>(block.data());
        for (qsizetype i = 0; i < block.size() / 8; ++i) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            w[i] = x;
        }
        const qint64 n = qMin<qint64>(block.size(), size - done);
        digest.update(block.constData(), n);
        if (f.write(block.constData(), n) != n)
            die(u"write failed: "_s + path);
        done += n;
    }
    return digest.finalHex();
}

void addToSnapshot(const QString &repoDir, const QString &commit, const QString &path,
                   const QString &blobName, const QString &tmpFile)
{
    const QString blob = repoDir + u"/blobs/"_s + blobName;
    if (!QFile::rename(tmpFile, blob))
        die(u"cannot move "_s + tmpFile);
    const QString link = repoDir + u"/snapshots/"_s + commit + u'/' + path;
    if (!QFile::link(u"../../blobs/"_s + blobName, link))
        die(u"cannot link "_s + link);
}

QString gb(double bytes, double seconds)
{
    return QString::number(bytes / 1e9 / seconds, 'f', 3);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.addOptions({{u"size-gb"_s, u"total size of the shards"_s, u"GB"_s, u"2"_s},
                  {u"shards"_s, u"number of shards"_s, u"N"_s, u"4"_s},
                  {u"rounds"_s, u"runs per variant (best kept)"_s, u"N"_s, u"3"_s},
                  {u"work"_s, u"folder for the cache and the imports"_s, u"DIR"_s},
                  {u"results"_s, u"markdown file to append to"_s, u"FILE"_s,
                   QStringLiteral(MISTUDIO_SOURCE_DIR "/bench/RESULTS.md")}});
    p.addHelpOption();
    p.process(app);
    const qint64 total = qint64(p.value(u"size-gb"_s).toDouble() * 1e9);
    const int shards = qMax(1, p.value(u"shards"_s).toInt());
    const int rounds = qMax(1, p.value(u"rounds"_s).toInt());
    QTemporaryDir tmp(p.isSet(u"work"_s) ? p.value(u"work"_s) + u"/hfcachebench-XXXXXX"_s
                                         : QDir::tempPath() + u"/hfcachebench-XXXXXX"_s);
    if (!tmp.isValid())
        die(u"no work folder"_s);

    // The cache: models--bench--model with one commit.
    const QString commit = u"0123456789abcdef0123456789abcdef01234567"_s;
    const QString repoDir = tmp.filePath(u"hub/models--bench--model"_s);
    for (const QString &d : QStringList{u"/blobs"_s, u"/refs"_s, u"/snapshots/"_s + commit})
        QDir().mkpath(repoDir + d);
    QFile ref(repoDir + u"/refs/main"_s);
    if (!ref.open(QIODevice::WriteOnly) || ref.write(commit.toLatin1()) != 40)
        die(u"cannot write the ref"_s);
    ref.close();
    std::printf("generating %d shard(s), %.2f GB...\n", shards, double(total) / 1e9);
    std::fflush(stdout);
    QStringList shardBlobs;
    QString weightMap;
    for (int i = 0; i < shards; ++i) {
        const QString name = u"model-%1-of-%2.safetensors"_s.arg(i + 1, 5, 10, QChar(u'0'))
                                 .arg(shards, 5, 10, QChar(u'0'));
        const QString tmpFile = tmp.filePath(u"shard.tmp"_s);
        const QString sha = writeShard(tmpFile, total / shards, quint64(i + 1));
        addToSnapshot(repoDir, commit, name, sha, tmpFile);
        shardBlobs << repoDir + u"/blobs/"_s + sha;
        weightMap += u"%1\"layer%2\": \"%3\""_s.arg(i ? u", "_s : QString()).arg(i).arg(name);
    }
    for (const auto &[path, content] :
         {std::pair{u"config.json"_s, QByteArray("{\"model_type\": \"llama\"}\n")},
          std::pair{u"model.safetensors.index.json"_s,
                    (u"{\"weight_map\": {"_s + weightMap + u"}}\n"_s).toUtf8()}}) {
        const QString tmpFile = tmp.filePath(u"small.tmp"_s);
        QFile f(tmpFile);
        if (!f.open(QIODevice::WriteOnly) || f.write(content) != content.size())
            die(u"cannot write "_s + path);
        f.close();
        addToSnapshot(repoDir, commit, path, FileDigest::of(HashKind::GitBlobSha1, content),
                      tmpFile);
    }
    ::sync();

    const Result<CacheScan> scan = CacheScanner::scan(tmp.filePath(u"hub"_s));
    if (!scan || scan->repos.size() != 1 || !scan->repos.first().snapshots.first().isComplete())
        die(u"the generated cache does not scan as one complete snapshot"_s);
    const CachedRepo repo = scan->repos.first();
    const CachedSnapshot snap = repo.snapshots.first();
    QList<FileRecord> records;
    for (const CachedFile &f : snap.files)
        records.append(f.record());
    const double bytes = double(snap.totalBytes());
    const int cores = QThread::idealThreadCount();

    auto sha256sum = [&](int parallel) {
        return [&, parallel]() -> QString {
            // xargs -P runs up to `parallel` sha256sum processes, one file each.
            QProcess proc;
            proc.start(u"xargs"_s,
                       {u"-P"_s, QString::number(parallel), u"-n"_s, u"1"_s, u"sha256sum"_s});
            proc.write(shardBlobs.join(u'\n').toUtf8() + '\n');
            proc.closeWriteChannel();
            if (!proc.waitForFinished(-1) || proc.exitCode() != 0)
                die(u"sha256sum failed"_s);
            const QString out = QString::fromLatin1(proc.readAllStandardOutput());
            for (const QString &blob : std::as_const(shardBlobs)) {
                if (!out.contains(QFileInfo(blob).fileName() + u"  "_s + blob))
                    die(u"sha256sum disagrees on "_s + blob);
            }
            return QString();
        };
    };
    auto verify = [&](int threads) {
        return [&, threads]() -> QString {
            const Result<VerifyReport> r =
                ModelVerifier(VerifyOptions{threads, 100}).verify(snap.path, records);
            if (!r || !r->allOk())
                die(u"verification failed"_s);
            return QString();
        };
    };
    auto import = [&](TransferMode mode) {
        return [&, mode]() -> QString {
            const QString target = tmp.filePath(u"data/models/bench--model"_s);
            QDir(target).removeRecursively();
            ImportOptions opts;
            opts.mode = mode;
            const Result<ImportResult> r =
                SnapshotImporter(opts).importSnapshot(repo, snap, target);
            if (!r)
                die(u"import failed: "_s + r.error().toString());
            const QString note =
                u"%1 bytes copied, %2 hard link(s), %3 copied"_s.arg(r->bytesCopied)
                    .arg(r->hardLinked)
                    .arg(r->copied);
            QDir(target).removeRecursively();
            ::sync(); // the copy's dirty pages are not left to slow the next variant down
            return note;
        };
    };

    struct Variant
    {
        QString name;
        std::function<QString()> run;
        Timing best;
    };
    QList<Variant> variants{
        {u"sha256sum, 1 process"_s, sha256sum(1), {}},
        {u"sha256sum, %1 processes (xargs -P)"_s.arg(cores), sha256sum(cores), {}},
        {u"ours: verify, 1 thread"_s, verify(1), {}},
        {u"ours: verify, %1 threads (default)"_s.arg(qBound(1, cores, 4)), verify(0), {}},
        {u"ours: import, hard links (verified)"_s, import(TransferMode::Auto), {}},
        {u"ours: import, forced copy (verified)"_s, import(TransferMode::Copy), {}},
    };
    sha256sum(cores)(); // warm the page cache: every variant reads cached pages
    for (int r = 0; r < rounds; ++r) {
        for (Variant &v : variants) {
            measure(&v.best, v.run);
            std::printf("round %d: %-40s %.3f s\n", r + 1, qPrintable(v.name), v.best.seconds);
            std::fflush(stdout);
        }
    }

    QString md;
    md += u"\n## hfcache — %1 (bench/hfcache, %2 CPUs)\n\n"_s
              .arg(QDateTime::currentDateTimeUtc().toString(u"yyyy-MM-dd HH:mm 'UTC'"_s))
              .arg(cores);
    md +=
        u"`hfcachebench --size-gb %1 --shards %2 --rounds %3`: an HF-cache snapshot of %4 shards + "
        "config + index, %5 GB in all, page-cache warm for every run (the same files for every "
        "row); best of %3, variants round-robin. GB/s = snapshot bytes / wall time; CPU = user+sys "
        "of this process and its children.\n\n"_s.arg(p.value(u"size-gb"_s))
            .arg(shards)
            .arg(rounds)
            .arg(shards)
            .arg(bytes / 1e9, 0, 'f', 2);
    md += u"| run | seconds | GB/s | CPU s | ratio | notes |\n|---|---|---|---|---|---|\n"_s;
    const double ref1 = variants.at(0).best.seconds;
    const double refN = variants.at(1).best.seconds;
    for (qsizetype i = 0; i < variants.size(); ++i) {
        const Variant &v = variants.at(i);
        QString ratio;
        if (i == 2)
            ratio = u"**%1× sha256sum (1)**"_s.arg(ref1 / v.best.seconds, 0, 'f', 2);
        else if (i == 3)
            ratio = u"**%1× sha256sum (%2)**"_s.arg(refN / v.best.seconds, 0, 'f', 2).arg(cores);
        md += u"| %1 | %2 | %3 | %4 | %5 | %6 |\n"_s.arg(
            v.name, QString::number(v.best.seconds, 'f', 3), gb(bytes, v.best.seconds),
            QString::number(v.best.cpuSeconds, 'f', 2), ratio, v.best.note);
    }
    std::printf("%s", qPrintable(md));
    QFile out(p.value(u"results"_s));
    if (!out.open(QIODevice::Append) || out.write(md.toUtf8()) < 0)
        die(u"cannot append to "_s + out.fileName());
    return 0;
}
