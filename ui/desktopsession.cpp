#include "desktopsession.h"

#include "servicebackend.h"
#include "service/eventbus.h"
#include "service/modelservice.h"
#include "store/storefactory.h"

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui {

Result<std::unique_ptr<DesktopSession>> DesktopSession::open(const AppConfig &config, Engines engines,
                                                             ServiceOptions options)
{
    Result<Stores> stores = openStores(config);
    if (!stores)
        return stores.error();
    std::unique_ptr<DesktopSession> s(new DesktopSession);
    s->m_bus = std::make_unique<EventBus>();
    if (options.dataDir.root().isEmpty())
        options.dataDir = config.dir();
    s->m_service = std::make_unique<ModelService>(stores->models, stores->jobs, s->m_bus.get(), std::move(engines),
                                                  std::move(options));
    // Recovery (requeueing interrupted jobs) happens before the window exists, once.
    if (Status st = s->m_service->start(); !st)
        return st.error();
    s->m_serviceThread.setObjectName(u"mistudio-service"_s);
    s->m_service->moveToThread(&s->m_serviceThread);
    s->m_serviceThread.start();
    s->m_backend = std::make_unique<ServiceBackend>(s->m_service.get());
    return s;
}

DesktopSession::~DesktopSession()
{
    m_backend.reset();
    m_serviceThread.quit();
    m_serviceThread.wait();
    // The thread has ended: the service can be stopped and destroyed from here.
    m_service.reset();
}

} // namespace mistudio::ui
