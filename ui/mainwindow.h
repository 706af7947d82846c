#pragma once

#include "common/appconfig.h"
#include "configineffect.h"
#include "modelbackend.h"

#include <QMainWindow>
#include <QPointer>

class QLabel;
class QMenu;
class QSettings;
class QSystemTrayIcon;
class QToolButton;

namespace mistudio::ui {

class DownloadForm;
class ModelsPanel;
class TokenStore;
class WorkersIndicator;

// The application window: a collapsible "Add a model" form above the Models panel (filter bar,
// table, details), the model actions in a toolbar and menu, a status bar with the total speed,
// the jobs and the library's size, and a tray icon with its menu and clickable notifications.
// The window keeps its geometry and column layout, and asks before quitting over running jobs.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    // `backend` may be null (no service could be opened): the window then explains that.
    MainWindow(const AppConfig &config, ModelBackend *backend, QSettings *settings,
               QWidget *parent = nullptr);
    ~MainWindow() override;

    ModelsPanel *modelsPanel() const { return m_panel; }
    DownloadForm *downloadForm() const { return m_form; }
    TokenStore *tokenStore() const { return m_tokens; }
    QSystemTrayIcon *trayIcon() const { return m_tray; }
    QMenu *trayMenu() const { return m_trayMenu; }
    // Whether the desktop shows tray icons (it may start after the app does; tests set it).
    bool trayAvailable() const { return m_trayAvailable; }
    void setTrayAvailable(bool available);
    // A click on the last tray notification: the window comes up with that model selected.
    void handleNotificationClicked();
    QWidget *addFormBox() const { return m_formBox; }
    QToolButton *addFormToggle() const { return m_formToggle; }
    QLabel *speedLabel() const { return m_speedLabel; }
    QLabel *jobsLabel() const { return m_jobsLabel; }
    QLabel *diskLabel() const { return m_diskLabel; }
    QAction *settingsAction() const { return m_settingsAction; }
    QAction *importHfCacheAction() const { return m_importHfCache; }
    // "3 workers" in the status bar; View › Workers… opens the table of them.
    WorkersIndicator *workersIndicator() const { return m_workersIndicator; }
    QAction *workersAction() const { return m_workersAction; }
    void setServerApiToken(const QString &token) { m_apiToken = token; }
    void setConfigInEffect(const ConfigInEffect &config) { m_inEffect = config; }
    // Says in the status bar where the embedded API server listens, or why it does not.
    void reportServer(const QString &host, const Result<quint16> &port);

    void openSettings();
    void openHfImport();
    void openArchitecture(const QUuid &id, const QString &repoId);
    void openPreview(const hub::ModelPreview &preview, const QuantOptions &quant);
    void openShortcuts();
    void openWorkers();
    // Shows the form (expanded) with the cursor in the repo field.
    void showAddForm();
    void setAddFormExpanded(bool expanded);
    // Hides to the tray, or shows and raises the window.
    void toggleVisible();
    // Whether closing asks first (running or queued jobs); the question's text.
    QString quitQuestion() const;
    // Quits without asking (the tray's Quit after its own question, tests).
    void forceQuit();

Q_SIGNALS:
    // The first paint of the table with the catalogue in it (the start-up bench waits for it).
    void cataloguePainted();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();
    void createStatusBar();
    void createTray();
    void restoreLayout();
    void saveLayout() const;
    void handleJobFinished(const QUuid &id, const QString &repoId, JobProgress::Phase phase,
                           bool ok, const Error &error);
    void updateStatusBar();
    void showStatus(const QString &message);
    bool closeToTray() const;

    AppConfig m_config;
    ConfigInEffect m_inEffect;
    QPointer<ModelBackend> m_backend;
    QSettings *m_settings;
    TokenStore *m_tokens = nullptr;
    QWidget *m_formBox = nullptr;
    QToolButton *m_formToggle = nullptr;
    DownloadForm *m_form = nullptr;
    ModelsPanel *m_panel = nullptr;
    QAction *m_settingsAction = nullptr;
    QAction *m_importHfCache = nullptr;
    QAction *m_addAction = nullptr;
    QAction *m_showHide = nullptr;
    QString m_apiToken;
    QSystemTrayIcon *m_tray = nullptr;
    QMenu *m_trayMenu = nullptr;
    bool m_trayAvailable = false;
    QLabel *m_speedLabel = nullptr;
    QLabel *m_jobsLabel = nullptr;
    QLabel *m_diskLabel = nullptr;
    WorkersIndicator *m_workersIndicator = nullptr;
    QAction *m_workersAction = nullptr;
    QUuid m_lastNotified; // the model the last tray message was about (a click selects it)
    bool m_catalogueShown = false;
    bool m_cataloguePainted = false;
    bool m_quitting = false;
};

} // namespace mistudio::ui
