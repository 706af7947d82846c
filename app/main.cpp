// miStudio Models entry point: picks a face (GUI window, CLI command, or headless server) and
// wires it. No application logic lives here.
#include "cli/command.h"
#include "cli/exitcodes.h"
#include "guiloader.h"

#include <QCoreApplication>
#include <QTextStream>

#include <csignal>
#include <cstdio>
#include <cstring>

using namespace Qt::Literals::StringLiterals;

int main(int argc, char **argv)
{
    // A file-size limit (ulimit -f) must show as a failed write (EFBIG → disk_full, the download
    // kept for a resume), not kill the process with SIGXFSZ mid-job.
    std::signal(SIGXFSZ, SIG_IGN);

    // Global options are read before any QCoreApplication exists, because the GUI module
    // must be the one to create the QApplication.
    mistudio::AppConfig::Overrides overrides;
    QStringList rest;
    bool wantVersion = false;
    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i];
        auto takeValue = [&](const char *name, QString *into) {
            const size_t n = std::strlen(name);
            if (std::strncmp(a, name, n) == 0 && a[n] == '=') {
                *into = QString::fromLocal8Bit(a + n + 1);
                return true;
            }
            if (std::strcmp(a, name) == 0 && i + 1 < argc) {
                *into = QString::fromLocal8Bit(argv[++i]);
                return true;
            }
            return false;
        };
        if (rest.isEmpty() && takeValue("--data-dir", &overrides.dataDir))
            continue;
        if (rest.isEmpty() && takeValue("--database-url", &overrides.databaseUrl))
            continue;
        if (rest.isEmpty() && std::strcmp(a, "--version") == 0) {
            wantVersion = true;
            continue;
        }
        rest << QString::fromLocal8Bit(a);
    }
    if (wantVersion) {
        std::printf("mistudio %s (Qt %s)\n", MISTUDIO_VERSION, qVersion());
        return 0;
    }
    if (rest.isEmpty())
        return mistudio::runGui(argc, argv, overrides);

    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(u"mistudio"_s);
    QCoreApplication::setApplicationName(u"mistudio-models"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(MISTUDIO_VERSION));
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (rest.first() == u"-h"_s || rest.first() == u"--help"_s)
        rest = QStringList{u"help"_s};
    return mistudio::cli::dispatch(rest, overrides, out, err);
}
