#pragma once

#include "common/datadir.h"
#include "store/modelrecord.h"

#include <QStringList>

namespace mistudio {

// What deleting a model frees, or freed: the folders removed, the ones kept because another
// record of the same repo uses them, and the bytes.
struct Removal
{
    qint64 bytes = 0;
    QStringList paths;
    QStringList kept;
};

// The one rule for what deleting a model (or one of its variants) takes from disk, used by every
// face through ModelService: only canonical paths strictly inside DATA_DIR/models (a record's
// path that leads anywhere else, through a symlink or not, is left alone), and nothing of a
// repo folder that another record of the same repo still uses.
class DeletionPolicy final
{
public:
    explicit DeletionPolicy(DataDir dataDir) : m_dataDir(std::move(dataDir)) {}

    // The folders removing `record` frees (its repo folder, which holds the download and every
    // variant; a stray path of the record inside models/ that the folder does not cover). Empty
    // when `sharedRepo` (another record of the same repo exists).
    QStringList foldersOf(const ModelRecord &record, bool sharedRepo) const;
    // foldersOf() with their bytes, and what stays because it is shared.
    Removal plan(const ModelRecord &record, bool sharedRepo) const;
    // `path` made canonical when it lies strictly inside DATA_DIR/models, else empty.
    QString insideModels(const QString &path) const;

    // Removes a folder (or file) and returns the bytes it held; -1 when it could not be removed.
    static qint64 removeTree(const QString &path);
    // The bytes of a folder's files (symlinks not followed).
    static qint64 treeBytes(const QString &path);

private:
    DataDir m_dataDir;
};

} // namespace mistudio
