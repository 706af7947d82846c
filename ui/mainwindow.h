#pragma once

#include "common/appconfig.h"
#include "modelbackend.h"

#include <QMainWindow>
#include <QPointer>

class QSystemTrayIcon;

namespace mistudio::ui {

class ModelsPanel;

// The application window: the download form above the Models panel, the model actions in a
// toolbar and menu, tray notifications when jobs end.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    // `backend` may be null (no service could be opened): the window then explains that.
    explicit MainWindow(const AppConfig &config, ModelBackend *backend, QWidget *parent = nullptr);
    ~MainWindow() override;

    ModelsPanel *modelsPanel() const { return m_panel; }

Q_SIGNALS:
    // The first paint of the table with the catalogue in it (the start-up bench waits for it).
    void cataloguePainted();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void createMenus();
    void handleJobFinished(const QUuid &id, const QString &repoId, JobProgress::Phase phase,
                           const QString &error);
    void showStatus(const QString &message);

    AppConfig m_config;
    QPointer<ModelBackend> m_backend;
    ModelsPanel *m_panel = nullptr;
    QSystemTrayIcon *m_tray = nullptr;
    bool m_catalogueShown = false;
    bool m_cataloguePainted = false;
};

} // namespace mistudio::ui
