#pragma once

#include "service/engines.h"

#include <QProcessEnvironment>
#include <QUrl>

namespace mistudio {

// Where the real engines find the Hub. app/ resolves it once (HF_ENDPOINT, settings,
// HF_HUB_OFFLINE) and hands it over; tests point it at the fake Hub.
struct HubSettings
{
    QUrl endpoint{QStringLiteral("https://huggingface.co")};
    bool offline = false;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment(); // token lookup
    QString dataDir;            // for the preview's free-space figure
    int connectionsPerFile = 0; // 0 = the engine's default
    int filesInParallel = 0;
};

// The engines of this build: core/hub (preview, model info, tree), core/download (the pinned
// download), core/arch (architecture from config + safetensors headers) and core/quant (the
// streaming bitsandbytes quantizer, CUDA when a device is usable).
Engines makeRealEngines(const HubSettings &settings);

} // namespace mistudio
