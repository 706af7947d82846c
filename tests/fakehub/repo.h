#pragma once

#include "blob.h"

#include <QDateTime>
#include <QJsonObject>
#include <QMap>
#include <QSet>
#include <QString>
#include <QStringList>

namespace mistudio::fakehub {

struct RepoFile
{
    QString path;
    BlobPtr blob;
    bool lfs = false;

    qint64 size() const { return blob->size(); }
    // The git-LFS pointer text stored in git for an LFS file.
    QByteArray lfsPointer() const;
    // What git stores: the content's blob id for regular files, the pointer's for LFS files.
    QByteArray gitOid() const;
};

struct Commit
{
    QByteArray sha; // 40 hex
    QString title;
    QDateTime date;
    QMap<QString, RepoFile> files; // path -> file
};

// One repository of the fake Hub (docs/fakehub.md, "Repositories").
struct Repo
{
    QString id;
    bool isPrivate = false;
    QString gated; // empty (not gated), "auto" or "manual"
    bool disabled = false;
    QSet<QString> approvedTokens;   // gated grants
    QSet<QString> authorizedTokens; // private-repo readers
    QMap<QString, QByteArray> branches; // name -> commit sha
    QMap<QString, QByteArray> tags;
    QMap<QByteArray, Commit> commits;
    QString pipelineTag = QStringLiteral("text-generation");
    QString libraryName = QStringLiteral("transformers");
    QStringList extraTags;
    int likes = 0;
    int downloads = 0;
    QDateTime createdAt;

    // Adds a commit (sha derived from the content and the parent) and points `branch` at it.
    QByteArray addCommit(const QString &branch, const QString &title, const QList<RepoFile> &files);
    // Branch, tag, or full commit sha; empty if unknown. `refs/pr/N` and `%2F`-decoded names are branches.
    QByteArray resolveRevision(const QString &revision) const;
    const Commit *commit(const QByteArray &sha) const;
    QByteArray mongoId() const;
    QString author() const;
};

} // namespace mistudio::fakehub
