#include "settingsdialog.h"

#include "common/settingskeys.h"
#include "common/units.h"
#include "icons.h"
#include "tokenstore.h"
#include "uisettings.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSpinBox>
#include <QTabWidget>
#include <QUrl>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;
namespace keys = mistudio::settingskeys;

namespace mistudio::ui {

static QString key(const char *k)
{
    return QString::fromLatin1(k);
}

static QLabel *inEffectLabel(QWidget *parent, const QString &name)
{
    auto *l = new QLabel(parent);
    l->setObjectName(name);
    l->setWordWrap(true);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    l->setEnabled(false); // a note, not a field
    l->hide();
    return l;
}

// A field with its "in use now" note under it, in the same cell.
static QVBoxLayout *withNote(QLayout *field, QLabel *note)
{
    auto *v = new QVBoxLayout;
    v->setSpacing(2);
    v->addLayout(field);
    v->addWidget(note);
    return v;
}

static QVBoxLayout *withNote(QWidget *field, QLabel *note)
{
    auto *v = new QVBoxLayout;
    v->setSpacing(2);
    v->addWidget(field);
    v->addWidget(note);
    return v;
}

SettingsDialog::SettingsDialog(QSettings *settings, TokenStore *tokens, QWidget *parent)
    : QDialog(parent)
    , m_settings(settings)
    , m_tokens(tokens)
{
    setObjectName(u"settingsDialog"_s);
    setWindowTitle(tr("Settings"));
    auto *tabs = new QTabWidget(this);

    // General: storage, database, language.
    auto *general = new QWidget(tabs);
    auto *gForm = new QFormLayout(general);
    m_dataDir = new QLineEdit(general);
    m_dataDir->setObjectName(u"dataDirEdit"_s);
    auto *browse = new QPushButton(icon(u"folder"_s), tr("Browse…"), general);
    connect(browse, &QPushButton::clicked, this, [this] {
        auto *dlg = new QFileDialog(this, tr("Data directory"), m_dataDir->text());
        dlg->setFileMode(QFileDialog::Directory);
        dlg->setOption(QFileDialog::ShowDirsOnly);
        dlg->setAttribute(Qt::WA_DeleteOnClose);
        connect(dlg, &QFileDialog::fileSelected, m_dataDir, &QLineEdit::setText);
        dlg->open();
    });
    auto *dirRow = new QHBoxLayout;
    dirRow->addWidget(m_dataDir, 1);
    dirRow->addWidget(browse);
    auto *dirLabel = new QLabel(tr("&Data directory:"), general);
    dirLabel->setBuddy(m_dataDir);
    m_inEffect.insert(u"data_dir"_s, inEffectLabel(general, u"dataDirInEffect"_s));
    gForm->addRow(dirLabel, withNote(dirRow, m_inEffect.value(u"data_dir"_s)));
    m_sqlite = new QRadioButton(tr("SQLite file in the data directory"), general);
    m_sqlite->setObjectName(u"dbSqlite"_s);
    m_postgres = new QRadioButton(tr("PostgreSQL:"), general);
    m_postgres->setObjectName(u"dbPostgres"_s);
    m_dbUrl = new QLineEdit(general);
    m_dbUrl->setObjectName(u"dbUrlEdit"_s);
    m_dbUrl->setPlaceholderText(u"postgresql://user@host:5432/mistudio"_s);
    auto *pgRow = new QHBoxLayout;
    pgRow->addWidget(m_postgres);
    pgRow->addWidget(m_dbUrl, 1);
    auto *dbBox = new QVBoxLayout;
    dbBox->addWidget(m_sqlite);
    dbBox->addLayout(pgRow);
    m_inEffect.insert(u"database"_s, inEffectLabel(general, u"databaseInEffect"_s));
    dbBox->addWidget(m_inEffect.value(u"database"_s));
    gForm->addRow(tr("Catalogue:"), dbBox);
    m_language = new QComboBox(general);
    m_language->setObjectName(u"languageBox"_s);
    m_language->addItem(tr("System language"), QString());
    m_language->addItem(u"English"_s, u"en"_s);
    m_language->addItem(u"Deutsch"_s, u"de"_s);
    m_language->addItem(u"简体中文"_s, u"zh_CN"_s);
    gForm->addRow(tr("&Language:"), m_language);
    m_closeToTray = new QCheckBox(tr("Closing the window keeps miStudio Models running in the "
                                     "system tray"),
                                  general);
    m_closeToTray->setObjectName(u"closeToTray"_s);
    gForm->addRow(m_closeToTray);
    auto *restartNote =
        new QLabel(tr("Changes to the data directory, catalogue and language take effect "
                      "the next time miStudio Models starts."),
                   general);
    restartNote->setWordWrap(true);
    gForm->addRow(restartNote);
    tabs->addTab(general, tr("General"));

    // Hub and downloads.
    auto *hub = new QWidget(tabs);
    auto *hForm = new QFormLayout(hub);
    m_endpoint = new QLineEdit(hub);
    m_endpoint->setObjectName(u"endpointEdit"_s);
    m_endpoint->setPlaceholderText(u"https://huggingface.co"_s);
    m_inEffect.insert(u"endpoint"_s, inEffectLabel(hub, u"endpointInEffect"_s));
    hForm->addRow(tr("Hub &endpoint (mirror):"),
                  withNote(m_endpoint, m_inEffect.value(u"endpoint"_s)));
    m_proxy = new QLineEdit(hub);
    m_proxy->setObjectName(u"proxyEdit"_s);
    m_proxy->setPlaceholderText(tr("http://proxy:3128 (empty: from the environment)"));
    hForm->addRow(tr("&Proxy:"), m_proxy);
    m_token = new QLineEdit(hub);
    m_token->setObjectName(u"settingsTokenEdit"_s);
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(tr("hf_… (stored in the system keychain)"));
    QAction *reveal = m_token->addAction(icon(u"reveal"_s), QLineEdit::TrailingPosition);
    reveal->setCheckable(true);
    reveal->setToolTip(tr("Show the token"));
    connect(reveal, &QAction::toggled, this, [this](bool on) {
        m_token->setEchoMode(on ? QLineEdit::Normal : QLineEdit::Password);
    });
    m_inEffect.insert(u"token"_s, inEffectLabel(hub, u"tokenInEffect"_s));
    hForm->addRow(tr("Hugging Face &token:"), withNote(m_token, m_inEffect.value(u"token"_s)));
    m_maxDownloads = new QSpinBox(hub);
    m_maxDownloads->setObjectName(u"maxDownloadsSpin"_s);
    m_maxDownloads->setRange(1, 16);
    hForm->addRow(tr("Max concurrent &downloads:"), m_maxDownloads);
    m_connections = new QSpinBox(hub);
    m_connections->setObjectName(u"connectionsSpin"_s);
    m_connections->setRange(1, 32);
    hForm->addRow(tr("&Connections per file:"), m_connections);
    m_filesParallel = new QSpinBox(hub);
    m_filesParallel->setRange(1, 16);
    hForm->addRow(tr("&Files in parallel:"), m_filesParallel);
    m_bandwidth = new QLineEdit(hub);
    m_bandwidth->setObjectName(u"bandwidthEdit"_s);
    m_bandwidth->setPlaceholderText(tr("unlimited (e.g. 50M for 50 MB/s)"));
    hForm->addRow(tr("&Bandwidth cap (bytes/s):"), m_bandwidth);
    tabs->addTab(hub, tr("Hub && downloads"));

    // Embedded API server.
    auto *server = new QWidget(tabs);
    auto *sForm = new QFormLayout(server);
    m_serverEnabled =
        new QCheckBox(tr("Run the API server inside the app (REST + WebSocket)"), server);
    m_serverEnabled->setObjectName(u"serverEnabled"_s);
    sForm->addRow(m_serverEnabled);
    m_serverHost = new QLineEdit(server);
    m_serverHost->setObjectName(u"serverHostEdit"_s);
    m_serverHost->setPlaceholderText(u"127.0.0.1"_s);
    sForm->addRow(tr("&Address:"), m_serverHost);
    m_serverPort = new QSpinBox(server);
    m_serverPort->setObjectName(u"serverPortSpin"_s);
    m_serverPort->setRange(1, 65535);
    sForm->addRow(tr("P&ort:"), m_serverPort);
    m_apiToken = new QLineEdit(server);
    m_apiToken->setObjectName(u"apiTokenEdit"_s);
    m_apiToken->setReadOnly(true);
    m_apiToken->setEchoMode(QLineEdit::PasswordEchoOnEdit);
    m_apiToken->setPlaceholderText(tr("generated when the server first starts"));
    sForm->addRow(tr("API token:"), m_apiToken);
    m_origins = new QLineEdit(server);
    m_origins->setPlaceholderText(tr("comma-separated origins allowed for browsers"));
    sForm->addRow(tr("Allowed &origins:"), m_origins);
    auto *serverNote =
        new QLabel(tr("Listening on an address other than 127.0.0.1 requires the API token "
                      "(Authorization: Bearer) on every request."),
                   server);
    serverNote->setWordWrap(true);
    sForm->addRow(serverNote);
    tabs->addTab(server, tr("Server"));

    m_error = new QLabel(this);
    m_error->setObjectName(u"settingsError"_s);
    m_error->setWordWrap(true);
    m_error->hide();
    // Our own button texts: Qt's standard ones stay English where Qt's translations are not
    // installed.
    auto *buttons = new QDialogButtonBox(this);
    buttons->addButton(tr("OK"), QDialogButtonBox::AcceptRole)->setDefault(true);
    buttons->addButton(tr("Cancel"), QDialogButtonBox::RejectRole);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        if (apply())
            accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(tabs, 1);
    layout->addWidget(m_error);
    layout->addWidget(buttons);

    connect(m_serverEnabled, &QCheckBox::toggled, this, &SettingsDialog::updateEnabled);
    connect(m_postgres, &QRadioButton::toggled, this, &SettingsDialog::updateEnabled);
    if (m_tokens) {
        connect(m_tokens, &TokenStore::loaded, this, [this](const QString &token) {
            m_initialToken = token;
            if (m_token->text().isEmpty())
                m_token->setText(token);
        });
        m_tokens->load();
    }
    load();
    resize(620, 440);
}

SettingsDialog::~SettingsDialog() = default;

void SettingsDialog::load()
{
    const QSettings &s = *m_settings;
    m_dataDir->setText(s.value(key(keys::kDataDir)).toString());
    const QString db = s.value(key(keys::kDatabaseUrl)).toString();
    m_postgres->setChecked(!db.isEmpty());
    m_sqlite->setChecked(db.isEmpty());
    m_dbUrl->setText(db);
    m_endpoint->setText(s.value(key(keys::kHubEndpoint)).toString());
    m_proxy->setText(s.value(key(keys::kHubProxy)).toString());
    m_maxDownloads->setValue(s.value(key(keys::kMaxConcurrentDownloads), 2).toInt());
    m_connections->setValue(s.value(key(keys::kConnectionsPerFile), 8).toInt());
    m_filesParallel->setValue(s.value(key(keys::kFilesInParallel), 4).toInt());
    const qint64 cap = s.value(key(keys::kBandwidthCap), 0).toLongLong();
    m_bandwidth->setText(cap > 0 ? QString::number(cap) : QString());
    m_serverEnabled->setChecked(s.value(key(keys::kServerEnabled), false).toBool());
    m_serverHost->setText(s.value(key(keys::kServerHost), u"127.0.0.1"_s).toString());
    m_serverPort->setValue(s.value(key(keys::kServerPort), kDefaultPort).toInt());
    m_origins->setText(s.value(key(keys::kServerAllowedOrigins)).toStringList().join(u", "_s));
    m_language->setCurrentIndex(
        std::max(0, m_language->findData(s.value(key(keys::kLanguage)).toString())));
    m_closeToTray->setChecked(s.value(QLatin1StringView(uikeys::kCloseToTray), false).toBool());
    updateEnabled();
}

void SettingsDialog::updateEnabled()
{
    const bool server = m_serverEnabled->isChecked();
    m_serverHost->setEnabled(server);
    m_serverPort->setEnabled(server);
    m_origins->setEnabled(server);
    m_dbUrl->setEnabled(m_postgres->isChecked());
}

void SettingsDialog::setServerApiToken(const QString &token)
{
    m_apiToken->setText(token);
}

void SettingsDialog::setConfigInEffect(const ConfigInEffect &config)
{
    auto show = [this](const QString &k, const QString &text) {
        QLabel *l = m_inEffect.value(k);
        l->setText(text);
        l->setVisible(!text.isEmpty());
    };
    show(u"data_dir"_s, tr("In use now: %1 — %2")
                            .arg(config.dataDir.value, ConfigInEffect::sourceText(config.dataDir)));
    QString db = config.databaseUrl.value;
    if (db.isEmpty()) {
        db = tr("the SQLite file in the data directory");
    } else {
        QUrl u(db);
        u.setPassword(QString()); // never shown
        db = u.toString();
    }
    show(u"database"_s,
         tr("In use now: %1 — %2").arg(db, ConfigInEffect::sourceText(config.databaseUrl)));
    show(u"endpoint"_s,
         config.offline
             ? tr("In use now: offline (HF_HUB_OFFLINE), the Hub is not contacted")
             : tr("In use now: %1 — %2")
                   .arg(config.hubEndpoint.value, ConfigInEffect::sourceText(config.hubEndpoint)));
    QString token;
    if (config.tokenSource.isEmpty())
        token = tr("In use now: no token (public models only)");
    else if (config.tokenSource == u"stored"_s)
        token = tr("In use now: the token stored in the keychain");
    else if (config.tokenSource.startsWith(u"HF_"_s) ||
             config.tokenSource.startsWith(u"HUGGING_FACE"_s))
        token = tr("In use now: the token from the environment (%1), which wins over the one "
                   "stored here")
                    .arg(config.tokenSource);
    else
        token = tr("In use now: the token file %1, which wins over the one stored here")
                    .arg(config.tokenSource);
    show(u"token"_s, token);
}

QString SettingsDialog::inEffectText(const QString &key) const
{
    const QLabel *l = m_inEffect.value(key);
    return l && !l->isHidden() ? l->text() : QString();
}

QString SettingsDialog::errorText() const
{
    return m_error->isVisible() || !m_error->text().isEmpty() ? m_error->text() : QString();
}

bool SettingsDialog::apply()
{
    auto fail = [this](const QString &message) {
        m_error->setText(message);
        m_error->show();
        return false;
    };
    const QString endpoint = m_endpoint->text().trimmed();
    if (!endpoint.isEmpty()) {
        const QUrl u(endpoint, QUrl::StrictMode);
        if (!u.isValid() || (u.scheme() != u"https"_s && u.scheme() != u"http"_s) ||
            u.host().isEmpty())
            return fail(tr("The Hub endpoint must be an http(s) URL, e.g. https://huggingface.co"));
    }
    const QString proxy = m_proxy->text().trimmed();
    if (!proxy.isEmpty() && !QUrl(proxy, QUrl::StrictMode).isValid())
        return fail(tr("The proxy is not a valid URL."));
    qint64 cap = 0;
    if (const QString b = m_bandwidth->text().trimmed(); !b.isEmpty()) {
        const std::optional<qint64> parsed = parseByteSize(b);
        if (!parsed || *parsed < 0)
            return fail(tr("The bandwidth cap must be a number of bytes per second, e.g. 50M."));
        cap = *parsed;
    }
    const QString db = m_dbUrl->text().trimmed();
    if (m_postgres->isChecked() && !db.startsWith(u"postgres"_s))
        return fail(tr("The PostgreSQL URL must start with postgresql://"));

    QSettings &s = *m_settings;
    auto setOrRemove = [&s](const char *k, const QString &v) {
        if (v.isEmpty())
            s.remove(key(k));
        else
            s.setValue(key(k), v);
    };
    setOrRemove(keys::kDataDir, m_dataDir->text().trimmed());
    setOrRemove(keys::kDatabaseUrl, m_postgres->isChecked() ? db : QString());
    setOrRemove(keys::kHubEndpoint, endpoint);
    setOrRemove(keys::kHubProxy, proxy);
    s.setValue(key(keys::kMaxConcurrentDownloads), m_maxDownloads->value());
    s.setValue(key(keys::kConnectionsPerFile), m_connections->value());
    s.setValue(key(keys::kFilesInParallel), m_filesParallel->value());
    s.setValue(key(keys::kBandwidthCap), cap);
    s.setValue(key(keys::kServerEnabled), m_serverEnabled->isChecked());
    setOrRemove(keys::kServerHost, m_serverHost->text().trimmed());
    s.setValue(key(keys::kServerPort), m_serverPort->value());
    QStringList origins;
    for (const QString &o : m_origins->text().split(u',', Qt::SkipEmptyParts))
        origins << o.trimmed();
    if (origins.isEmpty())
        s.remove(key(keys::kServerAllowedOrigins));
    else
        s.setValue(key(keys::kServerAllowedOrigins), origins);
    setOrRemove(keys::kLanguage, m_language->currentData().toString());
    s.setValue(QLatin1StringView(uikeys::kCloseToTray), m_closeToTray->isChecked());
    if (m_tokens && m_token->text().trimmed() != m_initialToken) {
        if (m_token->text().trimmed().isEmpty())
            m_tokens->clear();
        else
            m_tokens->save(m_token->text().trimmed());
    }
    m_error->clear();
    m_error->hide();
    return true;
}

} // namespace mistudio::ui
