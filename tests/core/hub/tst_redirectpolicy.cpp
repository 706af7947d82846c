// Our own redirect rules (docs/security.md, rows 2 and 15): which Location a Hub answer may send us to,
// and which origin may see the token.
#include "hub/huboptions.h"
#include "hub/redirectpolicy.h"

#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace mistudio::hub;

class TestRedirectPolicy final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void origins()
    {
        QVERIFY(sameOrigin(QUrl(u"https://huggingface.co/a"_s), QUrl(u"https://HuggingFace.co:443/b?x"_s)));
        QVERIFY(!sameOrigin(QUrl(u"https://huggingface.co"_s), QUrl(u"http://huggingface.co"_s)));
        QVERIFY(!sameOrigin(QUrl(u"http://127.0.0.1:8000"_s), QUrl(u"http://127.0.0.1:8001"_s)));
        QVERIFY(!sameOrigin(QUrl(u"http://127.0.0.1:8000"_s), QUrl(u"http://127.0.0.2:8000"_s)));
        QVERIFY(!sameOrigin(QUrl(u"https://huggingface.co"_s), QUrl(u"https://cdn-lfs.huggingface.co"_s)));
    }

    void loopback()
    {
        for (const QString &u : {u"http://localhost:1/"_s, u"http://127.0.0.1/"_s, u"http://127.9.9.9/"_s,
                                 u"http://[::1]:80/"_s, u"http://a.localhost/"_s})
            QVERIFY2(isLoopback(QUrl(u)), qPrintable(u));
        for (const QString &u : {u"http://192.0.2.1/"_s, u"https://huggingface.co/"_s, u"http://10.0.0.1/"_s,
                                 u"http://localhost.evil.example/"_s})
            QVERIFY2(!isLoopback(QUrl(u)), qPrintable(u));
    }

    void decisions_data()
    {
        QTest::addColumn<QString>("endpoint");
        QTest::addColumn<QString>("location");
        QTest::addColumn<bool>("allowOffLoopback");
        QTest::addColumn<QString>("expected"); // the URL followed, or "" when refused
        const QString hub = u"https://huggingface.co"_s;
        QTest::newRow("relative") << hub << u"/api/resolve-cache/x"_s << false << u"https://huggingface.co/api/resolve-cache/x"_s;
        QTest::newRow("cdn") << hub << u"https://cdn-lfs.hf.co/x?sig=1"_s << false << u"https://cdn-lfs.hf.co/x?sig=1"_s;
        QTest::newRow("file") << hub << u"file:///etc/passwd"_s << false << QString();
        QTest::newRow("ftp") << hub << u"ftp://example.org/x"_s << false << QString();
        QTest::newRow("data") << hub << u"data:text/plain,x"_s << false << QString();
        QTest::newRow("no host") << hub << u"http:///x"_s << false << QString();
        QTest::newRow("loopback to loopback") << u"http://127.0.0.1:9"_s << u"http://127.0.0.2:9/x"_s << false
                                              << u"http://127.0.0.2:9/x"_s;
        QTest::newRow("loopback off loopback") << u"http://127.0.0.1:9"_s << u"http://192.0.2.1/x"_s << false << QString();
        QTest::newRow("loopback off loopback, allowed") << u"http://127.0.0.1:9"_s << u"http://192.0.2.1/x"_s << true
                                                        << u"http://192.0.2.1/x"_s;
        QTest::newRow("allowed, still http only") << u"http://127.0.0.1:9"_s << u"file:///etc/passwd"_s << true << QString();
    }
    void decisions()
    {
        QFETCH(QString, endpoint);
        QFETCH(QString, location);
        QFETCH(bool, allowOffLoopback);
        QFETCH(QString, expected);
        const QUrl from(endpoint + u"/org/m/resolve/main/config.json"_s);
        const Result<QUrl> r = checkRedirect(from, location.toUtf8(), RedirectRules{QUrl(endpoint), allowOffLoopback});
        if (expected.isEmpty()) {
            QVERIFY(!r.ok());
            QCOMPARE(r.error().code, ErrorCode::InvalidResponse);
            // The message names where it was sent, without a signed query.
            QVERIFY2(r.error().message.contains(QUrl(location).adjusted(QUrl::RemoveQuery).toString()),
                     qPrintable(r.error().message));
            QVERIFY(!r.error().details.value(u"reason"_s).toString().isEmpty());
        } else {
            QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().message));
            QCOMPARE(r->toString(), expected);
        }
    }

    void optionFromSettingOrEnvironment()
    {
        QTemporaryDir dir;
        QSettings settings(dir.filePath(u"s.ini"_s), QSettings::IniFormat);
        QProcessEnvironment env;
        QVERIFY(!HubOptions::fromEnvironment(env, &settings).allowOffLoopbackRedirects);
        settings.setValue(u"hub/allowOffLoopbackRedirects"_s, true);
        QVERIFY(HubOptions::fromEnvironment(env, &settings).allowOffLoopbackRedirects);
        settings.setValue(u"hub/allowOffLoopbackRedirects"_s, false);
        env.insert(u"MISTUDIO_HUB_ALLOW_OFF_LOOPBACK_REDIRECTS"_s, u"1"_s);
        const HubOptions o = HubOptions::fromEnvironment(env, &settings);
        QVERIFY(o.allowOffLoopbackRedirects);
        QVERIFY(o.redirectRules().allowOffLoopback);
    }
};

QTEST_GUILESS_MAIN(TestRedirectPolicy)
#include "tst_redirectpolicy.moc"
