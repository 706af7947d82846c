// The catalogue's contract, one source for both backends: built as tst_modelstore_sqlite and,
// with MISTUDIO_TEST_PG, as tst_modelstore_pg (against the throwaway cluster of tests/pg).
#include "store/sqldatabase.h"
#include "store/sqljobqueue.h"
#include "store/sqlmodelstore.h"

#ifdef MISTUDIO_TEST_PG
#include "pgtestdb.h"
#endif

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QSqlDatabase>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;

#define REQUIRE_OK(expr)                                                                           \
    do {                                                                                           \
        const auto &r_ = (expr);                                                                   \
        QVERIFY2(r_.ok(), r_.ok() ? "" : qPrintable(r_.error().toString()));                       \
    } while (false)

#define TAKE_OK(var, expr)                                                                         \
    auto var##_result = (expr);                                                                    \
    QVERIFY2(var##_result.ok(), var##_result.ok() ? "" : qPrintable(var##_result.error().toString())); \
    auto var = std::move(var##_result).value()

#define REQUIRE_ERROR(expr, expected)                                                              \
    do {                                                                                           \
        const auto &r_ = (expr);                                                                   \
        QVERIFY2(!r_.ok(), "expected an error, got success");                                      \
        QCOMPARE(r_.error().codeName(), errorCodeName(expected));                                  \
    } while (false)

namespace {

int storeConnectionCount()
{
    int n = 0;
    for (const QString &name : QSqlDatabase::connectionNames())
        n += name.startsWith(u"mistudio-store-"_s) ? 1 : 0;
    return n;
}

} // namespace

class TestModelStore final : public QObject
{
    Q_OBJECT

private:
    SqlTarget m_target;
    std::unique_ptr<QTemporaryDir> m_tmp;
#ifdef MISTUDIO_TEST_PG
    std::unique_ptr<test::ScratchPgDatabase> m_pg;
#endif
    std::shared_ptr<SqlDatabase> m_db;
    std::unique_ptr<SqlModelStore> m_store;
    std::unique_ptr<SqlJobQueue> m_jobs;

    Status openStore(int version = SqlDatabase::kLatestSchemaVersion)
    {
        auto db = SqlDatabase::open(m_target, version);
        if (!db)
            return db.error();
        m_db = *db;
        m_store = std::make_unique<SqlModelStore>(m_db);
        m_jobs = std::make_unique<SqlJobQueue>(m_db, u"test-process"_s);
        return {};
    }

    void closeStore()
    {
        m_jobs.reset();
        m_store.reset();
        m_db.reset();
    }

    Result<ModelRecord> add(const QString &repo, const QString &name = {})
    {
        NewModel m;
        m.repoId = repo;
        m.name = name;
        return m_store->create(m);
    }

    // A record whose stored status is `status`: seeded with SQL, because the status is derived
    // from jobs in real use (tst_jobqueue), while these tests are about listing and filtering.
    Result<ModelRecord> addWithStatus(ModelStatus status)
    {
        auto r = add(u"org/model"_s);
        if (!r)
            return r;
        auto q = m_db->run(u"UPDATE models SET status = ?, error_message = ? WHERE id = ?"_s,
                           {modelStatusName(status),
                            status == ModelStatus::Failed ? QVariant(u"boom"_s)
                                                          : QVariant(QMetaType(QMetaType::QString)),
                            r->id.toString(QUuid::WithoutBraces)});
        if (!q)
            return q.error();
        return m_store->get(r->id);
    }

private Q_SLOTS:
    void initTestCase()
    {
#ifdef MISTUDIO_TEST_PG
        // Absent fixture = failure: a pg test that passes without PostgreSQL proves nothing.
        const auto url = test::pgClusterUrl();
        QVERIFY2(url.ok(), url.ok() ? "" : qPrintable(url.error().message));
        QVERIFY(QSqlDatabase::isDriverAvailable(u"QPSQL"_s));
#else
        QVERIFY(QSqlDatabase::isDriverAvailable(u"QSQLITE"_s));
#endif
    }

    void init()
    {
#ifdef MISTUDIO_TEST_PG
        // One scratch database for the run, emptied before each case.
        if (!m_pg) {
            TAKE_OK(scratch, test::ScratchPgDatabase::create());
            m_pg = std::move(scratch);
        } else {
            REQUIRE_OK(m_pg->reset());
        }
        TAKE_OK(url, DatabaseUrl::parse(m_pg->url()));
        m_target.backend = SqlBackend::Postgres;
        m_target.postgres = url;
#else
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
        m_target.backend = SqlBackend::Sqlite;
        m_target.sqliteFile = m_tmp->filePath(u"mistudio.sqlite3"_s);
#endif
    }

    void cleanup()
    {
        closeStore();
        m_tmp.reset();
    }

    void cleanupTestCase()
    {
#ifdef MISTUDIO_TEST_PG
        m_pg.reset();
#endif
    }

    // --- schema -----------------------------------------------------------------------------

    void migratesAnEmptyDatabase()
    {
        REQUIRE_OK(openStore());
        TAKE_OK(version, m_db->schemaVersion());
        QCOMPARE(version, SqlDatabase::kLatestSchemaVersion);
        TAKE_OK(rows, m_db->run(u"SELECT version FROM schema_version ORDER BY version"_s));
        QList<int> versions;
        while (rows.next())
            versions << rows.value(0).toInt();
        QCOMPARE(versions, (QList<int>{1, 2, 3, 4, 5, 6, 7, 8}));
        // Both base indexes (status, repo_id) exist and the CHECK rejects an unknown status.
        REQUIRE_OK(add(u"a/b"_s));
        REQUIRE_ERROR(m_db->run(u"UPDATE models SET status = 'bogus'"_s), ErrorCode::DatabaseError);
        const QString indexQuery = m_target.backend == SqlBackend::Sqlite
            ? u"SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'idx_models_%' ORDER BY name"_s
            : u"SELECT indexname FROM pg_indexes WHERE indexname LIKE 'idx_models_%' ORDER BY indexname"_s;
        TAKE_OK(idx, m_db->run(indexQuery));
        QStringList names;
        while (idx.next())
            names << idx.value(0).toString();
        QCOMPARE(names, (QStringList{u"idx_models_created_at"_s, u"idx_models_name_lower"_s,
                                     u"idx_models_repo_id"_s, u"idx_models_repo_id_lower"_s,
                                     u"idx_models_status"_s, u"idx_models_status_created_at"_s,
                                     u"idx_models_updated_at"_s}));

        // Opening again is a no-op.
        closeStore();
        REQUIRE_OK(openStore());
        TAKE_OK(again, m_db->schemaVersion());
        QCOMPARE(again, SqlDatabase::kLatestSchemaVersion);
        TAKE_OK(page, m_store->list({}));
        QCOMPARE(int(page.total), 1);
    }

    void migratesAnOlderSchemaKeepingData()
    {
        REQUIRE_OK(openStore(1));
        TAKE_OK(v1, m_db->schemaVersion());
        QCOMPARE(v1, 1);
        TAKE_OK(model, add(u"org/kept"_s));
        REQUIRE_ERROR(m_db->run(u"SELECT COUNT(*) FROM jobs"_s), ErrorCode::DatabaseError);
        closeStore();

        REQUIRE_OK(openStore(2));
        TAKE_OK(v2, m_db->schemaVersion());
        QCOMPARE(v2, 2);
        TAKE_OK(back, m_store->get(model.id));
        QCOMPARE(back.repoId, u"org/kept"_s);
        REQUIRE_OK(m_db->run(u"INSERT INTO jobs (id, model_id, kind, state, owner_host, lease_until)"
                             " VALUES (?, ?, 'download', 'running', 'old-host', ?)"_s,
                             {QUuid::createUuid().toString(QUuid::WithoutBraces),
                              model.id.toString(QUuid::WithoutBraces),
                              SqlDatabase::timeValue(QDateTime::currentDateTimeUtc().addDays(1))}));
        TAKE_OK(second, add(u"org/second"_s));
        closeStore();

        // v3 adds the list's sort indexes over the rows already there; the list reads the same.
        REQUIRE_OK(openStore(3));
        TAKE_OK(v3, m_db->schemaVersion());
        QCOMPARE(v3, 3);
        ModelQuery byName;
        byName.sort = SortKey::Name;
        byName.order = SortOrder::Ascending;
        TAKE_OK(page, m_store->list(byName));
        QCOMPARE(int(page.total), 2);
        QCOMPARE(int(page.items.size()), 2);
        QCOMPARE(page.items[0].id, model.id); // "kept" < "second"
        QCOMPARE(page.items[1].id, second.id);
        closeStore();

        // v4 (job ownership): a job an older version left running is queued again (it had no
        // fence), and the one-active-job-per-model rule holds from now on.
        REQUIRE_OK(openStore(4));
        TAKE_OK(v4, m_db->schemaVersion());
        QCOMPARE(v4, 4);
        TAKE_OK(jobs, m_jobs->list({model.id, {}, {}}));
        QCOMPARE(int(jobs.size()), 1);
        QCOMPARE(jobs.front().state, JobState::Queued);
        QVERIFY(jobs.front().ownerId.isEmpty());
        REQUIRE_ERROR(m_jobs->enqueue({model.id, JobKind::Download, {}, u"auto"_s, {}}, {}, {}),
                      ErrorCode::Conflict);
        TAKE_OK(again, m_store->get(model.id));
        QCOMPARE(again.repoId, u"org/kept"_s);
        closeStore();

        // v5 (variants): the model has none yet, its disk size is its download's.
        REQUIRE_OK(openStore(5));
        TAKE_OK(v5, m_db->schemaVersion());
        QCOMPARE(v5, 5);
        TAKE_OK(none, m_store->variants(model.id));
        QVERIFY(none.empty());
        TAKE_OK(last, m_store->get(model.id));
        QCOMPARE(last.variantsSizeBytes, qint64(0));
        closeStore();

        // v6 (the files of each download): recorded with a download, replaced by the next.
        REQUIRE_OK(openStore());
        ModelPatch files;
        files.files = QList<ModelFileRecord>{{u"config.json"_s, 10, {}, QString(40, u'a')},
                                             {u"model.safetensors"_s, 99, QString(64, u'b'), {}}};
        REQUIRE_OK(m_store->update(model.id, files));
        TAKE_OK(recorded, m_store->files(model.id));
        QCOMPARE(recorded.size(), 2);
        QCOMPARE(recorded[1].sha256, QString(64, u'b'));
        files.files = QList<ModelFileRecord>{{u"model.safetensors"_s, 100, QString(64, u'c'), {}}};
        REQUIRE_OK(m_store->update(model.id, files));
        TAKE_OK(replaced, m_store->files(model.id));
        QCOMPARE(replaced.size(), 1);
        QCOMPARE(replaced[0].size, qint64(100));
    }

    void refusesANewerSchemaUntouched()
    {
        REQUIRE_OK(openStore());
        TAKE_OK(model, add(u"org/precious"_s));
        REQUIRE_OK(m_db->run(u"INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)"_s,
                             {99, u"from the future"_s, SqlDatabase::timeValue(QDateTime::currentDateTimeUtc())}));
        closeStore();

        auto fingerprint = [this]() -> QByteArray {
            if (m_target.backend == SqlBackend::Sqlite) {
                QFile f(m_target.sqliteFile);
                if (!f.open(QIODevice::ReadOnly))
                    return {};
                return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex();
            }
            return {}; // PostgreSQL: checked through the rows below
        };
        const QByteArray before = fingerprint();

        auto refused = SqlDatabase::open(m_target);
        REQUIRE_ERROR(refused, ErrorCode::SchemaTooNew);
        QCOMPARE(refused.error().details.value(u"found"_s).toInt(), 99);
        QVERIFY(refused.error().message.contains(u"99"_s));

        if (m_target.backend == SqlBackend::Sqlite) {
            QVERIFY(!before.isEmpty());
            QCOMPARE(fingerprint(), before);
        }
        // The data and the recorded versions are still there (read without migrating).
        QSqlDatabase raw = QSqlDatabase::addDatabase(
            m_target.backend == SqlBackend::Sqlite ? u"QSQLITE"_s : u"QPSQL"_s, u"raw-check"_s);
        {
            if (m_target.backend == SqlBackend::Sqlite) {
                raw.setDatabaseName(m_target.sqliteFile);
            } else {
                raw.setHostName(m_target.postgres.host);
                raw.setDatabaseName(m_target.postgres.database);
                raw.setUserName(m_target.postgres.user);
            }
            QVERIFY(raw.open());
            QSqlQuery q(raw);
            QVERIFY(q.exec(u"SELECT version FROM schema_version ORDER BY version"_s));
            QList<int> versions;
            while (q.next())
                versions << q.value(0).toInt();
            QCOMPARE(versions, (QList<int>{1, 2, 3, 4, 5, 6, 7, 8, 99}));
            QVERIFY(q.exec(u"SELECT repo_id FROM models"_s));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toString(), model.repoId);
            q.finish();
            raw.close();
        }
        raw = QSqlDatabase();
        QSqlDatabase::removeDatabase(u"raw-check"_s);
    }

    // --- CRUD -------------------------------------------------------------------------------

    void createsAPendingRecordWithDefaults()
    {
        REQUIRE_OK(openStore());
        const QDateTime before = QDateTime::currentDateTimeUtc().addMSecs(-1);
        TAKE_OK(m, add(u"google/gemma-2-2b"_s));
        QVERIFY(!m.id.isNull());
        QCOMPARE(m.name, u"gemma-2-2b"_s);
        QCOMPARE(m.repoId, u"google/gemma-2-2b"_s);
        QCOMPARE(m.revision, u"main"_s);
        QCOMPARE(m.status, ModelStatus::Pending);
        QCOMPARE(m.quantization, u"none"_s);
        QCOMPARE(m.progress, 0.0);
        QVERIFY(!m.sizeBytes);
        QVERIFY(!m.paramsCount);
        QVERIFY(m.commitSha.isEmpty());
        QVERIFY(m.architecture.isEmpty());
        QVERIFY(m.createdAt >= before);
        QCOMPARE(m.createdAt.timeSpec(), Qt::UTC);
        QCOMPARE(m.updatedAt, m.createdAt);

        TAKE_OK(got, m_store->get(m.id));
        QCOMPARE(got.toJson(), m.toJson());

        NewModel custom;
        custom.repoId = u"gpt2"_s;
        custom.name = u"  My GPT-2  "_s;
        custom.revision = u"refs/pr/3"_s;
        custom.quantization = u"bnb-4bit"_s;
        TAKE_OK(c, m_store->create(custom));
        QCOMPARE(c.name, u"My GPT-2"_s);
        QCOMPARE(c.revision, u"refs/pr/3"_s);
        QCOMPARE(c.quantization, u"bnb-4bit"_s);
    }

    void rejectsInvalidInput_data()
    {
        QTest::addColumn<QString>("repo");
        QTest::addColumn<QString>("revision");
        QTest::addColumn<QString>("quantization");
        QTest::newRow("dotdot repo") << u"../etc"_s << u"main"_s << u"none"_s;
        QTest::newRow("absolute repo") << u"/abs/path"_s << u"main"_s << u"none"_s;
        QTest::newRow("empty repo") << QString() << u"main"_s << u"none"_s;
        QTest::newRow("dotdot revision") << u"a/b"_s << u"../x"_s << u"none"_s;
        QTest::newRow("unknown quantization") << u"a/b"_s << u"main"_s << u"bnb-3bit"_s;
    }
    void rejectsInvalidInput()
    {
        QFETCH(QString, repo);
        QFETCH(QString, revision);
        QFETCH(QString, quantization);
        REQUIRE_OK(openStore());
        REQUIRE_ERROR(m_store->create({QString(), repo, revision, quantization}), ErrorCode::InvalidInput);
        TAKE_OK(page, m_store->list({}));
        QCOMPARE(int(page.total), 0);
    }

    void updatesOnlyTheGivenFields()
    {
        REQUIRE_OK(openStore());
        TAKE_OK(m, add(u"org/model"_s));
        ModelPatch p;
        p.commitSha = QString(40, u'a');
        p.filePath = u"/data/models/org--model"_s;
        p.sizeBytes = std::optional<qint64>(5'000'000'000LL);
        p.paramsCount = std::optional<qint64>(2'614'341'888LL);
        p.progress = 42.5;
        TAKE_OK(u, m_store->update(m.id, p));
        QCOMPARE(u.commitSha, QString(40, u'a'));
        QCOMPARE(u.filePath, u"/data/models/org--model"_s);
        QCOMPARE(u.sizeBytes.value_or(-1), 5'000'000'000LL);
        QCOMPARE(u.paramsCount.value_or(-1), 2'614'341'888LL);
        QCOMPARE(u.progress, 42.5);
        QCOMPARE(u.name, m.name);
        QVERIFY(u.updatedAt >= m.updatedAt);

        ModelPatch clear;
        clear.filePath = QString();
        clear.sizeBytes = std::optional<qint64>();
        TAKE_OK(c, m_store->update(m.id, clear));
        QVERIFY(c.filePath.isEmpty());
        QVERIFY(!c.sizeBytes);
        QCOMPARE(c.paramsCount.value_or(-1), 2'614'341'888LL); // untouched
        QCOMPARE(c.commitSha, QString(40, u'a'));
    }

    void rejectsInvalidUpdates()
    {
        REQUIRE_OK(openStore());
        TAKE_OK(m, add(u"org/model"_s));
        ModelPatch p;
        p.progress = 101;
        REQUIRE_ERROR(m_store->update(m.id, p), ErrorCode::InvalidInput);
        ModelPatch sha;
        sha.commitSha = u"not-a-sha"_s;
        REQUIRE_ERROR(m_store->update(m.id, sha), ErrorCode::InvalidInput);
        ModelPatch q;
        q.quantization = u"fp4"_s;
        REQUIRE_ERROR(m_store->update(m.id, q), ErrorCode::InvalidInput);
        ModelPatch ok;
        ok.progress = 1;
        REQUIRE_ERROR(m_store->update(QUuid::createUuid(), ok), ErrorCode::NotFound);
        TAKE_OK(same, m_store->get(m.id));
        QCOMPARE(same.progress, 0.0);
    }

    void roundTripsArchitectureJson_data()
    {
        QTest::addColumn<QJsonObject>("json");
        QTest::newRow("base architecture") << QJsonObject{
            {u"model_type"_s, u"gemma2"_s}, {u"hidden_size"_s, 2304}, {u"num_hidden_layers"_s, 26},
            {u"vocab_size"_s, 256000}, {u"torch_dtype"_s, u"bfloat16"_s},
            {u"hook_points"_s, QJsonArray{u"model.layers.0.hook_resid_post"_s, u"model.layers.12.hook_resid_post"_s}}};
        QTest::newRow("nested, unicode, types") << QJsonObject{
            {u"tree"_s, QJsonObject{{u"children"_s, QJsonArray{QJsonObject{{u"name"_s, u"ü→模型 \"q\" \\"_s}}}}}},
            {u"tied"_s, true}, {u"none"_s, QJsonValue::Null}, {u"ratio"_s, 0.125}, {u"big"_s, 9007199254740991.0}};
    }
    void roundTripsArchitectureJson()
    {
        QFETCH(QJsonObject, json);
        REQUIRE_OK(openStore());
        TAKE_OK(m, add(u"org/model"_s));
        ModelPatch p;
        p.architecture = json;
        REQUIRE_OK(m_store->update(m.id, p));
        TAKE_OK(back, m_store->get(m.id));
        QCOMPARE(back.architecture, json);
    }

    void removesFromAnyStateWithItsJobs()
    {
        REQUIRE_OK(openStore());
        for (ModelStatus s : {ModelStatus::Pending, ModelStatus::Downloading, ModelStatus::Quantizing,
                              ModelStatus::Ready, ModelStatus::Failed}) {
            TAKE_OK(m, addWithStatus(s));
            TAKE_OK(queued, m_jobs->enqueue({m.id, JobKind::Download, {}, u"auto"_s, {}}, {}, {}));
            const JobRecord job = *queued.change.job;
            REQUIRE_OK(m_store->remove(m.id));
            REQUIRE_ERROR(m_store->get(m.id), ErrorCode::NotFound);
            REQUIRE_ERROR(m_jobs->get(job.id), ErrorCode::NotFound);
            REQUIRE_ERROR(m_store->remove(m.id), ErrorCode::NotFound);
        }
    }

    // --- resolve ----------------------------------------------------------------------------

    void resolvesIdsPrefixesAndRepoIds()
    {
        REQUIRE_OK(openStore());
        // Two records whose ids share an 8-digit prefix, written directly.
        const QString now = SqlDatabase::timeValue(QDateTime::currentDateTimeUtc());
        for (const QString &id : {u"abcd1234-0000-4000-8000-000000000001"_s, u"abcd1234-1111-4000-8000-000000000002"_s}) {
            REQUIRE_OK(m_db->run(u"INSERT INTO models (id, name, repo_id, status, created_at, updated_at)"
                                 " VALUES (?, 'dup', 'org/dup', 'pending', ?, ?)"_s,
                                 {id, now, now}));
        }
        TAKE_OK(m, add(u"org/unique"_s));
        const QString full = m.id.toString(QUuid::WithoutBraces);

        TAKE_OK(byFull, m_store->resolve(full));
        QCOMPARE(byFull.id, m.id);
        TAKE_OK(byBraces, m_store->resolve(m.id.toString()));
        QCOMPARE(byBraces.id, m.id);
        TAKE_OK(byPrefix, m_store->resolve(full.left(8)));
        QCOMPARE(byPrefix.id, m.id);
        TAKE_OK(byUpper, m_store->resolve(full.left(8).toUpper()));
        QCOMPARE(byUpper.id, m.id);
        TAKE_OK(byRepo, m_store->resolve(u"org/unique"_s));
        QCOMPARE(byRepo.id, m.id);
        TAKE_OK(byLongerPrefix, m_store->resolve(u"abcd1234-1"_s));
        QCOMPARE(byLongerPrefix.id.toString(QUuid::WithoutBraces), u"abcd1234-1111-4000-8000-000000000002"_s);

        auto ambiguous = m_store->resolve(u"abcd1234"_s);
        REQUIRE_ERROR(ambiguous, ErrorCode::AmbiguousId);
        QCOMPARE(ambiguous.error().details.value(u"matches"_s).toArray().size(), 2);
        REQUIRE_ERROR(m_store->resolve(u"org/dup"_s), ErrorCode::AmbiguousId);
        REQUIRE_ERROR(m_store->resolve(u"org/missing"_s), ErrorCode::NotFound);
        REQUIRE_ERROR(m_store->resolve(u"ab"_s), ErrorCode::NotFound); // too short to be a prefix
        REQUIRE_ERROR(m_store->resolve(u"  "_s), ErrorCode::InvalidInput);
    }

    // --- list -------------------------------------------------------------------------------

    void listsWithFiltersSortAndPages()
    {
        REQUIRE_OK(openStore());
        struct Row { const char16_t *repo; const char16_t *name; ModelStatus status; std::optional<qint64> size; };
        const std::vector<Row> rows = {
            {u"google/gemma-2-2b", u"Gemma", ModelStatus::Ready, 5'000},
            {u"openai-community/gpt2", u"gpt2", ModelStatus::Ready, 500},
            {u"EleutherAI/pythia-70m", u"pythia", ModelStatus::Failed, std::nullopt},
            {u"org/100_percent", u"hundred", ModelStatus::Pending, std::nullopt},
            {u"org/a1b", u"Alpha", ModelStatus::Downloading, 50},
            {u"org/zeta", u"zeta", ModelStatus::Pending, 7},
            {u"meta/llama", u"Llama", ModelStatus::Ready, 9'000},
        };
        for (const Row &r : rows) {
            TAKE_OK(m, addWithStatus(r.status));
            ModelPatch p;
            p.name = QString::fromUtf16(r.name);
            p.sizeBytes = r.size;
            REQUIRE_OK(m_store->update(m.id, p));
            REQUIRE_OK(m_db->run(u"UPDATE models SET repo_id = ? WHERE id = ?"_s,
                                 {QString::fromUtf16(r.repo), m.id.toString(QUuid::WithoutBraces)}));
        }
        auto names = [](const ModelPage &page) {
            QStringList n;
            for (const ModelRecord &r : page.items)
                n << r.name;
            return n;
        };

        TAKE_OK(all, m_store->list({}));
        QCOMPARE(int(all.total), 7);
        QCOMPARE(int(all.items.size()), 7);

        ModelQuery ready;
        ready.status = ModelStatus::Ready;
        ready.sort = SortKey::Name;
        ready.order = SortOrder::Ascending;
        TAKE_OK(r, m_store->list(ready));
        QCOMPARE(int(r.total), 3);
        QCOMPARE(names(r), (QStringList{u"Gemma"_s, u"gpt2"_s, u"Llama"_s})); // case-insensitive

        ModelQuery search;
        search.search = u"GEMMA"_s;
        TAKE_OK(s1, m_store->list(search));
        QCOMPARE(names(s1), QStringList{u"Gemma"_s});
        search.search = u"eleuther"_s; // matches the repo id, not the name
        TAKE_OK(s2, m_store->list(search));
        QCOMPARE(names(s2), QStringList{u"pythia"_s});
        search.search = u"0_p"_s; // '_' is literal, not a wildcard
        TAKE_OK(s3, m_store->list(search));
        QCOMPARE(names(s3), QStringList{u"hundred"_s});
        search.search = u"%"_s;
        TAKE_OK(s4, m_store->list(search));
        QCOMPARE(int(s4.total), 0);

        ModelQuery bySize;
        bySize.sort = SortKey::SizeBytes;
        bySize.order = SortOrder::Descending;
        TAKE_OK(sd, m_store->list(bySize));
        QCOMPARE(names(sd).mid(0, 5), (QStringList{u"Llama"_s, u"Gemma"_s, u"gpt2"_s, u"Alpha"_s, u"zeta"_s}));
        bySize.order = SortOrder::Ascending;
        TAKE_OK(sa, m_store->list(bySize));
        QCOMPARE(names(sa).mid(0, 5), (QStringList{u"zeta"_s, u"Alpha"_s, u"gpt2"_s, u"Gemma"_s, u"Llama"_s}));
        QVERIFY(!sa.items.back().sizeBytes); // NULL sizes last in both orders

        ModelQuery byRepo;
        byRepo.sort = SortKey::RepoId;
        byRepo.order = SortOrder::Ascending;
        TAKE_OK(rp, m_store->list(byRepo));
        QCOMPARE(rp.items.front().repoId, u"EleutherAI/pythia-70m"_s);
        QCOMPARE(rp.items.back().repoId, u"org/zeta"_s);

        // Pages of 3 cover every row once, in the same order as one big page.
        ModelQuery paged;
        paged.sort = SortKey::Name;
        paged.order = SortOrder::Descending;
        TAKE_OK(whole, m_store->list(paged));
        QStringList joined;
        paged.limit = 3;
        for (int p = 1; p <= 3; ++p) {
            paged.page = p;
            TAKE_OK(one, m_store->list(paged));
            QCOMPARE(int(one.total), 7);
            QCOMPARE(one.page, p);
            QCOMPARE(int(one.items.size()), p < 3 ? 3 : 1);
            joined << names(one);
        }
        QCOMPARE(joined, names(whole));
        paged.page = 9;
        TAKE_OK(beyond, m_store->list(paged));
        QVERIFY(beyond.items.empty());
        QCOMPARE(int(beyond.total), 7);

        ModelQuery bad;
        bad.page = 0;
        REQUIRE_ERROR(m_store->list(bad), ErrorCode::InvalidInput);
        bad.page = 1;
        bad.limit = 1001;
        REQUIRE_ERROR(m_store->list(bad), ErrorCode::InvalidInput);

        ModelQuery byCreated;
        byCreated.sort = SortKey::CreatedAt;
        byCreated.order = SortOrder::Ascending;
        TAKE_OK(ca, m_store->list(byCreated));
        for (size_t i = 1; i < ca.items.size(); ++i)
            QVERIFY(ca.items[i - 1].createdAt <= ca.items[i].createdAt);

        // Rows that tie on the sort key (here: all created at the same instant) are ordered by
        // id, pages of 2 with a status filter cover each row once, and the two directions are
        // mirror images (what the v3 index scan in either direction gives).
        REQUIRE_OK(m_db->run(u"UPDATE models SET created_at = ?"_s,
                             {SqlDatabase::timeValue(QDateTime::currentDateTimeUtc())}));
        auto ids = [](const ModelPage &page) {
            QStringList n;
            for (const ModelRecord &rec : page.items)
                n << rec.id.toString(QUuid::WithoutBraces);
            return n;
        };
        for (const auto order : {SortOrder::Ascending, SortOrder::Descending}) {
            ModelQuery tied;
            tied.order = order;
            TAKE_OK(full, m_store->list(tied));
            QStringList sorted = ids(full);
            std::sort(sorted.begin(), sorted.end());
            if (order == SortOrder::Descending)
                std::reverse(sorted.begin(), sorted.end());
            QCOMPARE(ids(full), sorted);

            tied.status = ModelStatus::Ready;
            TAKE_OK(readyAll, m_store->list(tied));
            QCOMPARE(int(readyAll.items.size()), 3);
            tied.limit = 2;
            QStringList pages;
            for (int p = 1; p <= 2; ++p) {
                tied.page = p;
                TAKE_OK(one, m_store->list(tied));
                QCOMPARE(int(one.total), 3);
                pages << ids(one);
            }
            QCOMPARE(pages, ids(readyAll));
        }
    }

    // --- concurrency ------------------------------------------------------------------------

    void concurrentWritersLoseNothing()
    {
        REQUIRE_OK(openStore());
        // A second, independent store on the same database: other connections, as another
        // process or host would have.
        auto otherDb = SqlDatabase::open(m_target);
        REQUIRE_OK(otherDb);
        SqlModelStore other(*otherDb);

        constexpr int kUpdates = 60;
        TAKE_OK(shared, add(u"org/shared"_s));

        const int connectionsBefore = storeConnectionCount();
        struct Outcome
        {
            QStringList errors;
        };
        Outcome a, b;
        // Both threads start together, so that they race on the same rows.
        std::atomic<int> ready{0};
        auto work = [&](ModelStore &store, Outcome &out, bool isA) {
            (void)store.get(shared.id); // open this thread's connection before the race
            ready.fetch_add(1);
            while (ready.load() < 2)
                std::this_thread::yield();
            for (int i = 0; i < kUpdates; ++i) {
                ModelPatch p;
                if (isA)
                    p.progress = double(i);
                else
                    p.sizeBytes = std::optional<qint64>(qint64(i) * 1000);
                if (auto r = store.update(shared.id, p); !r)
                    out.errors << r.error().toString();
            }
        };
        // One QThread and one std::thread: connections are per thread of either kind.
        QThread *qt = QThread::create([&] { work(*m_store, a, true); });
        std::thread st([&] { work(other, b, false); });
        qt->start();
        st.join();
        QVERIFY(qt->wait(120'000));
        delete qt;

        QVERIFY2(a.errors.isEmpty(), qPrintable(a.errors.join(u'\n')));
        QVERIFY2(b.errors.isEmpty(), qPrintable(b.errors.join(u'\n')));
        TAKE_OK(last, m_store->get(shared.id));
        QCOMPARE(last.progress, double(kUpdates - 1));
        QCOMPARE(last.sizeBytes.value_or(-1), qint64(kUpdates - 1) * 1000);


        // The worker threads' connections went away with the threads.
        QCOMPARE(storeConnectionCount(), connectionsBefore);
    }

    void closesItsConnectionsWhenDestroyed()
    {
        const int before = storeConnectionCount();
        REQUIRE_OK(openStore());
        REQUIRE_OK(add(u"org/x"_s));
        QCOMPARE(storeConnectionCount(), before + 1);
        closeStore();
        QCOMPARE(storeConnectionCount(), before);
    }

};

QTEST_GUILESS_MAIN(TestModelStore)
#include "tst_modelstore.moc"
