#pragma once

#include "common/appconfig.h"

#include <QProcessEnvironment>
#include <QString>
#include <QUrl>

class QSettings;

namespace mistudio::hub {
struct HubOptions;
}

namespace mistudio::ui {

// The data directory, catalogue and Hub endpoint this process actually uses, and where each came
// from (command line, environment, settings file or built-in default), for Settings to show
// beside the editable values (which apply at the next start and may be overridden).
struct ConfigInEffect
{
    enum class Source
    {
        CommandLine,
        Environment,
        SettingsFile,
        Default
    };
    struct Value
    {
        QString value;
        Source source = Source::Default;
        QString origin; // the option or variable: "--data-dir", "MISTUDIO_DATA_DIR", ...
    };
    Value dataDir;
    Value databaseUrl; // empty value: the SQLite file in the data directory
    Value hubEndpoint;
    QString tokenSource; // hub::ResolvedToken::source ("" when no token is in reach)
    bool offline = false;

    // Labels the values AppConfig::resolve and HubOptions::fromEnvironment resolved, by the
    // same precedence (command line > environment > settings > default).
    static ConfigInEffect describe(const AppConfig::Overrides &cli, const QProcessEnvironment &env,
                                   const QSettings *settings, const AppConfig &resolved,
                                   const hub::HubOptions &hub);
    // "from the environment (MISTUDIO_DATA_DIR)", "built-in default", ...
    static QString sourceText(const Value &value);
};

} // namespace mistudio::ui
