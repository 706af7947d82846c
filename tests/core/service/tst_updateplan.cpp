// UpdatePlan: how recorded files compare with upstream's (by sha256, else git blob id, and size),
// the file list after an update, and removals that stay inside the model's folder.
#include "service/updateplan.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;

namespace {

ModelFileRecord lfs(const QString &path, qint64 size, QChar hash)
{
    return {path, size, QString(64, hash), QString(40, u'0')};
}

ModelFileRecord git(const QString &path, qint64 size, QChar oid)
{
    return {path, size, {}, QString(40, oid)};
}

bool write(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

} // namespace

class TestUpdatePlan : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void compareByHashAndSize();
    void mergeKeepsUntouchedFiles();
    void removeStaysInsideTheFolder();
};

void TestUpdatePlan::compareByHashAndSize()
{
    const QList<ModelFileRecord> recorded{lfs(u"a.safetensors"_s, 100, u'a'), git(u"config.json"_s, 10, u'c'),
                                          git(u"gone.txt"_s, 5, u'g'), lfs(u"same.bin"_s, 7, u's')};
    const QList<ModelFileRecord> upstream{lfs(u"a.safetensors"_s, 100, u'b'), // other content, same size
                                          git(u"config.json"_s, 11, u'c'),    // same id, other size
                                          lfs(u"same.bin"_s, 7, u's'), git(u"new.txt"_s, 3, u'n')};
    const UpdatePlan plan = UpdatePlan::compare(recorded, upstream);
    QCOMPARE(plan.changed.size(), 2);
    QCOMPARE(plan.added.size(), 1);
    QCOMPARE(plan.added[0].path, u"new.txt"_s);
    QCOMPARE(plan.removed.size(), 1);
    QCOMPARE(plan.removed[0].path, u"gone.txt"_s);
    QCOMPARE(plan.unchanged, 1);
    QCOMPARE(plan.downloadBytes(), 100 + 11 + 3);
    QCOMPARE(UpdatePlan::compare(recorded, recorded).downloadBytes(), 0);
}

void TestUpdatePlan::mergeKeepsUntouchedFiles()
{
    const QList<ModelFileRecord> recorded{lfs(u"a"_s, 1, u'a'), git(u"b"_s, 2, u'b'), git(u"c"_s, 3, u'c')};
    const QList<ModelFileRecord> merged =
        UpdatePlan::merge(recorded, {lfs(u"a"_s, 9, u'z'), git(u"d"_s, 4, u'd')}, {u"c"_s});
    QCOMPARE(merged.size(), 3);
    QMap<QString, qint64> sizes;
    for (const ModelFileRecord &f : merged)
        sizes.insert(f.path, f.size);
    QCOMPARE(sizes, (QMap<QString, qint64>{{u"a"_s, 9}, {u"b"_s, 2}, {u"d"_s, 4}}));
    QCOMPARE(totalSize(merged), 15);
}

void TestUpdatePlan::removeStaysInsideTheFolder()
{
    QTemporaryDir dir;
    const QString model = dir.path() + u"/model"_s;
    const QString outside = dir.path() + u"/outside"_s;
    QVERIFY(write(model + u"/sub/deep/x.bin"_s, "12345"));
    QVERIFY(write(model + u"/keep.txt"_s, "k"));
    QVERIFY(write(outside + u"/victim.txt"_s, "v"));
    // A link planted in the model's folder that points outside.
    QVERIFY(QFile::link(outside, model + u"/escape"_s));
    const qint64 freed =
        UpdatePlan::removeFiles(model, {u"sub/deep/x.bin"_s, u"escape/victim.txt"_s, u"../outside/victim.txt"_s,
                                        u"missing.bin"_s});
    QCOMPARE(freed, 5);
    QVERIFY(!QFileInfo::exists(model + u"/sub"_s)); // emptied folders go too
    QVERIFY(QFileInfo::exists(model + u"/keep.txt"_s));
    QVERIFY(QFileInfo::exists(outside + u"/victim.txt"_s));
}

QTEST_GUILESS_MAIN(TestUpdatePlan)
#include "tst_updateplan.moc"
