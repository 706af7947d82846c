// The GUI module's entry point: creates the QApplication, loads translations, builds the core
// objects and shows the main window. Loaded by `mistudio` (app/guiloader.cpp) only when a
// window is wanted, so that the CLI and `mistudio serve` never load Qt Gui or Widgets.
#include "common/appconfig.h"
#include "common/settingskeys.h"
#include "configineffect.h"
#include "desktopsession.h"
#include "errortext.h"
#include "mainwindow.h"
#include "stack/stackconfig.h"
#include "server/http/filelimit.h"

#include <QApplication>
#include <QHostAddress>
#include <QLibraryInfo>
#include <QLocale>
#include <QMessageBox>
#include <QProcessEnvironment>
#include <QSettings>
#include <QTranslator>

#include <cstdio>

using namespace Qt::Literals::StringLiterals;
namespace keys = mistudio::settingskeys;


extern "C" Q_DECL_EXPORT int mistudio_gui_main(int &argc, char **argv,
                                               const mistudio::AppConfig::Overrides &overrides)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(u"mistudio"_s);
    QApplication::setApplicationName(u"mistudio-models"_s);
    QApplication::setApplicationDisplayName(u"miStudio Models"_s);
    QApplication::setApplicationVersion(QStringLiteral(MISTUDIO_VERSION));
    QApplication::setDesktopFileName(u"io.mistudio.Models"_s);

    // The language setting wins over the system locale; "" means follow the system.
    QSettings settings;
    const QString language = settings.value(QLatin1StringView(keys::kLanguage)).toString();
    const QLocale locale = language.isEmpty() ? QLocale::system() : QLocale(language);
    QLocale::setDefault(locale);
    QTranslator qtTranslator;
    if (qtTranslator.load(locale, u"qtbase"_s, u"_"_s,
                          QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(&qtTranslator);
    QTranslator appTranslator;
    if (appTranslator.load(locale, u"mistudio"_s, u"_"_s, u":/i18n"_s))
        QApplication::installTranslator(&appTranslator);

    const mistudio::AppConfig config = mistudio::AppConfig::resolve(
        overrides, QProcessEnvironment::systemEnvironment(), &settings);
    // The one composition root, every setting read once (the same as `serve` and the CLI).
    const mistudio::StackConfig stack =
        mistudio::StackConfig::read(config, mistudio::StackRole::Desktop, &settings);
    auto session = mistudio::ui::DesktopSession::open(stack);
    if (!session) {
        std::fprintf(stderr, "mistudio: %s\n", qPrintable(session.error().toString()));
        QMessageBox::critical(nullptr, QApplication::applicationDisplayName(),
                              mistudio::ui::ErrorText::catalogueUnavailable(session.error()));
        return 1;
    }
    mistudio::ui::MainWindow window(config, (*session)->backend(), &settings);
    window.setConfigInEffect(mistudio::ui::ConfigInEffect::describe(
        overrides, stack.engines.environment, &settings, config, stack.engines.hub));
    window.show();
    if (settings.value(QLatin1StringView(keys::kServerEnabled), false).toBool()) {
        mistudio::http::raiseOpenFileLimit(); // one descriptor per connection
        mistudio::ServerConfig server;
        const QString host =
            settings.value(QLatin1StringView(keys::kServerHost), u"127.0.0.1"_s).toString();
        server.host = QHostAddress(host);
        server.port = quint16(settings.value(QLatin1StringView(keys::kServerPort), 8765).toUInt());
        server.allowedOrigins =
            settings.value(QLatin1StringView(keys::kServerAllowedOrigins)).toStringList();
        (*session)->startServer(
            server, &window, [&window, host](mistudio::Result<quint16> port, const QString &token) {
                window.setServerApiToken(token);
                window.reportServer(host, port);
            });
    }
    return QApplication::exec();
}
