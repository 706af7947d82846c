#include "configineffect.h"

#include "common/settingskeys.h"
#include "hub/huboptions.h"

#include <QCoreApplication>
#include <QSettings>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui {

namespace {

struct ConfigText
{
    Q_DECLARE_TR_FUNCTIONS(SettingsDialog)
};

ConfigInEffect::Value label(const QString &value, const QString &cli, const QString &option,
                            const QProcessEnvironment &env, const QString &variable,
                            const QSettings *settings, const char *key)
{
    using S = ConfigInEffect::Source;
    if (!cli.isEmpty())
        return {value, S::CommandLine, option};
    if (!variable.isEmpty() && !env.value(variable).isEmpty())
        return {value, S::Environment, variable};
    if (settings && !settings->value(QLatin1StringView(key)).toString().isEmpty())
        return {value, S::SettingsFile, settings->fileName()};
    return {value, S::Default, QString()};
}

} // namespace

ConfigInEffect ConfigInEffect::describe(const AppConfig::Overrides &cli,
                                        const QProcessEnvironment &env, const QSettings *settings,
                                        const AppConfig &resolved, const hub::HubOptions &hub)
{
    ConfigInEffect c;
    c.dataDir = label(resolved.dataDir, cli.dataDir, u"--data-dir"_s, env, u"MISTUDIO_DATA_DIR"_s,
                      settings, settingskeys::kDataDir);
    c.databaseUrl = label(resolved.databaseUrl, cli.databaseUrl, u"--database-url"_s, env,
                          u"MISTUDIO_DATABASE_URL"_s, settings, settingskeys::kDatabaseUrl);
    c.hubEndpoint = label(hub.endpoint.toString(), QString(), QString(), env, u"HF_ENDPOINT"_s,
                          settings, settingskeys::kHubEndpoint);
    c.tokenSource = hub.token.source;
    c.offline = hub.offline;
    return c;
}

QString ConfigInEffect::sourceText(const Value &v)
{
    switch (v.source) {
    case Source::CommandLine:
        return ConfigText::tr("from the command line (%1)").arg(v.origin);
    case Source::Environment:
        return ConfigText::tr("from the environment (%1)").arg(v.origin);
    case Source::SettingsFile:
        return ConfigText::tr("from the settings file (%1)").arg(v.origin);
    case Source::Default:
        return ConfigText::tr("built-in default");
    }
    return {};
}

} // namespace mistudio::ui
