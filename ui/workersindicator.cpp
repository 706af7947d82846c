#include "workersindicator.h"

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui {

WorkersIndicator::WorkersIndicator(ModelBackend *backend, QWidget *parent)
    : QToolButton(parent)
    , m_backend(backend)
{
    setObjectName(u"statusWorkers"_s);
    setAutoRaise(true);
    setToolButtonStyle(Qt::ToolButtonTextOnly);
    setVisible(false);
    m_timer.setInterval(kRefreshMs);
    connect(&m_timer, &QTimer::timeout, this, &WorkersIndicator::refresh);
    if (m_backend) {
        connect(m_backend, &ModelBackend::jobsChanged, this, &WorkersIndicator::refresh);
        m_timer.start();
        refresh();
    }
}

WorkersIndicator::~WorkersIndicator() = default;

void WorkersIndicator::refresh()
{
    if (!m_backend || m_pending)
        return;
    m_pending = true;
    m_backend->workers(this, [this](Result<WorkerList> result) {
        m_pending = false;
        showWorkers(result);
        Q_EMIT refreshed();
    });
}

void WorkersIndicator::showWorkers(const Result<WorkerList> &result)
{
    // An error (the catalogue briefly unreachable) hides the count rather than showing a stale
    // one; the next tick asks again.
    m_workers = result ? *result : WorkerList{};
    const auto &list = m_workers.workers;
    const int count = int(list.size());
    const bool onlySelf = count == 0 || (count == 1 && list.front().id == m_workers.selfId);
    if (onlySelf) {
        setVisible(false);
        return;
    }
    QStringList hosts;
    for (const WorkerRecord &w : list)
        if (!hosts.contains(w.host))
            hosts << w.host;
    // Two strings rather than a plural form: English has no .ts file to supply "1 worker".
    setText(count == 1 ? tr("1 worker") : tr("%1 workers").arg(count));
    setToolTip(tr("Processes sharing this catalogue, on %1. Click for details.")
                   .arg(hosts.join(u", "_s)));
    setVisible(true);
}

} // namespace mistudio::ui
