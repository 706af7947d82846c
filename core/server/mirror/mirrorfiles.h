#pragma once

#include "server/http/requesthead.h"
#include "server/http/response.h"
#include "service/librarytypes.h"

#include <QJsonObject>

namespace mistudio::mirror {

// How the mirror shows and serves one recorded file of a model, as the Hub does.
namespace mirrorfiles {

// The LFS pointer git stores for an LFS file, and its size.
QByteArray lfsPointer(const ModelFileRecord &file);
// The git blob id the tree lists: the file's own for a git file, its pointer's for an LFS file
// (the download recorded it; an import from the HF cache did not, so it is computed).
QString gitOid(const ModelFileRecord &file);
// The ETag a resolve answers with: the sha256 for LFS files, the git blob id for the others.
QString etag(const ModelFileRecord &file);

// {type:"file", path, size, oid[, lfs{oid,size,pointerSize}][, lastCommit]}: a tree or
// paths-info entry.
QJsonObject fileEntry(const MirrorSnapshot &snapshot, const ModelFileRecord &file, bool expand);
QJsonObject directoryEntry(const MirrorSnapshot &snapshot, const QString &path, bool expand);

// The resolve answer for `file`: 200 with the whole file, or 206 with the one range a Range
// header asks for (416 past the end), streamed from disk by the HTTP layer (sendfile); the
// headers huggingface_hub and @huggingface/hub read (X-Repo-Commit, ETag, X-Linked-Etag,
// X-Linked-Size, Accept-Ranges, Content-Range). The file is opened without following a link
// and must still have its recorded size.
http::Response serve(const MirrorSnapshot &snapshot, const ModelFileRecord &file, const http::RequestHead &head);

} // namespace mirrorfiles
} // namespace mistudio::mirror
