#pragma once

#include "hub/hubclient.h"
#include "hub/modelpreview.h"

namespace mistudio::hub {

struct PreviewRequest
{
    QString repo;
    QString revision = QStringLiteral("main");
    QString dataDir;      // where a download would go (free space is measured there)
};

// Builds a ModelPreview without fetching any weight bytes: model info (sha, gating, license,
// the Hub's safetensors count), the recursive tree at that commit, auth-check, config.json, and
// the safetensors headers by Range (model.safetensors, else the shards of
// model.safetensors.index.json in parallel). Gated or private repos the token cannot read still
// preview from the public metadata (can_download false, access_error set). Runs on the client's
// thread; `done` is called once.
void buildPreview(HubClient *client, const PreviewRequest &request, HubClient::Callback<ModelPreview> done);

// The part without network: fills a preview from what was fetched (exposed for tests and for
// previews of local checkpoints).
void completePreview(ModelPreview &preview, const QJsonObject &config, const QList<RepoFile> &files,
                     const QList<arch::TensorDesc> &tensors, bool haveHeaders);

} // namespace mistudio::hub
