#include "hub/huboptions.h"

#include "common/settingskeys.h"

#include <QDir>
#include <QFile>
#include <QSettings>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::hub {
namespace {

QString clean(QString s)
{
    s.remove(u'\r');
    s.remove(u'\n');
    return s.trimmed();
}

QString readTokenFile(const QString &path)
{
    QFile f(path);
    if (path.isEmpty() || !f.open(QIODevice::ReadOnly))
        return QString();
    return clean(QString::fromUtf8(f.read(4096)));
}

bool truthy(const QString &v)
{
    const QString s = v.trimmed().toLower();
    return s == u"1"_s || s == u"true"_s || s == u"yes"_s || s == u"on"_s;
}

} // namespace

ResolvedToken resolveToken(const QString &explicitToken, const QProcessEnvironment &env,
                           const QString &storedToken)
{
    if (const QString t = clean(explicitToken); !t.isEmpty())
        return {t, u"explicit"_s};
    for (const QString &var : {u"HF_TOKEN"_s, u"HUGGING_FACE_HUB_TOKEN"_s}) {
        if (const QString t = clean(env.value(var)); !t.isEmpty())
            return {t, var};
    }
    const QString home = env.value(u"HOME"_s, QDir::homePath());
    if (const QString path = env.value(u"HF_TOKEN_PATH"_s); !path.isEmpty()) {
        if (const QString t = readTokenFile(path); !t.isEmpty())
            return {t, u"HF_TOKEN_PATH"_s};
    }
    QString hfHome = env.value(u"HF_HOME"_s);
    if (hfHome.isEmpty() && !env.value(u"XDG_CACHE_HOME"_s).isEmpty())
        hfHome = env.value(u"XDG_CACHE_HOME"_s) + u"/huggingface"_s;
    if (!hfHome.isEmpty()) {
        if (const QString t = readTokenFile(hfHome + u"/token"_s); !t.isEmpty())
            return {t, u"$HF_HOME/token"_s};
    }
    if (const QString t = readTokenFile(home + u"/.cache/huggingface/token"_s); !t.isEmpty())
        return {t, u"~/.cache/huggingface/token"_s};
    if (const QString t = clean(storedToken); !t.isEmpty())
        return {t, u"stored"_s};
    return {};
}

HubOptions HubOptions::fromEnvironment(const QProcessEnvironment &env, const QSettings *settings,
                                       const QString &explicitToken, const QString &storedToken,
                                       const QString &explicitEndpoint)
{
    HubOptions o;
    QString endpoint = explicitEndpoint;
    if (endpoint.isEmpty())
        endpoint = env.value(u"HF_ENDPOINT"_s);
    if (endpoint.isEmpty() && settings)
        endpoint = settings->value(QLatin1StringView(settingskeys::kHubEndpoint)).toString();
    if (!endpoint.isEmpty()) {
        while (endpoint.endsWith(u'/'))
            endpoint.chop(1);
        o.endpoint = QUrl(endpoint);
    }
    o.offline = truthy(env.value(u"HF_HUB_OFFLINE"_s));
    o.allowOffLoopbackRedirects = truthy(env.value(u"MISTUDIO_HUB_ALLOW_OFF_LOOPBACK_REDIRECTS"_s))
        || (settings && settings->value(QLatin1StringView(settingskeys::kHubAllowOffLoopbackRedirects)).toBool());
    if (settings) {
        const QString proxy = settings->value(QLatin1StringView(settingskeys::kHubProxy)).toString();
        if (!proxy.isEmpty())
            o.proxy = QUrl(proxy);
    }
    o.token = resolveToken(explicitToken, env, storedToken);
    return o;
}

} // namespace mistudio::hub
