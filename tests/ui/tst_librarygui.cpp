// The library's GUI against an in-memory backend: the "Import from Hugging Face cache" dialog
// (the snapshots listed with revision, commit and size; only the checked ones imported; each
// row's result) and the verification state of a model with its Verify action.
#include "detailspane.h"
#include "fakebackend.h"
#include "hfimportdialog.h"
#include "localeformat.h"
#include "mainwindow.h"
#include "modelspanel.h"
#include "modeltablemodel.h"

#include <QAction>
#include <QLabel>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace mistudio::ui;
using test::FakeBackend;

class TestLibraryGui final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void dialogListsSnapshots();
    void importsExactlyTheCheckedSnapshots();
    void unreadableCacheIsSaid();
    void fileMenuOpensTheDialog();
    void verifyShowsTheState();
    void recordedFailureNamesTheFirstBadFile();
    void verifyOnlyForReadyModels();

private:
    static void load(ModelsPanel &panel);
};

using State = CacheCandidate::State;

void TestLibraryGui::load(ModelsPanel &panel)
{
    QSignalSpy completed(&panel, &ModelsPanel::catalogueCompleted);
    panel.reload();
    QTRY_COMPARE(completed.count(), 1);
    QCoreApplication::processEvents();
    panel.tableModel()->flush();
}

void TestLibraryGui::dialogListsSnapshots()
{
    FakeBackend backend;
    backend.cacheListing.cacheDir = u"/home/ada/.cache/huggingface/hub"_s;
    backend.cacheListing.snapshots = {
        FakeBackend::makeCandidate(u"google/gemma-2-2b"_s, 5'230'000'000),
        FakeBackend::makeCandidate(u"Qwen/Qwen2-0.5B"_s, 988'000'000, State::Incomplete),
        FakeBackend::makeCandidate(u"openai-community/gpt2"_s, 548'000'000, State::InCatalogue),
    };
    backend.cacheListing.snapshots[0].refs = {u"main"_s, u"v1.0"_s};
    HfImportDialog dlg(&backend);
    dlg.show();
    QTableWidget *t = dlg.table();
    QTRY_COMPARE(t->rowCount(), 3);
    QVERIFY(dlg.noteLabel()->text().contains(backend.cacheListing.cacheDir));

    const CacheCandidate &gemma = backend.cacheListing.snapshots[0];
    QCOMPARE(t->item(0, HfImportDialog::RepoColumn)->text(), u"google/gemma-2-2b"_s);
    QCOMPARE(t->item(0, HfImportDialog::RevisionColumn)->text(),
             u"main, v1.0 (%1)"_s.arg(gemma.commit.left(12)));
    QCOMPARE(t->item(0, HfImportDialog::RevisionColumn)->toolTip(), gemma.commit);
    QCOMPARE(t->item(0, HfImportDialog::SizeColumn)->text(),
             u"%1 in 3 files"_s.arg(sizeText(5'230'000'000)));
    // The importable snapshot is checked and can be unchecked; the others cannot be checked.
    QCOMPARE(t->item(0, HfImportDialog::RepoColumn)->checkState(), Qt::Checked);
    QVERIFY(t->item(0, HfImportDialog::RepoColumn)->flags() & Qt::ItemIsUserCheckable);
    for (int row : {1, 2}) {
        QCOMPARE(t->item(row, HfImportDialog::RepoColumn)->checkState(), Qt::Unchecked);
        QVERIFY(!(t->item(row, HfImportDialog::RepoColumn)->flags() & Qt::ItemIsUserCheckable));
    }
    QCOMPARE(t->item(1, HfImportDialog::ResultColumn)->text(),
             u"Incomplete: model.safetensors: the blob is missing"_s);
    QCOMPARE(t->item(2, HfImportDialog::ResultColumn)->text(), u"Already in the catalogue"_s);
    QVERIFY(dlg.importButton()->isEnabled());
    // Nothing checked: nothing to import.
    t->item(0, HfImportDialog::RepoColumn)->setCheckState(Qt::Unchecked);
    QVERIFY(!dlg.importButton()->isEnabled());
}

void TestLibraryGui::importsExactlyTheCheckedSnapshots()
{
    FakeBackend backend;
    backend.cacheListing.cacheDir = u"/data/hf"_s;
    backend.cacheListing.snapshots = {
        FakeBackend::makeCandidate(u"a/one"_s, 1000),
        FakeBackend::makeCandidate(u"b/two"_s, 2000),
        FakeBackend::makeCandidate(u"c/three"_s, 3000),
        FakeBackend::makeCandidate(u"d/four"_s, 4000),
    };
    backend.importErrors.insert(
        u"c/three"_s, Error::make(ErrorCode::ChecksumMismatch, u"model.safetensors: sha256 differs"_s));
    HfImportDialog dlg(&backend);
    QSignalSpy finished(&dlg, &HfImportDialog::importFinished);
    dlg.show();
    QTableWidget *t = dlg.table();
    QTRY_COMPARE(t->rowCount(), 4);
    t->item(1, HfImportDialog::RepoColumn)->setCheckState(Qt::Unchecked);
    QTest::mouseClick(dlg.importButton(), Qt::LeftButton);
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(finished.first().value(0).toInt(), 2); // imported
    QCOMPARE(finished.first().value(1).toInt(), 1); // failed

    QStringList repos;
    for (const HfImportRequest &r : std::as_const(backend.importRequests)) {
        repos << r.repoId;
        QCOMPARE(r.cacheDir, u"/data/hf"_s);
    }
    QCOMPARE(repos, (QStringList{u"a/one"_s, u"c/three"_s, u"d/four"_s}));
    // The snapshot listed, by its commit: never what the cache's ref says by then.
    QCOMPARE(backend.importRequests[0].revision, backend.cacheListing.snapshots[0].commit);

    QCOMPARE(t->item(0, HfImportDialog::ResultColumn)->text(), u"Imported"_s);
    QCOMPARE(t->item(1, HfImportDialog::ResultColumn)->text(), QString());
    QVERIFY(t->item(2, HfImportDialog::ResultColumn)->text().startsWith(u"Failed: "_s));
    QCOMPARE(t->item(3, HfImportDialog::ResultColumn)->text(), u"Imported"_s);
    // An imported row cannot be imported again; the failed one stays checked for another try.
    QVERIFY(!(t->item(0, HfImportDialog::RepoColumn)->flags() & Qt::ItemIsUserCheckable));
    QCOMPARE(t->item(2, HfImportDialog::RepoColumn)->checkState(), Qt::Checked);
    QVERIFY(dlg.importButton()->isEnabled());
}

void TestLibraryGui::unreadableCacheIsSaid()
{
    FakeBackend backend;
    backend.scanError = Error::make(ErrorCode::NotFound, u"no Hugging Face cache at /nowhere"_s);
    HfImportDialog dlg(&backend);
    QTRY_VERIFY(dlg.noteLabel()->text().startsWith(u"The Hugging Face cache cannot be read"_s));
    QCOMPARE(dlg.table()->rowCount(), 0);
    QVERIFY(!dlg.importButton()->isEnabled());
}

void TestLibraryGui::fileMenuOpensTheDialog()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(u"s.ini"_s), QSettings::IniFormat);
    FakeBackend backend;
    backend.cacheListing.snapshots = {FakeBackend::makeCandidate(u"a/one"_s, 1000)};
    AppConfig config;
    config.dataDir = dir.path();
    MainWindow w(config, &backend, &settings);
    QAction *action = w.importHfCacheAction();
    QVERIFY(action);
    QCOMPARE(action->text(), u"&Import from Hugging Face cache…"_s);
    QVERIFY(w.menuBar()->actions().first()->menu()->actions().contains(action));
    action->trigger();
    auto *dlg = w.findChild<HfImportDialog *>();
    QVERIFY(dlg);
    QTRY_COMPARE(dlg->table()->rowCount(), 1);
}

void TestLibraryGui::verifyShowsTheState()
{
    FakeBackend backend;
    backend.records.push_back(FakeBackend::makeRecord(0, ModelStatus::Ready));
    backend.records.push_back(FakeBackend::makeRecord(1, ModelStatus::Ready));
    const QUuid good = backend.records[0].id, bad = backend.records[1].id;
    VerificationInfo failed;
    failed.state = u"failed"_s;
    failed.files = 3;
    failed.failures = 2;
    failed.firstBadFile = u"model-00002-of-00002.safetensors"_s;
    failed.firstBadReason = u"mismatch"_s;
    backend.verifyResults.insert(bad, failed);
    ModelsPanel panel(&backend);
    panel.show();
    load(panel);
    DetailsPane *details = panel.detailsPane();

    panel.selectModel(good);
    QCOMPARE(details->factText(u"verification"_s), u"Never verified"_s);
    QVERIFY(panel.verifyAction()->isEnabled());
    QVERIFY(panel.modelActions().contains(panel.verifyAction()));
    QVERIFY(details->verifyButton()->isVisible());
    QTest::mouseClick(details->verifyButton(), Qt::LeftButton);
    QVERIFY(backend.calls.contains(u"verify "_s + good.toString(QUuid::WithoutBraces)));
    QTRY_VERIFY(details->factText(u"verification"_s).startsWith(u"OK: every file matches"_s));
    panel.tableModel()->flush();
    QCOMPARE(panel.tableModel()->record(good)->verifyState, u"ok"_s);

    panel.selectModel(bad);
    QCOMPARE(details->factText(u"verification"_s), u"Never verified"_s);
    panel.verifyAction()->trigger();
    QTRY_VERIFY(details->factText(u"verification"_s).startsWith(u"Failed: "_s));
    const QString text = details->factText(u"verification"_s);
    QVERIFY2(text.contains(u"model-00002-of-00002.safetensors changed on disk"_s), qPrintable(text));
    QVERIFY2(text.contains(u"(2 of 3 files)"_s), qPrintable(text));
    panel.tableModel()->flush();
    QCOMPARE(panel.tableModel()->record(bad)->verifyState, u"failed"_s);
}

void TestLibraryGui::recordedFailureNamesTheFirstBadFile()
{
    // After a restart: the record says "failed", the library's report names the file.
    FakeBackend backend;
    backend.records.push_back(FakeBackend::makeRecord(0, ModelStatus::Ready));
    ModelRecord &r = backend.records[0];
    r.verifyState = u"failed"_s;
    r.verifiedAt = QDateTime(QDate(2026, 11, 3), QTime(9, 30), Qt::UTC);
    VerificationInfo recorded;
    recorded.state = u"failed"_s;
    recorded.verifiedAt = r.verifiedAt;
    recorded.files = 4;
    recorded.failures = 1;
    recorded.firstBadFile = u"config.json"_s;
    recorded.firstBadReason = u"missing"_s;
    backend.recordedVerification.insert(r.id, recorded);
    ModelsPanel panel(&backend);
    panel.show();
    load(panel);
    panel.selectModel(r.id);
    QTRY_VERIFY(panel.detailsPane()->factText(u"verification"_s).startsWith(u"Failed: config.json is missing"_s));
}

void TestLibraryGui::verifyOnlyForReadyModels()
{
    FakeBackend backend;
    backend.records.push_back(FakeBackend::makeRecord(0, ModelStatus::Failed));
    ModelsPanel panel(&backend);
    panel.show();
    load(panel);
    panel.selectModel(backend.records[0].id);
    QVERIFY(!panel.verifyAction()->isEnabled());
    QVERIFY(!panel.detailsPane()->verifyButton()->isVisible());
    panel.verifyAction()->trigger();
    QVERIFY(!backend.calls.contains(u"verify "_s + backend.records[0].id.toString(QUuid::WithoutBraces)));
}

QTEST_MAIN(TestLibraryGui)
#include "tst_librarygui.moc"
