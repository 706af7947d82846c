// SqlModelStore::list() on a generated SQLite catalogue of N models: microseconds per call for
// the list queries the API and CLI issue, against get() by id (a primary-key lookup) measured in
// the same run, plus SQLite's query plan for each (EXPLAIN QUERY PLAN).
//
//   storebench [--rows 1001,10000] [--calls 300]

#include "store/sqldatabase.h"
#include "store/sqlmodelstore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTextStream>
#include <QUuid>

#include <cstdio>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;

namespace {

struct Case
{
    const char *label;
    ModelQuery query;
};

QString architectureJson(int i)
{
    // About the size the hub's extractor stores for a small model (keys, a few hook points).
    QJsonObject arch{{u"model_type"_s, u"llama"_s},
                     {u"num_hidden_layers"_s, 16 + i % 16},
                     {u"hidden_size"_s, 2048},
                     {u"num_attention_heads"_s, 32},
                     {u"vocab_size"_s, 32000},
                     {u"hook_points"_s, QJsonObject{{u"residual"_s, u"model.layers.{i}"_s},
                                                    {u"attention"_s, u"model.layers.{i}.self_attn"_s},
                                                    {u"mlp"_s, u"model.layers.{i}.mlp"_s}}}};
    return QString::fromUtf8(QJsonDocument(arch).toJson(QJsonDocument::Compact));
}

bool fill(SqlDatabase &db, int rows)
{
    if (!db.run(u"BEGIN"_s))
        return false;
    static const char *const statuses[] = {"pending", "downloading", "ready", "ready", "failed"};
    const QDateTime base = QDateTime::currentDateTimeUtc().addDays(-30);
    for (int i = 0; i < rows; ++i) {
        const QString when = SqlDatabase::timeValue(base.addSecs(qint64(i) * 37));
        const QString repo = u"org%1/model-%2"_s.arg(i % 97).arg(i);
        auto q = db.run(u"INSERT INTO models (id, name, repo_id, revision, status, architecture, quantization,"
                        " size_bytes, params_count, progress, created_at, updated_at)"
                        " VALUES (?, ?, ?, 'main', ?, ?, 'none', ?, ?, 0, ?, ?)"_s,
                        {QUuid::createUuid().toString(QUuid::WithoutBraces), u"model-%1"_s.arg(i), repo,
                         QString::fromLatin1(statuses[i % 5]), architectureJson(i), qint64(i) * 1000003,
                         qint64(i) * 7919, when, when});
        if (!q) {
            std::fprintf(stderr, "insert: %s\n", qPrintable(q.error().message));
            return false;
        }
    }
    return bool(db.run(u"COMMIT"_s));
}

QString plan(SqlDatabase &db, const QString &sql, const QVariantList &values)
{
    auto q = db.run(u"EXPLAIN QUERY PLAN "_s + sql, values);
    if (!q)
        return q.error().message;
    QStringList steps;
    while (q->next())
        steps << q->value(3).toString();
    return steps.join(u"; "_s);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({u"rows"_s, u"Catalogue sizes, comma-separated."_s, u"list"_s, u"1001,10000"_s});
    parser.addOption({u"calls"_s, u"Calls per measurement."_s, u"n"_s, u"300"_s});
    parser.addOption({u"schema"_s, u"Schema version to migrate to (default: latest)."_s, u"v"_s,
                      QString::number(SqlDatabase::kLatestSchemaVersion)});
    parser.process(app);
    const int calls = parser.value(u"calls"_s).toInt();
    const int schema = parser.value(u"schema"_s).toInt();
    QTextStream out(stdout);

    const std::vector<Case> cases = {
        {"default (created_at desc), page 1, limit 50", ModelQuery{}},
        {"status=ready", ModelQuery{ModelStatus::Ready, {}, SortKey::CreatedAt, SortOrder::Descending, 1, 50}},
        {"search=model-12", ModelQuery{{}, u"model-12"_s, SortKey::CreatedAt, SortOrder::Descending, 1, 50}},
        {"sort=name asc", ModelQuery{{}, {}, SortKey::Name, SortOrder::Ascending, 1, 50}},
        {"sort=updated_at desc, page 5", ModelQuery{{}, {}, SortKey::UpdatedAt, SortOrder::Descending, 5, 50}},
        {"limit=1000", ModelQuery{{}, {}, SortKey::CreatedAt, SortOrder::Descending, 1, 1000}},
    };

    for (const QString &rowsText : parser.value(u"rows"_s).split(u',')) {
        const int rows = rowsText.toInt();
        QTemporaryDir dir;
        SqlTarget target;
        target.backend = SqlBackend::Sqlite;
        target.sqliteFile = dir.filePath(u"catalogue.db"_s);
        auto db = SqlDatabase::open(target, schema);
        if (!db) {
            std::fprintf(stderr, "open: %s\n", qPrintable(db.error().message));
            return 1;
        }
        if (!fill(**db, rows))
            return 1;
        SqlModelStore store(*db);
        auto any = store.list({});
        if (!any || any->items.empty())
            return 1;
        const QUuid someId = any->items.front().id;

        auto timeIt = [&](auto &&call) {
            for (int i = 0; i < 5; ++i)
                call();
            QElapsedTimer t;
            t.start();
            for (int i = 0; i < calls; ++i)
                call();
            return double(t.nsecsElapsed()) / 1000.0 / calls;
        };
        const double refUs = timeIt([&] { (void)store.get(someId); });
        out << "rows " << rows << " (schema v" << schema << "), " << calls << " calls each; reference get(id) "
            << QString::number(refUs, 'f', 1) << " us\n";
        const double countUs = timeIt([&] {
            auto q = (*db)->run(u"SELECT COUNT(*) FROM models"_s);
            if (q)
                q->next();
        });
        out << "  COUNT(*) alone (list()'s total): " << QString::number(countUs, 'f', 1) << " us\n";
        for (const Case &c : cases) {
            const double us = timeIt([&] { (void)store.list(c.query); });
            out << "  list " << c.label << ": " << QString::number(us, 'f', 1) << " us ("
                << QString::number(us / refUs, 'f', 1) << "x get)\n";
        }
        // Plans of the SQL list() issues for the default query and the status filter.
        const QString cols = u"id, name, repo_id, revision, commit_sha, file_path, quantized_path, status,"
                             " architecture, quantization, size_bytes, params_count, progress, error_message,"
                             " created_at, updated_at"_s;
        struct Sql { const char *label; QString sql; QVariantList values; };
        const std::vector<Sql> sqls = {
            {"COUNT(*)", u"SELECT COUNT(*) FROM models"_s, {}},
            {"COUNT status", u"SELECT COUNT(*) FROM models WHERE status = ?"_s, {u"ready"_s}},
            {"page created_at desc (old form)",
             u"SELECT "_s + cols + u" FROM models ORDER BY (created_at IS NULL), created_at DESC, id ASC LIMIT ? OFFSET ?"_s,
             {50, 0}},
            {"page created_at desc", u"SELECT "_s + cols + u" FROM models ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?"_s,
             {50, 0}},
            {"page status, created_at desc",
             u"SELECT "_s + cols + u" FROM models WHERE status = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?"_s,
             {u"ready"_s, 50, 0}},
            {"page LOWER(name) asc",
             u"SELECT "_s + cols + u" FROM models ORDER BY LOWER(name) ASC, id ASC LIMIT ? OFFSET ?"_s, {50, 0}},
        };
        for (const Sql &s : sqls)
            out << "  plan " << s.label << ": " << plan(**db, s.sql, s.values) << "\n";
        out.flush();
    }
    return 0;
}
