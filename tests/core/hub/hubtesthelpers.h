#pragma once

// Shared by the network tests: a HubClient pointed at an in-process fake Hub whose retry waits
// are recorded instead of slept, and a way to wait for one callback.
#include "fakehub/fakehub.h"
#include "hub/hubclient.h"

#include <QEventLoop>
#include <QTimer>

#include <optional>

namespace mistudio::hubtest {

inline hub::HubOptions optionsFor(const fakehub::FakeHub &fake, const QString &token = QString())
{
    hub::HubOptions o;
    o.endpoint = fake.endpoint();
    o.token = hub::ResolvedToken{token, token.isEmpty() ? QString() : QStringLiteral("explicit")};
    o.timeoutMs = 10000;
    return o;
}

// A client whose scheduler records each wait and runs the retry on the next event-loop turn.
struct RecordingClient
{
    explicit RecordingClient(hub::HubOptions options) : client(std::move(options))
    {
        client.setScheduler([this](qint64 delayMs, std::function<void()> fn) {
            waits.append(delayMs);
            QTimer::singleShot(0, &client, std::move(fn));
        });
    }
    hub::HubClient client;
    QList<qint64> waits;
};

// Runs `start` and spins an event loop until its callback fires (or 30 s pass: a hang fails).
template<class T>
std::optional<Result<T>> await(const std::function<void(hub::HubClient::Callback<T>)> &start)
{
    std::optional<Result<T>> result;
    QEventLoop loop;
    QTimer guard;
    guard.setSingleShot(true);
    QObject::connect(&guard, &QTimer::timeout, &loop, &QEventLoop::quit);
    guard.start(30000);
    start([&](Result<T> r) {
        result.emplace(std::move(r));
        loop.quit();
    });
    if (!result)
        loop.exec();
    return result;
}

} // namespace mistudio::hubtest
