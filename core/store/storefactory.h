#pragma once

#include "common/appconfig.h"
#include "common/result.h"
#include "store/jobqueue.h"
#include "store/modelstore.h"

#include <memory>

namespace mistudio {

class SqlDatabase;

// The catalogue the app was configured with: the SQLite file DATA_DIR/mistudio.sqlite3 by
// default, or the PostgreSQL database of AppConfig::databaseUrl (postgresql://...). Both stores
// share one database (and its per-thread connections); the schema is migrated on open.
struct Stores
{
    std::shared_ptr<ModelStore> models;
    std::shared_ptr<JobQueue> jobs;
    QString location; // the SQLite file or the redacted PostgreSQL URL
    std::shared_ptr<SqlDatabase> database; // for a CatalogueListener
};

// `originId` is the process instance recorded with the outbox events this process commits.
Result<Stores> openStores(const AppConfig &config, const QString &originId = {});

} // namespace mistudio
