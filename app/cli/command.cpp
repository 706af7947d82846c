#include "cli/command.h"

#include "cli/exitcodes.h"

#include <QProcessEnvironment>
#include <QSettings>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::cli {

Registry buildRegistry()
{
    Registry r;
    registerModelsCommands(r);
    registerHubCommands(r);
    registerServeCommands(r);
    registerQuantizeCommands(r);
    registerWorkerCommands(r);
    registerLibraryCommands(r);
    return r;
}

static void printUsage(const Registry &registry, QTextStream &s)
{
    s << "Usage: mistudio [--data-dir DIR] [--database-url URL] [COMMAND ...]\n\n"
         "With no command, opens the miStudio Models window.\n\n"
         "Commands:\n";
    for (const Command &c : registry.commands())
        s << "  " << c.words.join(u' ').leftJustified(24) << c.summary << '\n';
    s << "\nGlobal options:\n"
         "  --data-dir DIR        data directory (env MISTUDIO_DATA_DIR)\n"
         "  --database-url URL    postgresql://... catalogue (env MISTUDIO_DATABASE_URL);\n"
         "                        default: SQLite file in the data directory\n"
         "  --version             print the version and exit\n"
         "  -h, --help            this help; `mistudio COMMAND --help` for a command's options\n";
    s.flush();
}

int dispatch(const QStringList &arguments, const AppConfig::Overrides &overrides,
             QTextStream &out, QTextStream &err)
{
    const Registry registry = buildRegistry();
    if (arguments.isEmpty() || arguments.first() == u"help"_s) {
        printUsage(registry, out);
        return arguments.isEmpty() ? ExitUsage : ExitOk;
    }
    // Longest match of command words wins ("models list" before "models").
    const Command *best = nullptr;
    for (const Command &c : registry.commands()) {
        if (c.words.size() > arguments.size())
            continue;
        if (arguments.mid(0, c.words.size()) != c.words)
            continue;
        if (!best || c.words.size() > best->words.size())
            best = &c;
    }
    if (!best) {
        err << "mistudio: unknown command '" << arguments.join(u' ') << "'\n\n";
        printUsage(registry, err);
        return ExitUsage;
    }
    const QSettings settings;
    Context ctx{QStringList{u"mistudio "_s + best->words.join(u' ')}
                    + arguments.mid(best->words.size()),
                AppConfig::resolve(overrides, QProcessEnvironment::systemEnvironment(), &settings),
                out, err};
    const int rc = best->run(ctx);
    out.flush();
    err.flush();
    return rc;
}

} // namespace mistudio::cli
