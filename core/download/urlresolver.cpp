#include "download/urlresolver.h"

#include <QStringList>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {

QUrl resolveUrl(const QUrl &endpoint, const QString &repoId, const QString &commit, const QString &path)
{
    QString encodedPath;
    const QStringList parts = path.split(u'/');
    for (const QString &p : parts)
        encodedPath += u'/' + QString::fromLatin1(QUrl::toPercentEncoding(p));
    QString base = endpoint.toString(QUrl::FullyEncoded);
    while (base.endsWith(u'/'))
        base.chop(1);
    const QString repo = QString::fromLatin1(QUrl::toPercentEncoding(repoId, "/"));
    const QString rev = QString::fromLatin1(QUrl::toPercentEncoding(commit));
    return QUrl(base + u'/' + repo + u"/resolve/"_s + rev + encodedPath, QUrl::StrictMode);
}

bool isRetryableError(ErrorCode code)
{
    switch (code) {
    case ErrorCode::RateLimited:
    case ErrorCode::ServerError:
    case ErrorCode::Timeout:
    case ErrorCode::NetworkError:
        return true;
    default:
        return false;
    }
}

} // namespace mistudio
