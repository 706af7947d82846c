#include "mainwindow.h"

#include <QIcon>
#include <QLabel>
#include <QStatusBar>
#include <QVBoxLayout>

namespace mistudio {

MainWindow::MainWindow(const AppConfig &config, QWidget *parent)
    : QMainWindow(parent)
    , m_config(config)
{
    setWindowTitle(tr("miStudio Models"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/mistudio.svg")));
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    auto *empty = new QLabel(tr("<h2>No models yet</h2><p>Add a Hugging Face model by its repo id "
                                "(for example <i>google/gemma-2-2b</i>) to preview and download it.</p>"),
                             central);
    empty->setAlignment(Qt::AlignCenter);
    empty->setWordWrap(true);
    layout->addWidget(empty);
    setCentralWidget(central);
    statusBar()->showMessage(tr("Data directory: %1").arg(m_config.dataDir));
    resize(1100, 700);
}

MainWindow::~MainWindow() = default;

} // namespace mistudio
