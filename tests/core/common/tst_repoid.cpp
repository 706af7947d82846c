#include "common/datadir.h"
#include "common/repoid.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;

class TestRepoId final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void valid_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("dir");
        QTest::newRow("namespaced") << u"google/gemma-2-2b"_s << u"google--gemma-2-2b"_s;
        QTest::newRow("canonical") << u"gpt2"_s << u"gpt2"_s;
        QTest::newRow("dots and underscores") << u"Org_1/model.v1_0"_s << u"Org_1--model.v1_0"_s;
        QTest::newRow("96 chars") << (u"a/"_s + QString(96, u'x')) << (u"a--"_s + QString(96, u'x'));
    }
    void valid()
    {
        QFETCH(QString, text);
        QFETCH(QString, dir);
        const auto id = RepoId::parse(text);
        QVERIFY2(id.ok(), qPrintable(id.ok() ? QString() : id.error().message));
        QCOMPARE(id->toString(), text);
        QCOMPARE(id->dirName(), dir);
        const auto back = RepoId::fromDirName(dir);
        QVERIFY(back.ok());
        QCOMPARE(back->toString(), text);
    }

    void invalid_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << QString();
        QTest::newRow("dotdot") << u"../etc"_s;
        QTest::newRow("dotdot inside") << u"org/a..b"_s;
        QTest::newRow("absolute") << u"/etc/passwd"_s;
        QTest::newRow("backslash") << u"org\\name"_s;
        QTest::newRow("two slashes") << u"a/b/c"_s;
        QTest::newRow("double dash") << u"org/a--b"_s;
        QTest::newRow("leading dash") << u"-org/name"_s;
        QTest::newRow("trailing dot") << u"org/name."_s;
        QTest::newRow(".git") << u"org/name.git"_s;
        QTest::newRow("control char") << u"org/na\nme"_s;
        QTest::newRow("space") << u"org/na me"_s;
        QTest::newRow("non-ascii") << u"org/modèle"_s;
        QTest::newRow("too long") << (u"org/"_s + QString(97, u'x'));
        QTest::newRow("empty name") << u"org/"_s;
    }
    void invalid()
    {
        QFETCH(QString, text);
        const auto id = RepoId::parse(text);
        QVERIFY(!id.ok());
        QCOMPARE(id.error().code, ErrorCode::InvalidInput);
        QVERIFY(!id.error().message.isEmpty());
    }

    void revisions_data()
    {
        QTest::addColumn<QString>("rev");
        QTest::addColumn<bool>("ok");
        QTest::newRow("main") << u"main"_s << true;
        QTest::newRow("pr") << u"refs/pr/3"_s << true;
        QTest::newRow("sha") << QString(40, u'a') << true;
        QTest::newRow("dotdot") << u"../x"_s << false;
        QTest::newRow("leading slash") << u"/main"_s << false;
        QTest::newRow("newline") << u"ma\nin"_s << false;
        QTest::newRow("empty") << QString() << false;
    }
    void revisions()
    {
        QFETCH(QString, rev);
        QFETCH(bool, ok);
        QCOMPARE(validateRevision(rev).ok(), ok);
    }

    void commitSha()
    {
        QVERIFY(isCommitSha(u"0123456789abcdef0123456789abcdef01234567"_s));
        QVERIFY(!isCommitSha(u"0123456789ABCDEF0123456789abcdef01234567"_s));
        QVERIFY(!isCommitSha(u"main"_s));
    }

    void dataDirLayout()
    {
        const DataDir dir(u"/data"_s);
        const RepoId id = RepoId::parse(u"org/model"_s).value();
        QCOMPARE(dir.modelDir(id), u"/data/models/org--model"_s);
        QCOMPARE(dir.quantizedDir(id), u"/data/models/org--model/quantized"_s);
        QCOMPARE(dir.sqliteFile(), u"/data/mistudio.sqlite3"_s);
    }
};

QTEST_GUILESS_MAIN(TestRepoId)
#include "tst_repoid.moc"
