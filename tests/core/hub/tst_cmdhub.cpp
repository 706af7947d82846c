// The CLI face: `mistudio models preview|arch` and `mistudio hub search` run as a real process
// against the fake Hub through HF_ENDPOINT; --json output and errors, and the exit codes.
#include "fakehub/fakehub.h"
#include "fakehub/fixtures/fixturerepos.h"
#include "store/storefactory.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using mistudio::fakehub::FakeHub;

class TestCmdHub final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void errors_data();
    void errors();
    void previewJson();
    void previewText();
    void archJson();
    void archFromCatalogue();
    void searchJson();

private:
    struct Run
    {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };
    Run run(const QStringList &args, const QStringList &env = {});
    FakeHub m_hub;
    QTemporaryDir m_dir;
};

void TestCmdHub::initTestCase()
{
    QString error;
    QVERIFY2(m_hub.start(&error), qPrintable(error));
    QVERIFY(m_dir.isValid());
}

TestCmdHub::Run TestCmdHub::run(const QStringList &args, const QStringList &env)
{
    QProcess p;
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    for (const QString &v : {u"HF_TOKEN"_s, u"HUGGING_FACE_HUB_TOKEN"_s, u"HF_HUB_OFFLINE"_s, u"HF_TOKEN_PATH"_s})
        e.remove(v);
    e.insert(u"HOME"_s, m_dir.path()); // no token file, no user settings
    e.insert(u"HF_HOME"_s, m_dir.filePath(u"hf"_s));
    e.insert(u"XDG_CONFIG_HOME"_s, m_dir.filePath(u"config"_s));
    e.insert(u"HF_ENDPOINT"_s, m_hub.endpoint().toString());
    for (const QString &kv : env)
        e.insert(kv.section(u'=', 0, 0), kv.section(u'=', 1));
    p.setProcessEnvironment(e);
    p.start(QStringLiteral(MISTUDIO_BIN), QStringList{u"--data-dir"_s, m_dir.filePath(u"data"_s)} + args);
    if (!p.waitForFinished(60000))
        return {};
    return Run{p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
}

void TestCmdHub::errors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QStringList>("env");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("code");
    QTest::newRow("not-found") << QStringList{u"models"_s, u"preview"_s, u"org/none"_s, u"--json"_s} << QStringList()
                               << 3 << u"repo_not_found"_s;
    QTest::newRow("revision") << QStringList{u"models"_s, u"preview"_s, u"org/tiny-public"_s, u"--revision"_s,
                                             u"nope"_s, u"--json"_s}
                              << QStringList() << 3 << u"revision_not_found"_s;
    QTest::newRow("invalid-token") << QStringList{u"models"_s, u"preview"_s, u"org/tiny-public"_s, u"--token"_s,
                                                  u"hf_wrong"_s, u"--json"_s}
                                   << QStringList() << 4 << u"invalid_token"_s;
    QTest::newRow("arch-gated") << QStringList{u"models"_s, u"arch"_s, u"org/gated-manual"_s, u"--json"_s}
                                << QStringList() << 4 << u"gated_auth_required"_s;
    QTest::newRow("arch-gated-env-token") << QStringList{u"models"_s, u"arch"_s, u"org/gated-manual"_s, u"--json"_s}
                                          << QStringList{u"HF_TOKEN="_s + QLatin1StringView(mistudio::fakehub::kUserToken)}
                                          << 4 << u"gated_access_denied"_s;
    QTest::newRow("disabled") << QStringList{u"models"_s, u"preview"_s, u"org/disabled"_s, u"--json"_s}
                              << QStringList() << 4 << u"repo_disabled"_s;
    QTest::newRow("offline") << QStringList{u"models"_s, u"preview"_s, u"org/tiny-public"_s, u"--json"_s}
                             << QStringList{u"HF_HUB_OFFLINE=1"_s} << 5 << u"offline"_s;
    QTest::newRow("unreachable") << QStringList{u"hub"_s, u"search"_s, u"x"_s, u"--json"_s}
                                 << QStringList{u"HF_ENDPOINT=http://127.0.0.1:9"_s} << 5 << u"network_error"_s;
    QTest::newRow("invalid-repo") << QStringList{u"models"_s, u"preview"_s, u"org//bad"_s, u"--json"_s}
                                  << QStringList() << 2 << u"invalid_input"_s;
    QTest::newRow("invalid-limit") << QStringList{u"hub"_s, u"search"_s, u"x"_s, u"--limit"_s, u"0"_s, u"--json"_s}
                                   << QStringList() << 2 << u"invalid_input"_s;
}

void TestCmdHub::errors()
{
    QFETCH(QStringList, args);
    QFETCH(QStringList, env);
    QFETCH(int, exitCode);
    QFETCH(QString, code);
    const Run r = run(args, env);
    QCOMPARE(r.exitCode, exitCode);
    const QJsonObject err = QJsonDocument::fromJson(r.out).object().value(u"error"_s).toObject();
    QCOMPARE(err.value(u"code"_s).toString(), code);
    QVERIFY(!err.value(u"message"_s).toString().isEmpty());
    QVERIFY(err.contains(u"request_id"_s));
    const bool fromHub = code != u"offline"_s && code != u"network_error"_s && code != u"invalid_input"_s;
    QCOMPARE(err.value(u"request_id"_s).isString(), fromHub);
}

void TestCmdHub::previewJson()
{
    const Run r = run({u"models"_s, u"preview"_s, u"org/tiny-sharded"_s, u"--json"_s});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject j = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(j.value(u"repo_id"_s).toString(), u"org/tiny-sharded"_s);
    QCOMPARE(j.value(u"model_type"_s).toString(), u"llama"_s);
    QCOMPARE(j.value(u"commit_sha"_s).toString().toLatin1(), m_hub.commitOf(u"org/tiny-sharded"_s));
    QCOMPARE(j.value(u"shard_count"_s).toInt(), 3);
    QCOMPARE(j.value(u"params_match_hub"_s).toBool(), true);
    QVERIFY(j.value(u"parameter_count"_s).toInteger() > 0);
}

void TestCmdHub::previewText()
{
    const Run r = run({u"models"_s, u"preview"_s, u"org/tiny-public"_s});
    QCOMPARE(r.exitCode, 0);
    const QString out = QString::fromUtf8(r.out);
    QVERIFY2(out.contains(u"matches the Hub"_s), r.out.constData());
    QVERIFY(out.contains(u"Size (bnb-4bit)"_s));
    const Run bad = run({u"models"_s, u"preview"_s, u"org/none"_s});
    QCOMPARE(bad.exitCode, 3);
    QVERIFY(bad.err.contains("repo_not_found"));
    QVERIFY(bad.err.contains("request id"));
}

void TestCmdHub::archJson()
{
    const Run r = run({u"models"_s, u"arch"_s, u"org/tiny-gpt2"_s, u"--json"_s});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject j = QJsonDocument::fromJson(r.out).object();
    const QJsonObject a = j.value(u"architecture"_s).toObject();
    QCOMPARE(a.value(u"model_type"_s).toString(), u"gpt2"_s);
    QCOMPARE(a.value(u"layer_container"_s).toString(), u"transformer.h"_s);
    const QJsonArray hooks = a.value(u"hook_points"_s).toArray();
    QCOMPARE(hooks.size(), 5 * a.value(u"num_hidden_layers"_s).toInt());
    QCOMPARE(hooks.first().toString(), u"transformer.h.0.hook_resid_pre"_s);
    QCOMPARE(j.value(u"layer_tree"_s).toObject().value(u"blocks"_s).toArray().size(),
             a.value(u"num_hidden_layers"_s).toInt());
}

void TestCmdHub::archFromCatalogue()
{
    mistudio::AppConfig config;
    config.dataDir = m_dir.filePath(u"data"_s);
    const auto stores = mistudio::openStores(config);
    QVERIFY2(stores.ok(), stores.ok() ? "" : qPrintable(stores.error().toString()));
    auto rec = stores->models->create(mistudio::NewModel{QString(), u"org/tiny-neox"_s});
    QVERIFY(rec.ok());
    // Without an extracted architecture, the command reads the record's repo from the Hub.
    Run r = run({u"models"_s, u"arch"_s, rec->shortId(), u"--json"_s});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(QJsonDocument::fromJson(r.out).object().value(u"repo_id"_s).toString(), u"org/tiny-neox"_s);
    // With one, the catalogue answers and the Hub sees no request.
    mistudio::ModelPatch patch;
    patch.architecture = QJsonObject{{u"model_type"_s, u"gpt_neox"_s},
                                     {u"hook_points"_s, QJsonArray{u"gpt_neox.layers.0.hook_resid_post"_s}}};
    QVERIFY(stores->models->update(rec->id, patch).ok());
    m_hub.clearLog();
    r = run({u"models"_s, u"arch"_s, rec->shortId(), u"--json"_s});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject j = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(j.value(u"model_id"_s).toString(), rec->id.toString(QUuid::WithoutBraces));
    QCOMPARE(j.value(u"architecture"_s).toObject(), *patch.architecture);
    QCOMPARE(m_hub.log().size(), 0);
    const Run text = run({u"models"_s, u"arch"_s, rec->shortId()});
    QCOMPARE(text.exitCode, 0);
    QVERIFY(text.out.contains("gpt_neox.layers.0.hook_resid_post"));
}

void TestCmdHub::searchJson()
{
    const Run r = run({u"hub"_s, u"search"_s, u"tiny"_s, u"--limit"_s, u"2"_s, u"--json"_s});
    QCOMPARE(r.exitCode, 0);
    const QJsonArray results = QJsonDocument::fromJson(r.out).object().value(u"results"_s).toArray();
    QCOMPARE(results.size(), 2);
    for (const QJsonValue &v : results)
        QVERIFY(v.toObject().value(u"id"_s).toString().contains(u"tiny"_s));
}

QTEST_GUILESS_MAIN(TestCmdHub)
#include "tst_cmdhub.moc"
