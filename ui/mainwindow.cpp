#include "mainwindow.h"

#include "architecturedialog.h"
#include "common/settingskeys.h"
#include "downloadform.h"
#include "errortext.h"
#include "helpdialog.h"
#include "hfimportdialog.h"
#include "icons.h"
#include "localeformat.h"
#include "modelfilterproxy.h"
#include "modelspanel.h"
#include "modeltablemodel.h"
#include "previewdialog.h"
#include "questions.h"
#include "settingsdialog.h"
#include "tokenstore.h"
#include "uisettings.h"
#include "workersdialog.h"
#include "workersindicator.h"

#include <QApplication>
#include <QCloseEvent>
#include <QEvent>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui {

static QString key(const char *k)
{
    return QString::fromLatin1(k);
}

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
    m_inEffect.dataDir.value = config.dataDir;

    // The form folds away (a header button, like a section of a settings page): a user who
    // mostly watches downloads gets the room back.
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    m_formToggle = new QToolButton(central);
    m_formToggle->setObjectName(u"addFormToggle"_s);
    m_formToggle->setText(tr("Add a model from the Hugging Face Hub"));
    m_formToggle->setCheckable(true);
    m_formToggle->setChecked(true);
    m_formToggle->setAutoRaise(true);
    m_formToggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_formToggle->setArrowType(Qt::DownArrow);
    QFont bold = m_formToggle->font();
    bold.setBold(true);
    m_formToggle->setFont(bold);
    m_formBox = new QFrame(central);
    m_formBox->setObjectName(u"addFormBox"_s);
    static_cast<QFrame *>(m_formBox)->setFrameShape(QFrame::StyledPanel);
    auto *formLayout = new QVBoxLayout(m_formBox);
    m_form = new DownloadForm(backend, m_tokens, m_formBox);
    formLayout->addWidget(m_form);
    m_formBox->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    layout->addWidget(m_formToggle, 0, Qt::AlignLeft);
    layout->addWidget(m_formBox);
    m_panel = new ModelsPanel(backend, central);
    layout->addWidget(m_panel, 1);
    setCentralWidget(central);
    connect(m_formToggle, &QToolButton::toggled, this, &MainWindow::setAddFormExpanded);

    m_addAction = new QAction(icon(u"add"_s), tr("&Add a model…"), this);
    m_addAction->setObjectName(u"actionAddModel"_s);
    m_addAction->setShortcut(QKeySequence::New);
    connect(m_addAction, &QAction::triggered, this, &MainWindow::showAddForm);

    auto *toolbar = addToolBar(tr("Models"));
    toolbar->setObjectName(u"modelsToolbar"_s);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->addAction(m_addAction);
    toolbar->addSeparator();
    toolbar->addAction(m_panel->pauseAllAction());
    toolbar->addAction(m_panel->resumeAllAction());
    toolbar->addSeparator();
    for (QAction *a :
         {m_panel->pauseResumeAction(), m_panel->cancelAction(), m_panel->retryAction(),
          m_panel->requantizeAction(), m_panel->architectureAction(), m_panel->deleteAction()})
        toolbar->addAction(a);
    createMenus();
    createStatusBar();

    connect(m_panel, &ModelsPanel::statusMessageChanged, this, &MainWindow::showStatus);
    connect(m_panel, &ModelsPanel::addModelRequested, this, &MainWindow::showAddForm);
    connect(m_panel, &ModelsPanel::architectureRequested, this, &MainWindow::openArchitecture);
    connect(m_panel, &ModelsPanel::tokenRequested, this,
            [this](const QUuid &, const QString &repoId) {
                setAddFormExpanded(true);
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
    connect(m_panel->tableModel(), &ModelTableModel::summaryChanged, this,
            &MainWindow::updateStatusBar);
    m_panel->view()->viewport()->installEventFilter(this);
    if (QWidget *empty = m_panel->findChild<QWidget *>(u"emptyState"_s))
        empty->installEventFilter(this);

    createTray();
    if (m_backend) {
        connect(m_backend, &ModelBackend::jobFinished, this, &MainWindow::handleJobFinished);
        m_panel->reload();
    } else {
        showStatus(tr("The model service could not be started; see the terminal for details."));
    }
    resize(1180, 760);
    restoreLayout();
    updateStatusBar();
}

MainWindow::~MainWindow() = default;

void MainWindow::createStatusBar()
{
    auto make = [this](const QString &name, const QString &tip) {
        auto *l = new QLabel(this);
        l->setObjectName(name);
        l->setToolTip(tip);
        l->setContentsMargins(6, 0, 6, 0);
        statusBar()->addPermanentWidget(l);
        return l;
    };
    m_speedLabel = make(u"statusSpeed"_s, tr("Total download speed"));
    m_jobsLabel = make(u"statusJobs"_s, tr("Jobs running and waiting in the queue"));
    m_diskLabel = make(u"statusDisk"_s, tr("Disk space the library uses"));
    m_workersIndicator = new WorkersIndicator(m_backend, this);
    connect(m_workersIndicator, &QToolButton::clicked, this, &MainWindow::openWorkers);
    statusBar()->addPermanentWidget(m_workersIndicator);
}

void MainWindow::openWorkers()
{
    if (!m_backend)
        return;
    auto *dlg = new WorkersDialog(m_backend, this);
    dlg->setAttribute(Qt::WA_DeleteOnClose);
    dlg->open();
}

void MainWindow::updateStatusBar()
{
    const ModelTableModel *m = m_panel->tableModel();
    const double speed = m->totalSpeed();
    m_speedLabel->setText(tr("↓ %1").arg(speedText(std::max(0.0, speed))));
    const int running = m->activeJobCount();
    const int queued = m->queuedJobCount();
    // The downloads and every quantized variant, as the catalogue records them.
    m_diskLabel->setText(tr("Library: %1").arg(sizeText(m->librarySize())));
    m_jobsLabel->setText(queued > 0 ? tr("%1 running, %2 queued").arg(running).arg(queued)
                                    : tr("%1 running").arg(running));
    if (m_tray)
        m_tray->setToolTip(
            running + queued > 0
                ? tr("miStudio Models — %1, %2").arg(m_jobsLabel->text(), m_speedLabel->text())
                : tr("miStudio Models"));
}

void MainWindow::createTray()
{
    m_tray = new QSystemTrayIcon(windowIcon(), this);
    m_tray->setToolTip(windowTitle());
    m_trayMenu = new QMenu(this);
    m_trayMenu->setObjectName(u"trayMenu"_s);
    m_showHide = m_trayMenu->addAction(tr("&Hide window"), this, &MainWindow::toggleVisible);
    m_showHide->setObjectName(u"trayShowHide"_s);
    m_trayMenu->addSeparator();
    m_trayMenu->addAction(m_panel->pauseAllAction());
    m_trayMenu->addAction(m_panel->resumeAllAction());
    m_trayMenu->addSeparator();
    QAction *quit = m_trayMenu->addAction(tr("&Quit"), this, [this] {
        show(); // the question needs the window
        close();
    });
    quit->setObjectName(u"trayQuit"_s);
    m_tray->setContextMenu(m_trayMenu);
    connect(m_trayMenu, &QMenu::aboutToShow, this,
            [this] { m_showHide->setText(isVisible() ? tr("&Hide window") : tr("&Show window")); });
    connect(m_tray, &QSystemTrayIcon::activated, this,
            [this](QSystemTrayIcon::ActivationReason reason) {
                if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick)
                    toggleVisible();
            });
    connect(m_tray, &QSystemTrayIcon::messageClicked, this, &MainWindow::handleNotificationClicked);
    setTrayAvailable(QSystemTrayIcon::isSystemTrayAvailable());
}

void MainWindow::setTrayAvailable(bool available)
{
    m_trayAvailable = available;
    m_tray->setVisible(available);
}

void MainWindow::handleNotificationClicked()
{
    showNormal();
    raise();
    activateWindow();
    if (!m_lastNotified.isNull())
        m_panel->selectModel(m_lastNotified);
}

void MainWindow::toggleVisible()
{
    if (isVisible() && !isMinimized()) {
        hide();
    } else {
        showNormal();
        raise();
        activateWindow();
    }
}

bool MainWindow::closeToTray() const
{
    return m_trayAvailable && m_settings &&
           m_settings->value(key(uikeys::kCloseToTray), false).toBool();
}

QString MainWindow::quitQuestion() const
{
    const ModelTableModel *m = m_panel->tableModel();
    const int running = m->activeJobCount();
    const int queued = m->queuedJobCount();
    if (running + queued == 0)
        return {};
    return tr("Jobs running or queued: %1.").arg(running + queued);
}

void MainWindow::forceQuit()
{
    m_quitting = true;
    close();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!m_quitting && closeToTray()) {
        hide();
        event->ignore();
        return;
    }
    const QString question = m_quitting ? QString() : quitQuestion();
    if (!question.isEmpty()) {
        event->ignore();
        if (findChild<QMessageBox *>(u"quitConfirmation"_s))
            return; // already asking
        QMessageBox *box = Questions::quit(this, question, m_trayAvailable);
        QAbstractButton *quit = box->findChild<QPushButton *>(u"confirmQuit"_s);
        QAbstractButton *tray = box->findChild<QPushButton *>(u"keepInTray"_s);
        connect(box, &QMessageBox::buttonClicked, this, [this, quit, tray](QAbstractButton *b) {
            if (b == quit)
                QMetaObject::invokeMethod(this, &MainWindow::forceQuit, Qt::QueuedConnection);
            else if (b == tray)
                hide();
        });
        box->open();
        return;
    }
    saveLayout();
    event->accept();
    m_tray->hide();
    QMainWindow::closeEvent(event);
}

void MainWindow::setAddFormExpanded(bool expanded)
{
    if (m_formToggle->isChecked() != expanded)
        m_formToggle->setChecked(expanded); // comes back here through toggled
    m_formBox->setVisible(expanded);
    m_formToggle->setArrowType(expanded ? Qt::DownArrow : Qt::RightArrow);
}

void MainWindow::showAddForm()
{
    setAddFormExpanded(true);
    m_form->focusRepo();
}

void MainWindow::restoreLayout()
{
    if (!m_settings)
        return;
    const QSettings &s = *m_settings;
    if (const QByteArray g = s.value(key(uikeys::kWindowGeometry)).toByteArray(); !g.isEmpty())
        restoreGeometry(g);
    if (const QByteArray st = s.value(key(uikeys::kWindowState)).toByteArray(); !st.isEmpty())
        restoreState(st);
    if (const QByteArray h = s.value(key(uikeys::kModelsHeader)).toByteArray(); !h.isEmpty())
        m_panel->view()->horizontalHeader()->restoreState(h);
    if (const QByteArray sp = s.value(key(uikeys::kModelsSplitter)).toByteArray(); !sp.isEmpty())
        m_panel->splitter()->restoreState(sp);
    setAddFormExpanded(s.value(key(uikeys::kFormExpanded), true).toBool());
    const int category = s.value(key(uikeys::kCategory), 0).toInt();
    if (category >= 0 && category < kFilterCategoryCount)
        m_panel->setCategory(FilterCategory(category));
}

void MainWindow::saveLayout() const
{
    if (!m_settings)
        return;
    QSettings &s = *m_settings;
    s.setValue(key(uikeys::kWindowGeometry), saveGeometry());
    s.setValue(key(uikeys::kWindowState), saveState());
    s.setValue(key(uikeys::kModelsHeader), m_panel->view()->horizontalHeader()->saveState());
    s.setValue(key(uikeys::kModelsSplitter), m_panel->splitter()->saveState());
    s.setValue(key(uikeys::kFormExpanded), m_formToggle->isChecked());
    s.setValue(key(uikeys::kCategory), int(m_panel->proxy()->category()));
}

void MainWindow::openSettings()
{
    auto *dlg = new SettingsDialog(m_settings, m_tokens, this);
    dlg->setAttribute(Qt::WA_DeleteOnClose);
    dlg->setServerApiToken(m_apiToken);
    dlg->setConfigInEffect(m_inEffect);
    connect(dlg, &QDialog::accepted, this, [this] {
        showStatus(tr("Settings saved."));
        // The download cap is live: running downloads take the new one now; the rest of the
        // settings apply at the next start (docs/gui.md).
        if (m_backend && m_settings) {
            const qint64 cap = m_settings->value(key(settingskeys::kBandwidthCap), 0).toLongLong();
            m_backend->setBandwidthLimit(std::max<qint64>(0, cap), this, [](Status) {});
        }
    });
    dlg->open();
}

void MainWindow::openHfImport()
{
    auto *dlg = new HfImportDialog(m_backend, this);
    dlg->setAttribute(Qt::WA_DeleteOnClose);
    connect(dlg, &HfImportDialog::importFinished, this, [this](int imported, int failed) {
        showStatus(failed == 0 ? tr("Imported from the Hugging Face cache: %1.").arg(imported)
                               : tr("Imported from the Hugging Face cache: %1, failed: %2.")
                                     .arg(imported)
                                     .arg(failed));
    });
    dlg->open();
}

void MainWindow::openPreview(const hub::ModelPreview &preview, const QuantOptions &quant)
{
    const QUrl hub =
        m_inEffect.hubEndpoint.value.isEmpty() ? QUrl() : QUrl(m_inEffect.hubEndpoint.value);
    auto *dlg = new PreviewDialog(preview, quant, m_backend, hub, this);
    dlg->setAttribute(Qt::WA_DeleteOnClose);
    connect(dlg, &PreviewDialog::downloadRequested, m_form, &DownloadForm::startDownload);
    connect(dlg, &PreviewDialog::tokenRequested, this, [this] {
        setAddFormExpanded(true);
        m_form->showError(Error::make(ErrorCode::GatedAuthRequired, QString()));
    });
    dlg->open();
}

void MainWindow::openShortcuts()
{
    auto *dlg = HelpDialog::shortcuts(this);
    dlg->setAttribute(Qt::WA_DeleteOnClose);
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
    file->addAction(m_addAction);
    m_importHfCache = file->addAction(tr("&Import from Hugging Face cache…"), this,
                                      &MainWindow::openHfImport);
    m_importHfCache->setObjectName(u"actionImportHfCache"_s);
    m_settingsAction =
        file->addAction(icon(u"settings"_s), tr("&Settings…"), this, &MainWindow::openSettings);
    m_settingsAction->setObjectName(u"actionSettings"_s);
    // Ctrl+, everywhere (the desktops' own Preferences key, where they have one, as well).
    QList<QKeySequence> prefs{QKeySequence(Qt::CTRL | Qt::Key_Comma)};
    for (const QKeySequence &k : QKeySequence::keyBindings(QKeySequence::Preferences))
        if (!prefs.contains(k))
            prefs << k;
    m_settingsAction->setShortcuts(prefs);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setObjectName(u"actionQuit"_s);
    quit->setShortcut(QKeySequence::Quit);
    QMenu *models = menuBar()->addMenu(tr("&Models"));
    models->addActions(m_panel->modelActions());
    models->addSeparator();
    models->addAction(m_panel->pauseAllAction());
    models->addAction(m_panel->resumeAllAction());
    QMenu *view = menuBar()->addMenu(tr("&View"));
    m_workersAction = view->addAction(tr("&Workers…"), this, &MainWindow::openWorkers);
    m_workersAction->setObjectName(u"actionWorkers"_s);
    m_workersAction->setEnabled(m_backend != nullptr);
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *docs = help->addAction(tr("&Documentation"), this, [this] {
        auto *dlg = HelpDialog::documentation(this);
        dlg->setAttribute(Qt::WA_DeleteOnClose);
        dlg->open();
    });
    docs->setObjectName(u"actionDocumentation"_s);
    docs->setShortcut(QKeySequence::HelpContents);
    QAction *keys = help->addAction(tr("&Keyboard shortcuts"), this, &MainWindow::openShortcuts);
    keys->setObjectName(u"actionShortcuts"_s);
    keys->setShortcut(Qt::CTRL | Qt::Key_Slash);
    help->addSeparator();
    help->addAction(tr("&About miStudio Models"), this, [this] {
        auto *box = new QMessageBox(
            QMessageBox::Information, tr("About miStudio Models"),
            tr("<h3>miStudio Models %1</h3><p>Preview, download and quantize "
               "Hugging Face models for interpretability work.</p><p>Data "
               "directory: %2</p>")
                .arg(QApplication::applicationVersion(), m_config.dataDir.toHtmlEscaped()),
            QMessageBox::NoButton, this);
        box->setObjectName(u"aboutBox"_s);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->setIconPixmap(windowIcon().pixmap(64, 64));
        box->addButton(tr("Close"), QMessageBox::AcceptRole);
        box->open();
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
    QString title;
    if (phase == JobProgress::Phase::Download)
        title = ok ? tr("Download finished") : tr("Download failed");
    else
        title = ok ? tr("Quantization finished") : tr("Quantization failed");
    const QString body =
        ok ? tr("%1 is ready.").arg(repoId) : tr("%1: %2").arg(repoId, ErrorText::forError(error));
    if (m_trayAvailable) {
        m_lastNotified = id;
        m_tray->showMessage(title, body,
                            ok ? QSystemTrayIcon::Information : QSystemTrayIcon::Warning);
    }
    showStatus(tr("%1 — %2").arg(title, body));
    if (!ok && ErrorText::needsToken(error.code)) {
        setAddFormExpanded(true);
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
