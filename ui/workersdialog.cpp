#include "workersdialog.h"

#include "errortext.h"
#include "localeformat.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui {

namespace {

constexpr int kRefreshMs = 5000;

} // namespace

WorkersDialog::WorkersDialog(ModelBackend *backend, QWidget *parent)
    : QDialog(parent)
    , m_backend(backend)
{
    setObjectName(u"workersDialog"_s);
    setWindowTitle(tr("Workers"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("Processes sharing this catalogue. A queued job runs on any of "
                                "them that offers its kind and device."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setObjectName(u"workersTable"_s);
    m_table->setHorizontalHeaderLabels({tr("Host"), tr("Role"), tr("Job kinds"), tr("Devices"),
                                        tr("PID"), tr("Version"), tr("Last heartbeat")});
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(m_table);

    m_note = new QLabel(this);
    m_note->setObjectName(u"workersNote"_s);
    m_note->setWordWrap(true);
    m_note->hide();
    layout->addWidget(m_note);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *reload = buttons->addButton(tr("&Refresh"), QDialogButtonBox::ActionRole);
    reload->setObjectName(u"workersRefresh"_s);
    connect(reload, &QPushButton::clicked, this, &WorkersDialog::refresh);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    m_timer.setInterval(kRefreshMs);
    connect(&m_timer, &QTimer::timeout, this, &WorkersDialog::refresh);
    m_timer.start();
    resize(760, 320);
    refresh();
}

WorkersDialog::~WorkersDialog() = default;

QString WorkersDialog::roleText(const QString &role)
{
    if (role == u"desktop"_s)
        return tr("Desktop app");
    if (role == u"serve"_s)
        return tr("Server");
    if (role == u"cli"_s)
        return tr("Command line");
    if (role == u"worker"_s)
        return tr("Worker");
    return role; // a newer program's role: shown as it calls itself
}

void WorkersDialog::refresh()
{
    if (!m_backend || m_pending)
        return;
    m_pending = true;
    m_backend->workers(this, [this](Result<WorkerList> result) {
        m_pending = false;
        showWorkers(result);
        Q_EMIT refreshed();
    });
}

void WorkersDialog::showWorkers(const Result<WorkerList> &result)
{
    if (!result) {
        // Keep the last rows: they are what was known; say why they are not fresh.
        m_note->setText(tr("Could not list the workers: %1")
                            .arg(ErrorText::forError(result.error())));
        m_note->show();
        return;
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const auto &list = result->workers;
    m_note->setVisible(list.empty());
    if (list.empty())
        m_note->setText(tr("No process has registered as a worker of this catalogue."));
    m_table->setRowCount(int(list.size()));
    for (int row = 0; row < int(list.size()); ++row) {
        const WorkerRecord &w = list[size_t(row)];
        const bool self = w.id == result->selfId;
        const QString kinds = w.kinds.isEmpty() ? tr("none (front end only)")
                                                : w.kinds.join(u", "_s);
        const QStringList cells{self ? tr("%1 (this app)").arg(w.host) : w.host,
                                roleText(w.role),
                                kinds,
                                w.devices.join(u", "_s),
                                QString::number(w.pid),
                                w.version,
                                agoText(w.heartbeatAt.isValid() ? w.heartbeatAt.secsTo(now) : -1)};
        for (int col = 0; col < ColumnCount; ++col) {
            auto *item = new QTableWidgetItem(cells[col]);
            if (self) {
                QFont f = item->font();
                f.setBold(true);
                item->setFont(f);
            }
            m_table->setItem(row, col, item);
        }
        m_table->item(row, HostColumn)->setToolTip(w.id);
        m_table->item(row, HeartbeatColumn)
            ->setToolTip(QLocale().toString(w.heartbeatAt.toLocalTime(), QLocale::LongFormat));
    }
    m_table->resizeColumnsToContents();
}

} // namespace mistudio::ui
