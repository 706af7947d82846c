// The one policy for names from outside (Hub tree entries, index entries, API input) and the
// display-name rule: what a hostile Hub or API client may send, and what must still pass.
#include "common/namepolicy.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;

class TestNamePolicy final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void acceptsRealRepoNames_data()
    {
        QTest::addColumn<QString>("path");
        for (const QString &p : {u"config.json"_s, u"model-00001-of-00002.safetensors"_s, u"onnx/model.onnx"_s,
                                 u"openvino/decoder/openvino_model.xml"_s, u"tokenizer.model"_s,
                                 u"images/résumé café.png"_s, u"日本語/モデル.bin"_s, u".gitattributes"_s,
                                 u"1_Pooling/config.json"_s, u"a b/c-d_e.f"_s})
            QTest::newRow(qPrintable(p)) << p;
    }
    void acceptsRealRepoNames()
    {
        QFETCH(QString, path);
        const Status s = validateRepoPath(path);
        QVERIFY2(s.ok(), qPrintable(s.error().message));
    }

    void rejectsUnsafeNames_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("reason");
        QTest::newRow("traversal") << u"../../../../tmp/x/PWNED.txt"_s << u"'..' component"_s;
        QTest::newRow("inner traversal") << u"a/../../b"_s << u"'..' component"_s;
        QTest::newRow("dot") << u"a/./b"_s << u"'.' or '..'"_s;
        QTest::newRow("absolute") << u"/etc/passwd"_s << u"absolute"_s;
        QTest::newRow("drive") << u"C:/Windows/x.dll"_s << u"drive letter"_s;
        QTest::newRow("backslash") << u"..\\..\\x.txt"_s << u"backslash"_s;
        QTest::newRow("newline") << u"evil\nname.txt"_s << u"control character"_s;
        QTest::newRow("nul") << QString(u"a"_s + QChar(0) + u"b"_s) << u"control character"_s;
        QTest::newRow("c1") << QString(u"a"_s + QChar(0x85) + u"b"_s) << u"control character"_s;
        QTest::newRow("rlo") << QString(u"model"_s + QChar(0x202E) + u"gnp.exe"_s) << u"formatting character"_s;
        QTest::newRow("zero width") << QString(u"con"_s + QChar(0x200B) + u"fig.json"_s) << u"formatting character"_s;
        QTest::newRow("line separator") << QString(u"a"_s + QChar(0x2028) + u"b"_s) << u"separator"_s;
        QTest::newRow("lone surrogate") << QString(u"a"_s + QChar(0xD800) + u"b"_s) << u"surrogate"_s;
        QTest::newRow("empty") << QString() << u"empty"_s;
        QTest::newRow("empty component") << u"a//b"_s << u"empty component"_s;
        QTest::newRow("trailing slash") << u"a/"_s << u"empty component"_s;
        QTest::newRow("long component") << QString(201, u'x') << u"longer than 200"_s;
        QTest::newRow("long path") << QString(u"abcdefghi/"_s.repeated(103) + u"x"_s) << u"longer than 1024"_s;
        QTest::newRow("reserved") << u"model.safetensors.incomplete"_s << u"reserved"_s;
        QTest::newRow("reserved journal") << u"x.journal.INCOMPLETE"_s << u"reserved"_s;
    }
    void rejectsUnsafeNames()
    {
        QFETCH(QString, path);
        QFETCH(QString, reason);
        const Status s = validateRepoPath(path);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, ErrorCode::UnsafePath);
        QCOMPARE(s.error().codeName(), u"unsafe_path"_s);
        QVERIFY2(s.error().message.contains(reason), qPrintable(s.error().message));
        QCOMPARE(s.error().details.value(u"path"_s).toString(), path);
        // The message never carries the raw control or override character.
        for (QChar c : s.error().message)
            QVERIFY(c.category() != QChar::Other_Control && c.category() != QChar::Other_Format);
    }

    void rejectsCollisions_data()
    {
        QTest::addColumn<QStringList>("paths");
        QTest::newRow("case") << QStringList{u"tokenizer.json"_s, u"Tokenizer.json"_s};
        QTest::newRow("unicode case") << QStringList{u"ÉTÉ.txt"_s, u"été.txt"_s};
        QTest::newRow("nfc vs nfd") << QStringList{u"caf\u00e9.txt"_s, u"cafe\u0301.txt"_s};
        QTest::newRow("directory case") << QStringList{u"Onnx/a.onnx"_s, u"onnx/b.onnx"_s};
        QTest::newRow("file vs folder") << QStringList{u"config"_s, u"config/x.json"_s};
        QTest::newRow("file vs folder, case") << QStringList{u"CONFIG/x.json"_s, u"config"_s};
        QTest::newRow("twice") << QStringList{u"a.json"_s, u"a.json"_s};
    }
    void rejectsCollisions()
    {
        QFETCH(QStringList, paths);
        const Status s = validateRepoPaths(paths);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, ErrorCode::UnsafePath);
        QVERIFY(!s.error().details.value(u"other_path"_s).toString().isEmpty());
    }

    void acceptsDistinctNames()
    {
        const Status s = validateRepoPaths({u"config.json"_s, u"onnx/model.onnx"_s, u"onnx/config.json"_s,
                                            u"tokenizer.json"_s, u"tokenizer_config.json"_s});
        QVERIFY2(s.ok(), qPrintable(s.error().message));
    }

    void oneBadEntryFailsTheList()
    {
        const Status s = validateRepoPaths({u"config.json"_s, u"../../home/u/.bashrc"_s});
        QVERIFY(!s.ok());
        QCOMPARE(s.error().details.value(u"path"_s).toString(), u"../../home/u/.bashrc"_s);
    }

    void displayNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("ok");
        QTest::newRow("plain") << u"Gemma 2 (2B) — my copy"_s << true;
        QTest::newRow("empty") << QString() << true;
        QTest::newRow("cjk") << u"日本語モデル"_s << true;
        QTest::newRow("at the limit") << QString(200, u'n') << true;
        QTest::newRow("too long") << QString(201, u'n') << false;
        QTest::newRow("nul") << QString(u"a"_s + QChar(0) + u"b"_s) << false;
        QTest::newRow("newline") << u"a\nb"_s << false;
        QTest::newRow("rlo") << QString(u"safe"_s + QChar(0x202E) + u"txt.exe"_s) << false;
        QTest::newRow("lri") << QString(QChar(0x2066) + u"x"_s) << false;
        QTest::newRow("zwj") << QString(u"a"_s + QChar(0x200D) + u"b"_s) << false;
    }
    void displayNames()
    {
        QFETCH(QString, name);
        QFETCH(bool, ok);
        const Status s = validateDisplayName(name);
        QCOMPARE(s.ok(), ok);
        if (!ok) {
            QCOMPARE(s.error().code, ErrorCode::InvalidInput);
            QCOMPARE(s.error().details.value(u"field"_s).toString(), u"name"_s);
        }
    }

    void escapesForMessages()
    {
        QCOMPARE(escapeForMessage(u"a\nb"_s), u"a\\u000ab"_s);
        QCOMPARE(escapeForMessage(QString(u"x"_s + QChar(0x202E))), u"x\\u202e"_s);
        QCOMPARE(escapeForMessage(u"plain é"_s), u"plain é"_s);
    }
};

QTEST_GUILESS_MAIN(TestNamePolicy)
#include "tst_namepolicy.moc"
