#pragma once

#include "download/downloadtypes.h"
#include "hub/huboptions.h"
#include "service/engines.h"

#include <QProcessEnvironment>

namespace mistudio::gui {

// What the engines need to know about the app's environment, resolved once on the GUI thread.
struct RealEngineOptions
{
    hub::HubOptions hub;          // endpoint, proxy, offline, timeouts; the token is per call
    QProcessEnvironment env;      // for the token precedence (HF_TOKEN, token files)
    QString storedToken;          // the app's remembered token, the last resort
    QString dataDir;              // where previews measure free space
    DownloadOptions download;     // connections per file, files in parallel, ...
    qint64 maxBytesPerSecond = 0; // global bandwidth cap, 0 = none
    QString quantizeDevice = QStringLiteral("auto");
};

// The service's engines over the real core: Hub preview (core/hub), pinned downloads
// (core/download), the streaming bnb quantizer (core/quant) and the architecture extractor
// (core/arch). Each call blocks on one of the service's pool threads with its own event loop,
// as core/service/engines.h asks; none of them touches the GUI thread.
Engines makeRealEngines(const RealEngineOptions &options);

// Repo ids matching `query` from the Hub's search (GET /api/models?search=), for the download
// form's autocompletion. Blocking: call it on a worker thread.
std::function<Result<QStringList>(const QString &query, int limit)>
makeRepoSearch(const RealEngineOptions &options);

} // namespace mistudio::gui
