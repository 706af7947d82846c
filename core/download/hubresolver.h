#pragma once

#include "download/urlresolver.h"

namespace mistudio::hub {
class HubClient;
}

namespace mistudio {

// The engine's resolver over core/hub's HubClient::fileMetadata (the same HEAD rules, typed Hub
// errors, the client's own retries and token). The client must live in the engine's thread and
// outlive the engine's downloads.
class HubResolver final : public UrlResolver
{
public:
    explicit HubResolver(hub::HubClient *client) : m_client(client) {}
    Q_DISABLE_COPY_MOVE(HubResolver)

    void resolve(const PinnedDownload &download, const RemoteFile &file, Callback done) override;

private:
    hub::HubClient *m_client;
};

} // namespace mistudio
