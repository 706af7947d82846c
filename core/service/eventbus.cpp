#include "service/eventbus.h"

#include <algorithm>

namespace mistudio {

EventBus::EventBus(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<mistudio::ModelEvent>();
}

EventBus::~EventBus() = default;

void EventBus::publish(const ModelEvent &event)
{
    std::vector<std::shared_ptr<EventSink>> sinks;
    {
        QMutexLocker lock(&m_mutex);
        sinks = m_sinks;
    }
    for (const auto &sink : sinks)
        sink->deliver(event);
    Q_EMIT eventPublished(event);
}

void EventBus::addSink(std::shared_ptr<EventSink> sink)
{
    QMutexLocker lock(&m_mutex);
    m_sinks.push_back(std::move(sink));
}

void EventBus::removeSink(const std::shared_ptr<EventSink> &sink)
{
    QMutexLocker lock(&m_mutex);
    m_sinks.erase(std::remove(m_sinks.begin(), m_sinks.end(), sink), m_sinks.end());
}

QMetaObject::Connection EventBus::subscribe(QObject *context,
                                            std::function<void(const ModelEvent &)> handler)
{
    return connect(this, &EventBus::eventPublished, context,
                   [h = std::move(handler)](const ModelEvent &e) { h(e); });
}

} // namespace mistudio
