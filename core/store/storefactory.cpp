#include "store/storefactory.h"

#include "store/sqldatabase.h"
#include "store/sqljobqueue.h"
#include "store/sqlmodelstore.h"

using namespace Qt::Literals::StringLiterals;

namespace mistudio {

Result<Stores> openStores(const AppConfig &config, const QString &originId)
{
    SqlTarget target;
    if (config.databaseUrl.isEmpty()) {
        const DataDir dir = config.dir();
        if (auto s = dir.ensureExists(); !s)
            return s.error();
        target.backend = SqlBackend::Sqlite;
        target.sqliteFile = dir.sqliteFile();
    } else {
        auto url = DatabaseUrl::parse(config.databaseUrl);
        if (!url)
            return url.error();
        target.backend = SqlBackend::Postgres;
        target.postgres = *url;
    }
    auto db = SqlDatabase::open(target);
    if (!db)
        return db.error();
    Stores stores;
    stores.models = std::make_shared<SqlModelStore>(*db);
    stores.jobs = std::make_shared<SqlJobQueue>(*db, originId);
    stores.location = target.describe();
    stores.database = *db;
    return stores;
}

} // namespace mistudio
