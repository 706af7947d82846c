#pragma once

#include "modelbackend.h"

#include <QPointer>
#include <QTimer>
#include <QToolButton>

namespace mistudio::ui {

// The status bar's "3 workers": how many processes share this catalogue (desktop apps, `serve`,
// workers on other hosts), so a user sees at a glance that jobs may run elsewhere. Hidden while
// this process is the only one. Asks the backend every few seconds and whenever the jobs change
// (a worker claiming a job is the moment the count matters); one question at a time, so a busy
// service never gets a pile of them. A click opens the workers dialog (the `clicked` signal).
class WorkersIndicator final : public QToolButton
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WorkersIndicator)

public:
    static constexpr int kRefreshMs = 5000;

    explicit WorkersIndicator(ModelBackend *backend, QWidget *parent = nullptr);
    ~WorkersIndicator() override;

    void refresh();
    // The last answer (empty before the first one or after an error).
    const WorkerList &workers() const { return m_workers; }

Q_SIGNALS:
    // Each answer has been shown (tests await it).
    void refreshed();

private:
    void showWorkers(const Result<WorkerList> &result);

    QPointer<ModelBackend> m_backend;
    QTimer m_timer;
    WorkerList m_workers;
    bool m_pending = false;
};

} // namespace mistudio::ui
