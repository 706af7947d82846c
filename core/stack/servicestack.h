#pragma once

#include "common/result.h"
#include "service/engines.h"
#include "service/eventbus.h"
#include "service/eventrelay.h"
#include "service/modelservice.h"
#include "stack/stackconfig.h"
#include "store/storefactory.h"

#include <memory>

namespace mistudio {

// The one composition root: the catalogue, the event bus, the engines and the ModelService of
// one process, built the same way for the GUI, `serve`, the CLI and workers from a StackConfig.
// Faces get the service and the bus; nothing else of the core.
class ServiceStack final
{
    Q_DISABLE_COPY_MOVE(ServiceStack)

public:
    // With the real engines of this build.
    static Result<std::unique_ptr<ServiceStack>> build(const StackConfig &config);
    // With engines of the caller's (tests, benches).
    static Result<std::unique_ptr<ServiceStack>> build(const StackConfig &config, Engines engines);
    ~ServiceStack(); // shuts the service down (its jobs are released for the next start)

    ModelService *service() const { return m_service.get(); }
    EventBus *bus() const { return m_bus.get(); }
    const StackConfig &config() const { return m_config; }
    QString catalogue() const { return m_stores.location; }
    // Other processes' events on this bus (null for a Reader).
    EventRelay *relay() const { return m_relay.get(); }

private:
    ServiceStack() = default;

    StackConfig m_config;
    Stores m_stores;
    std::unique_ptr<EventBus> m_bus;
    std::unique_ptr<ModelService> m_service;
    std::unique_ptr<EventRelay> m_relay;
};

} // namespace mistudio
