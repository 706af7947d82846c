// Renders each main view of the desktop app to a PNG (docs/screenshots), with an in-memory
// catalogue so that the pictures are the same on every machine:
//   mistudio_screenshots OUTPUT_DIR        (under xvfb-run, or QT_QPA_PLATFORM=offscreen)
// The issue17-*-after pictures show each fixed problem of the desktop app (docs/screenshots/README.md).
#include "architecturedialog.h"
#include "detailspane.h"
#include "downloadform.h"
#include "fakebackend.h"
#include "helpdialog.h"
#include "mainwindow.h"
#include "modelspanel.h"
#include "modeltablemodel.h"
#include "previewdialog.h"
#include "requantizedialog.h"
#include "sampledata.h"
#include "settingsdialog.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QCompleter>
#include <QDir>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QSettings>
#include <QSplitter>
#include <QStyleFactory>
#include <QSystemTrayIcon>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>
#include <QTranslator>
#include <QTreeWidget>

#include <cstdio>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace mistudio::ui;
using test::FakeBackend;

static QString g_out;

static void settle(int ms = 300)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

static void save(QWidget *w, const QString &name)
{
    settle();
    const QString path = g_out + u'/' + name + u".png"_s;
    if (!w->grab().save(path))
        std::fprintf(stderr, "could not write %s\n", qPrintable(path));
    else
        std::printf("%s\n", qPrintable(path));
}

// A catalogue with every state a row can be in.
static void fillCatalogue(FakeBackend &b)
{
    const ModelStatus statuses[] = {ModelStatus::Ready,   ModelStatus::Downloading,
                                    ModelStatus::Ready,   ModelStatus::Quantizing,
                                    ModelStatus::Failed,  ModelStatus::Pending,
                                    ModelStatus::Ready,   ModelStatus::Downloading,
                                    ModelStatus::Pending, ModelStatus::Ready};
    for (int i = 0; i < 10; ++i)
        b.records.push_back(FakeBackend::makeRecord(i, statuses[i]));
    b.records[4].errorMessage =
        u"checksum_mismatch: model-00001-of-00002.safetensors: sha256 differs"_s;
    b.jobList = {FakeBackend::makeJob(b.records[1].id, u"running"_s),
                 FakeBackend::makeJob(b.records[3].id, u"running"_s, u"quantize"_s),
                 FakeBackend::makeJob(b.records[7].id, u"queued"_s),
                 FakeBackend::makeJob(b.records[5].id, u"paused"_s)};
    b.jobList[3].transfer.downloadedBytes = 1'210'000'000;
    b.jobList[3].transfer.totalBytes = 10'000'000'000;
}

static JobProgress downloadProgress()
{
    JobProgress p{JobProgress::Phase::Download,
                  63.4,
                  1'054'000'000,
                  1'662'000'000,
                  48'200'000.0,
                  13,
                  2,
                  4,
                  {}};
    p.files = {TransferFile{u"config.json"_s, 818, 818, TransferFile::State::Done, {}},
               TransferFile{u"model-00001-of-00002.safetensors"_s,
                            998'000'000,
                            998'000'000,
                            TransferFile::State::Verifying,
                            {}},
               TransferFile{u"model-00002-of-00002.safetensors"_s,
                            56'000'000,
                            640'000'000,
                            TransferFile::State::Downloading,
                            {}},
               TransferFile{u"tokenizer.json"_s, 0, 24'000'000, TransferFile::State::Queued, {}}};
    return p;
}

static void playProgress(FakeBackend &b, MainWindow &w)
{
    w.modelsPanel()->tableModel()->setFlushInterval(0);
    b.emitJobs();
    b.emitProgress(FakeBackend::makeRecord(1).id, downloadProgress());
    b.emitProgress(FakeBackend::makeRecord(3).id,
                   JobProgress{JobProgress::Phase::Quantize, 27.0, -1, -1, -1.0, 95, -1, -1, {}});
}

// The main window over the sample catalogue with jobs running.
static void saveCatalogueWindow(const AppConfig &config, QSettings *settings, const QString &name,
                                QSize size = {})
{
    FakeBackend b;
    fillCatalogue(b);
    MainWindow w(config, &b, settings);
    if (size.isValid())
        w.resize(size);
    w.show();
    settle();
    playProgress(b, w);
    w.modelsPanel()->selectModel(FakeBackend::makeRecord(1).id);
    save(&w, name);
}

// A message box the window opened, once it is up.
static QMessageBox *openedBox(QWidget *parent, const QString &name)
{
    for (int i = 0; i < 50; ++i) {
        if (auto *box = parent->findChild<QMessageBox *>(name); box && box->isVisible())
            return box;
        settle(20);
    }
    return nullptr;
}

static void saveIssueScenes(const AppConfig &config, QSettings *settings)
{
    FakeBackend b;
    fillCatalogue(b);
    b.previewData = test::samplePreview();
    b.searchResults = {{u"google/gemma-2-2b"_s, 412'000, 512, u"text-generation"_s, u"manual"_s,
                        false, QDateTime(QDate(2024, 8, 7), QTime(12, 0), Qt::UTC)},
                       {u"google/gemma-2-2b-it"_s, 1'320'000, 1024, u"text-generation"_s,
                        u"manual"_s, false, QDateTime(QDate(2024, 8, 27), QTime(12, 0), Qt::UTC)},
                       {u"google/gemma-2-9b"_s, 96'000, 640, u"text-generation"_s, QString(), false,
                        QDateTime(QDate(2024, 7, 1), QTime(12, 0), Qt::UTC)}};
    MainWindow w(config, &b, settings);
    w.show();
    settle();
    playProgress(b, w);
    ModelsPanel *panel = w.modelsPanel();

    // 1: parameters filled (exact count in the tooltip and the details).
    panel->selectModel(b.records[0].id);
    save(&w, u"issue17-01-parameters-after"_s);

    // 2: progress right after the name, paused rows keep their bar; a narrow window.
    w.resize(800, 600);
    panel->selectModel(b.records[5].id);
    save(&w, u"issue17-02-progress-800x600-after"_s);
    w.resize(1180, 760);

    // 3: cancel asks, says what is lost, offers Pause.
    panel->selectModel(b.records[1].id);
    panel->cancelAction()->trigger();
    if (QMessageBox *box = openedBox(&w, u"cancelConfirmation"_s)) {
        save(box, u"issue17-03-cancel-after"_s);
        box->reject();
    }
    settle();

    // 4: re-quantize asks which variant, with sizes.
    {
        b.estimates = test::samplePreview().sizes;
        b.variantsOf[b.records[0].id] = {
            FakeBackend::makeVariant(b.records[0].id, u"bnb-4bit-nf4-dq"_s, 2'175'455'232LL)};
        RequantizeDialog dlg(b.records[0], &b, &w);
        dlg.show();
        settle(); // the estimates and the variants on disk arrive from the backend
        save(&dlg, u"issue17-04-requantize-after"_s);
    }

    // 5: a refused download: the error under the form, no row.
    w.downloadForm()->repoEdit()->setText(u"google/gemma-2-2bb"_s);
    w.downloadForm()->showError(Error::make(ErrorCode::RepoNotFound, u"Repository not found"_s,
                                            {{u"repo_id"_s, u"google/gemma-2-2bb"_s}}));
    save(&w, u"issue17-05-refused-download-after"_s);
    w.downloadForm()->repoEdit()->clear();

    // 6: delete says what it frees (the service's plan: the download and every variant).
    panel->selectModel(b.records[0].id);
    panel->deleteAction()->trigger();
    if (QMessageBox *box = openedBox(&w, u"deleteConfirmation"_s)) {
        save(box, u"issue17-06-delete-after"_s);
        box->reject();
    }
    settle();

    // 7: a gated preview without access: unknowns, no Download.
    {
        PreviewDialog gated(test::sampleGatedPreview(), QuantOptions{}, &b, {}, &w);
        gated.show();
        save(&gated, u"issue17-07-gated-preview-after"_s);
    }

    // 8: quitting with jobs asks; the tray menu.
    w.setTrayAvailable(true);
    w.close();
    if (QMessageBox *box = openedBox(&w, u"quitConfirmation"_s)) {
        save(box, u"issue17-08-quit-after"_s);
        box->reject();
    }
    settle();
    w.trayMenu()->popup(w.geometry().center());
    save(w.trayMenu(), u"issue17-08-tray-menu-after"_s);
    w.trayMenu()->hide();
    w.setTrayAvailable(QSystemTrayIcon::isSystemTrayAvailable());

    // 9: keyboard shortcuts (the list is read from the actions themselves).
    {
        HelpDialog *keys = HelpDialog::shortcuts(&w);
        keys->show();
        save(keys, u"issue17-09-shortcuts-after"_s);
        delete keys;
    }

    // 10: the preview in words, with heads, vocabulary, context and dtype.
    {
        PreviewDialog preview(test::samplePreview(), QuantOptions{u"bnb-4bit"_s, u"nf4"_s, true},
                              &b, {}, &w);
        preview.show();
        save(&preview, u"issue17-10-preview-after"_s);
        preview.tabs()->setCurrentIndex(2);
        save(&preview, u"preview-model-card"_s);
    }

    // 11: the module kind in its own column.
    {
        ArchitectureDialog arch(u"meta-llama/Llama-3.2-1B"_s, test::sampleArchitecture(), &w);
        arch.show();
        arch.findChild<QTabWidget *>()->setCurrentIndex(1);
        arch.layerTree()->expandToDepth(0);
        save(&arch, u"issue17-11-architecture-after"_s);
    }

    // 13: the form folded away; columns balanced.
    w.setAddFormExpanded(false);
    save(&w, u"issue17-13-collapsed-form-after"_s);
    w.setAddFormExpanded(true);

    // 15: Settings shows what is in effect and where it comes from.
    {
        ConfigInEffect c;
        c.dataDir = {u"/srv/models"_s, ConfigInEffect::Source::Environment, u"MISTUDIO_DATA_DIR"_s};
        c.hubEndpoint = {u"https://hf-mirror.example"_s, ConfigInEffect::Source::Environment,
                         u"HF_ENDPOINT"_s};
        c.tokenSource = u"HF_TOKEN"_s;
        SettingsDialog s(settings, nullptr, &w);
        s.setConfigInEffect(c);
        s.show();
        save(&s, u"issue17-15-settings-after"_s);
        s.findChild<QTabWidget *>()->setCurrentIndex(1);
        save(&s, u"issue17-15-settings-hub-after"_s);
    }

    // Search results with Preview and Download.
    // Xvfb has no window manager to activate the window: do it, as a click on it would, so that
    // the field has the focus and the list opens under it (as wide as the field).
    QApplication::setActiveWindow(&w);
    QLineEdit *repo = w.downloadForm()->repoEdit();
    repo->setFocus();
    repo->setText(u"gemma-2"_s);
    for (int i = 0; i < 50 && !w.downloadForm()->completer()->popup()->isVisible(); ++i)
        settle(20);
    settle();
    const QRect popup = w.downloadForm()->completer()->popup()->geometry();
    const QRect inWindow(w.mapFromGlobal(popup.topLeft()), popup.size());
    QPixmap combined = w.grab();
    {
        QPainter p(&combined);
        p.drawPixmap(inWindow.topLeft(), w.downloadForm()->completer()->popup()->grab());
    }
    combined.save(g_out + u"/search-results.png"_s);
    std::printf("%s/search-results.png\n", qPrintable(g_out));
}

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setStyle(QStyleFactory::create(u"Fusion"_s));
    // The English pictures in one locale whatever LANG the build runs under (dates, numbers).
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s OUTPUT_DIR\n", argv[0]);
        return 2;
    }
    g_out = QString::fromLocal8Bit(argv[1]);
    QDir().mkpath(g_out);
    QTemporaryDir tmp;
    QSettings settings(tmp.filePath(u"settings.ini"_s), QSettings::IniFormat);
    AppConfig config;
    config.dataDir = u"/home/user/.local/share/mistudio"_s;

    {
        FakeBackend b;
        MainWindow w(config, &b, &settings);
        w.show();
        save(&w, u"main-empty"_s);
    }
    saveCatalogueWindow(config, &settings, u"main-models"_s);
    saveIssueScenes(config, &settings);
    {
        FakeBackend b;
        fillCatalogue(b);
        MainWindow w(config, &b, &settings);
        w.show();
        settle();
        w.downloadForm()->repoEdit()->setText(u"meta-llama/Llama-3.2-1B"_s);
        w.downloadForm()->showError(Error::make(ErrorCode::GatedAuthRequired, u"gated"_s));
        save(&w, u"download-form-gated"_s);

        PreviewDialog preview(test::samplePreview(), QuantOptions{u"bnb-4bit"_s, u"nf4"_s, true},
                              &b, {}, &w);
        preview.show();
        save(&preview, u"preview"_s);
        PreviewDialog tight(test::samplePreview(4'000'000'000LL), QuantOptions{}, &b, {}, &w);
        tight.show();
        save(&tight, u"preview-no-space"_s);

        ArchitectureDialog arch(u"meta-llama/Llama-3.2-1B"_s, test::sampleArchitecture(), &w);
        arch.show();
        auto *tabs = arch.findChild<QTabWidget *>();
        tabs->setCurrentIndex(1);
        arch.layerTree()->expandToDepth(1);
        save(&arch, u"architecture-layers"_s);
        tabs->setCurrentIndex(2);
        save(&arch, u"architecture-hooks"_s);

        SettingsDialog s(&settings, nullptr, &w);
        s.show();
        save(&s, u"settings"_s);
    }
    {
        // German and Simplified Chinese, as on a desktop whose locale is de_DE or zh_CN (or with
        // ui/language set). Numbers follow the language too.
        for (const QString &lang : {u"de"_s, u"zh_CN"_s}) {
            QTranslator t;
            if (!t.load(QLocale(lang), u"mistudio"_s, u"_"_s, u":/i18n"_s))
                std::fprintf(stderr, "no catalogue for %s\n", qPrintable(lang));
            QApplication::installTranslator(&t);
            QLocale::setDefault(QLocale(lang));
            saveCatalogueWindow(config, &settings, u"main-models-"_s + lang);
            FakeBackend b;
            PreviewDialog preview(test::samplePreview(),
                                  QuantOptions{u"bnb-4bit"_s, u"nf4"_s, true}, &b);
            preview.show();
            save(&preview, u"preview-"_s + lang);
            if (lang == u"de"_s) {
                SettingsDialog s(&settings, nullptr);
                s.show();
                save(&s, u"issue17-12-settings-de-after"_s);
            }
            QApplication::removeTranslator(&t);
        }
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    }
    {
        // The same window in a dark palette (as a dark desktop theme gives it).
        QApplication::setPalette(test::darkPalette());
        saveCatalogueWindow(config, &settings, u"main-models-dark"_s);
        FakeBackend b;
        PreviewDialog preview(test::samplePreview(), QuantOptions{u"bnb-4bit"_s, u"nf4"_s, true},
                              &b);
        preview.show();
        save(&preview, u"issue17-14-preview-dark-after"_s);
        {
            FakeBackend fb;
            fillCatalogue(fb);
            MainWindow w(config, &fb, &settings);
            w.show();
            settle();
            playProgress(fb, w);
            w.modelsPanel()->selectModel(fb.records[4].id);
            save(&w, u"main-models-failed-dark"_s);
        }
    }
    return 0;
}
