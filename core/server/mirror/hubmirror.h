#pragma once

#include "server/http/requesthead.h"
#include "server/http/response.h"
#include "server/mirror/mirrorrequest.h"
#include "service/librarytypes.h"

namespace mistudio {
class ModelService;
}

namespace mistudio::mirror {

// The LAN mirror: the Hub's read-only routes for the ready models of the catalogue, so that
// another machine with HF_ENDPOINT=http://this-host:PORT downloads them with huggingface_hub,
// @huggingface/hub or `mistudio models download` (docs/huggingface.md, "LAN mirror").
//
// Who sees what follows the Hub: a model known to be public upstream is served to anyone;
// a gated one shows its metadata to anyone and its files to token holders only; a private one,
// or one whose access is unknown (imported from an HF cache), exists for token holders only.
// A token holder is a client presenting the server's API token as its Hub token (or anyone,
// when the server listens on loopback without a token, as for the API). ApiServer checks the
// token, origin and Host before a request gets here.
//
// File bodies are streamed from disk by the HTTP layer (sendfile), never read into memory.
class HubMirror final
{
public:
    explicit HubMirror(ModelService *service);

    http::Response handle(const MirrorRequest &request, const http::RequestHead &head, const QByteArray &body,
                          bool tokenHolder) const;
    // Tree entries per page (the Hub pages its listings with Link: rel="next"); tests lower it.
    void setTreePageSize(int entries) { m_treePageSize = qMax(1, entries); }

private:
    http::Response info(const MirrorSnapshot &snapshot, const http::RequestHead &head) const;
    http::Response tree(const MirrorSnapshot &snapshot, const MirrorRequest &request,
                        const http::RequestHead &head) const;
    http::Response pathsInfo(const MirrorSnapshot &snapshot, const http::RequestHead &head,
                             const QByteArray &body) const;
    http::Response resolve(const MirrorSnapshot &snapshot, const MirrorRequest &request,
                           const http::RequestHead &head) const;

    ModelService *m_service;
    int m_treePageSize = 1000;
};

} // namespace mistudio::mirror
