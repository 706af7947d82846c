#include "common/appconfig.h"

#include "common/settingskeys.h"

#include <QDir>
#include <QSettings>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {

AppConfig AppConfig::resolve(const Overrides &cli, const QProcessEnvironment &env,
                             const QSettings *settings)
{
    auto pick = [&](const QString &fromCli, const QString &envName, const char *key) {
        if (!fromCli.isEmpty())
            return fromCli;
        const QString e = env.value(envName);
        if (!e.isEmpty())
            return e;
        if (settings) {
            const QString s = settings->value(QLatin1StringView(key)).toString();
            if (!s.isEmpty())
                return s;
        }
        return QString();
    };
    AppConfig c;
    c.dataDir = pick(cli.dataDir, u"MISTUDIO_DATA_DIR"_s, settingskeys::kDataDir);
    if (c.dataDir.isEmpty())
        c.dataDir = DataDir::defaultRoot();
    c.dataDir = QDir::cleanPath(QDir(c.dataDir).absolutePath());
    c.databaseUrl = pick(cli.databaseUrl, u"MISTUDIO_DATABASE_URL"_s, settingskeys::kDatabaseUrl);
    return c;
}

bool AppConfig::usesPostgres() const
{
    return databaseUrl.startsWith(u"postgresql://"_s) || databaseUrl.startsWith(u"postgres://"_s);
}

} // namespace mistudio
