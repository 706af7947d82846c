#include "stack/servicestack.h"

#include "service/processidentity.h"
#include "stack/datadiridentity.h"
#include "store/cataloguelistener.h"

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
    const bool shared = !config.app.databaseUrl.isEmpty();
    // On a catalogue shared by hosts, the data directory must be the shared one (SQLite's
    // catalogue lives in its data directory: nothing to check).
    if (shared && config.role != StackRole::Reader) {
        CatalogueIdentity identity(s->m_stores.database);
        if (Status st = DataDirIdentity::verify(identity, o.dataDir); !st)
            return st.error();
    }
    if (shared) // idle workers wait on the relay's LISTEN; this poll is the fallback
        o.claimPollInterval = std::max(o.claimPollInterval, std::chrono::milliseconds(5000));
    s->m_service = std::make_unique<ModelService>(s->m_stores.models, s->m_stores.jobs, s->m_bus.get(),
                                                  std::move(engines), o);
    if (config.role != StackRole::Reader) {
        // What other processes sharing the catalogue commit reaches this process's faces.
        EventRelay::Options ro;
        ro.originId = o.ownerId;
        ModelService *service = s->m_service.get();
        ro.onRelayed = [service](const ModelEvent &e) {
            if (const auto *j = e.as<JobChangedEvent>(); j && j->state == JobState::Queued)
                service->wakeJobs();
        };
        s->m_relay = std::make_unique<EventRelay>(s->m_stores.jobs, s->m_stores.models, s->m_bus.get(),
                                                  std::make_unique<CatalogueListener>(s->m_stores.database),
                                                  std::move(ro));
        if (Status st = s->m_relay->start(); !st)
            return st.error();
    }
    return s;
}

ServiceStack::~ServiceStack()
{
    m_relay.reset(); // publishes on the bus: goes first
    if (m_service)
        m_service->shutdown();
}

} // namespace mistudio
