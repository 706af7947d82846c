#include "tokenstore.h"

#include <qt6keychain/keychain.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFuture>
#include <QStandardPaths>
#include <QtConcurrent>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui {

static const auto kService = u"mistudio-models"_s;
static const auto kKey = u"huggingface-token"_s;

TokenStore::TokenStore(QObject *parent)
    : QObject(parent)
    // Keychains on Linux are D-Bus services: without a session bus there is none to ask.
    , m_keychain(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS") &&
                 qgetenv("MISTUDIO_TOKEN_STORE") != "file")
{}

TokenStore::~TokenStore() = default;

QString TokenStore::fallbackFile()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) + u"/hf-token"_s;
}

void TokenStore::load()
{
    if (!m_keychain) {
        loadFromFile();
        return;
    }
    auto *job = new QKeychain::ReadPasswordJob(kService, this);
    job->setKey(kKey);
    connect(job, &QKeychain::Job::finished, this, [this, job] {
        if (job->error() == QKeychain::NoError)
            Q_EMIT loaded(job->textData());
        else
            loadFromFile(); // no keychain service, or nothing stored there
    });
    job->start();
}

void TokenStore::save(const QString &token)
{
    if (!m_keychain) {
        saveToFile(token);
        return;
    }
    auto *job = new QKeychain::WritePasswordJob(kService, this);
    job->setKey(kKey);
    job->setTextData(token);
    connect(job, &QKeychain::Job::finished, this, [this, job, token] {
        if (job->error() == QKeychain::NoError) {
            // A token left in the fallback file from a session without keychain goes away.
            (void)QtConcurrent::run([] { QFile::remove(fallbackFile()); });
            Q_EMIT saved(Backend::Keychain);
        } else {
            saveToFile(token);
        }
    });
    job->start();
}

void TokenStore::clear()
{
    if (m_keychain) {
        auto *job = new QKeychain::DeletePasswordJob(kService, this);
        job->setKey(kKey);
        job->start();
    }
    QtConcurrent::run([] { QFile::remove(fallbackFile()); }).then(this, [this] {
        Q_EMIT cleared();
    });
}

void TokenStore::loadFromFile()
{
    QtConcurrent::run([] {
        QFile f(fallbackFile());
        if (!f.open(QIODevice::ReadOnly))
            return QString();
        return QString::fromUtf8(f.readAll()).trimmed();
    }).then(this, [this](const QString &token) { Q_EMIT loaded(token); });
}

void TokenStore::saveToFile(const QString &token)
{
    QtConcurrent::run([token]() -> QString {
        const QString path = fallbackFile();
        if (!QDir().mkpath(QFileInfo(path).absolutePath()))
            return tr("Could not create %1").arg(QFileInfo(path).absolutePath());
        const auto ownerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
        QFile f(path);
        // Created owner-only; an existing file is narrowed before any byte of the secret is
        // written.
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate, ownerOnly))
            return f.errorString();
        if (!f.setPermissions(ownerOnly))
            return f.errorString();
        if (f.write(token.toUtf8()) < 0 || !f.flush())
            return f.errorString();
        return {};
    }).then(this, [this](const QString &error) {
        if (error.isEmpty())
            Q_EMIT saved(Backend::File);
        else
            Q_EMIT failed(error);
    });
}

} // namespace mistudio::ui
