// The main window over an in-memory backend: the status bar's totals, the question before
// quitting over running jobs, close-to-tray, the tray menu and clickable notifications, model
// shortcuts that work anywhere in the window, Ctrl+, and the Help menu, the add form that folds
// away and comes back, the progress that stays on screen in a narrow window, saved window and
// column layout, and icons that tell Cancel from Delete in light and dark themes.
#include "downloadform.h"
#include "fakebackend.h"
#include "helpdialog.h"
#include "icons.h"
#include "localeformat.h"
#include "mainwindow.h"
#include "modelfilterproxy.h"
#include "modelspanel.h"
#include "modeltablemodel.h"
#include "settingsdialog.h"
#include "uisettings.h"

#include <QAction>
#include <QApplication>
#include <QHeaderView>
#include <QLabel>
#include <QAbstractButton>
#include <QDialogButtonBox>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QSystemTrayIcon>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QToolButton>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace mistudio::ui;
using test::FakeBackend;

class TestMainWindow final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void statusBarSumsSpeedJobsAndDisk();
    void quitAsksWhileJobsRun();
    void quitWithoutJobsDoesNotAsk();
    void closeToTrayHidesTheWindow();
    void trayMenuShowsHidesPausesAndQuits();
    void notificationClickSelectsTheModel();
    void modelShortcutsWorkAnywhereInTheWindow();
    void settingsShortcutAndHelpMenu();
    void savedBandwidthCapIsAppliedAtOnce();
    void addFormFoldsAndAddModelOpensIt();
    void progressStaysOnScreenInANarrowWindow();
    void columnsAreBalanced();
    void layoutIsRestored();
    void cancelAndDeleteIconsDifferInEveryTheme();

private:
    std::unique_ptr<MainWindow> open(int rows = 4);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<FakeBackend> m_backend;
};

void TestMainWindow::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_settings = std::make_unique<QSettings>(m_dir->filePath(u"s.ini"_s), QSettings::IniFormat);
    m_backend = std::make_unique<FakeBackend>();
}

void TestMainWindow::cleanup()
{
    m_backend.reset();
    m_settings.reset();
    m_dir.reset();
}

std::unique_ptr<MainWindow> TestMainWindow::open(int rows)
{
    const ModelStatus statuses[] = {ModelStatus::Ready, ModelStatus::Downloading,
                                    ModelStatus::Downloading, ModelStatus::Failed};
    for (int i = 0; i < rows; ++i)
        m_backend->records.push_back(FakeBackend::makeRecord(i, statuses[i % 4]));
    AppConfig config;
    config.dataDir = m_dir->path();
    auto w = std::make_unique<MainWindow>(config, m_backend.get(), m_settings.get());
    w->show();
    if (!QTest::qWaitForWindowExposed(w.get()))
        return nullptr;
    QTest::qWait(0);
    QCoreApplication::processEvents();
    w->modelsPanel()->tableModel()->setFlushInterval(0);
    return w;
}

void TestMainWindow::statusBarSumsSpeedJobsAndDisk()
{
    auto w = open(4);
    QVERIFY(w);
    m_backend->jobList = {FakeBackend::makeJob(m_backend->records[1].id, u"running"_s),
                          FakeBackend::makeJob(m_backend->records[2].id, u"running"_s)};
    m_backend->emitJobs();
    m_backend->emitProgress(m_backend->records[1].id, JobProgress{JobProgress::Phase::Download, 10,
                                                                  1, 10, 20'000'000.0, 5, 0, 1});
    m_backend->emitProgress(m_backend->records[2].id, JobProgress{JobProgress::Phase::Download, 10,
                                                                  1, 10, 5'000'000.0, 5, 0, 1});
    QTRY_COMPARE(w->speedLabel()->text(), u"↓ 25.0 MB/s"_s);
    QCOMPARE(w->jobsLabel()->text(), u"2 running"_s);
    qint64 bytes = 0;
    for (const ModelRecord &r : m_backend->records)
        bytes += r.sizeBytes.value_or(0);
    QTRY_COMPARE(w->diskLabel()->text(), u"Library: %1"_s.arg(sizeText(bytes)));
    // One finishes: the totals follow.
    m_backend->jobList.removeFirst();
    m_backend->jobList.append(FakeBackend::makeJob(m_backend->records[0].id, u"queued"_s));
    m_backend->emitJobs();
    ModelRecord done = m_backend->records[1];
    done.status = ModelStatus::Ready;
    m_backend->emitChanged(done);
    QTRY_COMPARE(w->speedLabel()->text(), u"↓ 5.00 MB/s"_s);
    QCOMPARE(w->jobsLabel()->text(), u"1 running, 1 queued"_s);
}

void TestMainWindow::quitAsksWhileJobsRun()
{
    // Issue 17 item 8: no warning when quitting with active downloads.
    auto w = open(3);
    QVERIFY(w);
    m_backend->jobList = {FakeBackend::makeJob(m_backend->records[1].id, u"running"_s)};
    m_backend->emitJobs();
    QVERIFY(!w->quitQuestion().isEmpty());
    w->close();
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = w->findChild<QMessageBox *>(u"quitConfirmation"_s)) && box->isVisible());
    QVERIFY(w->isVisible()); // still open while it asks
    QVERIFY2(box->text().contains(u"queued: 1"_s), qPrintable(box->text()));
    QVERIFY(box->informativeText().contains(u"continue"_s));
    QVERIFY(!box->findChild<QPushButton *>(u"keepInTray"_s)); // no tray here
    box->reject();
    QTRY_VERIFY(!w->findChild<QMessageBox *>(u"quitConfirmation"_s));
    QVERIFY(w->isVisible());
    w->close();
    QTRY_VERIFY((box = w->findChild<QMessageBox *>(u"quitConfirmation"_s)) && box->isVisible());
    QTest::mouseClick(box->findChild<QPushButton *>(u"confirmQuit"_s), Qt::LeftButton);
    QTRY_VERIFY(!w->isVisible());
    // The layout was saved on the way out.
    QVERIFY(m_settings->contains(QLatin1StringView(uikeys::kWindowGeometry)));
}

void TestMainWindow::quitWithoutJobsDoesNotAsk()
{
    auto w = open(1);
    QVERIFY(w);
    QVERIFY(w->quitQuestion().isEmpty());
    w->close();
    QVERIFY(!w->isVisible());
    QVERIFY(!w->findChild<QMessageBox *>(u"quitConfirmation"_s));
}

void TestMainWindow::closeToTrayHidesTheWindow()
{
    auto w = open(2);
    QVERIFY(w);
    w->setTrayAvailable(true);
    m_settings->setValue(QLatin1StringView(uikeys::kCloseToTray), true);
    m_backend->jobList = {FakeBackend::makeJob(m_backend->records[1].id, u"running"_s)};
    m_backend->emitJobs();
    w->close();
    QVERIFY(!w->isVisible());
    QVERIFY(!w->findChild<QMessageBox *>(u"quitConfirmation"_s)); // nothing stops: no question
    w->toggleVisible();
    QVERIFY(w->isVisible());
    // Without close-to-tray, the question offers the tray as the default way out.
    m_settings->setValue(QLatin1StringView(uikeys::kCloseToTray), false);
    w->close();
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = w->findChild<QMessageBox *>(u"quitConfirmation"_s)) && box->isVisible());
    QPushButton *tray = box->findChild<QPushButton *>(u"keepInTray"_s);
    QVERIFY(tray);
    QCOMPARE(box->defaultButton(), tray);
    QTest::mouseClick(tray, Qt::LeftButton);
    QTRY_VERIFY(!w->isVisible());
    w->setTrayAvailable(false);
}

void TestMainWindow::trayMenuShowsHidesPausesAndQuits()
{
    // Issue 17 item 8: the tray icon had no menu and could not restore the window.
    auto w = open(2);
    QVERIFY(w);
    w->setTrayAvailable(true);
    QMenu *menu = w->trayMenu();
    QCOMPARE(w->trayIcon()->contextMenu(), menu);
    QAction *showHide = menu->findChild<QAction *>(u"trayShowHide"_s);
    QVERIFY(showHide);
    Q_EMIT menu->aboutToShow();
    QCOMPARE(showHide->text().remove(u'&'), u"Hide window"_s);
    showHide->trigger();
    QVERIFY(!w->isVisible());
    Q_EMIT menu->aboutToShow();
    QCOMPARE(showHide->text().remove(u'&'), u"Show window"_s);
    showHide->trigger();
    QVERIFY(w->isVisible());
    // A click on the icon toggles too.
    Q_EMIT w->trayIcon()->activated(QSystemTrayIcon::Trigger);
    QVERIFY(!w->isVisible());
    Q_EMIT w->trayIcon()->activated(QSystemTrayIcon::Trigger);
    QVERIFY(w->isVisible());
    QVERIFY(menu->actions().contains(w->modelsPanel()->pauseAllAction()));
    w->modelsPanel()->pauseAllAction()->trigger();
    QTRY_VERIFY(m_backend->calls.contains(u"pauseAll"_s));
    // Quit from the tray: no jobs, so it quits.
    w->hide();
    menu->findChild<QAction *>(u"trayQuit"_s)->trigger();
    QVERIFY(!w->isVisible());
    w->setTrayAvailable(false);
}

void TestMainWindow::notificationClickSelectsTheModel()
{
    auto w = open(4);
    QVERIFY(w);
    w->setTrayAvailable(true);
    const ModelRecord &failed = m_backend->records[3];
    w->modelsPanel()->setCategory(FilterCategory::Ready); // the model is filtered out
    m_backend->emitFinished(failed.id, failed.repoId, JobProgress::Phase::Download, false,
                            Error::make(ErrorCode::ChecksumMismatch, u"x"_s));
    w->hide();
    w->handleNotificationClicked(); // what QSystemTrayIcon::messageClicked runs
    QVERIFY(w->isVisible());
    QCOMPARE(w->modelsPanel()->selectedIds(), QList<QUuid>{failed.id});
    w->setTrayAvailable(false);
}

void TestMainWindow::modelShortcutsWorkAnywhereInTheWindow()
{
    // Issue 17 item 9: Ctrl+P and friends worked only while the table had focus.
    auto w = open(3);
    QVERIFY(w);
    QVERIFY(QTest::qWaitForWindowActive(w.get()));
    m_backend->jobList = {FakeBackend::makeJob(m_backend->records[1].id, u"running"_s)};
    m_backend->emitJobs();
    w->modelsPanel()->selectModel(m_backend->records[1].id);
    QLineEdit *filter = w->modelsPanel()->filterEdit();
    filter->setFocus();
    QTRY_VERIFY(filter->hasFocus());
    QTest::keyClick(filter, Qt::Key_P, Qt::ControlModifier);
    QTRY_COMPARE(m_backend->calls.filter(u"pause "_s).size(), 1);
    // From the repo field of the form as well.
    QLineEdit *repo = w->downloadForm()->repoEdit();
    repo->setFocus();
    QTest::keyClick(repo, Qt::Key_P, Qt::ControlModifier);
    QTRY_COMPARE(m_backend->calls.filter(u"pause "_s).size(), 2);
    // Text fields keep their own keys: Delete in a field edits it, it deletes no model.
    repo->setText(u"abc"_s);
    repo->setCursorPosition(0);
    QTest::keyClick(repo, Qt::Key_Delete);
    QCOMPARE(repo->text(), u"bc"_s);
    QVERIFY(!w->findChild<QMessageBox *>(u"deleteConfirmation"_s));
    // Ctrl+F goes to the filter from anywhere.
    QTest::keyClick(repo, Qt::Key_F, Qt::ControlModifier);
    QVERIFY(filter->hasFocus());
}

void TestMainWindow::savedBandwidthCapIsAppliedAtOnce()
{
    // The global cap is live in the service: saving it in Settings reaches the running downloads
    // without a restart (the port's setBandwidthLimit), and a cancelled dialog changes nothing.
    auto w = open(1);
    QVERIFY(w);
    w->settingsAction()->trigger();
    SettingsDialog *settings = nullptr;
    QTRY_VERIFY((settings = w->findChild<SettingsDialog *>()) && settings->isVisible());
    auto *edit = settings->findChild<QLineEdit *>(u"bandwidthEdit"_s);
    QVERIFY(edit);
    edit->setText(u"20M"_s);
    settings->reject();
    QTRY_VERIFY(!settings->isVisible());
    QVERIFY(!m_backend->calls.join(u'|').contains(u"setBandwidthLimit"_s));
    w->settingsAction()->trigger();
    QTRY_VERIFY((settings = w->findChild<SettingsDialog *>()) && settings->isVisible());
    edit = settings->findChild<QLineEdit *>(u"bandwidthEdit"_s);
    edit->setText(u"20M"_s);
    auto *box = settings->findChild<QDialogButtonBox *>();
    QVERIFY(box);
    for (QAbstractButton *b : box->buttons())
        if (box->buttonRole(b) == QDialogButtonBox::AcceptRole)
            b->click(); // OK: validates and saves, as a user's click does
    QTRY_VERIFY(m_backend->calls.contains(u"setBandwidthLimit 20000000"_s));
}

void TestMainWindow::settingsShortcutAndHelpMenu()
{
    auto w = open(1);
    QVERIFY(w);
    QVERIFY(w->settingsAction()->shortcuts().contains(QKeySequence(Qt::CTRL | Qt::Key_Comma)));
    QVERIFY(QTest::qWaitForWindowActive(w.get()));
    QTest::keyClick(w.get(), Qt::Key_Comma, Qt::ControlModifier);
    SettingsDialog *settings = nullptr;
    QTRY_VERIFY((settings = w->findChild<SettingsDialog *>()) && settings->isVisible());
    settings->reject();
    QStringList help;
    for (QAction *top : w->menuBar()->actions())
        if (top->text().remove(u'&') == u"Help"_s)
            for (QAction *a : top->menu()->actions())
                help << a->text().remove(u'&');
    QVERIFY2(help.contains(u"Documentation"_s) && help.contains(u"Keyboard shortcuts"_s),
             qPrintable(help.join(u", "_s)));
    w->findChild<QAction *>(u"actionDocumentation"_s)->trigger();
    HelpDialog *docs = nullptr;
    QTRY_VERIFY((docs = w->findChild<HelpDialog *>(u"documentationDialog"_s)) && docs->isVisible());
    QVERIFY(docs->browser()->toPlainText().contains(u"Models panel"_s)); // docs/gui.md, built in
    docs->reject();
    w->findChild<QAction *>(u"actionShortcuts"_s)->trigger();
    HelpDialog *keys = nullptr;
    QTRY_VERIFY((keys = w->findChild<HelpDialog *>(u"shortcutsDialog"_s)) && keys->isVisible());
    QStringList rows;
    for (int r = 0; r < keys->shortcutTable()->rowCount(); ++r)
        rows << keys->shortcutTable()->item(r, 0)->text() + u" = "_s +
                    keys->shortcutTable()->item(r, 1)->text();
    for (const QString &expect : {u"Settings = Ctrl+,"_s, u"Pause = Ctrl+P"_s, u"Retry = Ctrl+R"_s,
                                  u"Pause all = Ctrl+Shift+P"_s, u"Move up in queue = Alt+Up"_s})
        QVERIFY2(rows.filter(expect).size() == 1 || rows.join(u'\n').contains(expect),
                 qPrintable(expect + u" not in:\n"_s + rows.join(u'\n')));
    keys->reject();
}

void TestMainWindow::addFormFoldsAndAddModelOpensIt()
{
    // Issue 17 item 13: the form could not be collapsed; "Add a model…" seemed to do nothing.
    auto w = open(0);
    QVERIFY(w);
    QVERIFY(QTest::qWaitForWindowActive(w.get()));
    QVERIFY(w->addFormBox()->isVisible());
    const int tableHeight = w->modelsPanel()->height();
    QTest::mouseClick(w->addFormToggle(), Qt::LeftButton);
    QVERIFY(!w->addFormBox()->isVisible());
    QTRY_VERIFY(w->modelsPanel()->height() > tableHeight); // the room goes to the models
    // The empty state's button opens the form again, with the cursor in the repo field.
    auto *add = w->findChild<QPushButton *>(u"emptyAddButton"_s);
    QVERIFY(add && add->isVisible());
    QTest::mouseClick(add, Qt::LeftButton);
    QVERIFY(w->addFormBox()->isVisible());
    QTRY_VERIFY(w->downloadForm()->repoEdit()->hasFocus());
    // So does Ctrl+N.
    QTest::mouseClick(w->addFormToggle(), Qt::LeftButton);
    QVERIFY(!w->addFormBox()->isVisible());
    QTest::keyClick(w.get(), Qt::Key_N, Qt::ControlModifier);
    QVERIFY(w->addFormBox()->isVisible());
    QTRY_VERIFY(w->downloadForm()->repoEdit()->hasFocus());
}

void TestMainWindow::progressStaysOnScreenInANarrowWindow()
{
    // Issue 17 item 2: Status was the last column; at 800×600 all progress was off-screen.
    auto w = open(2);
    QVERIFY(w);
    w->resize(800, 600);
    QTest::qWait(0);
    QTableView *view = w->modelsPanel()->view();
    QTRY_VERIFY(view->viewport()->width() > 0);
    const int x = view->columnViewportPosition(ModelTableModel::Status);
    const int width = view->columnWidth(ModelTableModel::Status);
    QVERIFY2(
        x >= 0 && x + width <= view->viewport()->width(),
        qPrintable(u"status at %1+%2 in %3"_s.arg(x).arg(width).arg(view->viewport()->width())));
    QCOMPARE(view->horizontalHeader()->visualIndex(ModelTableModel::Status), 1);
}

void TestMainWindow::columnsAreBalanced()
{
    auto w = open(4);
    QVERIFY(w);
    QHeaderView *h = w->modelsPanel()->view()->horizontalHeader();
    // No column narrower than its title; the status column (with the bar and its figures) the
    // widest; the table ends without a blank strip.
    for (int c = 0; c < ModelTableModel::ColumnCount; ++c) {
        const QString title = h->model()->headerData(c, Qt::Horizontal).toString();
        QVERIFY2(h->sectionSize(c) >= h->fontMetrics().horizontalAdvance(title) + 16,
                 qPrintable(title));
        if (c != ModelTableModel::Status && c != h->logicalIndex(h->count() - 1))
            QVERIFY2(h->sectionSize(c) < h->sectionSize(ModelTableModel::Status),
                     qPrintable(title));
    }
    QVERIFY(h->stretchLastSection());
    QVERIFY(h->length() >= w->modelsPanel()->view()->viewport()->width());
}

void TestMainWindow::layoutIsRestored()
{
    // Issue 17 item 13: window geometry and column widths were not kept.
    {
        auto w = open(3);
        QVERIFY(w);
        w->resize(1000, 700);
        QHeaderView *h = w->modelsPanel()->view()->horizontalHeader();
        h->resizeSection(ModelTableModel::Name, 333);
        h->moveSection(h->visualIndex(ModelTableModel::RepoId), 2);
        w->modelsPanel()->splitter()->setSizes({300, 200});
        w->setAddFormExpanded(false);
        w->modelsPanel()->setCategory(FilterCategory::Failed);
        w->close();
        QVERIFY(!w->isVisible());
    }
    m_backend = std::make_unique<FakeBackend>();
    auto again = open(3);
    QVERIFY(again);
    QCOMPARE(again->size(), QSize(1000, 700));
    QHeaderView *h = again->modelsPanel()->view()->horizontalHeader();
    QCOMPARE(h->sectionSize(ModelTableModel::Name), 333);
    QCOMPARE(h->visualIndex(ModelTableModel::RepoId), 2);
    QVERIFY(!again->addFormBox()->isVisible());
    QCOMPARE(again->modelsPanel()->proxy()->category(), FilterCategory::Failed);
    const QList<int> sizes = again->modelsPanel()->splitter()->sizes();
    QVERIFY2(sizes.value(0) > sizes.value(1),
             qPrintable(u"%1 %2"_s.arg(sizes.value(0)).arg(sizes.value(1))));
}

void TestMainWindow::cancelAndDeleteIconsDifferInEveryTheme()
{
    // Issue 17 item 14: Delete and Cancel were both a red cross-like icon, and the neutral icons
    // faded into a dark window.
    auto redShare = [](const QIcon &icon) {
        const QImage img = icon.pixmap(24, 24).toImage();
        int opaque = 0, red = 0;
        for (int y = 0; y < img.height(); ++y)
            for (int x = 0; x < img.width(); ++x) {
                const QColor c = img.pixelColor(x, y);
                if (c.alpha() < 128)
                    continue;
                ++opaque;
                red += (c.red() > 150 && c.green() < 110 && c.blue() < 110) ? 1 : 0;
            }
        return opaque ? double(red) / opaque : 0.0;
    };
    auto meanLightness = [](const QIcon &icon) {
        const QImage img = icon.pixmap(24, 24).toImage();
        double sum = 0;
        int n = 0;
        for (int y = 0; y < img.height(); ++y)
            for (int x = 0; x < img.width(); ++x)
                if (const QColor c = img.pixelColor(x, y); c.alpha() >= 128) {
                    sum += c.lightnessF();
                    ++n;
                }
        return n ? sum / n : 0.0;
    };
    QVERIFY2(redShare(icon(u"delete"_s)) > 0.5, "Delete is the red, destructive one");
    QVERIFY2(redShare(icon(u"cancel"_s)) < 0.1, "Cancel is not red");
    const QPalette light = QApplication::palette();
    QPalette dark = light;
    dark.setColor(QPalette::Window, QColor(0x2b, 0x2d, 0x31));
    QApplication::setPalette(dark);
    const double onDark = meanLightness(icon(u"cancel"_s));
    QApplication::setPalette(light);
    const double onLight = meanLightness(icon(u"cancel"_s));
    // The window is #2b2d31 (lightness 0.18): the neutral icon is well above it, and lighter
    // than the one drawn for a light window.
    QVERIFY2(onDark > 0.6, qPrintable(QString::number(onDark)));
    QVERIFY2(onDark > onLight + 0.2, qPrintable(u"%1 vs %2"_s.arg(onDark).arg(onLight)));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
