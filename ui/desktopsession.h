#pragma once

#include "common/appconfig.h"
#include "common/result.h"
#include "server/serverconfig.h"
#include "service/engines.h"
#include "service/servicetypes.h"

#include <QThread>

#include <functional>

#include <memory>

namespace mistudio {
class ApiServer;
class EventBus;
class ModelService;
class ServiceStack;
struct StackConfig;
} // namespace mistudio

namespace mistudio::ui {

class ModelBackend;

// The core objects behind one window: the catalogue, the event bus, the model service in its
// own thread (its database calls never run on the GUI thread) and the ServiceBackend the widgets
// talk to. guimain, the GUI tests and the start-up bench all build the app this way.
class DesktopSession final
{
    Q_DISABLE_COPY_MOVE(DesktopSession)

public:
    ~DesktopSession(); // stops the service (running jobs resume at the next start)

    // Builds the core through the one composition root (ServiceStack, settings read once in
    // `config`) and starts the service.
    static Result<std::unique_ptr<DesktopSession>> open(const StackConfig &config);
    // The same with engines of the caller's (tests, benches).
    static Result<std::unique_ptr<DesktopSession>> open(const AppConfig &config, Engines engines,
                                                        ServiceOptions options);

    // Starts the embedded API server (REST + WebSocket) in the service's thread, with the API
    // token of DATA_DIR/server/api-token (created on first start, 0600). `done` runs on the
    // caller's thread with the port or the error, and the token to show in Settings.
    void startServer(ServerConfig config, QObject *context,
                     std::function<void(Result<quint16> port, const QString &token)> done);


    ModelBackend *backend() const { return m_backend.get(); }
    ModelService *service() const;
    EventBus *events() const;

private:
    DesktopSession() = default;
    static Result<std::unique_ptr<DesktopSession>> start(Result<std::unique_ptr<ServiceStack>> stack);

    std::unique_ptr<ServiceStack> m_stack;
    std::unique_ptr<ModelBackend> m_backend;
    ApiServer *m_server = nullptr; // lives in the service thread
    QString m_dataDir;
    QThread m_serviceThread;
};

} // namespace mistudio::ui
