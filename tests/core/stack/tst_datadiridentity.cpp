// DataDirIdentity: a shared catalogue and its data directory know each other (an id in the
// catalogue, a marker file in the directory, made on first use); a process given another
// directory (shared storage not mounted, another path) is refused with DataDirMismatch.
#include "stack/datadiridentity.h"
#include "store/storefactory.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;

class TestDataDirIdentity final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void firstUseRecordsAndMarks();
    void directoryWithoutMarkerIsRefused();
    void directoryOfAnotherCatalogueIsRefused();
    void newCatalogueAdoptsAnExistingDirectory();
    void markerThatIsNoIdIsRefused();

private:
    std::unique_ptr<CatalogueIdentity> newCatalogue();
    QString marker(const QString &dir) const;
    void writeMarker(const QString &dir, const QByteArray &content) const;

    std::unique_ptr<QTemporaryDir> m_tmp;
    std::vector<Stores> m_stores; // the catalogues of a test (kept open while it runs)
};

void TestDataDirIdentity::init()
{
    m_tmp = std::make_unique<QTemporaryDir>();
    m_stores.clear();
}

// A catalogue of its own (a SQLite file apart from the data directories under test: the class
// works on any backend; only PostgreSQL deployments call it).
std::unique_ptr<CatalogueIdentity> TestDataDirIdentity::newCatalogue()
{
    AppConfig config;
    config.dataDir = m_tmp->filePath(u"catalogue-%1"_s.arg(m_stores.size()));
    Result<Stores> s = openStores(config);
    if (!s)
        qFatal("%s", qPrintable(s.error().toString()));
    m_stores.push_back(*s);
    return std::make_unique<CatalogueIdentity>(s->database);
}

QString TestDataDirIdentity::marker(const QString &dir) const
{
    QFile f(dir + u'/' + QLatin1StringView(DataDirIdentity::kMarkerName));
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()).trimmed() : QString();
}

void TestDataDirIdentity::writeMarker(const QString &dir, const QByteArray &content) const
{
    QDir().mkpath(dir);
    QFile f(dir + u'/' + QLatin1StringView(DataDirIdentity::kMarkerName));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
}

void TestDataDirIdentity::firstUseRecordsAndMarks()
{
    const std::unique_ptr<CatalogueIdentity> catalogue = newCatalogue();
    const QString shared = m_tmp->filePath(u"shared"_s);
    QVERIFY(DataDirIdentity::verify(*catalogue, DataDir(shared)).ok());
    const QString id = marker(shared);
    QVERIFY(!QUuid::fromString(id).isNull());
    QCOMPARE(catalogue->dataDirId().value(), std::optional<QString>(id));
    // Every later start on the same directory (another host's mount of it) passes.
    QVERIFY(DataDirIdentity::verify(*catalogue, DataDir(shared)).ok());
    QCOMPARE(marker(shared), id);
}

void TestDataDirIdentity::directoryWithoutMarkerIsRefused()
{
    const std::unique_ptr<CatalogueIdentity> catalogue = newCatalogue();
    QVERIFY(DataDirIdentity::verify(*catalogue, DataDir(m_tmp->filePath(u"shared"_s))).ok());
    // A host where the shared storage is not mounted sees an empty local directory.
    const QString local = m_tmp->filePath(u"local"_s);
    const Status s = DataDirIdentity::verify(*catalogue, DataDir(local));
    QVERIFY(!s.ok());
    QCOMPARE(s.error().code, ErrorCode::DataDirMismatch);
    QVERIFY2(s.error().message.contains(u"Mount the shared storage"_s), qPrintable(s.error().message));
    QVERIFY(marker(local).isEmpty()); // nothing claimed for the wrong directory
}

void TestDataDirIdentity::directoryOfAnotherCatalogueIsRefused()
{
    const std::unique_ptr<CatalogueIdentity> first = newCatalogue();
    const std::unique_ptr<CatalogueIdentity> second = newCatalogue();
    const QString a = m_tmp->filePath(u"a"_s);
    const QString b = m_tmp->filePath(u"b"_s);
    QVERIFY(DataDirIdentity::verify(*first, DataDir(a)).ok());
    QVERIFY(DataDirIdentity::verify(*second, DataDir(b)).ok());
    const Status s = DataDirIdentity::verify(*first, DataDir(b));
    QVERIFY(!s.ok());
    QCOMPARE(s.error().code, ErrorCode::DataDirMismatch);
    QCOMPARE(s.error().details.value(u"found_id"_s).toString(), marker(b));
    QCOMPARE(s.error().details.value(u"expected_id"_s).toString(), marker(a));
}

void TestDataDirIdentity::newCatalogueAdoptsAnExistingDirectory()
{
    const QString library = m_tmp->filePath(u"library"_s);
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    writeMarker(library, id.toUtf8() + '\n');
    const std::unique_ptr<CatalogueIdentity> catalogue = newCatalogue();
    QVERIFY(DataDirIdentity::verify(*catalogue, DataDir(library)).ok());
    QCOMPARE(catalogue->dataDirId().value(), std::optional<QString>(id));
    QCOMPARE(marker(library), id);
}

void TestDataDirIdentity::markerThatIsNoIdIsRefused()
{
    const QString dir = m_tmp->filePath(u"odd"_s);
    writeMarker(dir, "not an id");
    const std::unique_ptr<CatalogueIdentity> catalogue = newCatalogue();
    const Status s = DataDirIdentity::verify(*catalogue, DataDir(dir));
    QVERIFY(!s.ok());
    QCOMPARE(s.error().code, ErrorCode::DataDirMismatch);
    QVERIFY(!catalogue->dataDirId().value().has_value()); // nothing recorded from it
}

QTEST_GUILESS_MAIN(TestDataDirIdentity)
#include "tst_datadiridentity.moc"
