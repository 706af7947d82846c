#pragma once

#include "download/downloadtypes.h"
#include "hub/huboptions.h"
#include "service/engines.h"

#include <QProcessEnvironment>
#include <QStringList>

#include <functional>

namespace mistudio {

// Where the real engines find the Hub and how they download and quantize. A face (CLI, serve,
// GUI) resolves it once (HF_ENDPOINT, settings, HF_HUB_OFFLINE, proxy) and hands it over; tests
// point it at the fake Hub.
struct HubSettings
{
    hub::HubOptions hub; // endpoint, proxy, offline, timeouts, retries; the token is per call
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment(); // token lookup
    QString storedToken;          // the app's remembered token: the last resort
    QString dataDir;              // for the preview's free-space figure
    DownloadOptions download;     // connections per file, files in parallel, backoff, ...
    // The global bandwidth cap the download session starts with (every download together; the
    // service changes it live: ModelService::setBandwidthLimit); 0 = none.
    qint64 maxBytesPerSecond = 0;
    // "auto": every usable CUDA device plus the CPU; "cpu": never a GPU; "cuda:N": that device.
    QString quantizeDevice = QStringLiteral("auto");
};

// The engines of this build: core/hub (preview, model info, tree), core/download (the pinned
// download, in one DownloadSession for these engines: call this once per process),
// core/arch (architecture from config + safetensors headers) and core/quant (the streaming
// bitsandbytes quantizer, CUDA when a device is usable). Each call blocks on one of the
// service's pool threads.
Engines makeRealEngines(const HubSettings &settings);

// The Hub options of one call: the settings' endpoint, proxy and limits, with the token that
// `explicitToken`, the environment or the stored token give (in that order).
hub::HubOptions hubOptionsFor(const HubSettings &settings, const QString &explicitToken);

} // namespace mistudio
