// Renders each main view of the desktop app to a PNG (docs/screenshots), with an in-memory
// catalogue so that the pictures are the same on every machine:
//   mistudio_screenshots OUTPUT_DIR        (QT_QPA_PLATFORM=offscreen or under xvfb-run)
#include "architecturedialog.h"
#include "downloadform.h"
#include "fakebackend.h"
#include "mainwindow.h"
#include "modelspanel.h"
#include "modeltablemodel.h"
#include "previewdialog.h"
#include "sampledata.h"
#include "settingsdialog.h"

#include <QApplication>
#include <QDir>
#include <QLineEdit>
#include <QSettings>
#include <QStyleFactory>
#include <QTabWidget>
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

static void fillCatalogue(FakeBackend &b)
{
    const ModelStatus statuses[] = {
        ModelStatus::Ready,  ModelStatus::Downloading, ModelStatus::Ready, ModelStatus::Quantizing,
        ModelStatus::Failed, ModelStatus::Pending,     ModelStatus::Ready, ModelStatus::Ready};
    for (int i = 0; i < 8; ++i)
        b.records.push_back(FakeBackend::makeRecord(i, statuses[i]));
}

static void playProgress(FakeBackend &b, MainWindow &w)
{
    w.modelsPanel()->tableModel()->setFlushInterval(0);
    b.emitProgress(FakeBackend::makeRecord(1).id,
                   JobProgress{JobProgress::Phase::Download, 63.4, 1'054'000'000, 1'662'000'000,
                               48'200'000.0, 13, 2, 4});
    b.emitProgress(FakeBackend::makeRecord(3).id,
                   JobProgress{JobProgress::Phase::Quantize, 27.0, -1, -1, -1.0, 95, -1, -1});
}

// The main window over the sample catalogue with two jobs running.
static void saveCatalogueWindow(const AppConfig &config, QSettings *settings, const QString &name)
{
    FakeBackend b;
    fillCatalogue(b);
    MainWindow w(config, &b, settings);
    w.show();
    settle();
    playProgress(b, w);
    save(&w, name);
}

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setStyle(QStyleFactory::create(u"Fusion"_s));
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
    {
        FakeBackend b;
        fillCatalogue(b);
        MainWindow w(config, &b, &settings);
        w.show();
        settle();
        playProgress(b, w);
        w.modelsPanel()->selectModel(FakeBackend::makeRecord(0).id);
        save(&w, u"main-models"_s);

        // Inline error of a gated repo without a token.
        w.downloadForm()->repoEdit()->setText(u"meta-llama/Llama-3.2-1B"_s);
        w.downloadForm()->showError(Error::make(ErrorCode::GatedAuthRequired, u"gated"_s));
        save(&w, u"download-form-gated"_s);

        PreviewDialog preview(test::samplePreview(), QuantOptions{u"bnb-4bit"_s, u"nf4"_s, true},
                              &w);
        preview.show();
        save(&preview, u"preview"_s);
        PreviewDialog tight(test::samplePreview(4'000'000'000LL), QuantOptions{}, &w);
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
        // German, as on a desktop whose locale is de_DE (or with ui/language = de).
        QTranslator de;
        if (de.load(QLocale(u"de"_s), u"mistudio"_s, u"_"_s, u":/i18n"_s))
            QApplication::installTranslator(&de);
        saveCatalogueWindow(config, &settings, u"main-models-de"_s);
        QTranslator zh;
        QApplication::removeTranslator(&de);
        if (zh.load(QLocale(u"zh_CN"_s), u"mistudio"_s, u"_"_s, u":/i18n"_s))
            QApplication::installTranslator(&zh);
        PreviewDialog preview(test::samplePreview(), QuantOptions{u"bnb-4bit"_s, u"nf4"_s, true});
        preview.show();
        save(&preview, u"preview-zh_CN"_s);
        QApplication::removeTranslator(&zh);
    }
    {
        // The same window in a dark palette (as a dark desktop theme gives it).
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(0x2b, 0x2d, 0x31));
        dark.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
        dark.setColor(QPalette::Base, QColor(0x1f, 0x20, 0x23));
        dark.setColor(QPalette::AlternateBase, QColor(0x26, 0x28, 0x2b));
        dark.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
        dark.setColor(QPalette::Button, QColor(0x35, 0x37, 0x3b));
        dark.setColor(QPalette::ButtonText, QColor(0xe6, 0xe6, 0xe6));
        dark.setColor(QPalette::Highlight, QColor(0x3d, 0x7a, 0xd6));
        dark.setColor(QPalette::HighlightedText, Qt::white);
        dark.setColor(QPalette::PlaceholderText, QColor(0x90, 0x90, 0x90));
        dark.setColor(QPalette::ToolTipBase, QColor(0x35, 0x37, 0x3b));
        dark.setColor(QPalette::ToolTipText, QColor(0xe6, 0xe6, 0xe6));
        for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
            dark.setColor(QPalette::Disabled, role, QColor(0x7a, 0x7a, 0x7a));
        QApplication::setPalette(dark);
        saveCatalogueWindow(config, &settings, u"main-models-dark"_s);
    }
    return 0;
}
