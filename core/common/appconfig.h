#pragma once

#include "common/datadir.h"

#include <QProcessEnvironment>
#include <QString>

class QSettings;

namespace mistudio {

// Where the app keeps its data and catalogue, resolved once at start-up with the precedence
// command line > environment > settings > built-in default.
struct AppConfig
{
    QString dataDir;     // MISTUDIO_DATA_DIR / --data-dir / storage/dataDir
    QString databaseUrl; // MISTUDIO_DATABASE_URL / --database-url / storage/databaseUrl;
                         // empty means the SQLite file in the data dir

    struct Overrides
    {
        QString dataDir;
        QString databaseUrl;
    };

    static AppConfig resolve(const Overrides &cli, const QProcessEnvironment &env,
                             const QSettings *settings);

    DataDir dir() const { return DataDir(dataDir); }
    bool usesPostgres() const;
};

} // namespace mistudio
