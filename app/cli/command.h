#pragma once

#include "common/appconfig.h"

#include <QStringList>
#include <QTextStream>

#include <functional>
#include <vector>

namespace mistudio::cli {

// What every subcommand gets: its own arguments (after the command words), the resolved
// configuration, and the two output streams. Commands return a process exit code
// (cli/exitcodes.h).
struct Context
{
    QStringList args; // argv[0] is "mistudio <group> <command>", for QCommandLineParser
    AppConfig config;
    QTextStream &out;
    QTextStream &err;
};

struct Command
{
    QStringList words;     // e.g. {"models", "list"}
    QString summary;       // one line for `mistudio --help`
    std::function<int(Context &)> run;
};

class Registry
{
public:
    void add(Command command) { m_commands.push_back(std::move(command)); }
    const std::vector<Command> &commands() const { return m_commands; }

private:
    std::vector<Command> m_commands;
};

// Each command group registers itself here; app/cli/command.cpp calls them in order.
void registerModelsCommands(Registry &registry);
void registerServeCommands(Registry &registry);
void registerHubCommands(Registry &registry);
void registerQuantizeCommands(Registry &registry);
void registerWorkerCommands(Registry &registry);
void registerLibraryCommands(Registry &registry);

// Builds the registry of every command group linked into this binary.
Registry buildRegistry();

// Runs the command named by argv (after the global options). Prints usage for unknown ones.
int dispatch(const QStringList &arguments, const AppConfig::Overrides &overrides,
             QTextStream &out, QTextStream &err);

} // namespace mistudio::cli
