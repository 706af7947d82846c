#include "guiloader.h"

#include "cli/exitcodes.h"

#include <QFileInfo>
#include <QLibrary>
#include <QStringList>

#include <cstdio>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {

using GuiMain = int (*)(int &, char **, const AppConfig::Overrides &);

static bool hasDisplay()
{
    const QByteArray platform = qgetenv("QT_QPA_PLATFORM");
    if (!platform.isEmpty())
        return true; // offscreen, xcb with an explicit display, ...
    return !qgetenv("DISPLAY").isEmpty() || !qgetenv("WAYLAND_DISPLAY").isEmpty();
}

static QStringList moduleCandidates()
{
    QStringList c;
    const QByteArray env = qgetenv("MISTUDIO_GUI_MODULE");
    if (!env.isEmpty())
        c << QString::fromLocal8Bit(env);
    const QString exeDir = QFileInfo(QFileInfo(u"/proc/self/exe"_s).symLinkTarget()).absolutePath();
    c << exeDir + u"/../lib/mistudio-gui.so"_s;      // build tree: bin/ and lib/ side by side
    // Installed: the module relative to the binary, so that a package installed under another
    // prefix than the one configured (CPack uses /usr) still finds its own module.
    c << exeDir + QStringLiteral("/../" MISTUDIO_GUI_MODULE_RELATIVE_DIR "/mistudio-gui.so");
    c << QStringLiteral(MISTUDIO_GUI_MODULE_INSTALL_DIR "/mistudio-gui.so");
    return c;
}

int runGui(int &argc, char **argv, const AppConfig::Overrides &overrides)
{
    if (!hasDisplay()) {
        std::fputs("mistudio: no display found (DISPLAY and WAYLAND_DISPLAY are not set).\n"
                   "Run `mistudio serve` for the headless API server, `mistudio --help` for the\n"
                   "command line, or start the window under a display (e.g. xvfb-run mistudio).\n",
                   stderr);
        return cli::ExitFailure;
    }
    QString lastError;
    for (const QString &path : moduleCandidates()) {
        if (!QFileInfo::exists(path))
            continue;
        QLibrary lib(path);
        auto entry = reinterpret_cast<GuiMain>(lib.resolve("mistudio_gui_main"));
        if (!entry) {
            lastError = lib.errorString();
            continue;
        }
        return entry(argc, argv, overrides);
    }
    std::fprintf(stderr,
                 "mistudio: this build has no GUI module (%s).\n"
                 "Use `mistudio serve` or the command line (`mistudio --help`).\n",
                 lastError.isEmpty() ? "mistudio-gui.so not found" : qPrintable(lastError));
    return cli::ExitFailure;
}

} // namespace mistudio
