#include "download/contenthasher.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QTest>

using namespace mistudio;

class TestContentHasher final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void knownVectors_data();
    void knownVectors();
    void incrementalEqualsOneShot();
    void expectedForPicksLfsHash();
};

void TestContentHasher::knownVectors_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<bool>("lfs");
    QTest::addColumn<QString>("hex");
    // sha256("") and sha256("abc") (FIPS 180-2).
    QTest::newRow("sha256 empty") << QByteArray() << true
                                  << QStringLiteral("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    QTest::newRow("sha256 abc") << QByteArray("abc") << true
                                << QStringLiteral("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    // `git hash-object` of an empty file and of "hello world\n".
    QTest::newRow("git empty") << QByteArray() << false
                               << QStringLiteral("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
    QTest::newRow("git hello") << QByteArray("hello world\n") << false
                               << QStringLiteral("3b18e512dba79e4c8300dd08aeb37f8e728b8dad");
}

void TestContentHasher::knownVectors()
{
    QFETCH(QByteArray, content);
    QFETCH(bool, lfs);
    QFETCH(QString, hex);
    ContentHasher h(lfs ? ContentHasher::Kind::Sha256 : ContentHasher::Kind::GitBlobSha1, content.size());
    h.update(content);
    QCOMPARE(h.finalHex(), hex);
}

void TestContentHasher::incrementalEqualsOneShot()
{
    QByteArray data(3 * 1024 * 1024 + 17, Qt::Uninitialized);
    QRandomGenerator rng(42);
    for (auto &c : data)
        c = char(rng.generate() & 0xff);
    ContentHasher h(ContentHasher::Kind::Sha256, data.size());
    for (qsizetype pos = 0; pos < data.size();) {
        const qsizetype n = qMin<qsizetype>(data.size() - pos, 1 + qsizetype(rng.bounded(200000)));
        h.update(data.constData() + pos, n);
        pos += n;
    }
    QCOMPARE(h.finalHex(), QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex()));
    h.reset();
    h.update(data);
    QCOMPARE(h.finalHex(), QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex()));
}

void TestContentHasher::expectedForPicksLfsHash()
{
    RemoteFile lfs{QStringLiteral("m.safetensors"), 10, QStringLiteral("ABCD"), QStringLiteral("1234")};
    QCOMPARE(ContentHasher::kindFor(lfs), ContentHasher::Kind::Sha256);
    QCOMPARE(ContentHasher::expectedFor(lfs), QStringLiteral("abcd"));
    RemoteFile git{QStringLiteral("config.json"), 10, QString(), QStringLiteral("1234")};
    QCOMPARE(ContentHasher::kindFor(git), ContentHasher::Kind::GitBlobSha1);
    QCOMPARE(ContentHasher::expectedFor(git), QStringLiteral("1234"));
}

QTEST_GUILESS_MAIN(TestContentHasher)
#include "tst_contenthasher.moc"
