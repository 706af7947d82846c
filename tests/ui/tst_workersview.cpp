// The processes sharing the catalogue, as the desktop app shows them: the status bar's count
// (hidden while this app is the only one, refreshed when the jobs change), and View › Workers…
// with one row per process, this one marked, heartbeats as ages.
#include "fakebackend.h"
#include "localeformat.h"
#include "mainwindow.h"
#include "workersdialog.h"
#include "workersindicator.h"

#include <QAction>
#include <QLabel>
#include <QSettings>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace mistudio::ui;
using test::FakeBackend;

class TestWorkers final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void statusBarCountsTheWorkers();
    void hiddenWhileThisAppIsTheOnlyOne();
    void dialogListsEachWorkerAndMarksThisApp();
    void anErrorHidesTheCountAndTheDialogSaysWhy();
    void ageText();

private:
    std::unique_ptr<MainWindow> open();
    // desktop (this app), serve on another host, a command line there.
    void threeWorkers();

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<FakeBackend> m_backend;
};

void TestWorkers::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_settings = std::make_unique<QSettings>(m_dir->filePath(u"s.ini"_s), QSettings::IniFormat);
    m_backend = std::make_unique<FakeBackend>();
}

void TestWorkers::cleanup()
{
    m_backend.reset();
    m_settings.reset();
    m_dir.reset();
}

std::unique_ptr<MainWindow> TestWorkers::open()
{
    AppConfig config;
    config.dataDir = m_dir->path();
    auto w = std::make_unique<MainWindow>(config, m_backend.get(), m_settings.get());
    w->show();
    if (!QTest::qWaitForWindowExposed(w.get()))
        return nullptr;
    return w;
}

void TestWorkers::threeWorkers()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_backend->workerList.workers = {FakeBackend::makeWorker(0, u"desktop"_s, now),
                                     FakeBackend::makeWorker(1, u"serve"_s, now.addSecs(-130)),
                                     FakeBackend::makeWorker(2, u"cli"_s, now.addSecs(-7300))};
    m_backend->workerList.selfId = m_backend->workerList.workers[0].id;
}

void TestWorkers::statusBarCountsTheWorkers()
{
    threeWorkers();
    auto w = open();
    QVERIFY(w);
    WorkersIndicator *label = w->workersIndicator();
    QVERIFY(label);
    QTRY_VERIFY(label->isVisible());
    QCOMPARE(label->text(), u"3 workers"_s);
    QVERIFY(label->toolTip().contains(u"host-1"_s));

    // One process left: still one other than this app, so it still shows.
    m_backend->workerList.workers.erase(m_backend->workerList.workers.begin());
    label->refresh();
    QTRY_COMPARE(label->text(), u"2 workers"_s);
}

void TestWorkers::hiddenWhileThisAppIsTheOnlyOne()
{
    threeWorkers();
    m_backend->workerList.workers.resize(1); // this app only
    auto w = open();
    QVERIFY(w);
    WorkersIndicator *label = w->workersIndicator();
    QTRY_VERIFY(!label->workers().workers.empty()); // the first answer has been shown
    QVERIFY(!label->isVisible());

    // A worker on another host claims a job: the jobs change, and the count is asked again
    // then (not only on the next tick).
    threeWorkers();
    QSignalSpy answered(label, &WorkersIndicator::refreshed);
    const qsizetype before = m_backend->calls.count(u"workers"_s);
    m_backend->emitJobs();
    QCOMPARE(m_backend->calls.count(u"workers"_s), before + 1);
    QVERIFY(answered.wait());
    QVERIFY(label->isVisible());
    QCOMPARE(label->text(), u"3 workers"_s);
}

void TestWorkers::dialogListsEachWorkerAndMarksThisApp()
{
    threeWorkers();
    auto w = open();
    QVERIFY(w);
    QVERIFY(w->workersAction()->isEnabled());
    QTRY_VERIFY(w->workersIndicator()->isVisible());
    // The count in the status bar opens it, as View › Workers… does.
    QTest::mouseClick(w->workersIndicator(), Qt::LeftButton);
    WorkersDialog *dlg = nullptr;
    QTRY_VERIFY((dlg = w->findChild<WorkersDialog *>()) && dlg->isVisible());
    QTableWidget *t = dlg->table();
    QTRY_COMPARE(t->rowCount(), 3);

    auto row = [t](int r) {
        QStringList cells;
        for (int c = 0; c < WorkersDialog::ColumnCount; ++c)
            cells << t->item(r, c)->text();
        return cells;
    };
    // This app's heartbeat is seconds old (how many depends on the machine's speed).
    QCOMPARE(row(0).mid(0, WorkersDialog::HeartbeatColumn),
             (QStringList{u"host-0 (this app)"_s, u"Desktop app"_s, u"download, quantize"_s,
                          u"cpu"_s, u"1000"_s, u"0.9.0"_s}));
    QVERIFY2(row(0).last().endsWith(u" s ago"_s), qPrintable(row(0).last()));
    QCOMPARE(row(1), (QStringList{u"host-1"_s, u"Server"_s, u"download, quantize"_s,
                                  u"cpu, cuda:0"_s, u"1001"_s, u"0.9.1"_s, u"2 min ago"_s}));
    QCOMPARE(row(2), (QStringList{u"host-2"_s, u"Command line"_s, u"none (front end only)"_s,
                                  u"cpu"_s, u"1002"_s, u"0.9.2"_s, u"2 h ago"_s}));
    QVERIFY(t->item(0, WorkersDialog::HostColumn)->font().bold());
    QVERIFY(!t->item(1, WorkersDialog::HostColumn)->font().bold());
    QCOMPARE(t->item(1, WorkersDialog::HostColumn)->toolTip(),
             m_backend->workerList.workers[1].id);
    dlg->close();

    // The menu action opens it as well.
    QTRY_VERIFY(!w->findChild<WorkersDialog *>());
    w->workersAction()->trigger();
    QTRY_VERIFY((dlg = w->findChild<WorkersDialog *>()) && dlg->isVisible());
    QTRY_COMPARE(dlg->table()->rowCount(), 3);
}

void TestWorkers::anErrorHidesTheCountAndTheDialogSaysWhy()
{
    threeWorkers();
    auto w = open();
    QVERIFY(w);
    WorkersIndicator *label = w->workersIndicator();
    QTRY_VERIFY(label->isVisible());

    m_backend->workersError = Error::make(ErrorCode::DatabaseError, u"connection lost"_s);
    label->refresh();
    QTRY_VERIFY(!label->isVisible());

    WorkersDialog dlg(m_backend.get(), w.get());
    dlg.show();
    QSignalSpy shown(&dlg, &WorkersDialog::refreshed);
    QVERIFY(shown.wait());
    auto *note = dlg.findChild<QLabel *>(u"workersNote"_s);
    QVERIFY(note && note->isVisible());
    QVERIFY2(note->text().contains(u"connection lost"_s), qPrintable(note->text()));
    QCOMPARE(dlg.table()->rowCount(), 0);
}

void TestWorkers::ageText()
{
    QCOMPARE(agoText(2), u"2 s ago"_s);
    QCOMPARE(agoText(59), u"59 s ago"_s);
    QCOMPARE(agoText(60), u"1 min ago"_s);
    QCOMPARE(agoText(3599), u"59 min ago"_s);
    QCOMPARE(agoText(7300), u"2 h ago"_s);
    QCOMPARE(agoText(-1), QString());
}

QTEST_MAIN(TestWorkers)
#include "tst_workersview.moc"
