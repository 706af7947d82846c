#pragma once

#include "configineffect.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QRadioButton;
class QSettings;
class QSpinBox;

namespace mistudio::ui {

class TokenStore;

// Preferences, stored with QSettings under the keys of core/common/settingskeys.h. The token
// goes to the keychain (TokenStore), never into the settings file.
class SettingsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsDialog)

public:
    SettingsDialog(QSettings *settings, TokenStore *tokens, QWidget *parent = nullptr);
    ~SettingsDialog() override;

    // The embedded server's API token, shown read-only for pasting into remote clients.
    void setServerApiToken(const QString &token);
    // What this process uses and where it came from, shown under the editable values.
    void setConfigInEffect(const ConfigInEffect &config);
    // The "in effect" line shown for "data_dir", "database", "endpoint", "token".
    QString inEffectText(const QString &key) const;
    // Validates and writes every field; false (with the reason shown) when one is invalid.
    bool apply();
    QString errorText() const;

    static constexpr int kDefaultPort = 8765;

private:
    void load();
    void updateEnabled();

    QSettings *m_settings;
    TokenStore *m_tokens;
    QLineEdit *m_dataDir = nullptr;
    QLineEdit *m_endpoint = nullptr;
    QLineEdit *m_proxy = nullptr;
    QLineEdit *m_token = nullptr;
    QSpinBox *m_maxDownloads = nullptr;
    QSpinBox *m_connections = nullptr;
    QSpinBox *m_filesParallel = nullptr;
    QLineEdit *m_bandwidth = nullptr;
    QCheckBox *m_serverEnabled = nullptr;
    QLineEdit *m_serverHost = nullptr;
    QSpinBox *m_serverPort = nullptr;
    QLineEdit *m_apiToken = nullptr;
    QLineEdit *m_origins = nullptr;
    QRadioButton *m_sqlite = nullptr;
    QRadioButton *m_postgres = nullptr;
    QLineEdit *m_dbUrl = nullptr;
    QComboBox *m_language = nullptr;
    QCheckBox *m_closeToTray = nullptr;
    QHash<QString, QLabel *> m_inEffect;
    QLabel *m_error = nullptr;
    QString m_initialToken;
};

} // namespace mistudio::ui
