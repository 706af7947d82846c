#include "stack/servicestack.h"

#include "service/processidentity.h"

namespace mistudio {

Result<std::unique_ptr<ServiceStack>> ServiceStack::build(const StackConfig &config)
{
    return build(config, makeRealEngines(config.engines));
}

Result<std::unique_ptr<ServiceStack>> ServiceStack::build(const StackConfig &config, Engines engines)
{
    std::unique_ptr<ServiceStack> s(new ServiceStack);
    s->m_config = config;
    ServiceOptions &o = s->m_config.service;
    if (o.ownerId.isEmpty())
        o.ownerId = ProcessIdentity::current().id();
    if (o.dataDir.root().isEmpty())
        o.dataDir = config.app.dir();
    Result<Stores> stores = openStores(config.app, o.ownerId);
    if (!stores)
        return stores.error();
    s->m_stores = *stores;
    s->m_bus = std::make_unique<EventBus>();
    s->m_service = std::make_unique<ModelService>(s->m_stores.models, s->m_stores.jobs, s->m_bus.get(),
                                                  std::move(engines), o);
    return s;
}

ServiceStack::~ServiceStack()
{
    if (m_service)
        m_service->shutdown();
}

} // namespace mistudio
