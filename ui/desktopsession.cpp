#include "desktopsession.h"

#include "server/apiserver.h"
#include "server/apitoken.h"
#include "service/eventbus.h"
#include "service/modelservice.h"
#include "service/processidentity.h"
#include "servicebackend.h"
#include "store/storefactory.h"

#include <QPointer>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui {

Result<std::unique_ptr<DesktopSession>>
DesktopSession::open(const AppConfig &config, Engines engines, ServiceOptions options)
{
    if (options.ownerId.isEmpty())
        options.ownerId = ProcessIdentity::current().id();
    Result<Stores> stores = openStores(config, options.ownerId);
    if (!stores)
        return stores.error();
    std::unique_ptr<DesktopSession> s(new DesktopSession);
    s->m_dataDir = config.dataDir;
    s->m_bus = std::make_unique<EventBus>();
    if (options.dataDir.root().isEmpty())
        options.dataDir = config.dir();
    s->m_service = std::make_unique<ModelService>(stores->models, stores->jobs, s->m_bus.get(),
                                                  std::move(engines), std::move(options));
    // Recovery (requeueing interrupted jobs) happens before the window exists, once.
    if (Status st = s->m_service->start(); !st)
        return st.error();
    s->m_serviceThread.setObjectName(u"mistudio-service"_s);
    s->m_service->moveToThread(&s->m_serviceThread);
    s->m_serviceThread.start();
    s->m_backend = std::make_unique<ServiceBackend>(s->m_service.get());
    return s;
}


void DesktopSession::startServer(ServerConfig config, QObject *context,
                                 std::function<void(Result<quint16>, const QString &)> done)
{
    QPointer<QObject> ctx(context);
    QMetaObject::invokeMethod(
        m_service.get(),
        [this, config, ctx, done]() mutable {
            Result<QString> token = loadOrCreateApiToken(apiTokenPath(m_dataDir));
            Result<quint16> port =
                token ? Result<quint16>(quint16(0)) : Result<quint16>(token.error());
            if (token) {
                config.token = *token;
                delete m_server;
                m_server = new ApiServer(m_service.get(), config);
                port = m_server->start();
            }
            const QString shown = token ? *token : QString();
            if (ctx)
                QMetaObject::invokeMethod(
                    ctx.data(),
                    [ctx, done, port, shown] {
                        if (ctx)
                            done(port, shown);
                    },
                    Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

DesktopSession::~DesktopSession()
{
    m_backend.reset();
    // The server's sockets belong to the service thread: delete it there, then end the thread.
    QMetaObject::invokeMethod(
        m_service.get(),
        [this] {
            delete m_server;
            m_server = nullptr;
            QThread::currentThread()->quit();
        },
        Qt::QueuedConnection);
    m_serviceThread.wait();
    // The thread has ended: the service can be stopped and destroyed from here.
    m_service.reset();
}

} // namespace mistudio::ui
