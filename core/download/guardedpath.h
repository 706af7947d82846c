#pragma once

#include "common/result.h"
#include "safefs/guardedroot.h"

#include <QString>

namespace mistudio {

// A name beneath a guarded root (core/safefs): the only way core/download opens, renames or
// removes a file. `rel` is the Hub's relative path (plus our suffixes); it is never joined to the
// root as a string and opened by path, so neither "..", nor an absolute name, nor a link already
// on disk can take a write or a remove outside the download's folder.
struct GuardedPath
{
    safefs::GuardedRoot root;
    QString rel;

    // The file at `path`: its folder becomes the root (a caller's own path, trusted as such).
    static GuardedPath beside(const QString &path);
    static safefs::GuardedRoot rootAt(const QString &dir);

    GuardedPath withSuffix(QStringView suffix) const { return GuardedPath{root, rel + suffix}; }
    std::string name() const; // rel in the file system's encoding
    QString display() const;  // root/rel, for messages

    safefs::Opened open(int flags, mode_t mode = 0644) const;
    int makeParents() const;  // the folders `rel` sits in (each walked without following links)
    int remove() const;       // missing is not an error
    int stat(struct stat *st) const;

    // The typed error for a failure of this module (safefs::kUnsafePath or an errno):
    // unsafe_path, disk_full (ENOSPC, EFBIG, EDQUOT), permission_denied, else io_error.
    Error error(int err, const QString &what) const;
};

// rename(2) within one root + fsync of the destination's folder: the final name appears whole or
// not at all.
Status atomicRename(const GuardedPath &from, const GuardedPath &to);

// The typed error for an errno or safefs::kUnsafePath about `path` (shown as is).
Error fileSystemError(int err, const QString &what, const QString &path);

} // namespace mistudio
