#include "hfcache/cachelocator.h"

#include <QTest>

using namespace mistudio::hfcache;
using namespace Qt::Literals::StringLiterals;

class TestCacheLocator final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void precedence_data();
    void precedence();
    void explicitPathWins();
};

void TestCacheLocator::precedence_data()
{
    QTest::addColumn<QStringList>("env"); // NAME=value pairs
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("source");
    QTest::newRow("nothing set") << QStringList{} << u"/home/u/.cache/huggingface/hub"_s
                                 << u"default"_s;
    QTest::newRow("XDG_CACHE_HOME") << QStringList{u"XDG_CACHE_HOME=/xdg"_s}
                                    << u"/xdg/huggingface/hub"_s << u"XDG_CACHE_HOME"_s;
    QTest::newRow("HF_HOME over XDG")
        << QStringList{u"XDG_CACHE_HOME=/xdg"_s, u"HF_HOME=/hf"_s} << u"/hf/hub"_s << u"HF_HOME"_s;
    QTest::newRow("legacy HUGGINGFACE_HUB_CACHE over HF_HOME")
        << QStringList{u"HF_HOME=/hf"_s, u"HUGGINGFACE_HUB_CACHE=/legacy"_s} << u"/legacy"_s
        << u"HUGGINGFACE_HUB_CACHE"_s;
    QTest::newRow("HF_HUB_CACHE over everything")
        << QStringList{u"HF_HOME=/hf"_s, u"HUGGINGFACE_HUB_CACHE=/legacy"_s, u"HF_HUB_CACHE=/hub"_s}
        << u"/hub"_s << u"HF_HUB_CACHE"_s;
    QTest::newRow("empty HF_HUB_CACHE is skipped")
        << QStringList{u"HF_HUB_CACHE="_s, u"HF_HOME=/hf"_s} << u"/hf/hub"_s << u"HF_HOME"_s;
    QTest::newRow("tilde expanded")
        << QStringList{u"HF_HOME=~/models/hf"_s} << u"/home/u/models/hf/hub"_s << u"HF_HOME"_s;
    QTest::newRow("variables expanded")
        << QStringList{u"BASE=/data"_s, u"HF_HUB_CACHE=$BASE/hub/${BASE}"_s} << u"/data/hub/data"_s
        << u"HF_HUB_CACHE"_s;
    QTest::newRow("unknown variable kept")
        << QStringList{u"HF_HUB_CACHE=/x/$NOPE"_s} << u"/x/$NOPE"_s << u"HF_HUB_CACHE"_s;
    QTest::newRow("relative path is taken from home")
        << QStringList{u"HF_HUB_CACHE=rel/hub/../cache"_s} << u"/home/u/rel/cache"_s
        << u"HF_HUB_CACHE"_s;
}

void TestCacheLocator::precedence()
{
    QFETCH(QStringList, env);
    QFETCH(QString, path);
    QFETCH(QString, source);
    QProcessEnvironment e;
    for (const QString &kv : env)
        e.insert(kv.section(u'=', 0, 0), kv.section(u'=', 1));
    const CacheLocator::Location loc = CacheLocator(e, u"/home/u"_s).locate();
    QCOMPARE(loc.path, path);
    QCOMPARE(loc.source, source);
}

void TestCacheLocator::explicitPathWins()
{
    QProcessEnvironment e;
    e.insert(u"HF_HUB_CACHE"_s, u"/hub"_s);
    const CacheLocator::Location loc = CacheLocator(e, u"/home/u"_s).locate(u"~/other//cache/"_s);
    QCOMPARE(loc.path, u"/home/u/other/cache"_s);
    QCOMPARE(loc.source, u"explicit"_s);
}

QTEST_GUILESS_MAIN(TestCacheLocator)
#include "tst_cachelocator.moc"
