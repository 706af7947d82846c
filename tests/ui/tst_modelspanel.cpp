// The Models panel against an in-memory backend: empty state, loading, filter, actions enabled
// by status, keyboard, delete with confirmation showing the space freed, copy actions.
#include "common/units.h"
#include "fakebackend.h"
#include "modelfilterproxy.h"
#include "modelspanel.h"
#include "modeltablemodel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTableView>
#include <QTest>

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
    void actionsFollowStatus_data();
    void actionsFollowStatus();
    void requantizeOffersEveryVariant();
    void deleteConfirmsWithSpaceFreed();
    void liveEventsUpdateRows();
    void copyRepoIds();
};

static QStackedWidget *stackOf(ModelsPanel &p)
{
    return p.findChild<QStackedWidget *>();
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

void TestModelsPanel::actionsFollowStatus_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>(
        "enabled"); // initials: c=cancel p=pause/resume r=retry q=requantize a=arch
    QTest::newRow("pending") << int(ModelStatus::Pending) << u"cp"_s;
    QTest::newRow("downloading") << int(ModelStatus::Downloading) << u"cp"_s;
    QTest::newRow("quantizing") << int(ModelStatus::Quantizing) << u"c"_s;
    QTest::newRow("ready") << int(ModelStatus::Ready) << u"qa"_s;
    QTest::newRow("failed") << int(ModelStatus::Failed) << u"r"_s;
}

// Re-quantize offers every variant the quantizer writes, and each reaches the backend with its
// type and double-quant setting (the menu had only NF4 + double quant and 8-bit).
void TestModelsPanel::requantizeOffersEveryVariant()
{
    FakeBackend backend;
    backend.records.push_back(FakeBackend::makeRecord(1, ModelStatus::Ready));
    ModelsPanel panel(&backend);
    QSignalSpy loaded(&panel, &ModelsPanel::catalogueLoaded);
    panel.reload();
    QTRY_COMPARE(loaded.count(), 1);
    panel.view()->setFocus();
    panel.view()->selectRow(0);
    QVERIFY(panel.requantizeAction()->isEnabled());
    QStringList data;
    for (QAction *a : panel.requantizeAction()->menu()->actions())
        data << a->data().toString();
    QCOMPARE(data, (QStringList{u"bnb-4bit-nf4-dq"_s, u"bnb-4bit-nf4"_s, u"bnb-4bit-fp4-dq"_s, u"bnb-4bit-fp4"_s,
                                u"bnb-8bit"_s}));
    const QStringList expected{u"bnb-4bit nf4 dq"_s, u"bnb-4bit nf4 no-dq"_s, u"bnb-4bit fp4 dq"_s,
                               u"bnb-4bit fp4 no-dq"_s, u"bnb-8bit"_s};
    const QList<QAction *> actions = panel.requantizeAction()->menu()->actions();
    for (int i = 0; i < actions.size(); ++i) {
        const qsizetype before = backend.calls.size();
        actions.at(i)->trigger();
        QTRY_COMPARE(backend.calls.size(), before + 1);
        QVERIFY2(backend.calls.last().startsWith(u"requantize "_s)
                     && backend.calls.last().section(u' ', 2).startsWith(expected.at(i)),
                 qPrintable(backend.calls.last()));
    }
}

void TestModelsPanel::actionsFollowStatus()
{
    QFETCH(int, status);
    QFETCH(QString, enabled);
    FakeBackend backend;
    backend.records.push_back(FakeBackend::makeRecord(1, ModelStatus(status)));
    ModelsPanel panel(&backend);
    QSignalSpy loaded(&panel, &ModelsPanel::catalogueLoaded);
    panel.reload();
    QTRY_COMPARE(loaded.count(), 1);
    QVERIFY(!panel.deleteAction()->isEnabled()); // nothing selected yet
    panel.view()->setFocus();
    panel.view()->selectRow(0);
    QCOMPARE(panel.cancelAction()->isEnabled(), enabled.contains(u'c'));
    QCOMPARE(panel.pauseResumeAction()->isEnabled(), enabled.contains(u'p'));
    QCOMPARE(panel.retryAction()->isEnabled(), enabled.contains(u'r'));
    QCOMPARE(panel.requantizeAction()->isEnabled(), enabled.contains(u'q'));
    QCOMPARE(panel.architectureAction()->isEnabled(), enabled.contains(u'a'));
    QVERIFY(panel.deleteAction()->isEnabled());
    QVERIFY(panel.copyRepoIdAction()->isEnabled());
    if (ModelStatus(status) == ModelStatus::Pending)
        QVERIFY(panel.pauseResumeAction()->text().remove(u'&').startsWith(u"Resume"_s));
    if (ModelStatus(status) == ModelStatus::Downloading)
        QVERIFY(panel.pauseResumeAction()->text().remove(u'&').startsWith(u"Pause"_s));
    if (enabled.contains(u'p')) {
        panel.pauseResumeAction()->trigger();
        QTRY_COMPARE(backend.calls.size(), 2);
        QVERIFY(backend.calls.at(1).startsWith(
            ModelStatus(status) == ModelStatus::Pending ? u"resume"_s : u"pause"_s));
    }
}

void TestModelsPanel::deleteConfirmsWithSpaceFreed()
{
    FakeBackend backend;
    backend.bytesFreed = 1'500'000'000;
    for (int i = 0; i < 3; ++i)
        backend.records.push_back(FakeBackend::makeRecord(i));
    ModelsPanel panel(&backend);
    QSignalSpy loaded(&panel, &ModelsPanel::catalogueCompleted);
    QSignalSpy status(&panel, &ModelsPanel::statusMessageChanged);
    panel.reload();
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QTRY_COMPARE(loaded.count(), 1);
    // Multi-select two rows with the keyboard, then press Delete.
    panel.view()->setFocus();
    panel.view()->selectRow(0);
    QTest::keyClick(panel.view(), Qt::Key_Down, Qt::ShiftModifier);
    QCOMPARE(panel.selectedIds().size(), 2);
    qint64 expected = 0;
    for (const QUuid &id : panel.selectedIds())
        expected += panel.tableModel()->record(id)->sizeBytes.value_or(0);
    QTest::keyClick(panel.view(), Qt::Key_Delete);
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = panel.findChild<QMessageBox *>(u"deleteConfirmation"_s)) != nullptr);
    QVERIFY2(box->text().contains(u"2 model"_s), qPrintable(box->text()));
    QVERIFY2(box->informativeText().contains(mistudio::formatBytes(expected)),
             qPrintable(box->informativeText()));
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
    QSignalSpy loaded(&panel, &ModelsPanel::catalogueLoaded);
    panel.reload();
    QTRY_COMPARE(loaded.count(), 1);
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
    QSignalSpy loaded(&panel, &ModelsPanel::catalogueCompleted);
    panel.reload();
    QTRY_COMPARE(loaded.count(), 1);
    panel.view()->selectAll();
    panel.copyRepoIdAction()->trigger();
    QStringList got = QGuiApplication::clipboard()->text().split(u'\n');
    got.sort();
    QCOMPARE(got, (QStringList{u"google/gemma-2-2b"_s, u"meta-llama/Llama-3.2-1B"_s}));
}

QTEST_MAIN(TestModelsPanel)
#include "tst_modelspanel.moc"
