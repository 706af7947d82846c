#pragma once

#include <QObject>
#include <QString>

namespace mistudio::ui {

// The remembered Hugging Face token: in the desktop keychain (qtkeychain: Secret Service, KWallet)
// and, when no keychain service runs, in a file readable only by the user (0600) under the
// app's config folder. Every operation is asynchronous; results arrive as signals.
class TokenStore final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TokenStore)

public:
    enum class Backend
    {
        Keychain,
        File
    };
    Q_ENUM(Backend)

    explicit TokenStore(QObject *parent = nullptr);
    ~TokenStore() override;

    // Tests and headless sessions skip the keychain and go straight to the file.
    void setKeychainEnabled(bool enabled) { m_keychain = enabled; }
    static QString fallbackFile();

    void load();
    void save(const QString &token);
    void clear();

Q_SIGNALS:
    void loaded(const QString &token); // empty when none is stored
    void saved(mistudio::ui::TokenStore::Backend backend);
    void cleared();
    void failed(const QString &message);

private:
    void loadFromFile();
    void saveToFile(const QString &token);

    bool m_keychain = true;
};

} // namespace mistudio::ui
