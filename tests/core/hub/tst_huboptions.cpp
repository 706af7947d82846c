// Token precedence, HF_ENDPOINT / settings, HF_HUB_OFFLINE.
#include "hub/huboptions.h"

#include "common/settingskeys.h"

#include <QDir>
#include <QFile>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio::hub;

namespace {

void writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
}

} // namespace

class TestHubOptions final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tokenPrecedence();
    void endpointAndOffline();
};

void TestHubOptions::tokenPrecedence()
{
    QTemporaryDir home;
    QTemporaryDir hfHome;
    QVERIFY(home.isValid() && hfHome.isValid());
    QProcessEnvironment env;
    env.insert(u"HOME"_s, home.path());
    // Nothing anywhere: anonymous, unless the app has a stored token.
    QCOMPARE(resolveToken({}, env).token, QString());
    QCOMPARE(resolveToken({}, env, u"hf_stored"_s).source, u"stored"_s);
    writeFile(home.path() + u"/.cache/huggingface/token"_s, "hf_default_file\r\n");
    QCOMPARE(resolveToken({}, env, u"hf_stored"_s).token, u"hf_default_file"_s);
    QCOMPARE(resolveToken({}, env).source, u"~/.cache/huggingface/token"_s);
    writeFile(hfHome.path() + u"/token"_s, "  hf_hf_home \n");
    env.insert(u"HF_HOME"_s, hfHome.path());
    QCOMPARE(resolveToken({}, env).token, u"hf_hf_home"_s);
    QCOMPARE(resolveToken({}, env).source, u"$HF_HOME/token"_s);
    env.insert(u"HUGGING_FACE_HUB_TOKEN"_s, u"hf_legacy"_s);
    QCOMPARE(resolveToken({}, env).token, u"hf_legacy"_s);
    env.insert(u"HF_TOKEN"_s, u"  "_s); // empty counts as none
    QCOMPARE(resolveToken({}, env).token, u"hf_legacy"_s);
    env.insert(u"HF_TOKEN"_s, u"hf_env"_s);
    QCOMPARE(resolveToken({}, env).token, u"hf_env"_s);
    QCOMPARE(resolveToken({}, env).source, u"HF_TOKEN"_s);
    QCOMPARE(resolveToken(u"hf_explicit"_s, env).token, u"hf_explicit"_s);
    QCOMPARE(resolveToken(u"hf_explicit"_s, env).source, u"explicit"_s);
}

void TestHubOptions::endpointAndOffline()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(u"s.ini"_s), QSettings::IniFormat);
    QProcessEnvironment env;
    QCOMPARE(HubOptions::fromEnvironment(env, &settings).endpoint, QUrl(u"https://huggingface.co"_s));
    settings.setValue(QLatin1StringView(mistudio::settingskeys::kHubEndpoint), u"http://mirror.local/"_s);
    QCOMPARE(HubOptions::fromEnvironment(env, &settings).endpoint, QUrl(u"http://mirror.local"_s));
    env.insert(u"HF_ENDPOINT"_s, u"http://127.0.0.1:8080/"_s);
    QCOMPARE(HubOptions::fromEnvironment(env, &settings).endpoint, QUrl(u"http://127.0.0.1:8080"_s));
    QCOMPARE(HubOptions::fromEnvironment(env, &settings, {}, {}, u"http://explicit"_s).endpoint,
             QUrl(u"http://explicit"_s));
    QVERIFY(!HubOptions::fromEnvironment(env, &settings).offline);
    for (const QString &v : {u"1"_s, u"true"_s, u"YES"_s, u"on"_s}) {
        env.insert(u"HF_HUB_OFFLINE"_s, v);
        QVERIFY(HubOptions::fromEnvironment(env, &settings).offline);
    }
    env.insert(u"HF_HUB_OFFLINE"_s, u"0"_s);
    QVERIFY(!HubOptions::fromEnvironment(env, &settings).offline);
    settings.setValue(QLatin1StringView(mistudio::settingskeys::kHubProxy), u"http://proxy.local:3128"_s);
    QCOMPARE(HubOptions::fromEnvironment(env, &settings).proxy, QUrl(u"http://proxy.local:3128"_s));
}

QTEST_GUILESS_MAIN(TestHubOptions)
#include "tst_huboptions.moc"
