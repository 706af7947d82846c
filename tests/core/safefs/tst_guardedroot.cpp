// The guarded file-system root: nothing written, renamed or removed through it lands outside its
// root, whatever the name says and whatever links are already on disk.
#include "safefs/guardedroot.h"
#include "safefs/pathrules.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio::safefs;

namespace {

std::string s(const QString &q)
{
    return QFile::encodeName(q).toStdString();
}

void writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestGuardedRoot final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_tmp;
    QString m_root;    // the guarded folder
    QString m_outside; // its sibling, which must never change
    GuardedRoot m_guard;

private Q_SLOTS:
    void init()
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
        m_root = m_tmp->filePath(u"root"_s);
        m_outside = m_tmp->filePath(u"outside"_s);
        QVERIFY(QDir().mkpath(m_root));
        writeFile(m_outside + u"/secret.txt"_s, "secret");
        m_guard = GuardedRoot(s(m_root));
    }

    void cleanup()
    {
        // Whatever a test did, the sibling still holds exactly its one file.
        QCOMPARE(QDir(m_outside).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
                 QStringList{u"secret.txt"_s});
        QCOMPARE(readFile(m_outside + u"/secret.txt"_s), QByteArray("secret"));
    }

    void writesBeneathTheRoot()
    {
        const Opened f = m_guard.open("a/b/c.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644, true);
        QVERIFY(f.ok());
        QCOMPARE(::write(f.fd, "hi", 2), ssize_t(2));
        ::close(f.fd);
        QCOMPARE(readFile(m_root + u"/a/b/c.txt"_s), QByteArray("hi"));
        QCOMPARE(m_guard.rename("a/b/c.txt", "a/d.txt"), 0);
        QCOMPARE(readFile(m_root + u"/a/d.txt"_s), QByteArray("hi"));
        struct stat st {};
        QCOMPARE(m_guard.stat("a/d.txt", &st), 0);
        QCOMPARE(qint64(st.st_size), qint64(2));
        QCOMPARE(m_guard.remove("a/d.txt"), 0);
        QCOMPARE(m_guard.remove("a/d.txt"), 0); // missing is done
        QCOMPARE(m_guard.removeDir("a/b"), 0);
        QCOMPARE(m_guard.removeDir("a"), 0);
        QVERIFY(QDir(m_root).isEmpty());
    }

    void refusesNamesThatLeave_data()
    {
        QTest::addColumn<QString>("rel");
        QTest::newRow("dotdot") << u"../outside/secret.txt"_s;
        QTest::newRow("deep dotdot") << u"a/../../outside/secret.txt"_s;
        QTest::newRow("absolute") << QString(m_outside + u"/secret.txt"_s);
        QTest::newRow("backslash") << u"..\\outside\\secret.txt"_s;
        QTest::newRow("newline") << u"a\n.txt"_s;
        QTest::newRow("empty component") << u"a//b"_s;
    }
    void refusesNamesThatLeave()
    {
        QFETCH(QString, rel);
        const std::string r = s(rel);
        QCOMPARE(m_guard.open(r, O_WRONLY | O_CREAT | O_TRUNC, 0644, true).error, kUnsafePath);
        QCOMPARE(m_guard.remove(r), kUnsafePath);
        QCOMPARE(m_guard.removeTree(r), kUnsafePath);
        QCOMPARE(m_guard.rename(r, "x"), kUnsafePath);
        QCOMPARE(m_guard.rename("x", r), kUnsafePath);
        QCOMPARE(m_guard.makeDirs(r), kUnsafePath);
        struct stat st {};
        QCOMPARE(m_guard.stat(r, &st), kUnsafePath);
        QVERIFY(!describeError(kUnsafePath, r).empty());
        QVERIFY(QDir(m_root).isEmpty());
    }

    void refusesLinkedDirectories()
    {
        // A link planted in the tree (by anyone) is never followed for a write or a remove.
        QVERIFY(QFile::link(m_outside, m_root + u"/models"_s));
        QCOMPARE(m_guard.open("models/secret.txt", O_WRONLY | O_TRUNC).error, kUnsafePath);
        QCOMPARE(m_guard.open("models/new.txt", O_WRONLY | O_CREAT, 0644, true).error, kUnsafePath);
        QCOMPARE(m_guard.remove("models/secret.txt"), kUnsafePath);
        QCOMPARE(m_guard.rename("models/secret.txt", "stolen.txt"), kUnsafePath);
        QCOMPARE(m_guard.makeDirs("models/sub"), kUnsafePath);
        QCOMPARE(m_guard.sub("models").open("secret.txt", O_RDONLY).error, kUnsafePath);
        QCOMPARE(describeError(kUnsafePath, "models/secret.txt"), std::string("leaves its folder or passes through a symbolic link"));
        // The link itself may go: that removes nothing it points at.
        QCOMPARE(m_guard.removeTree("models"), 0);
        QVERIFY(!QFileInfo(m_root + u"/models"_s).isSymLink());
    }

    void refusesLinkedFiles()
    {
        QVERIFY(QFile::link(m_outside + u"/secret.txt"_s, m_root + u"/config.json"_s));
        QCOMPARE(m_guard.open("config.json", O_WRONLY | O_TRUNC).error, kUnsafePath);
        QCOMPARE(m_guard.open("config.json", O_RDONLY).error, kUnsafePath);
        QCOMPARE(m_guard.open("config.json", O_WRONLY | O_CREAT | O_TRUNC, 0644).error, kUnsafePath);
        struct stat st {};
        QCOMPARE(m_guard.stat("config.json", &st), 0);
        QVERIFY(S_ISLNK(st.st_mode)); // reported as what it is
        // Renaming over it and removing it touch the link, not its target.
        QCOMPARE(m_guard.remove("config.json"), 0);
        QVERIFY(!QFileInfo::exists(m_root + u"/config.json"_s));
    }

    void removeTreeDoesNotFollowLinksInside()
    {
        QVERIFY(QDir().mkpath(m_root + u"/tmp/inner"_s));
        writeFile(m_root + u"/tmp/inner/a.bin"_s, "a");
        QVERIFY(QFile::link(m_outside, m_root + u"/tmp/inner/escape"_s));
        QVERIFY(QFile::link(m_outside + u"/secret.txt"_s, m_root + u"/tmp/secret-link"_s));
        QCOMPARE(m_guard.removeTree("tmp"), 0);
        QVERIFY(!QFileInfo::exists(m_root + u"/tmp"_s));
    }

    void subRootsAreWalkedToo()
    {
        QCOMPARE(m_guard.makeDirs("q/tmp"), 0);
        const GuardedRoot sub = m_guard.sub("q/tmp");
        const Opened f = sub.open("model.safetensors", O_WRONLY | O_CREAT | O_EXCL, 0644);
        QVERIFY(f.ok());
        ::close(f.fd);
        QVERIFY(QFileInfo::exists(m_root + u"/q/tmp/model.safetensors"_s));
        QCOMPARE(m_guard.sub("../outside").open("secret.txt", O_RDONLY).error, kUnsafePath);
        QCOMPARE(sub.pathOf("x"), s(m_root + u"/q/tmp/x"_s));
    }

    void makeDirReportsExisting()
    {
        QCOMPARE(m_guard.makeDir("fresh", 0700), 0);
        QCOMPARE(m_guard.makeDir("fresh", 0700), EEXIST);
        QCOMPARE(m_guard.syncDir("fresh"), 0);
        QCOMPARE(m_guard.syncDir(), 0);
    }

    void pathRules()
    {
        QVERIFY(relativePathProblem("a/b.json") == nullptr);
        QVERIFY(relativePathProblem("\xc3\xa9t\xc3\xa9.txt") == nullptr);      // été
        QVERIFY(relativePathProblem("a\xe2\x80\xae" "b") != nullptr);             // U+202E
        QVERIFY(relativePathProblem("a\xc2\x85") != nullptr);                  // C1 NEL
        QVERIFY(relativePathProblem("\xff.txt") != nullptr);                   // not UTF-8
        QVERIFY(relativePathProblem("\xc0\xaf") != nullptr);                   // overlong '/'
        QVERIFY(relativePathProblem(std::string_view("a\0b", 3)) != nullptr);  // NUL
        QVERIFY(componentProblem("a/b") != nullptr);
        QVERIFY(componentProblem("model-00001-of-00002.safetensors") == nullptr);
    }
};

QTEST_GUILESS_MAIN(TestGuardedRoot)
#include "tst_guardedroot.moc"
