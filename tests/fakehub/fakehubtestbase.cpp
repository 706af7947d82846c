#include "fakehubtestbase.h"

#include <QEventLoop>
#include <QTimer>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::fakehub::test {

QByteArray Reply::header(const QByteArray &name) const
{
    for (const auto &[k, v] : headers) {
        if (k.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    }
    return {};
}

bool Reply::has(const QByteArray &name) const
{
    return std::any_of(headers.cbegin(), headers.cend(),
                       [&name](const auto &h) { return h.first.compare(name, Qt::CaseInsensitive) == 0; });
}

bool FakeHubTestBase::startHub()
{
    m_hub = std::make_unique<FakeHub>();
    return m_hub->start();
}

void FakeHubTestBase::resetHub()
{
    newClient(); // no keep-alive connection shared with a faulty test
    m_hub->clearFaults();
    m_hub->clearLog();
    m_hub->setSignedUrlTtl(3600);
    m_hub->setCdnBandwidthPerConnection(0);
    m_hub->setRegularFileRedirect(false);
    m_hub->setGzipText(false);
    m_hub->setXetMode(false);
    m_hub->setStrictCdnAuth(false);
    m_hub->setTreePageSize(3);
}

QUrl FakeHubTestBase::url(const QString &pathAndQuery) const
{
    return QUrl(m_hub->endpoint().toString() + pathAndQuery, QUrl::StrictMode);
}

QUrl FakeHubTestBase::cdnUrl(const QString &repo, const QString &file)
{
    return QUrl(QString::fromUtf8(head(u"/"_s + repo + u"/resolve/main/"_s + file).header("Location")));
}

Reply FakeHubTestBase::send(const QByteArray &method, const QUrl &target, const Headers &headers, const QByteArray &body, bool follow)
{
    QNetworkRequest request(target);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         follow ? QNetworkRequest::NoLessSafeRedirectPolicy : QNetworkRequest::ManualRedirectPolicy);
    request.setRawHeader("User-Agent", "tst_fakehub/1.0; qt/6");
    for (const auto &[k, v] : headers)
        request.setRawHeader(k, v);
    // QNAM knows HEAD has no body only through head(); a custom "HEAD" would wait for Content-Length bytes
    QNetworkReply *reply = method == "HEAD" ? m_nam->head(request)
                           : method == "GET" ? m_nam->get(request)
                                             : m_nam->sendCustomRequest(request, method, body);
    QEventLoop loop;
    connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(30000, &loop, &QEventLoop::quit);
    loop.exec();
    Reply r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.error = reply->error();
    r.body = reply->readAll();
    r.headers = reply->rawHeaderPairs();
    r.url = reply->url();
    reply->abort();
    reply->deleteLater();
    return r;
}

} // namespace mistudio::fakehub::test
