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
    void resumeKeepsOnlyJournaledBytes();
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
    auto sink = FileSink::open(GuardedPath::beside(dir.filePath(u"w.bin"_s)), lfsFile(content), true, false);
    QVERIFY(sink.ok());
    auto &s = *sink;
    std::vector<std::shared_ptr<FilePiece>> pieces;
    for (qint64 b = 0; b < content.size(); b += 65536)
        pieces.push_back(s->addPiece(b, qMin<qint64>(content.size(), b + 65536)));
    std::shuffle(pieces.begin(), pieces.end(), std::mt19937(seed));
    QRandomGenerator rng(seed);
    int n = 0;
    for (const auto &p : pieces) {
        // Arrives in uneven parts, like network reads.
        for (qint64 pos = p->begin; pos < p->end;) {
            const qint64 len = qMin<qint64>(p->end - pos, 1 + qint64(rng.bounded(20000)));
            QVERIFY(s->write(*p, pos, content.constData() + pos, len).ok());
            pos += len;
        }
        if (++n % 3 == 0) { // checkpoints and catch-ups now and then, as the download runs them
            QVERIFY(s->checkpoint().ok());
            QVERIFY(s->catchUpDigest().ok());
        }
    }
    QVERIFY(s->hasUnjournaled());
    QVERIFY(s->checkpoint().ok());
    QVERIFY(!s->hasUnjournaled());
    QCOMPARE(s->durableBytes(), qint64(content.size()));
    QVERIFY(s->isComplete());
    QCOMPARE(s->bytesWritten(), qint64(content.size()));
    const auto digest = s->finishDigest();
    QVERIFY(digest.ok());
    QCOMPARE(*digest, lfsFile(content).sha256);
}

void TestFileSink::resumeKeepsOnlyJournaledBytes()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"w.bin"_s);
    const QByteArray content = randomBytes(10 * 4096, 7);
    {
        auto s = FileSink::open(GuardedPath::beside(path), lfsFile(content), true, false);
        QVERIFY(s.ok());
        QVERIFY(!(*s)->resumed());
        auto a = (*s)->addPiece(0, 4096);
        auto b = (*s)->addPiece(4096, 20000);
        QVERIFY((*s)->write(*a, 0, content.constData(), 4096).ok());
        QVERIFY((*s)->write(*b, 4096, content.constData() + 4096, 3000).ok()); // part of a piece
        QVERIFY((*s)->checkpoint().ok());
        QCOMPARE((*s)->durableBytes(), qint64(4096 + 3000));
        // Landed after the last checkpoint: like bytes in flight at a crash.
        QVERIFY((*s)->write(*b, 7096, content.constData() + 7096, 5000).ok());
        QCOMPARE((*s)->durableBytes(), qint64(4096 + 3000));
        QVERIFY((*s)->claimed().contains(0, 20000));
    }
    QCOMPARE(DownloadJournal::peekDoneBytes(FileSink::journalPath(GuardedPath::beside(path)),
                                            FileSink::identityFor(lfsFile(content), false)),
             qint64(7096));
    auto s = FileSink::open(GuardedPath::beside(path), lfsFile(content), true, false);
    QVERIFY(s.ok());
    QVERIFY((*s)->resumed());
    QCOMPARE((*s)->durableBytes(), qint64(7096));
    QCOMPARE((*s)->hashedBytes(), qint64(7096)); // the journaled prefix was hashed on open
    QCOMPARE((*s)->claimed().ranges(), (std::vector<RangeSet::Range>{{0, 7096}})); // the rest is fetched again
    auto rest = (*s)->addPiece(7096, content.size());
    QVERIFY((*s)->write(*rest, 7096, content.constData() + 7096, content.size() - 7096).ok());
    QVERIFY((*s)->checkpoint().ok());
    QCOMPARE(*(*s)->finishDigest(), lfsFile(content).sha256);
}

void TestFileSink::partialTruncatedBehindTheJournalStartsOver()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"w.bin"_s);
    const QByteArray content = randomBytes(8 * 4096, 9);
    {
        auto s = FileSink::open(GuardedPath::beside(path), lfsFile(content), true, false);
        auto p = (*s)->addPiece(7 * 4096, 8 * 4096);
        QVERIFY((*s)->write(*p, 7 * 4096, content.constData() + 7 * 4096, 4096).ok());
        QVERIFY((*s)->checkpoint().ok());
    }
    QVERIFY(QFile::resize(FileSink::partialPath(GuardedPath::beside(path)).display(), 4096)); // the data went missing
    auto s = FileSink::open(GuardedPath::beside(path), lfsFile(content), true, false);
    QVERIFY(s.ok());
    QVERIFY(!(*s)->resumed());
    QCOMPARE((*s)->durableBytes(), qint64(0)); // never trust a record whose bytes are gone
}

QTEST_GUILESS_MAIN(TestFileSink)
#include "tst_filesink.moc"
