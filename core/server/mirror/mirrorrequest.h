#pragma once

#include "server/http/requesthead.h"

#include <QString>

#include <optional>

namespace mistudio::mirror {

// One request to the Hub's read-only routes (docs/hub.md H2, H4), parsed from the
// raw request target: each path segment is percent-decoded on its own, so that a revision sent
// as "refs%2Fpr%2F1" (huggingface_hub quotes it with safe="") stays one segment.
//   GET|HEAD /api/models/{repo}[/revision/{rev}]     Info
//   GET|HEAD /api/models/{repo}/tree/{rev}[/{path}]  Tree
//   POST     /api/models/{repo}/paths-info/{rev}     PathsInfo
//   GET|HEAD /api/models/{repo}/auth-check           AuthCheck
//   GET|HEAD /{repo}/resolve/{rev}/{path}            Resolve
// {repo} is "org/name", or "name" for the Hub's old ids without a namespace.
struct MirrorRequest
{
    enum class Route
    {
        Info,
        Tree,
        PathsInfo,
        AuthCheck,
        Resolve
    };
    Route route = Route::Info;
    QString repo;
    QString revision; // empty: the default (Info without /revision/)
    QString path;     // Tree (may be empty), Resolve

    // The route a request target names, if it is one of the Hub's; nothing for anything else
    // (the native /api/v1 API, /ws, unknown paths).
    static std::optional<MirrorRequest> parse(const QByteArray &target);
    // Whether the method is one the route takes (GET/HEAD, POST for paths-info).
    bool allows(const QByteArray &method) const;
};

} // namespace mistudio::mirror
