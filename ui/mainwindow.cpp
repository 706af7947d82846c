#include "mainwindow.h"

#include "architecturedialog.h"
#include "downloadform.h"
#include "errortext.h"
#include "icons.h"
#include "modelspanel.h"
#include "modeltablemodel.h"
#include "previewdialog.h"
#include "settingsdialog.h"
#include "tokenstore.h"

#include <QApplication>
#include <QEvent>
#include <QGroupBox>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui {

MainWindow::MainWindow(const AppConfig &config, ModelBackend *backend, QSettings *settings,
                       QWidget *parent)
    : QMainWindow(parent)
    , m_config(config)
    , m_backend(backend)
    , m_settings(settings)
    , m_tokens(new TokenStore(this))
{
    setObjectName(u"mainWindow"_s);
    setWindowTitle(tr("miStudio Models"));
    setWindowIcon(QIcon(u":/icons/mistudio.svg"_s));

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    auto *formBox = new QGroupBox(tr("Add a model from the Hugging Face Hub"), central);
    auto *formLayout = new QVBoxLayout(formBox);
    m_form = new DownloadForm(backend, m_tokens, formBox);
    formLayout->addWidget(m_form);
    formBox->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    layout->addWidget(formBox);
    m_panel = new ModelsPanel(backend, central);
    layout->addWidget(m_panel, 1);
    setCentralWidget(central);

    auto *toolbar = addToolBar(tr("Models"));
    toolbar->setObjectName(u"modelsToolbar"_s);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->addActions(m_panel->modelActions());
    createMenus();

    connect(m_panel, &ModelsPanel::statusMessageChanged, this, &MainWindow::showStatus);
    connect(m_panel, &ModelsPanel::addModelRequested, m_form, &DownloadForm::focusRepo);
    connect(m_panel, &ModelsPanel::architectureRequested, this, &MainWindow::openArchitecture);
    connect(m_panel, &ModelsPanel::tokenRequested, this,
            [this](const QUuid &, const QString &repoId) {
                m_form->repoEdit()->setText(repoId);
                m_form->showError(Error::make(ErrorCode::NeedsToken, QString()));
            });
    connect(m_form, &DownloadForm::previewReady, this, &MainWindow::openPreview);
    connect(m_form, &DownloadForm::downloadStarted, this, [this](const ModelRecord &r) {
        m_panel->tableModel()->upsert(r);
        m_panel->selectModel(r.id);
        showStatus(tr("Downloading %1…").arg(r.repoId));
    });
    connect(m_panel, &ModelsPanel::catalogueLoaded, this, [this] { m_catalogueShown = true; });
    m_panel->view()->viewport()->installEventFilter(this);
    if (QWidget *empty = m_panel->findChild<QWidget *>(u"emptyState"_s))
        empty->installEventFilter(this);

    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(windowIcon(), this);
        m_tray->setToolTip(windowTitle());
        m_tray->show();
    }
    if (m_backend) {
        connect(m_backend, &ModelBackend::jobFinished, this, &MainWindow::handleJobFinished);
        m_panel->reload();
    } else {
        showStatus(tr("The model service could not be started; see the terminal for details."));
    }
    statusBar()->addPermanentWidget(new QWidget(this));
    resize(1180, 720);
}

MainWindow::~MainWindow() = default;

void MainWindow::openSettings()
{
    auto *dlg = new SettingsDialog(m_settings, m_tokens, this);
    dlg->setAttribute(Qt::WA_DeleteOnClose);
    dlg->setServerApiToken(m_apiToken);
    connect(dlg, &QDialog::accepted, this, [this] { showStatus(tr("Settings saved.")); });
    dlg->open();
}

void MainWindow::openPreview(const QJsonObject &preview, const QuantOptions &quant)
{
    auto *dlg = new PreviewDialog(preview, quant, this);
    dlg->setAttribute(Qt::WA_DeleteOnClose);
    connect(dlg, &PreviewDialog::downloadRequested, m_form, &DownloadForm::startDownload);
    dlg->open();
}

void MainWindow::openArchitecture(const QUuid &id, const QString &repoId)
{
    if (!m_backend)
        return;
    m_backend->architecture(id, this, [this, repoId](Result<QJsonObject> arch) {
        if (!arch) {
            showStatus(ErrorText::forError(arch.error()));
            return;
        }
        auto *dlg = new ArchitectureDialog(repoId, *arch, this);
        dlg->setAttribute(Qt::WA_DeleteOnClose);
        connect(dlg, &ArchitectureDialog::exported, this,
                [this](const QString &path, const QString &error) {
                    showStatus(error.isEmpty() ? tr("Exported to %1").arg(path)
                                               : tr("Export failed: %1").arg(error));
                });
        dlg->open();
    });
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *settings =
        file->addAction(icon(u"settings"_s), tr("&Settings…"), this, &MainWindow::openSettings);
    settings->setObjectName(u"actionSettings"_s);
    settings->setShortcut(QKeySequence::Preferences);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    QMenu *models = menuBar()->addMenu(tr("&Models"));
    models->addActions(m_panel->modelActions());
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About miStudio Models"), this, [this] {
        QMessageBox::about(
            this, tr("About miStudio Models"),
            tr("<h3>miStudio Models %1</h3><p>Preview, download and quantize Hugging "
               "Face models for interpretability work.</p><p>Data directory: %2</p>")
                .arg(QApplication::applicationVersion(), m_config.dataDir.toHtmlEscaped()));
    });
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::Paint && !m_cataloguePainted && m_catalogueShown &&
        (watched == m_panel->view()->viewport() || watched->objectName() == u"emptyState"_s)) {
        m_cataloguePainted = true;
        // After this paint has been handled: the frame with the rows in it is done.
        QMetaObject::invokeMethod(this, &MainWindow::cataloguePainted, Qt::QueuedConnection);
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::handleJobFinished(const QUuid &id, const QString &repoId, JobProgress::Phase phase,
                                   bool ok, const Error &error)
{
    Q_UNUSED(id);
    QString title;
    if (phase == JobProgress::Phase::Download)
        title = ok ? tr("Download finished") : tr("Download failed");
    else
        title = ok ? tr("Quantization finished") : tr("Quantization failed");
    const QString body = ok ? tr("%1 is ready.").arg(repoId)
                            : QString(repoId + u": "_s + ErrorText::forError(error));
    if (m_tray && m_tray->isVisible())
        m_tray->showMessage(title, body,
                            ok ? QSystemTrayIcon::Information : QSystemTrayIcon::Warning);
    showStatus(title + u" — "_s + body);
    if (!ok && ErrorText::needsToken(error.code)) {
        m_form->repoEdit()->setText(repoId);
        m_form->showError(error);
    }
}

void MainWindow::reportServer(const QString &host, const Result<quint16> &port)
{
    if (port)
        showStatus(tr("API server listening on http://%1:%2/api/v1").arg(host).arg(*port));
    else
        showStatus(tr("The API server did not start: %1").arg(ErrorText::forError(port.error())));
}

void MainWindow::showStatus(const QString &message)
{
    statusBar()->showMessage(message, 15000);
}

} // namespace mistudio::ui
