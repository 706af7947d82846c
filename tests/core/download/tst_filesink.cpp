#include "download/filesink.h"

#include <QCryptographicHash>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <random>

using namespace mistudio;
using namespace Qt::Literals::StringLiterals;

class TestFileSink final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void outOfOrderChunksGiveTheRightDigest_data();
    void outOfOrderChunksGiveTheRightDigest();
    void resumeKeepsOnlyJournaledChunks();
    void partialTruncatedBehindTheJournalStartsOver();

private:
    static QByteArray randomBytes(qint64 n, quint32 seed)
    {
        QByteArray b(n, Qt::Uninitialized);
        QRandomGenerator rng(seed);
        for (auto &c : b)
            c = char(rng.generate() & 0xff);
        return b;
    }
    static RemoteFile lfsFile(const QByteArray &content)
    {
        return RemoteFile{u"w.bin"_s, content.size(),
                          QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex()),
                          QString()};
    }
};

void TestFileSink::outOfOrderChunksGiveTheRightDigest_data()
{
    QTest::addColumn<quint32>("seed");
    for (quint32 s = 1; s <= 5; ++s)
        QTest::addRow("order %u", s) << s;
}

void TestFileSink::outOfOrderChunksGiveTheRightDigest()
{
    QFETCH(quint32, seed);
    QTemporaryDir dir;
    const QByteArray content = randomBytes(1'000'003, seed);
    auto sink = FileSink::open(GuardedPath::beside(dir.filePath(u"w.bin"_s)), lfsFile(content), 65536, true, false);
    QVERIFY(sink.ok());
    auto &s = *sink;
    std::vector<int> order;
    for (const ChunkRange &c : s->chunks())
        order.push_back(c.index);
    std::shuffle(order.begin(), order.end(), std::mt19937(seed));
    QRandomGenerator rng(seed);
    for (int k : order) {
        const ChunkRange &c = s->chunks()[size_t(k)];
        // Arrives in uneven pieces, like network reads.
        for (qint64 pos = c.begin; pos < c.end;) {
            const qint64 n = qMin<qint64>(c.end - pos, 1 + qint64(rng.bounded(20000)));
            QVERIFY(s->write(k, pos, content.constData() + pos, n).ok());
            pos += n;
        }
        QVERIFY(s->commit({k}).ok());
    }
    QCOMPARE(s->bytesOnDisk(), qint64(content.size()));
    const auto digest = s->finishDigest();
    QVERIFY(digest.ok());
    QCOMPARE(*digest, lfsFile(content).sha256);
}

void TestFileSink::resumeKeepsOnlyJournaledChunks()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"w.bin"_s);
    const QByteArray content = randomBytes(10 * 4096, 7);
    {
        auto s = FileSink::open(GuardedPath::beside(path), lfsFile(content), 4096, true, false);
        QVERIFY(s.ok());
        QVERIFY(!(*s)->resumed());
        for (int k : {0, 1, 5}) {
            const ChunkRange &c = (*s)->chunks()[size_t(k)];
            QVERIFY((*s)->write(k, c.begin, content.constData() + c.begin, c.size()).ok());
        }
        QVERIFY((*s)->commit({0, 5}).ok());
        // Chunk 1 is on disk but never journaled: like a chunk in flight at a crash.
    }
    auto s = FileSink::open(GuardedPath::beside(path), lfsFile(content), 1 << 20 /* ignored: the journal's wins */, true, false);
    QVERIFY(s.ok());
    QVERIFY((*s)->resumed());
    QCOMPARE((*s)->chunkSize(), qint64(4096));
    QVERIFY((*s)->isCommitted(0));
    QVERIFY(!(*s)->isCommitted(1));
    QVERIFY((*s)->isCommitted(5));
    QCOMPARE((*s)->hashedBytes(), qint64(4096)); // the journaled prefix was hashed on open
    for (const ChunkRange &c : (*s)->chunks()) {
        if ((*s)->isCommitted(c.index))
            continue;
        (*s)->rewindChunk(c.index);
        QVERIFY((*s)->write(c.index, c.begin, content.constData() + c.begin, c.size()).ok());
        QVERIFY((*s)->commit({c.index}).ok());
    }
    QCOMPARE(*(*s)->finishDigest(), lfsFile(content).sha256);
}

void TestFileSink::partialTruncatedBehindTheJournalStartsOver()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"w.bin"_s);
    const QByteArray content = randomBytes(8 * 4096, 9);
    {
        auto s = FileSink::open(GuardedPath::beside(path), lfsFile(content), 4096, true, false);
        const ChunkRange &c = (*s)->chunks()[7];
        QVERIFY((*s)->write(7, c.begin, content.constData() + c.begin, c.size()).ok());
        QVERIFY((*s)->commit({7}).ok());
    }
    QVERIFY(QFile::resize(FileSink::partialPath(GuardedPath::beside(path)).display(), 4096)); // the data went missing
    auto s = FileSink::open(GuardedPath::beside(path), lfsFile(content), 4096, true, false);
    QVERIFY(s.ok());
    QVERIFY(!(*s)->resumed());
    QVERIFY(!(*s)->isCommitted(7)); // never trust a record whose bytes are gone
}

QTEST_GUILESS_MAIN(TestFileSink)
#include "tst_filesink.moc"
