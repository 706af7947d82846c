#include "hub/redirectpolicy.h"

#include <QHostAddress>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::hub {
namespace {

int effectivePort(const QUrl &u)
{
    return u.port(u.scheme() == u"https"_s ? 443 : u.scheme() == u"http"_s ? 80 : -1);
}

Error refused(const QUrl &from, const QString &to, const QString &why)
{
    QUrl shownFrom = from;
    shownFrom.setQuery(QString()); // signed queries stay out of messages
    return Error::make(ErrorCode::InvalidResponse,
                       u"The Hub redirected %1 to %2, which is not followed: %3"_s.arg(shownFrom.toString(), to, why),
                       {{u"url"_s, shownFrom.toString()}, {u"redirect_target"_s, to}, {u"reason"_s, why}});
}

} // namespace

bool sameOrigin(const QUrl &a, const QUrl &b)
{
    return a.scheme().compare(b.scheme(), Qt::CaseInsensitive) == 0
        && a.host().compare(b.host(), Qt::CaseInsensitive) == 0 && effectivePort(a) == effectivePort(b);
}

bool isLoopback(const QUrl &url)
{
    const QString host = url.host().toLower();
    if (host == u"localhost"_s || host.endsWith(u".localhost"_s))
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

Status checkRedirectTarget(const QUrl &from, const QUrl &target, const RedirectRules &rules)
{
    QUrl shown = target;
    shown.setQuery(QString());
    const QString scheme = target.scheme().toLower();
    if (!target.isValid() || (scheme != u"http"_s && scheme != u"https"_s))
        return refused(from, shown.toString(), u"only http and https redirects are followed"_s);
    if (target.host().isEmpty())
        return refused(from, shown.toString(), u"the target has no host"_s);
    const QUrl &base = rules.endpoint.isValid() && !rules.endpoint.host().isEmpty() ? rules.endpoint : from;
    if (isLoopback(base) && !isLoopback(target) && !rules.allowOffLoopback)
        return refused(from, shown.toString(),
                       u"a loopback Hub endpoint may not send us off loopback (allow it with the setting "
                       u"hub/allowOffLoopbackRedirects or MISTUDIO_HUB_ALLOW_OFF_LOOPBACK_REDIRECTS=1)"_s);
    return {};
}

Result<QUrl> checkRedirect(const QUrl &from, const QByteArray &location, const RedirectRules &rules)
{
    if (location.trimmed().isEmpty())
        return refused(from, QString(), u"the redirect has no Location"_s);
    const QUrl target = from.resolved(QUrl::fromEncoded(location.trimmed()));
    if (Status s = checkRedirectTarget(from, target, rules); !s)
        return s.error();
    return target;
}

} // namespace mistudio::hub
