// Preview, re-quantize, architecture and settings dialogs render what they are given: exact
// figures in words, files, per-mode sizes against free space and this machine's memory, the
// model card, unknowns (not zeros) without access, the layer tree with the module kind in its
// own column, hook points, settings keys and the values in effect with their sources.
#include "architecturedialog.h"
#include "common/settingskeys.h"
#include "configineffect.h"
#include "fakebackend.h"
#include "hub/huboptions.h"
#include "previewdialog.h"
#include "requantizedialog.h"
#include "sampledata.h"
#include "settingsdialog.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTreeWidget>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace mistudio::ui;
using test::FakeBackend;

class TestDialogs final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void previewShowsExactFigures();
    void previewReadsInWords();
    void previewPerModeSizes_data();
    void previewPerModeSizes();
    void previewWarnsWhenItDoesNotFit();
    void previewFitsInMemoryHint();
    void previewTrustRemoteCodeWarning();
    void previewDownloadUsesChosenMode();
    void previewGatedWithoutAccessShowsUnknowns();
    void previewModelCardAndHubPage();
    void previewTabReachesTheModesOnce();
    void previewRadiosVisibleInADarkTheme();
    void requantizeDialogEstimatesAndDevice();
    void architectureTreeAndHooks();
    void architectureKindHasItsOwnColumn();
    void architectureExport();
    void settingsRoundTrip();
    void settingsRejectsBadValues_data();
    void settingsRejectsBadValues();
    void settingsShowsValuesInEffect();
    void configInEffectNamesTheSource();
};

void TestDialogs::previewShowsExactFigures()
{
    PreviewDialog d(test::samplePreview(), QuantOptions{});
    QVERIFY(d.fieldText(u"parameters"_s).contains(u"2.6B"_s));
    QVERIFY(d.fieldText(u"parameters"_s).contains(u"2,614,341,888"_s));
    QCOMPARE(d.fieldText(u"num_layers"_s), u"26"_s);
    QCOMPARE(d.fieldText(u"hidden_size"_s), u"2,304"_s);
    QCOMPARE(d.fieldText(u"license"_s), u"gemma"_s);
    QVERIFY(d.fieldText(u"access"_s).contains(u"gated"_s));
    QCOMPARE(d.filesTable()->rowCount(), 9);
    QCOMPARE(d.filesTable()->item(2, 0)->text(), u"model-00001-of-00002.safetensors"_s);
    QCOMPARE(d.filesTable()->item(2, 1)->text(), u"4.99 GB"_s);
    QVERIFY(!d.spaceWarningShown());
}

void TestDialogs::previewReadsInWords()
{
    // Issue 17 item 10: the preview read like a debug panel and lacked heads, vocabulary,
    // context length and dtype.
    PreviewDialog d(test::samplePreview(), QuantOptions{});
    QCOMPARE(d.fieldText(u"num_attention_heads"_s), u"8 (4 key/value heads)"_s);
    QCOMPARE(d.fieldText(u"vocab_size"_s), u"256,000"_s);
    QCOMPARE(d.fieldText(u"max_position_embeddings"_s), u"8,192 tokens"_s);
    QCOMPARE(d.fieldText(u"torch_dtype"_s), u"float32"_s);
    QCOMPARE(d.fieldText(u"params_source"_s), u"the weight files' headers (exact)"_s);
    QCOMPARE(d.fieldText(u"access"_s),
             u"gated, approval by the authors; the token from the keychain has access"_s);
    QStringList shown;
    for (const QLabel *l : d.findChildren<QLabel *>())
        shown << l->text();
    for (const QAbstractButton *b : d.findChildren<QAbstractButton *>())
        shown << b->text();
    const QString all = shown.join(u'\n');
    for (const QString &debug : {u"safetensors_headers"_s, u"Header bytes"_s, u"explicit"_s,
                                 u"hub_safetensors"_s, u"token_source"_s, u"_bytes"_s})
        QVERIFY2(!all.contains(debug), qPrintable(debug));
    QCOMPARE(d.findChild<QLabel *>(u"skippedFiles"_s)->text().contains(u"pytorch_model.bin"_s),
             true);
}

void TestDialogs::previewPerModeSizes_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<QString>("disk");
    QTest::addColumn<QString>("memory");
    QTest::addColumn<QString>("needed");
    QTest::newRow("none") << u"none"_s << u"5.23 GB"_s << u"5.75 GB"_s << u"5.25 GB"_s;
    QTest::newRow("4-bit") << u"bnb-4bit"_s << u"2.18 GB"_s << u"2.40 GB"_s << u"7.42 GB"_s;
    QTest::newRow("8-bit") << u"bnb-8bit"_s << u"3.18 GB"_s << u"3.50 GB"_s << u"8.42 GB"_s;
}

void TestDialogs::previewPerModeSizes()
{
    QFETCH(QString, mode);
    QFETCH(QString, disk);
    QFETCH(QString, memory);
    QFETCH(QString, needed);
    PreviewDialog d(test::samplePreview(), QuantOptions{});
    QCOMPARE(d.modeText(mode, 0), disk);
    QCOMPARE(d.modeText(mode, 1), memory);
    QCOMPARE(d.modeText(mode, 2), needed);
}

void TestDialogs::previewWarnsWhenItDoesNotFit()
{
    // 6 GB free: the download fits, download + 4-bit variant does not.
    PreviewDialog d(test::samplePreview(6'000'000'000LL), QuantOptions{u"none"_s});
    d.show();
    QVERIFY(!d.spaceWarningShown());
    d.findChild<QRadioButton *>(u"mode_bnb-4bit"_s)->click();
    QVERIFY(d.spaceWarningShown());
    QVERIFY(d.findChild<QLabel *>(u"spaceWarning"_s)->text().contains(u"6.00 GB"_s));
    d.findChild<QRadioButton *>(u"mode_none"_s)->click();
    QVERIFY(!d.spaceWarningShown());
}

void TestDialogs::previewFitsInMemoryHint()
{
    PreviewDialog d(test::samplePreview(), QuantOptions{});
    QCOMPARE(d.modeText(u"none"_s, 3), u"unknown"_s); // until the machine is known
    d.setMachine(MachineInfo{4'000'000'000LL, {}, -1});
    QCOMPARE(d.modeText(u"none"_s, 3), u"no: RAM is 4.00 GB"_s);
    QCOMPARE(d.modeText(u"bnb-4bit"_s, 3), u"RAM (4.00 GB)"_s);
    d.setMachine(MachineInfo{64'000'000'000LL, {u"cuda:0"_s}, 3'000'000'000LL});
    QCOMPARE(d.modeText(u"bnb-4bit"_s, 3), u"GPU (3.00 GB)"_s);
    QCOMPARE(d.modeText(u"bnb-8bit"_s, 3), u"RAM (64.0 GB)"_s);
    // Through the backend: the dialog asks it for this machine.
    FakeBackend backend;
    backend.machineInfo = MachineInfo{1'000'000'000LL, {}, -1};
    PreviewDialog viaBackend(test::samplePreview(), QuantOptions{}, &backend);
    QTRY_COMPARE(viaBackend.modeText(u"none"_s, 3), u"no: RAM is 1.00 GB"_s);
}

void TestDialogs::previewTrustRemoteCodeWarning()
{
    auto plain = std::make_unique<PreviewDialog>(test::samplePreview(), QuantOptions{});
    QVERIFY(plain->findChild<QLabel *>(u"previewWarnings"_s)->isHidden());
    hub::ModelPreview p = test::samplePreview();
    p.requiresTrustRemoteCode = true;
    PreviewDialog d(p, QuantOptions{});
    QVERIFY(!d.findChild<QLabel *>(u"previewWarnings"_s)->isHidden());
    QVERIFY(d.findChild<QLabel *>(u"previewWarnings"_s)->text().contains(u"trust_remote_code"_s));
}

void TestDialogs::previewDownloadUsesChosenMode()
{
    PreviewDialog d(test::samplePreview(), QuantOptions{u"none"_s, u"fp4"_s, false});
    QSignalSpy download(&d, &PreviewDialog::downloadRequested);
    d.findChild<QRadioButton *>(u"mode_bnb-8bit"_s)->click();
    QTest::mouseClick(d.findChild<QPushButton *>(u"previewDownload"_s), Qt::LeftButton);
    QCOMPARE(download.count(), 1);
    const auto q = download.first().at(0).value<QuantOptions>();
    QCOMPARE(q.mode, u"bnb-8bit"_s);
    QCOMPARE(q.quantType, u"fp4"_s); // the advanced options of the form carry through
    QCOMPARE(d.result(), int(QDialog::Accepted));
}

void TestDialogs::previewGatedWithoutAccessShowsUnknowns()
{
    // Issue 17 item 7: 0 layers, 0 hidden size, a 4-bit size 2.5x too small, Download enabled,
    // "your token has access" with no token.
    PreviewDialog d(test::sampleGatedPreview(), QuantOptions{});
    QCOMPARE(d.fieldText(u"num_layers"_s), u"unknown without access"_s);
    QCOMPARE(d.fieldText(u"hidden_size"_s), u"unknown without access"_s);
    QCOMPARE(d.fieldText(u"vocab_size"_s), u"unknown without access"_s);
    QCOMPARE(d.modeText(u"bnb-4bit"_s, 0), u"unknown"_s);
    QCOMPARE(d.modeText(u"bnb-8bit"_s, 0), u"unknown"_s);
    QCOMPARE(d.modeText(u"none"_s, 0), u"2.47 GB"_s); // the file list is public: a fact
    QCOMPARE(d.modeText(u"none"_s, 1), u"unknown"_s);
    QVERIFY(!d.downloadButton()->isEnabled());
    QVERIFY(d.fieldText(u"access"_s).contains(u"no token is set"_s));
    QVERIFY(!d.fieldText(u"access"_s).contains(u"has access"_s));
    QVERIFY(d.fieldText(u"parameters"_s).contains(u"1,235,814,400"_s)); // the Hub's own count
    QCOMPARE(d.fieldText(u"params_source"_s), u"the Hub's metadata"_s);
    QVERIFY(d.findChild<QLabel *>(u"previewWarnings"_s)->text().contains(u"No access yet"_s));
    QSignalSpy token(&d, &PreviewDialog::tokenRequested);
    QTest::mouseClick(d.findChild<QPushButton *>(u"previewEnterToken"_s), Qt::LeftButton);
    QCOMPARE(token.count(), 1);
}

void TestDialogs::previewModelCardAndHubPage()
{
    FakeBackend backend;
    PreviewDialog d(test::samplePreview(), QuantOptions{}, &backend,
                    QUrl(u"https://hf-mirror.example/"_s));
    QCOMPARE(d.modelPageUrl(), QUrl(u"https://hf-mirror.example/google/gemma-2-2b"_s));
    QVERIFY(d.findChild<QPushButton *>(u"openOnHub"_s));
    QVERIFY(backend.calls.filter(u"card"_s).isEmpty()); // loaded when the tab is opened
    d.tabs()->setCurrentWidget(d.modelCard());
    QTRY_VERIFY(d.modelCard()->toPlainText().contains(u"Sample model"_s));
    QVERIFY(!d.modelCard()->toPlainText().contains(u"license: gemma"_s)); // the metadata block goes
    QVERIFY(
        d.modelCard()->toHtml().contains(u"<span style=\" font-weight:"_s)); // rendered Markdown
    FakeBackend none;
    none.cardError = Error::make(ErrorCode::EntryNotFound, u"no README.md"_s);
    PreviewDialog without(test::samplePreview(), QuantOptions{}, &none);
    without.tabs()->setCurrentWidget(without.modelCard());
    QTRY_VERIFY(without.modelCard()->placeholderText().contains(u"could not be loaded"_s));
}

void TestDialogs::previewTabReachesTheModesOnce()
{
    // Issue 17 item 9: Tab walked cell by cell through the quantization table.
    PreviewDialog d(test::samplePreview(), QuantOptions{u"bnb-4bit"_s});
    d.show();
    QVERIFY(QTest::qWaitForWindowActive(&d));
    auto *fourBit = d.findChild<QRadioButton *>(u"mode_bnb-4bit"_s);
    fourBit->setFocus(Qt::TabFocusReason);
    QVERIFY(fourBit->hasFocus());
    // Arrows choose within the group...
    QTest::keyClick(fourBit, Qt::Key_Down);
    QVERIFY(d.findChild<QRadioButton *>(u"mode_bnb-8bit"_s)->isChecked());
    // ...and one Tab leaves it.
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    QVERIFY(!qobject_cast<QRadioButton *>(QApplication::focusWidget()));
    int tabs = 0;
    while (QApplication::focusWidget() != d.downloadButton() && tabs < 10) {
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        ++tabs;
    }
    QVERIFY2(tabs < 4, qPrintable(u"%1 Tabs from the modes to Download"_s.arg(tabs + 1)));
}

void TestDialogs::previewRadiosVisibleInADarkTheme()
{
    // Issue 17 item 14: the radio buttons sat in table cells and vanished in a dark theme.
    const QPalette light = QApplication::palette();
    QApplication::setPalette(test::darkPalette());
    PreviewDialog d(test::samplePreview(), QuantOptions{u"bnb-4bit"_s});
    d.show();
    QVERIFY(QTest::qWaitForWindowExposed(&d));
    for (const QString &mode : {u"none"_s, u"bnb-4bit"_s}) {
        auto *radio = d.findChild<QRadioButton *>(u"mode_"_s + mode);
        for (QWidget *w = radio->parentWidget(); w; w = w->parentWidget())
            QVERIFY(!qobject_cast<QAbstractItemView *>(w)); // no cell widget any more
        // The indicator (left square of the button) must differ from what is around it.
        const QImage img = radio->grab().toImage();
        const int h = img.height();
        const QColor bg = img.pixelColor(img.width() - 1, 0);
        int contrasting = 0;
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < h; ++x) {
                const QColor c = img.pixelColor(x, y);
                if (std::abs(c.lightness() - bg.lightness()) > 20)
                    ++contrasting;
            }
        QVERIFY2(contrasting > h,
                 qPrintable(u"%1: %2 contrasting pixels"_s.arg(mode).arg(contrasting)));
    }
    QApplication::setPalette(light);
}

void TestDialogs::requantizeDialogEstimatesAndDevice()
{
    FakeBackend backend;
    backend.estimates = test::samplePreview().sizes;
    backend.machineInfo.gpus = {u"cuda:0"_s};
    const ModelRecord r = FakeBackend::makeRecord(0);
    backend.variantsOf[r.id] = {
        FakeBackend::makeVariant(r.id, u"bnb-4bit-nf4-dq"_s, 2'180'000'000LL)};
    RequantizeDialog d(r, &backend);
    QTRY_COMPARE(d.sizeText(u"bnb-4bit-nf4-dq"_s), u"2.18 GB"_s);
    QCOMPARE(d.sizeText(u"bnb-8bit"_s), u"3.18 GB"_s);
    QTRY_COMPARE(d.presentText(u"bnb-4bit-nf4-dq"_s), u"2.18 GB"_s);
    QCOMPARE(d.chosen().mode, u"bnb-4bit"_s);
    QVERIFY(d.chosen().doubleQuant);
    QVERIFY(
        d.findChild<QLabel *>(u"requantizeNote"_s)->text().contains(u"replaces only that one"_s));
    auto *device = d.findChild<QComboBox *>(u"deviceBox"_s);
    QTRY_COMPARE(device->count(), 3); // auto, cpu, cuda:0
    device->setCurrentIndex(2);
    QCOMPARE(d.chosen().device, u"cuda:0"_s);
    // Unreadable files: the sizes say unknown, the dialog still works.
    FakeBackend broken;
    broken.estimateError = Error::make(ErrorCode::InvalidCheckpoint, u"bad header"_s);
    RequantizeDialog o(r, &broken);
    QTRY_COMPARE(o.sizeText(u"bnb-8bit"_s), u"unknown"_s);
}

void TestDialogs::architectureTreeAndHooks()
{
    const QJsonObject arch = test::sampleArchitecture(4);
    QVERIFY(!arch.isEmpty());
    ArchitectureDialog d(u"meta-llama/Llama-3.2-1B"_s, arch);
    // Top-level modules + 4 blocks.
    QCOMPARE(d.layerTree()->topLevelItemCount(), 5);
    QTreeWidgetItem *block0 = d.layerTree()->topLevelItem(1);
    QVERIFY(block0->text(0).contains(u"model.layers.0"_s));
    QCOMPARE(block0->childCount(), 9);
    QTreeWidgetItem *q = block0->child(0);
    QCOMPARE(q->text(0), u"self_attn.q_proj"_s);
    QCOMPARE(q->child(0)->text(2), u"[2048, 2048]"_s);
    QCOMPARE(q->child(0)->text(3), u"BF16"_s);
    QCOMPARE(q->child(0)->text(4), u"4,194,304"_s);
    QCOMPARE(d.hookTable()->rowCount(), arch.value(u"hook_point_details"_s).toArray().size());
    QCOMPARE(d.hookTable()->rowCount(), 20);
    bool found = false;
    for (int r = 0; r < d.hookTable()->rowCount(); ++r)
        if (d.hookTable()->item(r, 0)->text() == u"model.layers.2.hook_resid_post"_s) {
            QCOMPARE(d.hookTable()->item(r, 4)->text(), u"blocks.2.hook_resid_post"_s);
            QVERIFY(d.hookTable()->item(r, 3)->text().startsWith(u"model.layers.2"_s));
            found = true;
        }
    QVERIFY(found);
    QTest::mouseClick(d.findChild<QPushButton *>(u"copyArchitecture"_s), Qt::LeftButton);
    QCOMPARE(QJsonDocument::fromJson(QGuiApplication::clipboard()->text().toUtf8()).object(), arch);
}

void TestDialogs::architectureKindHasItsOwnColumn()
{
    // Issue 17 item 11: top-level modules showed their kind in the Dtype column.
    ArchitectureDialog d(u"meta-llama/Llama-3.2-1B"_s, test::sampleArchitecture(2));
    QTreeWidget *tree = d.layerTree();
    QCOMPARE(tree->headerItem()->text(1), u"Kind"_s);
    QCOMPARE(tree->headerItem()->text(3), u"Dtype"_s);
    QTreeWidgetItem *top = tree->topLevelItem(0);
    QVERIFY(top->childCount() >= 2);
    for (int i = 0; i < top->childCount(); ++i) {
        QTreeWidgetItem *module = top->child(i);
        QVERIFY2(!module->text(1).isEmpty(), qPrintable(module->text(0)));
        QVERIFY2(module->text(3).isEmpty(),
                 qPrintable(module->text(0) + u": "_s + module->text(3)));
        QCOMPARE(module->child(0)->text(3), u"BF16"_s); // its tensor has the dtype
    }
    QCOMPARE(top->child(0)->text(1), u"embedding"_s);
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

void TestDialogs::settingsShowsValuesInEffect()
{
    // Issue 17 item 15: Settings did not show the data directory and endpoint in use, nor
    // where each came from.
    QTemporaryDir dir;
    QSettings s(dir.filePath(u"s.ini"_s), QSettings::IniFormat);
    SettingsDialog d(&s, nullptr);
    QVERIFY(d.inEffectText(u"data_dir"_s).isEmpty()); // nothing claimed before it is known
    ConfigInEffect c;
    c.dataDir = {u"/srv/models"_s, ConfigInEffect::Source::Environment, u"MISTUDIO_DATA_DIR"_s};
    c.databaseUrl = {u"postgresql://me:secret@db/mistudio"_s, ConfigInEffect::Source::CommandLine,
                     u"--database-url"_s};
    c.hubEndpoint = {u"https://huggingface.co"_s, ConfigInEffect::Source::Default, QString()};
    c.tokenSource = u"HF_TOKEN"_s;
    d.setConfigInEffect(c);
    QCOMPARE(d.inEffectText(u"data_dir"_s),
             u"In use now: /srv/models — from the environment (MISTUDIO_DATA_DIR)"_s);
    QCOMPARE(d.inEffectText(u"endpoint"_s),
             u"In use now: https://huggingface.co — built-in default"_s);
    QVERIFY(d.inEffectText(u"database"_s).contains(u"from the command line (--database-url)"_s));
    QVERIFY(!d.inEffectText(u"database"_s).contains(u"secret"_s));
    QVERIFY(d.inEffectText(u"token"_s).contains(u"HF_TOKEN"_s));
}

void TestDialogs::configInEffectNamesTheSource()
{
    QTemporaryDir dir;
    QSettings s(dir.filePath(u"s.ini"_s), QSettings::IniFormat);
    s.setValue(QString::fromLatin1(settingskeys::kDataDir), u"/from/settings"_s);
    s.setValue(QString::fromLatin1(settingskeys::kHubEndpoint), u"https://settings.example"_s);
    QProcessEnvironment env;
    auto describe = [&](const AppConfig::Overrides &cli) {
        const AppConfig config = AppConfig::resolve(cli, env, &s);
        const hub::HubOptions hub = hub::HubOptions::fromEnvironment(env, &s);
        return std::pair{config, ConfigInEffect::describe(cli, env, &s, config, hub)};
    };
    auto [c1, e1] = describe({});
    QCOMPARE(e1.dataDir.source, ConfigInEffect::Source::SettingsFile);
    QCOMPARE(e1.dataDir.value, c1.dataDir);
    QCOMPARE(e1.hubEndpoint.source, ConfigInEffect::Source::SettingsFile);
    QCOMPARE(e1.hubEndpoint.value, u"https://settings.example"_s);
    QCOMPARE(e1.databaseUrl.source, ConfigInEffect::Source::Default);
    env.insert(u"MISTUDIO_DATA_DIR"_s, dir.filePath(u"env"_s));
    env.insert(u"HF_ENDPOINT"_s, u"https://env.example"_s);
    auto [c2, e2] = describe({});
    QCOMPARE(e2.dataDir.source, ConfigInEffect::Source::Environment);
    QCOMPARE(e2.dataDir.value, c2.dataDir);
    QCOMPARE(e2.dataDir.value, dir.filePath(u"env"_s));
    QCOMPARE(e2.hubEndpoint.value, u"https://env.example"_s);
    QCOMPARE(e2.hubEndpoint.origin, u"HF_ENDPOINT"_s);
    auto [c3, e3] = describe({dir.filePath(u"cli"_s), QString()});
    QCOMPARE(e3.dataDir.source, ConfigInEffect::Source::CommandLine);
    QCOMPARE(e3.dataDir.value, c3.dataDir);
    QCOMPARE(c3.dataDir, dir.filePath(u"cli"_s));
}

QTEST_MAIN(TestDialogs)
#include "tst_dialogs.moc"
