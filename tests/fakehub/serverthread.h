#pragma once

#include "fault.h"
#include "httpmessage.h"

#include <QHostAddress>
#include <QSemaphore>
#include <QThread>

#include <functional>

class QTcpServer;

namespace mistudio::fakehub {

// Owns the listeners and connections; everything socket-related lives on this thread.
class ServerThread final : public QThread
{
    Q_OBJECT
public:
    using Dispatch = std::function<HttpResponse(HttpRequest &, Listener)>;
    using Progress = std::function<void(int logIndex, qint64 bodyBytes, bool finished)>;

    ServerThread(quint16 hubPort, quint16 cdnPort, Dispatch dispatch, Progress progress);
    ~ServerThread() override;
    Q_DISABLE_COPY_MOVE(ServerThread)

    // Starts the thread and waits until both listeners are bound (or failed).
    bool startAndListen(QString *error);
    void stopAndWait();
    quint16 hubPort() const { return m_hubPort; }
    quint16 cdnPort() const { return m_cdnPort; }
    quint16 otherPort() const { return m_otherPort; }
    // Closes or reopens a listener on its port; waits until done.
    void setListening(Listener listener, bool listening);

protected:
    void run() override;

private:
    void listenOn(Listener listener);
    void closeListener(Listener listener);
    QTcpServer *makeServer(Listener listener);

    quint16 m_hubPort;
    quint16 m_cdnPort;
    quint16 m_otherPort = 0;
    Dispatch m_dispatch;
    Progress m_progress;
    QSemaphore m_ready;
    QString m_error;
    QObject *m_context = nullptr; // lives in the thread; target of queued calls
    QTcpServer *m_hub = nullptr;
    QTcpServer *m_cdn4 = nullptr;
    QTcpServer *m_cdn6 = nullptr;
    QTcpServer *m_other = nullptr;
    int m_nextConnectionId = 0;
};

} // namespace mistudio::fakehub
