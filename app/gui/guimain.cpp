// The GUI module's entry point: creates the QApplication, loads translations, builds the core
// objects and shows the main window. Loaded by `mistudio` (app/guiloader.cpp) only when a
// window is wanted, so that the CLI and `mistudio serve` never load Qt Gui or Widgets.
#include "common/appconfig.h"
#include "common/settingskeys.h"
#include "mainwindow.h"

#include <QApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QProcessEnvironment>
#include <QSettings>
#include <QTranslator>

using namespace Qt::Literals::StringLiterals;

extern "C" Q_DECL_EXPORT int mistudio_gui_main(int &argc, char **argv,
                                               const mistudio::AppConfig::Overrides &overrides)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(u"mistudio"_s);
    QApplication::setApplicationName(u"mistudio-models"_s);
    QApplication::setApplicationDisplayName(u"miStudio Models"_s);
    QApplication::setApplicationVersion(QStringLiteral(MISTUDIO_VERSION));
    QApplication::setDesktopFileName(u"io.mistudio.Models"_s);

    QSettings settings;
    const QString language = settings.value(QLatin1StringView(mistudio::settingskeys::kLanguage)).toString();
    const QLocale locale = language.isEmpty() ? QLocale::system() : QLocale(language);
    QTranslator qtTranslator;
    if (qtTranslator.load(locale, u"qtbase"_s, u"_"_s, QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(&qtTranslator);
    QTranslator appTranslator;
    if (appTranslator.load(locale, u"mistudio"_s, u"_"_s, u":/i18n"_s))
        QApplication::installTranslator(&appTranslator);

    const mistudio::AppConfig config = mistudio::AppConfig::resolve(
        overrides, QProcessEnvironment::systemEnvironment(), &settings);
    mistudio::ui::MainWindow window(config, nullptr, &settings);
    window.show();
    return QApplication::exec();
}
