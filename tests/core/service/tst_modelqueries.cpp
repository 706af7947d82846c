// ModelQueries over a real SQLite catalogue: a predicate narrows the total as well as the page,
// an offset off a page boundary slices exactly, a parameter-count sort keeps unknown counts
// last in both orders, and the plain case is the store's own page.
#include "service/modelqueries.h"
#include "service/modelservice.h"
#include "store/storefactory.h"
#include "testengines.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;

class TestModelQueries final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void predicateNarrowsTotalAndPage();
    void offsetOffPageBoundary();
    void paramsSortUnknownLast_data();
    void paramsSortUnknownLast();
    void plainSelectionIsTheStorePage();
    void refusesBadLimits();

private:
    QStringList repos(const ModelSlice &s) const
    {
        QStringList out;
        for (const ModelRecord &r : s.items)
            out << r.repoId;
        return out;
    }

    QTemporaryDir m_dir;
    EventBus m_bus;
    Stores m_stores;
    std::unique_ptr<ModelService> m_service;
};

void TestModelQueries::initTestCase()
{
    AppConfig cfg;
    cfg.dataDir = m_dir.path();
    Result<Stores> s = openStores(cfg);
    QVERIFY2(s, qPrintable(s ? QString() : s.error().toString()));
    m_stores = s.value();
    Engines e;
    ServiceOptions o;
    o.dataDir = DataDir(m_dir.path());
    o.runsJobs = false;
    m_service = std::make_unique<ModelService>(m_stores.models, m_stores.jobs, &m_bus, e, o);
    // 12 models: org/m00 .. org/m11; every third has no parameter count, the others 1000 * (i % 5).
    for (int i = 0; i < 12; ++i) {
        NewModel m;
        m.repoId = u"org/m%1"_s.arg(i, 2, 10, QLatin1Char('0'));
        if (i % 3 != 0)
            m.paramsCount = 1000 * (i % 5);
        QVERIFY(m_service->create(m));
    }
}

void TestModelQueries::predicateNarrowsTotalAndPage()
{
    ModelSelection s;
    s.keep = [](const ModelRecord &r) { return r.paramsCount.has_value(); };
    s.sort = ModelSelection::Sort::RepoId;
    s.order = SortOrder::Ascending;
    s.limit = 3;
    const Result<ModelSlice> first = ModelQueries(*m_service).select(s);
    QVERIFY(first);
    QCOMPARE(first->total, 8);
    QCOMPARE(repos(*first), (QStringList{u"org/m01"_s, u"org/m02"_s, u"org/m04"_s}));
    s.offset = 6;
    const Result<ModelSlice> last = ModelQueries(*m_service).select(s);
    QVERIFY(last);
    QCOMPARE(last->total, 8);
    QCOMPARE(repos(*last), (QStringList{u"org/m10"_s, u"org/m11"_s}));
}

void TestModelQueries::offsetOffPageBoundary()
{
    ModelSelection s;
    s.sort = ModelSelection::Sort::RepoId;
    s.order = SortOrder::Ascending;
    s.offset = 5;
    s.limit = 4;
    const Result<ModelSlice> r = ModelQueries(*m_service).select(s);
    QVERIFY(r);
    QCOMPARE(r->total, 12);
    QCOMPARE(r->offset, 5);
    QCOMPARE(repos(*r), (QStringList{u"org/m05"_s, u"org/m06"_s, u"org/m07"_s, u"org/m08"_s}));
    s.offset = 40;
    const Result<ModelSlice> beyond = ModelQueries(*m_service).select(s);
    QVERIFY(beyond);
    QCOMPARE(beyond->total, 12);
    QVERIFY(beyond->items.empty());
}

void TestModelQueries::paramsSortUnknownLast_data()
{
    QTest::addColumn<bool>("ascending");
    QTest::newRow("asc") << true;
    QTest::newRow("desc") << false;
}

void TestModelQueries::paramsSortUnknownLast()
{
    QFETCH(bool, ascending);
    ModelSelection s;
    s.sort = ModelSelection::Sort::ParamsCount;
    s.order = ascending ? SortOrder::Ascending : SortOrder::Descending;
    s.limit = 100;
    const Result<ModelSlice> r = ModelQueries(*m_service).select(s);
    QVERIFY(r);
    QCOMPARE(r->items.size(), size_t(12));
    std::optional<qint64> previous;
    bool unknownSeen = false;
    for (const ModelRecord &m : r->items) {
        if (!m.paramsCount) {
            unknownSeen = true;
            continue;
        }
        QVERIFY2(!unknownSeen, "a known count after an unknown one");
        if (previous)
            QVERIFY(ascending ? *previous <= *m.paramsCount : *previous >= *m.paramsCount);
        previous = m.paramsCount;
    }
    QVERIFY(unknownSeen);
    QCOMPARE(*r->items.front().paramsCount, ascending ? 0 : 4000); // m05 and m10 count 0
}

void TestModelQueries::plainSelectionIsTheStorePage()
{
    ModelSelection s;
    s.sort = ModelSelection::Sort::Name;
    s.order = SortOrder::Descending;
    s.offset = 4;
    s.limit = 4;
    const Result<ModelSlice> r = ModelQueries(*m_service).select(s);
    QVERIFY(r);
    ModelQuery q;
    q.sort = SortKey::Name;
    q.order = SortOrder::Descending;
    q.page = 2;
    q.limit = 4;
    const Result<ModelPage> page = m_service->list(q);
    QVERIFY(page);
    QCOMPARE(r->total, page->total);
    QCOMPARE(r->items.size(), page->items.size());
    for (size_t i = 0; i < page->items.size(); ++i)
        QCOMPARE(r->items[i].id, page->items[i].id);
    QCOMPARE(r->items.front().repoId, u"org/m07"_s);
}

void TestModelQueries::refusesBadLimits()
{
    ModelSelection s;
    s.limit = 0;
    QCOMPARE(ModelQueries(*m_service).select(s).error().code, ErrorCode::InvalidInput);
    s.limit = 1001;
    QCOMPARE(ModelQueries(*m_service).select(s).error().code, ErrorCode::InvalidInput);
    s.limit = 10;
    s.offset = -1;
    QCOMPARE(ModelQueries(*m_service).select(s).error().code, ErrorCode::InvalidInput);
}

QTEST_GUILESS_MAIN(TestModelQueries)
#include "tst_modelqueries.moc"
