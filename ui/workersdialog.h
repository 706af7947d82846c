#pragma once

#include "modelbackend.h"

#include <QDialog>
#include <QPointer>
#include <QTimer>

class QLabel;
class QTableWidget;

namespace mistudio::ui {

// View › Workers…: every process sharing this catalogue (host, role, the job kinds and devices
// it offers, pid, version, when it last showed it is alive), this one marked, so a user can
// tell where a job may run and whether a worker on another host is still there. Refreshes
// while open so the heartbeat ages move.
class WorkersDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WorkersDialog)

public:
    enum Column
    {
        HostColumn,
        RoleColumn,
        KindsColumn,
        DevicesColumn,
        PidColumn,
        VersionColumn,
        HeartbeatColumn,
        ColumnCount
    };

    explicit WorkersDialog(ModelBackend *backend, QWidget *parent = nullptr);
    ~WorkersDialog() override;

    QTableWidget *table() const { return m_table; }
    void refresh();
    // A role as the dialog names it ("desktop" → "Desktop app").
    static QString roleText(const QString &role);

Q_SIGNALS:
    // Each answer has been shown (tests await it).
    void refreshed();

private:
    void showWorkers(const Result<WorkerList> &result);

    QPointer<ModelBackend> m_backend;
    QTableWidget *m_table = nullptr;
    QLabel *m_note = nullptr;
    QTimer m_timer;
    bool m_pending = false;
};

} // namespace mistudio::ui
