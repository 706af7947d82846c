#pragma once

#include "common/appconfig.h"
#include "modelbackend.h"

#include <QMainWindow>
#include <QPointer>

class QSettings;
class QSystemTrayIcon;

namespace mistudio::ui {

class DownloadForm;
class ModelsPanel;
class TokenStore;

// The application window: the download form above the Models panel, the model actions in a
// toolbar and menu, tray notifications when jobs end.
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
    void setServerApiToken(const QString &token) { m_apiToken = token; }
    // Says in the status bar where the embedded API server listens, or why it does not.
    void reportServer(const QString &host, const Result<quint16> &port);

    void openSettings();
    void openArchitecture(const QUuid &id, const QString &repoId);
    void openPreview(const QJsonObject &preview, const QuantOptions &quant);

Q_SIGNALS:
    // The first paint of the table with the catalogue in it (the start-up bench waits for it).
    void cataloguePainted();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void createMenus();
    void handleJobFinished(const QUuid &id, const QString &repoId, JobProgress::Phase phase,
                           bool ok, const Error &error);
    void showStatus(const QString &message);

    AppConfig m_config;
    QPointer<ModelBackend> m_backend;
    QSettings *m_settings;
    TokenStore *m_tokens = nullptr;
    DownloadForm *m_form = nullptr;
    ModelsPanel *m_panel = nullptr;
    QString m_apiToken;
    QSystemTrayIcon *m_tray = nullptr;
    bool m_catalogueShown = false;
    bool m_cataloguePainted = false;
};

} // namespace mistudio::ui
