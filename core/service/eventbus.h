#pragma once

#include "service/eventsink.h"
#include "service/modelevent.h"

#include <QMutex>
#include <QObject>

#include <functional>
#include <memory>
#include <vector>

namespace mistudio {

// The one event stream every face consumes. publish() may be called from any thread;
// subscribers connected to eventPublished receive it in their own thread (Qt's queued
// connections), sinks are called synchronously on the publishing thread.
class EventBus final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventBus)

public:
    explicit EventBus(QObject *parent = nullptr);
    ~EventBus() override;

    void publish(const ModelEvent &event);

    void addSink(std::shared_ptr<EventSink> sink);
    void removeSink(const std::shared_ptr<EventSink> &sink);

    // Convenience for non-QObject code: calls `handler` in `context`'s thread for every event.
    QMetaObject::Connection subscribe(QObject *context,
                                      std::function<void(const ModelEvent &)> handler);

Q_SIGNALS:
    void eventPublished(const mistudio::ModelEvent &event);

private:
    QMutex m_mutex;
    std::vector<std::shared_ptr<EventSink>> m_sinks;
};

} // namespace mistudio
