#pragma once

#include "common/result.h"
#include "hfcache/hfcachetypes.h"

#include <QString>

namespace mistudio::hfcache {

// Reads a Hugging Face hub cache as huggingface_hub lays it out:
//   models--{org}--{name}/blobs/<sha256 | git sha1>         the bytes, named by their hash
//                        /blobs/<hash>.incomplete           a download in progress (or interrupted)
//                        /snapshots/<commit>/<path>         relative symlinks ../../blobs/<hash>
//                        /refs/<revision>                   the commit, no trailing newline
//                        /.no_exist/<commit>/<path>         files known to be absent (ignored here)
// It never writes. A snapshot is complete when every entry is a link to an existing blob named by
// a hash, every shard that an index in it lists is there, and the repo has no partial blob (the
// cache does not record which revision a partial belongs to, so every snapshot counts as
// incomplete while one is there).
class CacheScanner final
{
public:
    // Every model repo of the cache; dataset and space repos are left out, entries that do not
    // follow the layout become warnings. `not_found` when the folder does not exist.
    static Result<CacheScan> scan(const QString &cacheDir);
    // One repo folder (models--{org}--{name}).
    static Result<CachedRepo> scanRepo(const QString &repoDir, QStringList *warnings = nullptr);

    // "models--org--name" for org/name.
    static QString repoFolderName(const RepoId &repo);
    static constexpr char kModelPrefix[] = "models--";
};

} // namespace mistudio::hfcache
