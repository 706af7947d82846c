#pragma once

#include "hub/hubtypes.h"

#include <QJsonObject>

namespace mistudio::hub {

// Which files of a repo a download fetches (docs/hub.md, "File selection"), shared by the preview
// (sizes) and the download engine (the list):
// - safetensors weights when the repo has any; then every other weight format is skipped
//   (.bin/.pt/.pth, .h5, .msgpack, .onnx, .gguf, .ckpt, .ot, tf_/flax_ variants and their
//   index files, onnx/ and openvino/ folders);
// - without safetensors, PyTorch .bin weights (+ index) are used and the rest still skipped;
// - configs, tokenizer files, README, license and other small text files are kept;
// - .py files only when the model needs trust_remote_code (otherwise nothing would run them);
// - .gitattributes and images are never needed.
struct FileSelection
{
    struct Skipped
    {
        QString path;
        qint64 size = -1;
        QString reason;
    };

    QList<RepoFile> files;     // what a download fetches
    QList<Skipped> skipped;
    QStringList weightFiles;   // the selected weight files (safetensors, or .bin when there are none)
    QString weightFormat;      // "safetensors", "pytorch_bin" or "" when the repo has no usable weights
    qint64 totalBytes = 0;     // sum of the selected files' sizes

    QJsonObject toJson() const; // {"files":[{"path","size"}],"skipped":[{"path","size","reason"}],...}
};

// config.json's auto_map, or custom modeling/configuration .py files in the repo.
bool requiresTrustRemoteCode(const QJsonObject &config, const QList<RepoFile> &files);

FileSelection selectFiles(const QList<RepoFile> &files, bool trustRemoteCode);

// Whether `path` (or its last component) matches one of the shell globs, the rule of a
// download's include/exclude options.
bool matchesAnyGlob(const QString &path, const QStringList &globs);
// A glob that matches exactly `path` (its *, ? and [ taken literally).
QString literalGlob(const QString &path);

} // namespace mistudio::hub
