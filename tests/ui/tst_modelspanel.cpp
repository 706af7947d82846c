// The Models panel against an in-memory backend: empty state, loading, filter bar with counts,
// actions enabled by what each row shows, cancel and re-quantize that ask first, the queue's
// order, the details pane, delete with confirmation showing the space freed, copy actions.
#include "detailspane.h"
#include "fakebackend.h"
#include "localeformat.h"
#include "modelfilterproxy.h"
#include "modelspanel.h"
#include "modeltablemodel.h"
#include "requantizedialog.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QToolButton>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace mistudio::ui;
using test::FakeBackend;

class TestModelsPanel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyStateTellsWhatToDo();
    void loadsCatalogueAndFilters();
    void filterBarCountsAndFilters();
    void actionsFollowWhatTheRowShows_data();
    void actionsFollowWhatTheRowShows();
    void cancelAsksAndOffersPause();
    void cancelledModelOffersDownloadNotResume();
    void requantizeAsksWhichVariant();
    void queueCanBeReordered();
    void pauseAllResumeAll();
    void detailsPaneShowsFilesAndTheWholeError();
    void variantsAreListedAndDeletedOneByOne();
    void deleteConfirmsWithSpaceFreed();
    void liveEventsUpdateRows();
    void copyRepoIds();

private:
    static void load(ModelsPanel &panel);
};

static QStackedWidget *stackOf(ModelsPanel &p)
{
    return p.findChild<QStackedWidget *>();
}

void TestModelsPanel::load(ModelsPanel &panel)
{
    QSignalSpy completed(&panel, &ModelsPanel::catalogueCompleted);
    panel.reload();
    QTRY_COMPARE(completed.count(), 1);
    QTest::qWait(0); // the jobs list that follows the catalogue
    QCoreApplication::processEvents();
    panel.tableModel()->flush();
}

void TestModelsPanel::emptyStateTellsWhatToDo()
{
    FakeBackend backend;
    ModelsPanel panel(&backend);
    QSignalSpy add(&panel, &ModelsPanel::addModelRequested);
    panel.reload();
    panel.show();
    QTRY_COMPARE(backend.calls.value(0), u"list"_s);
    QCOMPARE(stackOf(panel)->currentWidget()->objectName(), u"emptyState"_s);
    const QLabel *label = stackOf(panel)->currentWidget()->findChild<QLabel *>();
    QVERIFY(label->text().contains(u"Preview"_s));
    QVERIFY(label->text().contains(u"Download"_s));
    auto *button = panel.findChild<QPushButton *>(u"emptyAddButton"_s);
    QVERIFY(button->isVisible());
    QTest::mouseClick(button, Qt::LeftButton);
    QCOMPARE(add.count(), 1);
    QTRY_COMPARE(panel.headingLabel()->text(), u"Your models (0)"_s);
}

void TestModelsPanel::loadsCatalogueAndFilters()
{
    FakeBackend backend;
    for (int i = 0; i < 30; ++i)
        backend.records.push_back(FakeBackend::makeRecord(i));
    ModelsPanel panel(&backend);
    QSignalSpy loaded(&panel, &ModelsPanel::catalogueLoaded);
    QSignalSpy completed(&panel, &ModelsPanel::catalogueCompleted);
    panel.reload();
    QTRY_COMPARE(completed.count(), 1);
    QCOMPARE(loaded.count(), 1);
    QCOMPARE(loaded.at(0).at(0).toInt(), 1); // the first batch shows before the rest arrives
    QCOMPARE(completed.at(0).at(0).toInt(), 30);
    QCOMPARE(panel.view()->model()->rowCount(), 30);
    QCOMPARE(stackOf(panel)->currentWidget(), panel.view());

    QTest::keyClicks(panel.filterEdit(), u"pythia"_s);
    QCOMPARE(panel.view()->model()->rowCount(), 5);
    panel.filterEdit()->setText(u"no-such-model"_s);
    QCOMPARE(stackOf(panel)->currentWidget()->objectName(), u"emptyState"_s);
    QVERIFY(stackOf(panel)->currentWidget()->findChild<QLabel *>()->text().contains(
        u"no-such-model"_s));
    QVERIFY(!panel.findChild<QPushButton *>(u"emptyAddButton"_s)->isVisible());
    panel.filterEdit()->clear();
    QCOMPARE(stackOf(panel)->currentWidget(), panel.view());
}

void TestModelsPanel::filterBarCountsAndFilters()
{
    FakeBackend backend;
    const ModelStatus statuses[] = {ModelStatus::Ready,       ModelStatus::Ready,
                                    ModelStatus::Ready,       ModelStatus::Failed,
                                    ModelStatus::Downloading, ModelStatus::Pending};
    for (int i = 0; i < 6; ++i)
        backend.records.push_back(FakeBackend::makeRecord(i, statuses[i]));
    backend.jobList = {FakeBackend::makeJob(backend.records[4].id, u"running"_s),
                       FakeBackend::makeJob(backend.records[5].id, u"paused"_s)};
    ModelsPanel panel(&backend);
    panel.show();
    load(panel);
    QTRY_COMPARE(panel.headingLabel()->text(), u"Your models (6)"_s);
    QTRY_COMPARE(panel.categoryButton(FilterCategory::All)->text(), u"All (6)"_s);
    QCOMPARE(panel.categoryButton(FilterCategory::Active)->text(), u"Downloading (1)"_s);
    QCOMPARE(panel.categoryButton(FilterCategory::Paused)->text(), u"Paused (1)"_s);
    QCOMPARE(panel.categoryButton(FilterCategory::Ready)->text(), u"Ready (3)"_s);
    QCOMPARE(panel.categoryButton(FilterCategory::Failed)->text(), u"Failed (1)"_s);
    QTest::mouseClick(panel.categoryButton(FilterCategory::Ready), Qt::LeftButton);
    QCOMPARE(panel.view()->model()->rowCount(), 3);
    QTest::mouseClick(panel.categoryButton(FilterCategory::Failed), Qt::LeftButton);
    QCOMPARE(panel.view()->model()->rowCount(), 1);
    // A failed model that is retried and finishes moves between the counts by itself.
    ModelRecord r = backend.records[3];
    r.status = ModelStatus::Ready;
    backend.emitChanged(r);
    QTRY_COMPARE(panel.categoryButton(FilterCategory::Ready)->text(), u"Ready (4)"_s);
    QCOMPARE(panel.categoryButton(FilterCategory::Failed)->text(), u"Failed (0)"_s);
    QCOMPARE(panel.view()->model()->rowCount(), 0);
    QVERIFY(stackOf(panel)->currentWidget()->findChild<QLabel *>()->text().contains(u"All"_s));
    // Selecting a model that the filter hides shows it (a notification's click, a new download).
    panel.selectModel(r.id);
    QCOMPARE(panel.proxy()->category(), FilterCategory::All);
    QCOMPARE(panel.selectedIds(), QList<QUuid>{r.id});
}

void TestModelsPanel::actionsFollowWhatTheRowShows_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("job");
    // initials: s=start c=cancel p=pause r=resume t=retry q=requantize a=arch
    QTest::addColumn<QString>("enabled");
    QTest::newRow("not downloaded") << int(ModelStatus::Pending) << QString() << u"s"_s;
    QTest::newRow("paused") << int(ModelStatus::Pending) << u"paused"_s << u"cr"_s;
    QTest::newRow("needs token") << int(ModelStatus::Pending) << u"needs_token"_s << u"cr"_s;
    QTest::newRow("queued") << int(ModelStatus::Downloading) << u"queued"_s << u"cp"_s;
    QTest::newRow("downloading") << int(ModelStatus::Downloading) << u"running"_s << u"cp"_s;
    QTest::newRow("quantizing") << int(ModelStatus::Quantizing) << u"running"_s << u"c"_s;
    QTest::newRow("ready") << int(ModelStatus::Ready) << QString() << u"qa"_s;
    QTest::newRow("failed") << int(ModelStatus::Failed) << QString() << u"t"_s;
}

void TestModelsPanel::actionsFollowWhatTheRowShows()
{
    QFETCH(int, status);
    QFETCH(QString, job);
    QFETCH(QString, enabled);
    FakeBackend backend;
    backend.records.push_back(FakeBackend::makeRecord(1, ModelStatus(status)));
    if (!job.isEmpty())
        backend.jobList = {FakeBackend::makeJob(
            backend.records[0].id, job,
            ModelStatus(status) == ModelStatus::Quantizing ? u"quantize"_s : u"download"_s)};
    ModelsPanel panel(&backend);
    load(panel);
    QVERIFY(!panel.deleteAction()->isEnabled()); // nothing selected yet
    panel.view()->setFocus();
    panel.view()->selectRow(0);
    const bool pauseResume = enabled.contains(u'p') || enabled.contains(u'r');
    QCOMPARE(panel.startAction()->isEnabled(), enabled.contains(u's'));
    QCOMPARE(panel.cancelAction()->isEnabled(), enabled.contains(u'c'));
    QCOMPARE(panel.pauseResumeAction()->isEnabled(), pauseResume);
    QCOMPARE(panel.retryAction()->isEnabled(), enabled.contains(u't'));
    QCOMPARE(panel.requantizeAction()->isEnabled(), enabled.contains(u'q'));
    QCOMPARE(panel.architectureAction()->isEnabled(), enabled.contains(u'a'));
    QVERIFY(panel.deleteAction()->isEnabled());
    QVERIFY(panel.copyRepoIdAction()->isEnabled());
    if (!pauseResume)
        return;
    const QString text = panel.pauseResumeAction()->text().remove(u'&');
    QCOMPARE(text, enabled.contains(u'r') ? u"Resume"_s : u"Pause"_s);
    const qsizetype before = backend.calls.size();
    panel.pauseResumeAction()->trigger();
    QTRY_COMPARE(backend.calls.size(), before + 1);
    QVERIFY(backend.calls.last().startsWith(enabled.contains(u'r') ? u"resume"_s : u"pause"_s));
}

void TestModelsPanel::cancelAsksAndOffersPause()
{
    // Issue 17 item 3: Cancel deleted the partial data without asking.
    FakeBackend backend;
    backend.records.push_back(FakeBackend::makeRecord(1, ModelStatus::Downloading));
    backend.jobList = {FakeBackend::makeJob(backend.records[0].id, u"running"_s)};
    ModelsPanel panel(&backend);
    panel.show();
    load(panel);
    backend.emitProgress(backend.records[0].id,
                         JobProgress{JobProgress::Phase::Download, 40.0, 400'000'000, 1'000'000'000,
                                     1e6, 600, 0, 2});
    panel.tableModel()->flush();
    panel.view()->selectRow(0);
    const qsizetype before = backend.calls.size();
    panel.cancelAction()->trigger();
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = panel.findChild<QMessageBox *>(u"cancelConfirmation"_s)) &&
                box->isVisible());
    QVERIFY2(box->informativeText().contains(u"400 MB"_s), qPrintable(box->informativeText()));
    QCOMPARE(backend.calls.size(), before); // nothing happened yet
    // Keep going: nothing is cancelled.
    // (The panel calls the backend from the click itself: no call by now means none.)
    QTest::mouseClick(box->findChild<QPushButton *>(u"keepGoing"_s), Qt::LeftButton);
    QCOMPARE(backend.calls.filter(u"cancel"_s).size(), 0);
    // Pause instead keeps the data.
    panel.cancelAction()->trigger();
    QTRY_VERIFY((box = panel.findChild<QMessageBox *>(u"cancelConfirmation"_s)) &&
                box->isVisible());
    QTest::mouseClick(box->findChild<QPushButton *>(u"pauseInstead"_s), Qt::LeftButton);
    QTRY_COMPARE(backend.calls.filter(u"pause "_s).size(), 1);
    QCOMPARE(backend.calls.filter(u"cancel"_s).size(), 0);
    // Confirmed: cancelled.
    QTRY_VERIFY(!panel.findChild<QMessageBox *>(u"cancelConfirmation"_s));
    panel.cancelAction()->trigger();
    QTRY_VERIFY((box = panel.findChild<QMessageBox *>(u"cancelConfirmation"_s)) &&
                box->isVisible());
    QTest::mouseClick(box->findChild<QPushButton *>(u"confirmCancel"_s), Qt::LeftButton);
    QTRY_COMPARE(backend.calls.filter(u"cancel "_s).size(), 1);
}

void TestModelsPanel::cancelledModelOffersDownloadNotResume()
{
    // Issue 17 item 3: after Cancel the row said "Pending" and offered Resume, like a queued job.
    FakeBackend backend;
    backend.records.push_back(FakeBackend::makeRecord(1, ModelStatus::Downloading));
    backend.jobList = {FakeBackend::makeJob(backend.records[0].id, u"running"_s)};
    ModelsPanel panel(&backend);
    load(panel);
    panel.view()->selectRow(0);
    // The service cancels: the job ends (no active job) and the derived status is pending.
    backend.jobList.clear();
    backend.emitJobs();
    ModelRecord r = backend.records[0];
    r.status = ModelStatus::Pending;
    backend.emitChanged(r);
    panel.tableModel()->flush();
    const QModelIndex s = panel.tableModel()->index(0, ModelTableModel::Status);
    QCOMPARE(s.data().toString(), u"Not downloaded"_s);
    QVERIFY(!s.data(ModelTableModel::ShowsBarRole).toBool());
    QVERIFY(!panel.pauseResumeAction()->isEnabled());
    QVERIFY(!panel.cancelAction()->isEnabled());
    QVERIFY(panel.startAction()->isEnabled());
    QTRY_COMPARE(panel.categoryButton(FilterCategory::Active)->text(), u"Downloading (0)"_s);
    panel.startAction()->trigger();
    QTRY_COMPARE(backend.calls.filter(u"start "_s).size(), 1);
}

void TestModelsPanel::requantizeAsksWhichVariant()
{
    // Issue 17 item 4: Re-quantize started a 4-bit job at once on a hidden default.
    FakeBackend backend;
    backend.records.push_back(FakeBackend::makeRecord(1, ModelStatus::Ready));
    backend.estimates = {hub::SizeEstimate{hub::Quantization::None, 1000, 1000, 0, 0},
                         hub::SizeEstimate{hub::Quantization::Bnb4bit, 300'000'000, 300, 0, 0},
                         hub::SizeEstimate{hub::Quantization::Bnb8bit, 550'000'000, 550, 0, 0}};
    backend.variantsOf[backend.records[0].id] = {
        FakeBackend::makeVariant(backend.records[0].id, u"bnb-8bit"_s, 551'000'000)};
    ModelsPanel panel(&backend);
    panel.show();
    load(panel);
    panel.view()->selectRow(0);
    QVERIFY(panel.requantizeAction()->isEnabled());
    QVERIFY(!panel.requantizeAction()->menu()); // no menu that starts a job on a click
    panel.requantizeAction()->trigger();
    RequantizeDialog *dlg = nullptr;
    QTRY_VERIFY((dlg = panel.findChild<RequantizeDialog *>()) && dlg->isVisible());
    QCOMPARE(backend.calls.filter(u"requantize"_s).size(), 0); // nothing started by opening it
    // The model's own files give each variant's size; the variants it has show beside them.
    QTRY_COMPARE(dlg->sizeText(u"bnb-8bit"_s), u"550 MB"_s);
    QCOMPARE(dlg->sizeText(u"bnb-4bit-nf4-dq"_s), u"300 MB"_s);
    QCOMPARE(dlg->sizeText(u"bnb-4bit-fp4"_s), u"about 300 MB"_s);
    QTRY_COMPARE(dlg->presentText(u"bnb-8bit"_s), u"551 MB"_s);
    QCOMPARE(dlg->presentText(u"bnb-4bit-fp4"_s), u"no"_s);
    QVERIFY(backend.calls.contains(u"estimate "_s + backend.records[0].id.toString(QUuid::WithoutBraces)));
    QVERIFY(backend.calls.filter(u"preview"_s).isEmpty()); // no Hub call for it
    dlg->findChild<QRadioButton *>(u"variant_bnb-4bit-fp4"_s)->click();
    QTest::mouseClick(dlg->findChild<QPushButton *>(u"startRequantize"_s), Qt::LeftButton);
    QTRY_COMPARE(backend.calls.filter(u"requantize"_s).size(), 1);
    QCOMPARE(backend.calls.filter(u"requantize"_s).first().section(u' ', 2),
             u"bnb-4bit fp4 no-dq auto"_s);
    // Cancel starts nothing.
    panel.requantizeAction()->trigger();
    QTRY_VERIFY((dlg = panel.findChild<RequantizeDialog *>()) && dlg->isVisible());
    QTest::mouseClick(dlg->findChild<QPushButton *>(u"cancelRequantize"_s), Qt::LeftButton);
    QCOMPARE(backend.calls.filter(u"requantize"_s).size(), 1);
}

void TestModelsPanel::queueCanBeReordered()
{
    FakeBackend backend;
    for (int i = 0; i < 3; ++i)
        backend.records.push_back(FakeBackend::makeRecord(i, ModelStatus::Downloading));
    const QUuid a = backend.records[0].id, b = backend.records[1].id, c = backend.records[2].id;
    backend.jobList = {FakeBackend::makeJob(a, u"queued"_s), FakeBackend::makeJob(b, u"queued"_s),
                       FakeBackend::makeJob(c, u"queued"_s)};
    ModelsPanel panel(&backend);
    panel.show();
    load(panel);
    panel.selectModel(a);
    QVERIFY(!panel.moveUpAction()->isEnabled()); // first already
    QVERIFY(panel.moveDownAction()->isEnabled());
    QTest::keyClick(panel.view(), Qt::Key_Down, Qt::AltModifier); // the shortcut
    QTRY_COMPARE(backend.calls.filter(u"move "_s).size(), 1);
    QCOMPARE(backend.calls.filter(u"move "_s).last(),
             u"move %1 before %2"_s.arg(a.toString(QUuid::WithoutBraces),
                                        c.toString(QUuid::WithoutBraces)));
    panel.selectModel(c);
    QVERIFY(!panel.moveDownAction()->isEnabled()); // last already
    panel.moveUpAction()->trigger();
    QTRY_COMPARE(backend.calls.filter(u"move "_s).size(), 2);
    QCOMPARE(backend.calls.filter(u"move "_s).last(),
             u"move %1 before %2"_s.arg(c.toString(QUuid::WithoutBraces),
                                        b.toString(QUuid::WithoutBraces)));
    // The service's new order shows as positions.
    backend.jobList = {FakeBackend::makeJob(c, u"queued"_s), FakeBackend::makeJob(a, u"queued"_s),
                       FakeBackend::makeJob(b, u"queued"_s)};
    backend.emitJobs();
    QCOMPARE(panel.tableModel()
                 ->index(panel.tableModel()->rowOf(c), ModelTableModel::Status)
                 .data()
                 .toString(),
             u"Queued #1"_s);
    QCOMPARE(panel.tableModel()
                 ->index(panel.tableModel()->rowOf(b), ModelTableModel::Status)
                 .data()
                 .toString(),
             u"Queued #3"_s);
}

void TestModelsPanel::pauseAllResumeAll()
{
    FakeBackend backend;
    ModelsPanel panel(&backend);
    load(panel);
    panel.pauseAllAction()->trigger();
    panel.resumeAllAction()->trigger();
    QTRY_COMPARE(backend.calls.filter(u"All"_s), (QStringList{u"pauseAll"_s, u"resumeAll"_s}));
    QCOMPARE(panel.pauseAllAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
}

void TestModelsPanel::detailsPaneShowsFilesAndTheWholeError()
{
    FakeBackend backend;
    backend.records.push_back(FakeBackend::makeRecord(0, ModelStatus::Downloading));
    backend.records.push_back(FakeBackend::makeRecord(1, ModelStatus::Failed));
    backend.records[1].errorMessage = u"checksum_mismatch: model.safetensors: sha256 differs"_s;
    backend.jobList = {FakeBackend::makeJob(backend.records[0].id, u"running"_s)};
    ModelsPanel panel(&backend);
    panel.show();
    load(panel);
    DetailsPane *details = panel.detailsPane();
    QCOMPARE(details->shownId(), QUuid());
    // A download: per-file progress and verification state.
    panel.selectModel(backend.records[0].id);
    JobProgress p{JobProgress::Phase::Download, 50.0, 500, 1000, 10.0, 50, 1, 2, {}};
    p.files = {TransferFile{u"config.json"_s, 100, 100, TransferFile::State::Done, {}},
               TransferFile{u"model.safetensors"_s, 400, 900, TransferFile::State::Retrying,
                            u"http_503"_s}};
    backend.emitProgress(backend.records[0].id, p);
    panel.tableModel()->flush();
    QCOMPARE(details->shownId(), backend.records[0].id);
    QTableWidget *files = details->filesTable();
    QCOMPARE(files->rowCount(), 2);
    QCOMPARE(files->item(0, 2)->text(), u"verified"_s);
    QCOMPARE(files->item(1, 2)->text(), u"retrying (http_503)"_s);
    QVERIFY(files->item(1, 1)->text().contains(u"400 B of 900 B"_s));
    QCOMPARE(details->factText(u"commit"_s), backend.records[0].commitSha);
    QCOMPARE(details->factText(u"path"_s), backend.records[0].filePath);
    // The mode in words, as in the table ("bnb-4bit" is the catalogue's key, not a label).
    QCOMPARE(details->factText(u"quantization"_s), u"4-bit (bnb)"_s);
    QVERIFY(!details->errorLabel()->isVisible());
    // A failure: the whole error, in words, with what to do next and a Retry button.
    panel.selectModel(backend.records[1].id);
    QVERIFY(details->errorLabel()->isVisible());
    const QString error = details->errorLabel()->text();
    QVERIFY2(error.contains(u"did not match its checksum"_s), qPrintable(error));
    QVERIFY2(error.contains(u"Press Retry"_s), qPrintable(error));
    QVERIFY2(error.contains(u"sha256 differs"_s), qPrintable(error));
    QTest::mouseClick(details->findChild<QPushButton *>(u"detailsRetry"_s), Qt::LeftButton);
    QTRY_COMPARE(backend.calls.filter(u"retry "_s).size(), 1);
}

void TestModelsPanel::variantsAreListedAndDeletedOneByOne()
{
    FakeBackend backend;
    ModelRecord r = FakeBackend::makeRecord(0, ModelStatus::Ready);
    r.sizeBytes = 1'000'000'000;
    r.variantsSizeBytes = 900'000'000;
    backend.records.push_back(r);
    backend.variantsOf[r.id] = {FakeBackend::makeVariant(r.id, u"bnb-4bit-nf4-dq"_s, 350'000'000),
                                FakeBackend::makeVariant(r.id, u"bnb-8bit"_s, 550'000'000)};
    ModelsPanel panel(&backend);
    QSignalSpy status(&panel, &ModelsPanel::statusMessageChanged);
    panel.show();
    load(panel);
    // Issue 17 item 6: the size on disk counts the variants beside the download.
    QCOMPARE(panel.tableModel()->index(0, ModelTableModel::SizeOnDisk).data().toString(),
             u"1.90 GB"_s);
    panel.selectModel(r.id);
    DetailsPane *details = panel.detailsPane();
    QTRY_COMPARE(details->variantsTable()->rowCount(), 2);
    QCOMPARE(details->variantsTable()->item(0, 0)->text(), u"4-bit NF4, double quantization"_s);
    QCOMPARE(details->variantsTable()->item(1, 1)->text(), u"550 MB"_s);
    QVERIFY(details->factText(u"size"_s).contains(u"900 MB of quantized variants"_s));
    // Progress ticks do not fetch the list again; a changed record does.
    const qsizetype fetches = backend.calls.filter(u"variants "_s).size();
    backend.emitChanged(r);
    panel.tableModel()->flush();
    QCOMPARE(backend.calls.filter(u"variants "_s).size(), fetches);
    // Delete one variant: asks, then only that one goes.
    details->variantsTable()->selectRow(1);
    QTest::mouseClick(details->findChild<QPushButton *>(u"detailsRemoveVariant"_s), Qt::LeftButton);
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = panel.findChild<QMessageBox *>(u"deleteVariantConfirmation"_s)) &&
                box->isVisible());
    QVERIFY2(box->text().contains(u"8-bit"_s), qPrintable(box->text()));
    QVERIFY(box->informativeText().contains(u"550 MB"_s));
    QTest::mouseClick(box->findChild<QPushButton *>(u"confirmDeleteVariant"_s), Qt::LeftButton);
    QTRY_COMPARE(
        backend.calls.filter(u"removeVariant"_s),
        QStringList{u"removeVariant %1 bnb-8bit"_s.arg(r.id.toString(QUuid::WithoutBraces))});
    QTRY_COMPARE(details->variantsTable()->rowCount(), 1);
    QTRY_VERIFY(!status.isEmpty());
    QVERIFY(status.last().at(0).toString().contains(u"550 MB"_s));
}

void TestModelsPanel::deleteConfirmsWithSpaceFreed()
{
    FakeBackend backend;
    backend.bytesFreed = 1'500'000'000;
    for (int i = 0; i < 3; ++i)
        backend.records.push_back(FakeBackend::makeRecord(i));
    backend.records[0].variantsSizeBytes = 123'000'000; // the frees figure counts variants
    ModelsPanel panel(&backend);
    QSignalSpy status(&panel, &ModelsPanel::statusMessageChanged);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    load(panel);
    // Multi-select two rows with the keyboard, then press Delete.
    panel.view()->setFocus();
    panel.view()->selectRow(0);
    QTest::keyClick(panel.view(), Qt::Key_Down, Qt::ShiftModifier);
    QCOMPARE(panel.selectedIds().size(), 2);
    // "Frees" is the service's plan (its deletion policy), not a sum of the rows' sizes: here
    // one model shares its folder with another record, so deleting it frees less than its size.
    const QUuid shared = panel.selectedIds().at(0);
    const QUuid own = panel.selectedIds().at(1);
    backend.plannedFree.insert(shared, 1'000'000);
    const qint64 expected = 1'000'000 + panel.tableModel()->record(own)->sizeBytes.value_or(0) +
                            panel.tableModel()->record(own)->variantsSizeBytes;
    qint64 rowSum = 0;
    for (const QUuid &id : panel.selectedIds())
        rowSum += panel.tableModel()->record(id)->sizeBytes.value_or(0) +
                  panel.tableModel()->record(id)->variantsSizeBytes;
    QVERIFY(sizeText(expected) != sizeText(rowSum));
    QTest::keyClick(panel.view(), Qt::Key_Delete);
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = panel.findChild<QMessageBox *>(u"deleteConfirmation"_s)) != nullptr);
    QVERIFY2(box->text().contains(u"2 model"_s), qPrintable(box->text()));
    QVERIFY2(box->informativeText().contains(sizeText(expected)),
             qPrintable(box->informativeText()));
    QCOMPARE(backend.calls.filter(u"planRemoval"_s), QStringList{u"planRemoval 2"_s});
    QTest::mouseClick(box->findChild<QPushButton *>(u"confirmDelete"_s), Qt::LeftButton);
    QTRY_COMPARE(panel.tableModel()->rowCount(), 1);
    QCOMPARE(backend.calls.filter(u"remove "_s).size(), 2);
    QTRY_VERIFY(!status.isEmpty());
    QVERIFY(status.last().at(0).toString().contains(u"1.50 GB"_s));
}

void TestModelsPanel::liveEventsUpdateRows()
{
    FakeBackend backend;
    ModelsPanel panel(&backend);
    load(panel);
    ModelRecord r = FakeBackend::makeRecord(4, ModelStatus::Downloading);
    backend.emitChanged(r); // model_created
    QCOMPARE(panel.tableModel()->rowCount(), 1);
    QCOMPARE(stackOf(panel)->currentWidget(), panel.view());
    backend.emitProgress(
        r.id, JobProgress{JobProgress::Phase::Download, 25.0, 250, 1000, 100.0, 7, 0, 2});
    const QModelIndex s = panel.tableModel()->index(0, ModelTableModel::Status);
    QTRY_COMPARE(s.data(ModelTableModel::PercentRole).toDouble(), 25.0);
    r.status = ModelStatus::Ready;
    backend.emitChanged(r);
    QTRY_COMPARE(s.data().toString(), u"Ready"_s);
    backend.modelRemoved(r.id);
    QCOMPARE(panel.tableModel()->rowCount(), 0);
}

void TestModelsPanel::copyRepoIds()
{
    FakeBackend backend;
    for (int i = 0; i < 2; ++i)
        backend.records.push_back(FakeBackend::makeRecord(i));
    ModelsPanel panel(&backend);
    load(panel);
    panel.view()->selectAll();
    panel.copyRepoIdAction()->trigger();
    QStringList got = QGuiApplication::clipboard()->text().split(u'\n');
    got.sort();
    QCOMPARE(got, (QStringList{u"google/gemma-2-2b"_s, u"meta-llama/Llama-3.2-1B"_s}));
}

QTEST_MAIN(TestModelsPanel)
#include "tst_modelspanel.moc"
