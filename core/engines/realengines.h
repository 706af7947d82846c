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
    qint64 maxBytesPerSecond = 0; // bandwidth cap when a download names none; 0 = none
    // "auto": every usable CUDA device plus the CPU; "cpu": never a GPU; "cuda:N": that device.
    QString quantizeDevice = QStringLiteral("auto");
};

// The engines of this build: core/hub (preview, model info, tree), core/download (the pinned
// download, resolving through the HubClient), core/arch (architecture from config + safetensors
// headers) and core/quant (the streaming bitsandbytes quantizer, CUDA when a device is usable).
// Each call blocks on one of the service's pool threads with its own event loop.
Engines makeRealEngines(const HubSettings &settings);

} // namespace mistudio
