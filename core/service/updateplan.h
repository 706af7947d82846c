#pragma once

#include "service/librarytypes.h"
#include "store/variantrecord.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace mistudio {

// How a model's recorded files relate to the Hub's files of the revision now: what an update
// fetches (changed and added files), deletes (removed ones) and keeps. A file is unchanged when
// its size and content hash match (sha256 when upstream has one, else the git blob id).
struct UpdatePlan
{
    QList<ModelFileRecord> changed; // upstream's records
    QList<ModelFileRecord> changedFrom; // the catalogue's records of the same files
    QList<ModelFileRecord> added;
    QList<ModelFileRecord> removed; // the catalogue's records
    int unchanged = 0;

    qint64 downloadBytes() const;
    QStringList fetchPaths() const; // changed + added
    QStringList removePaths() const;
    void describe(UpdateCheck *check) const;

    static UpdatePlan compare(const QList<ModelFileRecord> &recorded, const QList<ModelFileRecord> &upstream);
    // The model's files once an update fetched `fetched` and dropped `removed`: the recorded
    // files the update did not touch, plus what it fetched.
    static QList<ModelFileRecord> merge(const QList<ModelFileRecord> &recorded,
                                        const QList<ModelFileRecord> &fetched, const QStringList &removed);
    // Deletes `paths` (repo paths, checked) under `folder` and the folders left empty; the bytes freed.
    static qint64 removeFiles(const QString &folder, const QStringList &paths);
};

qint64 totalSize(const QList<ModelFileRecord> &files);

} // namespace mistudio
