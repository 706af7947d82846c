#pragma once

#include "arch/architecture.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QUrl>

namespace mistudio::hub {

// One file of a repo at a commit, from the tree listing or the model info's siblings.
struct RepoFile
{
    QString path;
    qint64 size = -1;   // the real file size (for LFS files the blob, not the pointer)
    QString oid;        // git blob sha1
    QString lfsSha256;  // empty for regular git files
    QString xetHash;
    bool isLfs() const { return !lfsSha256.isEmpty(); }

    // The files of one page of GET /api/models/{id}/tree/{rev} (docs/hub.md, "Protocol facts"); entries
    // of another type (directories) are skipped.
    static QList<RepoFile> listFromTree(const QJsonArray &page);
};

// GET /api/models/{id}/revision/{rev}?blobs=true, the fields the app uses (docs/hub.md H2).
struct ModelInfo
{
    QString id;
    QString sha;             // resolved commit of the requested revision
    bool isPrivate = false;
    QString gated;           // "" (not gated), "auto" or "manual"
    bool disabled = false;
    QString license;         // cardData.license, else the "license:" tag
    QString pipelineTag;
    QString libraryName;
    QStringList tags;
    QJsonObject config;      // the Hub's subset of config.json (model_type, architectures, auto_map...)
    QList<RepoFile> siblings;
    QMap<QString, qint64> safetensorsParameters; // dtype → count, when the Hub computed it
    qint64 safetensorsTotal = -1;
    QDateTime lastModified;
    QJsonObject raw;

    static ModelInfo fromJson(const QJsonObject &o);
};

// HEAD /{id}/resolve/{rev}/{path} (docs/hub.md H4, H5).
struct FileMetadata
{
    QString commit;   // X-Repo-Commit
    QString etag;     // X-Linked-Etag, else ETag; W/ and quotes stripped
    qint64 size = -1; // X-Linked-Size, else Content-Length
    QUrl location;    // where a GET fetches the bytes: the CDN URL for LFS files, else the resolve URL
    bool redirected = false; // location is on another host (send no Authorization there)
    QString requestId;
};

struct SearchHit
{
    QString id;
    qint64 downloads = 0;
    qint64 likes = 0;
    QString pipelineTag;
    QString gated;
    bool isPrivate = false;
    QDateTime lastModified;

    QJsonObject toJson() const;
};

// One safetensors file's header, fetched by Range.
struct SafetensorsHeader
{
    QString file;
    quint64 headerLength = 0;      // N, the JSON length after the 8-byte prefix
    QList<arch::TensorDesc> tensors;
    QJsonObject metadata;          // "__metadata__"
    qint64 dataBytes = 0;          // end of the last tensor's data
};

} // namespace mistudio::hub
