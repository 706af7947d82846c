#include "serverthread.h"

#include "httpconnection.h"

#include <QTcpServer>
#include <QTcpSocket>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::fakehub {

ServerThread::ServerThread(quint16 hubPort, quint16 cdnPort, Dispatch dispatch, Progress progress)
    : m_hubPort(hubPort)
    , m_cdnPort(cdnPort)
    , m_dispatch(std::move(dispatch))
    , m_progress(std::move(progress))
{
}

ServerThread::~ServerThread()
{
    stopAndWait();
}

bool ServerThread::startAndListen(QString *error)
{
    start();
    m_ready.acquire();
    if (!m_error.isEmpty()) {
        if (error)
            *error = m_error;
        stopAndWait();
        return false;
    }
    return true;
}

void ServerThread::stopAndWait()
{
    if (isRunning()) {
        quit();
        wait();
    }
}

void ServerThread::run()
{
    QObject context;
    m_context = &context;
    listenOn(Listener::Hub);
    if (m_error.isEmpty())
        listenOn(Listener::Cdn);
    if (m_error.isEmpty())
        listenOn(Listener::Other);
    m_ready.release();
    if (m_error.isEmpty())
        exec();
    // connections are children of the servers; delete them here, in their thread
    delete m_hub;
    delete m_cdn4;
    delete m_cdn6;
    delete m_other;
    m_hub = m_cdn4 = m_cdn6 = m_other = nullptr;
    m_context = nullptr;
}

QTcpServer *ServerThread::makeServer(Listener listener)
{
    auto *server = new QTcpServer;
    QObject::connect(server, &QTcpServer::newConnection, server, [this, server, listener] {
        while (QTcpSocket *socket = server->nextPendingConnection()) {
            socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            auto handler = [this, listener](HttpRequest &request) { return m_dispatch(request, listener); };
            new HttpConnection(socket, ++m_nextConnectionId, handler, m_progress, server);
        }
    });
    return server;
}

void ServerThread::listenOn(Listener listener)
{
    if (listener == Listener::Hub) {
        if (m_hub)
            return;
        m_hub = makeServer(Listener::Hub);
        if (!m_hub->listen(QHostAddress::LocalHost, m_hubPort)) {
            m_error = u"hub listener on 127.0.0.1:"_s + QString::number(m_hubPort) + u": "_s + m_hub->errorString();
            delete m_hub;
            m_hub = nullptr;
            return;
        }
        m_hubPort = m_hub->serverPort();
        return;
    }
    if (listener == Listener::Other) {
        if (m_other)
            return;
        m_other = makeServer(Listener::Other);
        if (!m_other->listen(QHostAddress(u"127.0.0.2"_s), m_otherPort)) {
            m_error = u"other-host listener on 127.0.0.2: "_s + m_other->errorString();
            delete m_other;
            m_other = nullptr;
            return;
        }
        m_otherPort = m_other->serverPort();
        return;
    }
    if (m_cdn4)
        return;
    m_cdn4 = makeServer(Listener::Cdn);
    if (!m_cdn4->listen(QHostAddress::LocalHost, m_cdnPort)) {
        m_error = u"cdn listener on 127.0.0.1:"_s + QString::number(m_cdnPort) + u": "_s + m_cdn4->errorString();
        delete m_cdn4;
        m_cdn4 = nullptr;
        return;
    }
    m_cdnPort = m_cdn4->serverPort();
    // "localhost" may resolve to ::1 first; serve it there too when IPv6 loopback exists
    m_cdn6 = makeServer(Listener::Cdn);
    if (!m_cdn6->listen(QHostAddress::LocalHostIPv6, m_cdnPort)) {
        delete m_cdn6;
        m_cdn6 = nullptr;
    }
}

void ServerThread::closeListener(Listener listener)
{
    // Closing the server stops accepting; open connections are cut as well, like a host that went down.
    const auto shut = [](QTcpServer *&server) {
        if (!server)
            return;
        server->close();
        const QList<HttpConnection *> connections = server->findChildren<HttpConnection *>();
        delete server; // deletes the connections and their sockets
        server = nullptr;
        Q_UNUSED(connections)
    };
    if (listener == Listener::Hub) {
        shut(m_hub);
    } else if (listener == Listener::Other) {
        shut(m_other);
    } else {
        shut(m_cdn4);
        shut(m_cdn6);
    }
}

void ServerThread::setListening(Listener listener, bool listening)
{
    const auto apply = [this, listener, listening] {
        if (listening)
            listenOn(listener);
        else
            closeListener(listener);
    };
    if (!isRunning() || !m_context)
        return;
    if (QThread::currentThread() == this) {
        apply();
        return;
    }
    QSemaphore done;
    QMetaObject::invokeMethod(m_context, [&apply, &done] {
        apply();
        done.release();
    }, Qt::QueuedConnection);
    done.acquire();
}

} // namespace mistudio::fakehub
