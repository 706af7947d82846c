// Preview, architecture and settings dialogs render what they are given: exact figures,
// files, per-mode sizes against free space, layer tree and hook points, settings keys.
#include "architecturedialog.h"
#include "common/settingskeys.h"
#include "previewdialog.h"
#include "sampledata.h"
#include "settingsdialog.h"

#include <QApplication>
#include <QClipboard>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace mistudio::ui;

class TestDialogs final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void previewShowsExactFigures();
    void previewPerModeSizes_data();
    void previewPerModeSizes();
    void previewWarnsWhenItDoesNotFit();
    void previewShowsUnknownFieldsToo();
    void previewTrustRemoteCodeWarning();
    void previewDownloadUsesChosenMode();
    void architectureTreeAndHooks();
    void architectureExport();
    void settingsRoundTrip();
    void settingsRejectsBadValues_data();
    void settingsRejectsBadValues();
};

void TestDialogs::previewShowsExactFigures()
{
    PreviewDialog d(test::samplePreview(), QuantOptions{});
    QVERIFY(d.fieldText(u"parameters"_s).contains(u"2.6B"_s));
    QVERIFY(d.fieldText(u"parameters"_s).contains(u"2,614,341,888"_s));
    QCOMPARE(d.fieldText(u"num_layers"_s), u"26"_s);
    QCOMPARE(d.fieldText(u"hidden_size"_s), u"2,304"_s);
    QCOMPARE(d.fieldText(u"num_attention_heads"_s), u"8 (4 key/value heads)"_s);
    QCOMPARE(d.fieldText(u"vocab_size"_s), u"256,000"_s);
    QCOMPARE(d.fieldText(u"max_position_embeddings"_s), u"8,192"_s);
    QCOMPARE(d.fieldText(u"torch_dtype"_s), u"float32"_s);
    QCOMPARE(d.fieldText(u"license"_s), u"gemma"_s);
    QVERIFY(d.fieldText(u"access"_s).contains(u"gated"_s));
    QCOMPARE(d.filesTable()->rowCount(), 9);
    QCOMPARE(d.filesTable()->item(2, 0)->text(), u"model-00001-of-00002.safetensors"_s);
    QCOMPARE(d.filesTable()->item(2, 1)->text(), u"4.99 GB"_s);
    QVERIFY(!d.spaceWarningShown());
}

void TestDialogs::previewPerModeSizes_data()
{
    QTest::addColumn<int>("row");
    QTest::addColumn<QString>("disk");
    QTest::addColumn<QString>("memory");
    QTest::newRow("none") << 0 << u"5.23 GB"_s << u"5.75 GB"_s;
    QTest::newRow("4-bit") << 1 << u"2.18 GB"_s << u"2.40 GB"_s;
    QTest::newRow("8-bit") << 2 << u"3.18 GB"_s << u"3.50 GB"_s;
}

void TestDialogs::previewPerModeSizes()
{
    QFETCH(int, row);
    QFETCH(QString, disk);
    QFETCH(QString, memory);
    PreviewDialog d(test::samplePreview(), QuantOptions{});
    QCOMPARE(d.modesTable()->item(row, 1)->text(), disk);
    QCOMPARE(d.modesTable()->item(row, 2)->text(), memory);
}

void TestDialogs::previewWarnsWhenItDoesNotFit()
{
    // 6 GB free: the original (5.25 GB download) fits; 4-bit needs the originals + 2.18 GB.
    PreviewDialog d(test::samplePreview(6'000'000'000LL), QuantOptions{});
    d.show();
    QVERIFY(!d.spaceWarningShown());
    d.findChild<QRadioButton *>(u"mode_bnb-4bit"_s)->click();
    QVERIFY(d.spaceWarningShown());
    QVERIFY(d.findChild<QLabel *>(u"spaceWarning"_s)->text().contains(u"6.00 GB"_s));
    d.findChild<QRadioButton *>(u"mode_none"_s)->click();
    QVERIFY(!d.spaceWarningShown());
}

void TestDialogs::previewShowsUnknownFieldsToo()
{
    QJsonObject p = test::samplePreview();
    p.insert(u"pipeline_tag"_s, u"text-generation"_s);
    PreviewDialog d(p, QuantOptions{});
    QCOMPARE(d.fieldText(u"pipeline_tag"_s), u"text-generation"_s);
}

void TestDialogs::previewTrustRemoteCodeWarning()
{
    QJsonObject p = test::samplePreview();
    auto *plain = new PreviewDialog(p, QuantOptions{});
    QVERIFY(plain->findChild<QLabel *>(u"previewWarnings"_s)->isHidden());
    delete plain;
    p.insert(u"requires_trust_remote_code"_s, true);
    PreviewDialog d(p, QuantOptions{});
    QVERIFY(!d.findChild<QLabel *>(u"previewWarnings"_s)->isHidden());
    QVERIFY(d.findChild<QLabel *>(u"previewWarnings"_s)->text().contains(u"trust_remote_code"_s));
}

void TestDialogs::previewDownloadUsesChosenMode()
{
    PreviewDialog d(test::samplePreview(), QuantOptions{u"none"_s, u"fp4"_s, false});
    QSignalSpy download(&d, &PreviewDialog::downloadRequested);
    d.show();
    d.findChild<QRadioButton *>(u"mode_bnb-8bit"_s)->click();
    QTest::mouseClick(d.findChild<QPushButton *>(u"previewDownload"_s), Qt::LeftButton);
    QCOMPARE(download.count(), 1);
    const auto q = download.first().at(0).value<QuantOptions>();
    QCOMPARE(q.mode, u"bnb-8bit"_s);
    QCOMPARE(q.quantType, u"fp4"_s); // the advanced options of the form carry through
    QCOMPARE(d.result(), int(QDialog::Accepted));
}

void TestDialogs::architectureTreeAndHooks()
{
    const QJsonObject arch = test::sampleArchitecture(4);
    QVERIFY(!arch.isEmpty());
    ArchitectureDialog d(u"meta-llama/Llama-3.2-1B"_s, arch);
    // Top-level modules + 4 blocks; block 0 has 9 modules, each with its tensor.
    QCOMPARE(d.layerTree()->topLevelItemCount(), 5);
    QTreeWidgetItem *block0 = d.layerTree()->topLevelItem(1);
    QVERIFY(block0->text(0).contains(u"model.layers.0"_s));
    QCOMPARE(block0->childCount(), 9);
    QTreeWidgetItem *q = block0->child(0);
    QCOMPARE(q->text(0), u"self_attn.q_proj"_s);
    QCOMPARE(q->child(0)->text(1), u"[2048, 2048]"_s);
    QCOMPARE(q->child(0)->text(2), u"BF16"_s);
    QCOMPARE(q->child(0)->text(3), u"4,194,304"_s);
    // Hook points: 5 per layer for llama (resid_pre, attn_out, resid_mid, mlp_out, resid_post).
    QCOMPARE(d.hookTable()->rowCount(), arch.value(u"hook_point_details"_s).toArray().size());
    QCOMPARE(d.hookTable()->rowCount(), 20);
    bool found = false;
    for (int r = 0; r < d.hookTable()->rowCount(); ++r) {
        if (d.hookTable()->item(r, 0)->text() == u"model.layers.2.hook_resid_post"_s) {
            QCOMPARE(d.hookTable()->item(r, 4)->text(), u"blocks.2.hook_resid_post"_s);
            QVERIFY(d.hookTable()->item(r, 3)->text().startsWith(u"model.layers.2"_s));
            found = true;
        }
    }
    QVERIFY(found);
    QTest::mouseClick(d.findChild<QPushButton *>(u"copyArchitecture"_s), Qt::LeftButton);
    QCOMPARE(QJsonDocument::fromJson(QGuiApplication::clipboard()->text().toUtf8()).object(), arch);
}

void TestDialogs::architectureExport()
{
    QTemporaryDir dir;
    ArchitectureDialog d(u"gpt2"_s, test::sampleArchitecture(2));
    QSignalSpy exported(&d, &ArchitectureDialog::exported);
    const QString path = dir.filePath(u"arch.json"_s);
    d.exportTo(path);
    QTRY_COMPARE(exported.count(), 1);
    QCOMPARE(exported.first().at(1).toString(), QString());
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(QJsonDocument::fromJson(f.readAll()).object(), test::sampleArchitecture(2));
    d.exportTo(dir.filePath(u"no/such/dir/arch.json"_s));
    QTRY_COMPARE(exported.count(), 2);
    QVERIFY(!exported.last().at(1).toString().isEmpty());
}

void TestDialogs::settingsRoundTrip()
{
    QTemporaryDir dir;
    QSettings s(dir.filePath(u"s.ini"_s), QSettings::IniFormat);
    {
        SettingsDialog d(&s, nullptr);
        d.findChild<QLineEdit *>(u"dataDirEdit"_s)->setText(u"/srv/models"_s);
        d.findChild<QLineEdit *>(u"endpointEdit"_s)->setText(u"https://hf-mirror.example"_s);
        d.findChild<QSpinBox *>(u"maxDownloadsSpin"_s)->setValue(3);
        d.findChild<QSpinBox *>(u"connectionsSpin"_s)->setValue(12);
        d.findChild<QLineEdit *>(u"bandwidthEdit"_s)->setText(u"50M"_s);
        d.findChild<QRadioButton *>(u"dbPostgres"_s)->setChecked(true);
        d.findChild<QLineEdit *>(u"dbUrlEdit"_s)->setText(u"postgresql://me@db/mistudio"_s);
        d.findChild<QSpinBox *>(u"serverPortSpin"_s)->setValue(9000);
        QVERIFY(d.apply());
    }
    auto key = [](const char *k) { return QString::fromLatin1(k); };
    QCOMPARE(s.value(key(settingskeys::kDataDir)).toString(), u"/srv/models"_s);
    QCOMPARE(s.value(key(settingskeys::kHubEndpoint)).toString(), u"https://hf-mirror.example"_s);
    QCOMPARE(s.value(key(settingskeys::kMaxConcurrentDownloads)).toInt(), 3);
    QCOMPARE(s.value(key(settingskeys::kConnectionsPerFile)).toInt(), 12);
    QCOMPARE(s.value(key(settingskeys::kBandwidthCap)).toLongLong(), 50'000'000);
    QCOMPARE(s.value(key(settingskeys::kDatabaseUrl)).toString(), u"postgresql://me@db/mistudio"_s);
    QCOMPARE(s.value(key(settingskeys::kServerPort)).toInt(), 9000);
    // Reopened, the dialog shows what is stored.
    SettingsDialog again(&s, nullptr);
    QCOMPARE(again.findChild<QSpinBox *>(u"connectionsSpin"_s)->value(), 12);
    QVERIFY(again.findChild<QRadioButton *>(u"dbPostgres"_s)->isChecked());
    again.setServerApiToken(u"tok123"_s);
    QCOMPARE(again.findChild<QLineEdit *>(u"apiTokenEdit"_s)->text(), u"tok123"_s);
}

void TestDialogs::settingsRejectsBadValues_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("value");
    QTest::newRow("endpoint not a url") << u"endpointEdit"_s << u"huggingface"_s;
    QTest::newRow("endpoint ftp") << u"endpointEdit"_s << u"ftp://mirror"_s;
    QTest::newRow("bandwidth words") << u"bandwidthEdit"_s << u"fast"_s;
}

void TestDialogs::settingsRejectsBadValues()
{
    QFETCH(QString, field);
    QFETCH(QString, value);
    QTemporaryDir dir;
    QSettings s(dir.filePath(u"s.ini"_s), QSettings::IniFormat);
    SettingsDialog d(&s, nullptr);
    d.findChild<QLineEdit *>(field)->setText(value);
    QVERIFY(!d.apply());
    QVERIFY(!d.errorText().isEmpty());
    QVERIFY(s.allKeys().isEmpty()); // nothing written
}

QTEST_MAIN(TestDialogs)
#include "tst_dialogs.moc"
