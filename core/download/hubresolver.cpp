#include "download/hubresolver.h"

#include "hub/hubclient.h"

namespace mistudio {

void HubResolver::resolve(const PinnedDownload &download, const RemoteFile &file, Callback done)
{
    m_client->fileMetadata(download.repoId, download.commit, file.path,
                           [done = std::move(done)](Result<hub::FileMetadata> r) {
        if (!r.ok()) {
            done(r.error());
            return;
        }
        ResolvedFile f;
        f.url = r->location;
        f.size = r->size;
        f.etag = r->etag.toLower();
        f.commit = r->commit;
        f.sendToken = !r->redirected; // the signed CDN URL never gets the token
        done(std::move(f));
    });
}

} // namespace mistudio
