#include "download/partialfile.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <sys/resource.h>
#include <sys/wait.h>
#include <csignal>
#include <unistd.h>

using namespace mistudio;

class TestPartialFile final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void writeAtOffsets();
    void errnoMapping_data();
    void errnoMapping();
    void fileSizeLimitIsDiskFull();
    void atomicRename();
};

void TestPartialFile::writeAtOffsets()
{
    QTemporaryDir dir;
    auto f = PartialFile::open(GuardedPath::beside(dir.filePath(QStringLiteral("x.incomplete"))));
    QVERIFY(f.ok());
    QVERIFY((*f)->allocate(10, true).ok());
    QCOMPARE((*f)->currentSize(), qint64(10));
    QVERIFY((*f)->writeAt(5, "world", 5).ok());
    QVERIFY((*f)->writeAt(0, "hello", 5).ok());
    QVERIFY((*f)->syncData().ok());
    char buf[10];
    QVERIFY((*f)->readAt(0, buf, 10).ok());
    QCOMPARE(QByteArray(buf, 10), QByteArray("helloworld"));
    QVERIFY(!(*f)->readAt(5, buf, 10).ok()); // past the end is an error, not a short read
}

void TestPartialFile::errnoMapping_data()
{
    QTest::addColumn<int>("err");
    QTest::addColumn<int>("code");
    QTest::newRow("ENOSPC") << ENOSPC << int(ErrorCode::DiskFull);
    QTest::newRow("EFBIG") << EFBIG << int(ErrorCode::DiskFull);
    QTest::newRow("EDQUOT") << EDQUOT << int(ErrorCode::DiskFull);
    QTest::newRow("EACCES") << EACCES << int(ErrorCode::PermissionDenied);
    QTest::newRow("EROFS") << EROFS << int(ErrorCode::PermissionDenied);
    QTest::newRow("EIO") << EIO << int(ErrorCode::IoError);
    QTest::newRow("unsafe") << mistudio::safefs::kUnsafePath << int(ErrorCode::UnsafePath);
}

void TestPartialFile::errnoMapping()
{
    QFETCH(int, err);
    QFETCH(int, code);
    QCOMPARE(int(PartialFile::errnoError(err, QStringLiteral("Writing"), QStringLiteral("/x")).code), code);
}

void TestPartialFile::fileSizeLimitIsDiskFull()
{
    // A child process with RLIMIT_FSIZE stands in for a full disk: reserving past the limit must
    // report disk_full (exit 42), not crash with SIGXFSZ.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("big.incomplete"));
    const pid_t pid = fork();
    QVERIFY(pid >= 0);
    if (pid == 0) {
        ::signal(SIGXFSZ, SIG_IGN);
        rlimit lim{1 << 20, 1 << 20};
        ::setrlimit(RLIMIT_FSIZE, &lim);
        auto f = PartialFile::open(GuardedPath::beside(path));
        if (!f.ok())
            ::_exit(1);
        const Status st = (*f)->allocate(8 << 20, true);
        ::_exit(!st.ok() && st.error().code == ErrorCode::DiskFull ? 42 : 2);
    }
    int status = 0;
    QCOMPARE(::waitpid(pid, &status, 0), pid);
    QVERIFY(WIFEXITED(status));
    QCOMPARE(WEXITSTATUS(status), 42);
}

void TestPartialFile::atomicRename()
{
    QTemporaryDir dir;
    const QString from = dir.filePath(QStringLiteral("a.incomplete"));
    const QString to = dir.filePath(QStringLiteral("a"));
    {
        QFile f(from);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("data");
    }
    QVERIFY(mistudio::atomicRename(GuardedPath::beside(from), GuardedPath::beside(to)).ok());
    QVERIFY(!QFile::exists(from));
    QVERIFY(QFile::exists(to));
    QCOMPARE(mistudio::atomicRename(GuardedPath::beside(from), GuardedPath::beside(to)).error().code, ErrorCode::IoError);
}

QTEST_GUILESS_MAIN(TestPartialFile)
#include "tst_partialfile.moc"
