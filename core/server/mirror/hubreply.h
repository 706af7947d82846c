#pragma once

#include "common/error.h"
#include "server/http/response.h"

#include <QJsonArray>
#include <QJsonObject>

namespace mistudio::mirror {

// Responses in the Hub's own shapes (docs/hub.md H7), which clients map
// to their typed errors: X-Error-Code / X-Error-Message headers and a {"error": "..."} body.
namespace hubreply {

http::Response json(int status, const QJsonDocument &document);
http::Response json(int status, const QJsonObject &object);
http::Response json(int status, const QJsonArray &array);

// `code`: RepoNotFound, RevisionNotFound, EntryNotFound, GatedRepo (or empty).
http::Response error(int status, const QByteArray &code, const QString &message);
// Our typed errors in the Hub's terms (the status follows the caller, as the Hub's does:
// an unknown or hidden repo is 401 to an anonymous caller and 404 to a token holder).
http::Response fromError(const Error &error, bool tokenHolder);
http::Response repoNotFound(bool tokenHolder);
http::Response gated(const QString &repo);
http::Response invalidCredentials();

// The headers every Hub answer carries: a request id (the client's X-Amzn-Trace-Id when it sent
// one) and the list of headers a browser may read.
void addCommonHeaders(http::Response *response, const QByteArray &traceId);

} // namespace hubreply
} // namespace mistudio::mirror
