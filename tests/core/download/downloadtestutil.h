#pragma once

// Shared by the download engine's network tests: a PinnedDownload for a fake-Hub repo, and
// running one download to its end.
#include "download/downloadengine.h"
#include "fakehub/fakehub.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

namespace mistudio::testutil {

inline PinnedDownload pinnedDownload(const fakehub::FakeHub &hub, const QString &repo, const QString &target,
                                     const QStringList &only = {}, const QString &revision = QStringLiteral("main"))
{
    PinnedDownload d;
    d.endpoint = hub.endpoint();
    d.repoId = repo;
    d.commit = QString::fromLatin1(hub.commitOf(repo, revision));
    d.targetDir = target;
    const QList<fakehub::FileInfo> files = hub.files(repo, revision);
    for (const fakehub::FileInfo &f : files) {
        if (!only.isEmpty() && !only.contains(f.path))
            continue;
        d.files.append(RemoteFile{f.path, f.size, f.lfs ? QString::fromLatin1(f.sha256) : QString(),
                                  QString::fromLatin1(f.gitOid)});
    }
    return d;
}

inline QJsonObject toJson(const PinnedDownload &d, const QJsonObject &options)
{
    QJsonArray files;
    for (const RemoteFile &f : d.files)
        files.append(QJsonObject{{QStringLiteral("path"), f.path}, {QStringLiteral("size"), f.size},
                                 {QStringLiteral("sha256"), f.sha256}, {QStringLiteral("git_oid"), f.gitOid}});
    return QJsonObject{{QStringLiteral("endpoint"), d.endpoint.toString()}, {QStringLiteral("repo"), d.repoId},
                       {QStringLiteral("commit"), d.commit}, {QStringLiteral("token"), d.token},
                       {QStringLiteral("target"), d.targetDir}, {QStringLiteral("files"), files},
                       {QStringLiteral("options"), options}};
}

struct RunResult
{
    bool finished = false;
    Status status;
    QList<DownloadProgress> progress; // emittedAtMs says when the engine sent each
};

// Runs `d` on `engine` until it ends (or `timeoutMs`).
inline RunResult runDownload(DownloadEngine &engine, const PinnedDownload &d, int timeoutMs = 60000,
                             const std::function<void(const QString &id, const DownloadProgress &)> &onProgress = {})
{
    RunResult r;
    QString id;
    QObject ctx;
    QObject::connect(&engine, &DownloadEngine::progressUpdated, &ctx, [&](const QString &i, const DownloadProgress &p) {
        if (i != id)
            return;
        r.progress.append(p);
        if (onProgress)
            onProgress(i, p);
    });
    QObject::connect(&engine, &DownloadEngine::downloadFinished, &ctx, [&](const QString &i, const Status &st) {
        if (i != id)
            return;
        r.finished = true;
        r.status = st;
    });
    id = engine.start(d);
    (void)QTest::qWaitFor([&] { return r.finished; }, timeoutMs);
    return r;
}

} // namespace mistudio::testutil
