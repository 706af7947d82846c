#pragma once

// Helpers shared by the route files; not part of the fake Hub's interface.

#include "hubstate.h"

#include <QJsonObject>
#include <QSet>

namespace mistudio::fakehub::detail {

HttpResponse errorResponse(int status, const QByteArray &code, const QString &message);
// GET/HEAD of a blob with single-range support: 200, 206, or 416 (docs/fakehub.md, "Routes and
// behaviour").
HttpResponse serveBlob(const HttpRequest &request, const BlobPtr &blob, HeaderList headers);
QString signedCdnUrl(HubState &state, const RepoFile &file);
QJsonObject safetensorsInfo(HubState &state, const Commit &commit);
QJsonObject modelInfo(HubState &state, const Repo &repo, const Commit &commit, bool blobs, bool listing);
QJsonObject filterExpand(const QJsonObject &full, const QSet<QString> &expand);
QJsonObject fileEntry(const Commit &commit, const RepoFile &file, bool expand, bool xet = false);
QByteArray xetHash(const RepoFile &file);
QJsonObject directoryEntry(const Commit &commit, const QString &path, bool expand);
bool parseBool(const QString &value);
QSet<QString> expandKeys(const QUrlQuery &query);
QByteArray contentTypeFor(const QString &path);

} // namespace mistudio::fakehub::detail
