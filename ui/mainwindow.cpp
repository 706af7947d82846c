#include "mainwindow.h"

#include "icons.h"
#include "modelspanel.h"
#include "modeltablemodel.h"

#include <QApplication>
#include <QEvent>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui {

MainWindow::MainWindow(const AppConfig &config, ModelBackend *backend, QWidget *parent)
    : QMainWindow(parent)
    , m_config(config)
    , m_backend(backend)
{
    setObjectName(u"mainWindow"_s);
    setWindowTitle(tr("miStudio Models"));
    setWindowIcon(QIcon(u":/icons/mistudio.svg"_s));

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    m_panel = new ModelsPanel(backend, central);
    layout->addWidget(m_panel, 1);
    setCentralWidget(central);

    auto *toolbar = addToolBar(tr("Models"));
    toolbar->setObjectName(u"modelsToolbar"_s);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->addActions(m_panel->modelActions());
    createMenus();

    connect(m_panel, &ModelsPanel::statusMessageChanged, this, &MainWindow::showStatus);
    connect(m_panel, &ModelsPanel::catalogueLoaded, this, [this] { m_catalogueShown = true; });
    m_panel->view()->viewport()->installEventFilter(this);

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

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    QMenu *models = menuBar()->addMenu(tr("&Models"));
    models->addActions(m_panel->modelActions());
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About miStudio Models"), this, [this] {
        QMessageBox::about(this, tr("About miStudio Models"),
                           tr("<h3>miStudio Models %1</h3><p>Preview, download and quantize Hugging "
                              "Face models for interpretability work.</p><p>Data directory: %2</p>")
                               .arg(QApplication::applicationVersion(), m_config.dataDir.toHtmlEscaped()));
    });
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::Paint && !m_cataloguePainted && m_catalogueShown
        && watched == m_panel->view()->viewport()) {
        m_cataloguePainted = true;
        // After this paint has been handled: the frame with the rows in it is done.
        QMetaObject::invokeMethod(this, &MainWindow::cataloguePainted, Qt::QueuedConnection);
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::handleJobFinished(const QUuid &id, const QString &repoId, JobProgress::Phase phase,
                                   const QString &error)
{
    Q_UNUSED(id);
    QString title;
    if (phase == JobProgress::Phase::Download)
        title = error.isEmpty() ? tr("Download finished") : tr("Download failed");
    else
        title = error.isEmpty() ? tr("Quantization finished") : tr("Quantization failed");
    const QString body = error.isEmpty() ? tr("%1 is ready.").arg(repoId) : QString(repoId + u": "_s + error);
    if (m_tray && m_tray->isVisible())
        m_tray->showMessage(title, body,
                            error.isEmpty() ? QSystemTrayIcon::Information : QSystemTrayIcon::Warning);
    showStatus(title + u" — "_s + body);
}

void MainWindow::showStatus(const QString &message)
{
    statusBar()->showMessage(message, 15000);
}

} // namespace mistudio::ui
