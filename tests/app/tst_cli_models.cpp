// `mistudio models ...` as a user runs it: the real binary (QProcess) on a temporary data
// directory. Built twice: tst_cli_models (SQLite file in the data dir) and, with
// MISTUDIO_TEST_PG, tst_cli_models_pg (--database-url on the throwaway cluster).
#include "store/storefactory.h"

#ifdef MISTUDIO_TEST_PG
#include "pgtestdb.h"
#endif

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;

    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

const QStringList kRecordKeys = {u"architecture"_s, u"commit_sha"_s, u"created_at"_s, u"disk_size_bytes"_s, u"error_message"_s,
                                 u"file_path"_s, u"id"_s, u"name"_s, u"params_count"_s, u"progress"_s,
                                 u"quantization"_s, u"quantized_path"_s, u"repo_id"_s, u"revision"_s,
                                 u"size_bytes"_s, u"status"_s, u"updated_at"_s, u"verification"_s};

void writeFile(const QString &path, qint64 bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QCOMPARE(f.write(QByteArray(bytes, 'x')), bytes);
}

} // namespace

class TestCliModels final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_tmp;
    QString m_dataDir;
    QString m_databaseUrl;
#ifdef MISTUDIO_TEST_PG
    std::unique_ptr<test::ScratchPgDatabase> m_pg;
#endif

    Run mistudio(const QStringList &args, const QMap<QString, QString> &extraEnv = {})
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"MISTUDIO_DATA_DIR"_s, m_dataDir);
        env.remove(u"MISTUDIO_DATABASE_URL"_s);
        if (!m_databaseUrl.isEmpty())
            env.insert(u"MISTUDIO_DATABASE_URL"_s, m_databaseUrl);
        // No user settings leak in.
        env.insert(u"XDG_CONFIG_HOME"_s, m_tmp->filePath(u"config"_s));
        env.insert(u"HOME"_s, m_tmp->path());
        for (auto it = extraEnv.begin(); it != extraEnv.end(); ++it)
            env.insert(it.key(), it.value());
        p.setProcessEnvironment(env);
        p.setStandardInputFile(QProcess::nullDevice());
        p.start(QStringLiteral(MISTUDIO_BINARY), args);
        Run r;
        if (!p.waitForFinished(60'000)) {
            p.kill();
            p.waitForFinished();
            return r;
        }
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        return r;
    }

    AppConfig config() const
    {
        AppConfig c;
        c.dataDir = m_dataDir;
        c.databaseUrl = m_databaseUrl;
        return c;
    }

    QString addJson(const QString &repo, const QStringList &extra = {})
    {
        const Run r = mistudio(QStringList{u"models"_s, u"add"_s, repo, u"--json"_s} + extra);
        if (r.exitCode != 0)
            qWarning("add failed: %s %s", r.out.constData(), r.err.constData());
        return r.json().value(u"id"_s).toString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFileInfo::exists(QStringLiteral(MISTUDIO_BINARY)), MISTUDIO_BINARY);
    }

    void init()
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
        m_dataDir = m_tmp->filePath(u"data"_s);
#ifdef MISTUDIO_TEST_PG
        if (!m_pg) {
            auto scratch = test::ScratchPgDatabase::create();
            QVERIFY2(scratch.ok(), scratch.ok() ? "" : qPrintable(scratch.error().message));
            m_pg = std::move(*scratch);
        } else {
            const auto s = m_pg->reset();
            QVERIFY2(s.ok(), s.ok() ? "" : qPrintable(s.error().message));
        }
        m_databaseUrl = m_pg->url();
#endif
    }

    void cleanupTestCase()
    {
#ifdef MISTUDIO_TEST_PG
        m_pg.reset();
#endif
    }

    void helpForEveryCommand_data()
    {
        QTest::addColumn<QString>("command");
        for (const char *c : {"list", "add", "show", "rm"})
            QTest::newRow(c) << QString::fromLatin1(c);
    }
    void helpForEveryCommand()
    {
        QFETCH(QString, command);
        const Run r = mistudio({u"models"_s, command, u"--help"_s});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.startsWith(QByteArray("Usage: mistudio models " + command.toUtf8())), r.out.constData());
        QVERIFY(r.out.contains("--json"));
    }

    void addListShowRemove()
    {
        const Run added = mistudio({u"models"_s, u"add"_s, u"google/gemma-2-2b"_s, u"--revision"_s, u"v1.0"_s,
                                    u"--quantization"_s, u"bnb-4bit"_s, u"--json"_s});
        QCOMPARE(added.exitCode, 0);
        const QJsonObject rec = added.json();
        QStringList keys = rec.keys();
        keys.sort();
        QCOMPARE(keys, kRecordKeys); // stable shape: every key, always
        QCOMPARE(rec.value(u"status"_s).toString(), u"pending"_s);
        QCOMPARE(rec.value(u"revision"_s).toString(), u"v1.0"_s);
        QCOMPARE(rec.value(u"quantization"_s).toString(), u"bnb-4bit"_s);
        QCOMPARE(rec.value(u"name"_s).toString(), u"gemma-2-2b"_s);
        QVERIFY(rec.value(u"size_bytes"_s).isNull());
        const QString id = rec.value(u"id"_s).toString();
        QCOMPARE(id.size(), 36);

        const Run listed = mistudio({u"models"_s, u"list"_s, u"--json"_s});
        QCOMPARE(listed.exitCode, 0);
        const QJsonObject page = listed.json();
        QCOMPARE(page.value(u"total"_s).toInt(), 1);
        QCOMPARE(page.value(u"items"_s).toArray().at(0).toObject().value(u"id"_s).toString(), id);

        const Run text = mistudio({u"models"_s, u"list"_s});
        QCOMPARE(text.exitCode, 0);
        QVERIFY(text.out.contains(id.left(8).toUtf8()));
        QVERIFY(text.out.contains("google/gemma-2-2b"));

        for (const QString &ref : {id, id.left(6), id.left(8).toUpper(), u"google/gemma-2-2b"_s}) {
            const Run shown = mistudio({u"models"_s, u"show"_s, ref, u"--json"_s});
            QCOMPARE(shown.exitCode, 0);
            QCOMPARE(shown.json().value(u"id"_s).toString(), id);
        }
        const Run human = mistudio({u"models"_s, u"show"_s, id.left(8)});
        QCOMPARE(human.exitCode, 0);
        QVERIFY(human.out.contains("bnb-4bit"));

        // Not on a terminal and no --yes: nothing happens.
        const Run refused = mistudio({u"models"_s, u"rm"_s, id});
        QCOMPARE(refused.exitCode, 2);
        QCOMPARE(mistudio({u"models"_s, u"show"_s, id}).exitCode, 0);

        writeFile(m_dataDir + u"/models/google--gemma-2-2b/model.safetensors"_s, 3000);
        writeFile(m_dataDir + u"/models/google--gemma-2-2b/quantized/model_4bit.safetensors"_s, 700);
        const Run removed = mistudio({u"models"_s, u"rm"_s, id.left(8), u"--yes"_s, u"--json"_s});
        QCOMPARE(removed.exitCode, 0);
        QCOMPARE(removed.json().value(u"deleted"_s).toObject().value(u"id"_s).toString(), id);
        QCOMPARE(removed.json().value(u"bytes_freed"_s).toInteger(), 3700);
        QVERIFY(!QFileInfo::exists(m_dataDir + u"/models/google--gemma-2-2b"_s));
        QVERIFY(QFileInfo::exists(m_dataDir + u"/models"_s));

        const Run gone = mistudio({u"models"_s, u"show"_s, id, u"--json"_s});
        QCOMPARE(gone.exitCode, 3);
        QCOMPARE(gone.json().value(u"error"_s).toObject().value(u"code"_s).toString(), u"not_found"_s);
    }

    void rejectsInvalidInput_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("dotdot repo") << QStringList{u"add"_s, u"../etc/passwd"_s};
        QTest::newRow("absolute repo") << QStringList{u"add"_s, u"/etc/passwd"_s};
        QTest::newRow("backslash repo") << QStringList{u"add"_s, u"org\\name"_s};
        QTest::newRow("control char") << QStringList{u"add"_s, u"org/na\u0001me"_s};
        QTest::newRow("long repo") << QStringList{u"add"_s, u"org/"_s + QString(200, u'a')};
        QTest::newRow("bad revision") << QStringList{u"add"_s, u"org/name"_s, u"--revision"_s, u"../x"_s};
        QTest::newRow("bad quantization") << QStringList{u"add"_s, u"org/name"_s, u"--quantization"_s, u"int3"_s};
        QTest::newRow("missing repo") << QStringList{u"add"_s};
        QTest::newRow("unknown option") << QStringList{u"list"_s, u"--frobnicate"_s};
        QTest::newRow("bad status") << QStringList{u"list"_s, u"--status"_s, u"done"_s};
        QTest::newRow("bad page") << QStringList{u"list"_s, u"--page"_s, u"0"_s};
        QTest::newRow("bad sort") << QStringList{u"list"_s, u"--sort"_s, u"size"_s};
    }
    void rejectsInvalidInput()
    {
        QFETCH(QStringList, args);
        const Run r = mistudio(QStringList{u"models"_s} + args + QStringList{u"--json"_s});
        QCOMPARE(r.exitCode, 2);
        const QJsonObject error = r.json().value(u"error"_s).toObject();
        QCOMPARE(error.value(u"code"_s).toString(), u"invalid_input"_s);
        QVERIFY(!error.value(u"message"_s).toString().isEmpty());
        QCOMPARE(r.json().keys(), QStringList{u"error"_s});
        // Nothing was created: not even the catalogue file when the input was refused early.
        if (args.first() == u"add"_s && m_databaseUrl.isEmpty())
            QVERIFY(!QFileInfo::exists(m_dataDir + u"/mistudio.sqlite3"_s));
    }

    // The 4-bit options of `models download` apply to bnb-4bit only; refused before any
    // catalogue or network work (the service refuses the same for the API and the GUI).
    void downloadRefusesMisplaced4bitOptions_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("fp4 with 8-bit") << QStringList{u"--quantization"_s, u"bnb-8bit"_s, u"--quant-type"_s, u"fp4"_s};
        QTest::newRow("no double quant without quantization") << QStringList{u"--no-double-quant"_s};
        QTest::newRow("unknown type") << QStringList{u"--quantization"_s, u"bnb-4bit"_s, u"--quant-type"_s, u"int4"_s};
    }
    void downloadRefusesMisplaced4bitOptions()
    {
        QFETCH(QStringList, args);
        const Run r = mistudio(QStringList{u"models"_s, u"download"_s, u"org/name"_s} + args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--quant-type"), r.err.constData());
        if (m_databaseUrl.isEmpty())
            QVERIFY(!QFileInfo::exists(m_dataDir + u"/mistudio.sqlite3"_s));
    }

    void listFiltersSortsAndPages()
    {
        QVERIFY(!addJson(u"org/alpha"_s).isEmpty());
        QVERIFY(!addJson(u"org/beta"_s).isEmpty());
        QVERIFY(!addJson(u"other/gamma"_s).isEmpty());
        auto names = [](const Run &r) {
            QStringList n;
            for (const QJsonValue &v : r.json().value(u"items"_s).toArray())
                n << v.toObject().value(u"name"_s).toString();
            return n;
        };
        const Run sorted = mistudio({u"models"_s, u"list"_s, u"--sort"_s, u"name"_s, u"--order"_s, u"asc"_s, u"--json"_s});
        QCOMPARE(names(sorted), (QStringList{u"alpha"_s, u"beta"_s, u"gamma"_s}));
        const Run search = mistudio({u"models"_s, u"list"_s, u"--search"_s, u"ORG/"_s, u"--json"_s});
        QCOMPARE(search.json().value(u"total"_s).toInt(), 2);
        const Run page2 = mistudio({u"models"_s, u"list"_s, u"--sort"_s, u"name"_s, u"--order"_s, u"asc"_s,
                                    u"--limit"_s, u"1"_s, u"--page"_s, u"2"_s, u"--json"_s});
        QCOMPARE(names(page2), QStringList{u"beta"_s});
        QCOMPARE(page2.json().value(u"total"_s).toInt(), 3);
        QCOMPARE(page2.json().value(u"limit"_s).toInt(), 1);
        const Run ready = mistudio({u"models"_s, u"list"_s, u"--status"_s, u"ready"_s});
        QCOMPARE(ready.exitCode, 0);
        QVERIFY(ready.out.startsWith("No models match"));
    }

    void ambiguousIdsAreConflicts()
    {
        const QString first = addJson(u"org/twice"_s);
        const QString second = addJson(u"org/twice"_s, {u"--quantization"_s, u"bnb-8bit"_s});
        QVERIFY(!first.isEmpty() && !second.isEmpty());
        const Run r = mistudio({u"models"_s, u"show"_s, u"org/twice"_s, u"--json"_s});
        QCOMPARE(r.exitCode, 6);
        QCOMPARE(r.json().value(u"error"_s).toObject().value(u"code"_s).toString(), u"ambiguous_id"_s);
        const Run text = mistudio({u"models"_s, u"rm"_s, u"org/twice"_s, u"--yes"_s});
        QCOMPARE(text.exitCode, 6);
        QVERIFY(text.err.contains("more than one model"));
    }

    void removeKeepsSharedAndOutsideFiles()
    {
        const QString a = addJson(u"org/shared"_s);
        const QString b = addJson(u"org/shared"_s, {u"--quantization"_s, u"bnb-4bit"_s});
        QVERIFY(!a.isEmpty() && !b.isEmpty());
        const QString original = m_dataDir + u"/models/org--shared/model.safetensors"_s;
        writeFile(original, 100);
        // A record whose paths point outside the data directory (hand-edited, or a bug).
        const QString outside = m_tmp->filePath(u"elsewhere/precious.bin"_s);
        writeFile(outside, 10);
        {
            auto stores = openStores(config());
            QVERIFY2(stores.ok(), stores.ok() ? "" : qPrintable(stores.error().message));
            ModelPatch p;
            p.quantizedPath = QFileInfo(outside).absolutePath();
            p.filePath = u"/"_s;
            QVERIFY(stores->models->update(QUuid::fromString(b), p).ok());
        }
        const Run rmB = mistudio({u"models"_s, u"rm"_s, b, u"--yes"_s, u"--json"_s});
        QCOMPARE(rmB.exitCode, 0);
        QVERIFY(QFileInfo::exists(outside));
        QVERIFY(QFileInfo::exists(original)); // record a still uses it
        QCOMPARE(rmB.json().value(u"kept_paths"_s).toArray().size(), 1);
        QCOMPARE(rmB.json().value(u"bytes_freed"_s).toInteger(), 0);

        const Run rmA = mistudio({u"models"_s, u"rm"_s, a, u"--yes"_s});
        QCOMPARE(rmA.exitCode, 0);
        QVERIFY(rmA.out.startsWith("Deleted shared"));
        QVERIFY(!QFileInfo::exists(original));
    }

#ifndef MISTUDIO_TEST_PG // the data directory selects the SQLite catalogue
    void dataDirPrecedence()
    {
        const QString fromFlag = m_tmp->filePath(u"flag"_s);
        QCOMPARE(mistudio({u"--data-dir"_s, fromFlag, u"models"_s, u"add"_s, u"org/one"_s}).exitCode, 0);
        QCOMPARE(mistudio({u"models"_s, u"add"_s, u"org/two"_s, u"--data-dir"_s, fromFlag}).exitCode, 0);
        QVERIFY(QFileInfo::exists(fromFlag + u"/mistudio.sqlite3"_s));
        // The environment's data dir (set by mistudio()) stays empty.
        const Run envList = mistudio({u"models"_s, u"list"_s, u"--json"_s});
        QCOMPARE(envList.json().value(u"total"_s).toInt(), 0);
        const Run flagList = mistudio({u"models"_s, u"list"_s, u"--json"_s, u"--data-dir"_s, fromFlag});
        QCOMPARE(flagList.json().value(u"total"_s).toInt(), 2);
        // Settings come last: with no flag and no environment, storage/dataDir is used.
        const QString fromSettings = m_tmp->filePath(u"settings"_s);
        QDir().mkpath(m_tmp->filePath(u"config/mistudio"_s));
        QFile conf(m_tmp->filePath(u"config/mistudio/mistudio-models.conf"_s));
        QVERIFY(conf.open(QIODevice::WriteOnly));
        conf.write("[storage]\ndataDir=" + fromSettings.toUtf8() + "\n");
        conf.close();
        const Run viaSettings = mistudio({u"models"_s, u"add"_s, u"org/three"_s}, {{u"MISTUDIO_DATA_DIR"_s, QString()}});
        QCOMPARE(viaSettings.exitCode, 0);
        QVERIFY(QFileInfo::exists(fromSettings + u"/mistudio.sqlite3"_s));
    }
#endif

    void unusableCatalogueIsAnError()
    {
        const Run r = mistudio({u"models"_s, u"list"_s, u"--json"_s, u"--database-url"_s, u"postgresql://h:notaport/x"_s});
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(r.json().value(u"error"_s).toObject().value(u"code"_s).toString(), u"invalid_input"_s);
        if (m_databaseUrl.isEmpty()) {
            QDir().mkpath(m_dataDir);
            QFile junk(m_dataDir + u"/mistudio.sqlite3"_s);
            QVERIFY(junk.open(QIODevice::WriteOnly));
            junk.write(QByteArray(4096, 'j'));
            junk.close();
            const Run bad = mistudio({u"models"_s, u"list"_s, u"--json"_s});
            QCOMPARE(bad.exitCode, 1);
            QCOMPARE(bad.json().value(u"error"_s).toObject().value(u"code"_s).toString(), u"database_error"_s);
        }
    }
};

QTEST_GUILESS_MAIN(TestCliModels)
#include "tst_cli_models.moc"
