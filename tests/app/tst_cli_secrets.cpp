// Secrets on the command line (docs/security.md, row 14): every option that takes a token also reads it
// from a file (--token-file) or standard input (--token-stdin), so that it never shows in the
// process list, and --help says why. The real binary in a QProcess: `models preview` against
// the fake Hub's private repo, and `serve` with its API token given either way.
#include "fakehub/fakehub.h"
#include "fakehub/fixtures/fixturerepos.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;

namespace {

const QByteArray kApiToken = "abcdefabcdefabcdefabcdefabcdefab0123456789";

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

int httpStatus(quint16 port, const QByteArray &token)
{
    QNetworkAccessManager nam;
    QNetworkRequest req(QUrl(u"http://127.0.0.1:%1/api/v1/health"_s.arg(port)));
    if (!token.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + token);
    QNetworkReply *reply = nam.get(req);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reply->deleteLater();
    return status;
}

} // namespace

class TestCliSecrets final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void hubTokenFromFileOrStdin_data();
    void hubTokenFromFileOrStdin();
    void helpWarnsAboutThePlainOption();
    void serveTokenFromFileOrStdin_data();
    void serveTokenFromFileOrStdin();

private:
    QProcessEnvironment env() const;
    Run mistudio(const QStringList &args, const QByteArray &stdinBytes = {});
    QString writeFile(const QString &name, const QByteArray &content);

    fakehub::FakeHub m_hub;
    QTemporaryDir m_tmp;
};

void TestCliSecrets::initTestCase()
{
    QString error;
    QVERIFY2(m_hub.start(&error), qPrintable(error));
    QVERIFY(m_tmp.isValid());
}

QProcessEnvironment TestCliSecrets::env() const
{
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    e.insert(u"HF_ENDPOINT"_s, m_hub.endpoint().toString());
    e.insert(u"HOME"_s, m_tmp.path());
    e.insert(u"XDG_CONFIG_HOME"_s, m_tmp.filePath(u"config"_s));
    e.insert(u"MISTUDIO_DATA_DIR"_s, m_tmp.filePath(u"data"_s));
    e.remove(u"HF_TOKEN"_s);
    e.remove(u"MISTUDIO_DATABASE_URL"_s);
    return e;
}

Run TestCliSecrets::mistudio(const QStringList &args, const QByteArray &stdinBytes)
{
    QProcess p;
    p.setProcessEnvironment(env());
    p.start(QStringLiteral(MISTUDIO_BINARY), args);
    Run r;
    if (!p.waitForStarted(10000))
        return r;
    p.write(stdinBytes);
    p.closeWriteChannel();
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.exitCode = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

QString TestCliSecrets::writeFile(const QString &name, const QByteArray &content)
{
    QFile f(m_tmp.filePath(name));
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(content);
    return f.fileName();
}

void TestCliSecrets::hubTokenFromFileOrStdin_data()
{
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QByteArray>("stdinBytes");
    QTest::addColumn<int>("exitCode");
    const QByteArray token = fakehub::kApprovedToken;
    const QString file = writeFile(u"hf-token"_s, token + "\n");
    const QString empty = writeFile(u"empty-token"_s, "\n");
    QTest::newRow("no token") << QStringList() << QByteArray() << 3; // private: not found
    QTest::newRow("--token (still works)")
        << QStringList{u"--token"_s, QString::fromLatin1(token)} << QByteArray() << 0;
    QTest::newRow("--token-file") << QStringList{u"--token-file"_s, file} << QByteArray() << 0;
    QTest::newRow("--token-stdin") << QStringList{u"--token-stdin"_s} << token + "\n" << 0;
    QTest::newRow("--token-stdin, no newline") << QStringList{u"--token-stdin"_s} << token << 0;
    QTest::newRow("wrong token from stdin")
        << QStringList{u"--token-stdin"_s} << QByteArray("hf_wrong\n") << 4;
    QTest::newRow("two forms") << QStringList{u"--token-file"_s, file, u"--token-stdin"_s} << token
                               << 2;
    QTest::newRow("empty file") << QStringList{u"--token-file"_s, empty} << QByteArray() << 2;
    QTest::newRow("missing file") << QStringList{u"--token-file"_s, m_tmp.filePath(u"nope"_s)}
                                  << QByteArray() << 1;
    QTest::newRow("empty stdin") << QStringList{u"--token-stdin"_s} << QByteArray() << 2;
}

void TestCliSecrets::hubTokenFromFileOrStdin()
{
    QFETCH(QStringList, options);
    QFETCH(QByteArray, stdinBytes);
    QFETCH(int, exitCode);
    const Run r =
        mistudio(QStringList{u"models"_s, u"preview"_s, u"org/private"_s, u"--json"_s} + options,
                 stdinBytes);
    QVERIFY2(r.exitCode == exitCode, QByteArray(r.out + r.err).constData());
    if (exitCode == 0)
        QVERIFY(r.out.contains("\"org/private\""));
    QVERIFY(!r.out.contains(fakehub::kApprovedToken) && !r.err.contains(fakehub::kApprovedToken));
    // models arch takes the same forms.
    if (QTest::currentDataTag() == QByteArray("--token-stdin")) {
        const Run arch =
            mistudio({u"models"_s, u"arch"_s, u"org/private"_s, u"--json"_s, u"--token-stdin"_s},
                     stdinBytes);
        QVERIFY2(arch.exitCode == 0, arch.err.constData());
    }
}

void TestCliSecrets::helpWarnsAboutThePlainOption()
{
    for (const QString &command : {u"preview"_s, u"arch"_s}) {
        const Run r = mistudio({u"models"_s, command, u"--help"_s});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("process list"), r.out.constData());
        QVERIFY(r.out.contains("--token-file") && r.out.contains("--token-stdin"));
    }
    const Run serve = mistudio({u"serve"_s, u"--help"_s});
    QCOMPARE(serve.exitCode, 0);
    QVERIFY(serve.out.contains("--token-file") && serve.out.contains("--token-stdin"));
    QVERIFY(!serve.out.contains("--token <")); // the API token has no plain form
}

void TestCliSecrets::serveTokenFromFileOrStdin_data()
{
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QByteArray>("stdinBytes");
    const QString file = writeFile(u"api-token"_s, kApiToken + "\n");
    QTest::newRow("--token-file") << QStringList{u"--token-file"_s, file} << QByteArray();
    QTest::newRow("--token-stdin") << QStringList{u"--token-stdin"_s} << kApiToken + "\n";
}

void TestCliSecrets::serveTokenFromFileOrStdin()
{
    QFETCH(QStringList, options);
    QFETCH(QByteArray, stdinBytes);
    QProcess p;
    p.setProcessEnvironment(env());
    p.start(QStringLiteral(MISTUDIO_BINARY),
            QStringList{u"serve"_s, u"--port"_s, u"0"_s} + options);
    QVERIFY(p.waitForStarted(10000));
    p.write(stdinBytes);
    QByteArray out;
    QVERIFY(QTest::qWaitFor(
        [&] {
            out += p.readAllStandardOutput();
            return out.count('\n') >= 2 || p.state() == QProcess::NotRunning;
        },
        30000));
    const QRegularExpressionMatch m =
        QRegularExpression(u"127\\.0\\.0\\.1:(\\d+)"_s).match(QString::fromUtf8(out));
    QVERIFY2(m.hasMatch(), QByteArray(out + p.readAllStandardError()).constData());
    const quint16 port = quint16(m.captured(1).toUInt());
    QVERIFY(out.contains("API token required"));
    QVERIFY(!out.contains(kApiToken));
    // Given a token, loopback requires it too.
    QCOMPARE(httpStatus(port, {}), 401);
    QCOMPARE(httpStatus(port, kApiToken), 200);
    p.terminate();
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 0);
    // A short token is refused before anything listens.
    const Run shortToken =
        mistudio({u"serve"_s, u"--port"_s, u"0"_s, u"--token-stdin"_s}, "tooshort\n");
    QCOMPARE(shortToken.exitCode, 2);
    QVERIFY(shortToken.err.contains("32 characters"));
}

QTEST_GUILESS_MAIN(TestCliSecrets)
#include "tst_cli_secrets.moc"
