#pragma once

#include "common/repoid.h"
#include "common/result.h"

#include <QString>

namespace mistudio {

// The data directory and its layout (docs/configuration.md, "Layout"):
//   DATA_DIR/mistudio.sqlite3                  the default catalogue
//   DATA_DIR/models/{repo_dir}/                the original files of a model
//   DATA_DIR/models/{repo_dir}/quantized/V/    a quantized variant V (bnb-4bit-nf4-dq, bnb-8bit, ...)
// Partial data lives only under names ending in ".incomplete" or in ".tmp-*" folders, which
// are never mistaken for finished files.
class DataDir
{
public:
    DataDir() = default;
    explicit DataDir(QString root) : m_root(std::move(root)) {}

    // The platform default (QStandardPaths::AppDataLocation, e.g. ~/.local/share/mistudio).
    static QString defaultRoot();

    QString root() const { return m_root; }
    QString modelsDir() const;
    QString modelDir(const RepoId &repo) const;
    QString quantizedDir(const RepoId &repo) const;
    // quantizedDir/<variant>: one folder per quantized variant ("bnb-4bit-nf4-dq", ...).
    QString variantDir(const RepoId &repo, const QString &variant) const;
    QString sqliteFile() const;

    // Creates the root and models/ folders; a clear error when that is not possible.
    Status ensureExists() const;
    // Free bytes on the filesystem holding the data dir (or its nearest existing parent).
    qint64 freeBytes() const;

private:
    QString m_root;
};

} // namespace mistudio
