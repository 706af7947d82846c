#include "desktopsession.h"

#include "server/apiserver.h"
#include "server/apitoken.h"
#include "service/eventbus.h"
#include "service/modelservice.h"
#include "servicebackend.h"
#include "stack/servicestack.h"

#include <QPointer>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui {

ModelService *DesktopSession::service() const
{
    return m_stack->service();
}

EventBus *DesktopSession::events() const
{
    return m_stack->bus();
}

Result<std::unique_ptr<DesktopSession>> DesktopSession::open(const StackConfig &config)
{
    return start(ServiceStack::build(config));
}

Result<std::unique_ptr<DesktopSession>> DesktopSession::open(const AppConfig &config, Engines engines,
                                                             ServiceOptions options)
{
    StackConfig c;
    c.app = config;
    c.role = StackRole::Desktop;
    c.service = std::move(options);
    if (c.service.dataDir.root().isEmpty())
        c.service.dataDir = config.dir();
    return start(ServiceStack::build(c, std::move(engines)));
}

Result<std::unique_ptr<DesktopSession>> DesktopSession::start(Result<std::unique_ptr<ServiceStack>> stack)
{
    if (!stack)
        return stack.error();
    std::unique_ptr<DesktopSession> s(new DesktopSession);
    s->m_stack = std::move(*stack);
    s->m_dataDir = s->m_stack->config().app.dataDir;
    // Recovery (requeueing what a dead process left) happens before the window exists, once.
    if (Status st = s->service()->start(); !st)
        return st.error();
    s->m_serviceThread.setObjectName(u"mistudio-service"_s);
    s->service()->moveToThread(&s->m_serviceThread);
    s->m_serviceThread.start();
    s->m_backend = std::make_unique<ServiceBackend>(s->service());
    return s;
}

void DesktopSession::startServer(ServerConfig config, QObject *context,
                                 std::function<void(Result<quint16>, const QString &)> done)
{
    QPointer<QObject> ctx(context);
    QMetaObject::invokeMethod(
        service(),
        [this, config, ctx, done]() mutable {
            Result<QString> token = loadOrCreateApiToken(apiTokenPath(m_dataDir));
            Result<quint16> port =
                token ? Result<quint16>(quint16(0)) : Result<quint16>(token.error());
            if (token) {
                config.token = *token;
                delete m_server;
                m_server = new ApiServer(service(), config);
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
        service(),
        [this] {
            delete m_server;
            m_server = nullptr;
            QThread::currentThread()->quit();
        },
        Qt::QueuedConnection);
    m_serviceThread.wait();
    // The thread has ended: the service can be stopped and destroyed from here.
    m_stack.reset();
}

} // namespace mistudio::ui
