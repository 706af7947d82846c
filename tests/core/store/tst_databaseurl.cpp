#include "store/databaseurl.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;

class TestDatabaseUrl final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parses_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("password");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("database");
        QTest::addColumn<QStringList>("options");
        QTest::newRow("full") << u"postgresql://me:s3cret@db.example:6543/cat"_s << u"me"_s << u"s3cret"_s
                              << u"db.example"_s << 6543 << u"cat"_s << QStringList();
        QTest::newRow("socket dir") << u"postgresql://postgres@/mistudio?host=/run/pg"_s << u"postgres"_s
                                    << QString() << u"/run/pg"_s << -1 << u"mistudio"_s << QStringList();
        QTest::newRow("encoded password and host") << u"postgres://u:p%40ss%2Fw@%2Fvar%2Frun/db"_s << u"u"_s
                                                   << u"p@ss/w"_s << u"/var/run"_s << -1 << u"db"_s << QStringList();
        QTest::newRow("ipv6 and options") << u"postgresql://[::1]:5433/db?sslmode=require&connect_timeout=3"_s
                                          << QString() << QString() << u"::1"_s << 5433 << u"db"_s
                                          << QStringList{u"sslmode=require"_s, u"connect_timeout=3"_s};
        QTest::newRow("query overrides") << u"postgresql://a@h/db?user=b&port=7000&dbname=other"_s << u"b"_s
                                         << QString() << u"h"_s << 7000 << u"other"_s << QStringList();
    }
    void parses()
    {
        QFETCH(QString, url);
        const auto u = DatabaseUrl::parse(url);
        QVERIFY2(u.ok(), u.ok() ? "" : qPrintable(u.error().message));
        QTEST(u->user, "user");
        QTEST(u->password, "password");
        QTEST(u->host, "host");
        QTEST(u->port, "port");
        QTEST(u->database, "database");
        QTEST(u->options, "options");
        QVERIFY(!u->redacted().contains(u"s3cret"_s));
        // The redacted form parses back to the same place.
        const auto again = DatabaseUrl::parse(u->redacted());
        QVERIFY(again.ok());
        QCOMPARE(again->host, u->host);
        QCOMPARE(again->database, u->database);
    }

    void rejects_data()
    {
        QTest::addColumn<QString>("url");
        QTest::newRow("sqlite") << u"sqlite:///tmp/x.db"_s;
        QTest::newRow("bad port") << u"postgresql://h:99999/db"_s;
        QTest::newRow("port text") << u"postgresql://h:abc/db"_s;
        QTest::newRow("option injection") << u"postgresql://h/db?sslmode=disable%20host=evil"_s;
        QTest::newRow("valueless option") << u"postgresql://h/db?sslmode"_s;
    }
    void rejects()
    {
        QFETCH(QString, url);
        const auto u = DatabaseUrl::parse(url);
        QVERIFY(!u.ok());
        QCOMPARE(u.error().code, ErrorCode::InvalidInput);
    }

    void neverEchoesThePassword()
    {
        const auto u = DatabaseUrl::parse(u"postgresql://me:hunter2@h:notaport/db"_s);
        QVERIFY(!u.ok());
        QVERIFY(!u.error().message.contains(u"hunter2"_s));
    }
};

QTEST_GUILESS_MAIN(TestDatabaseUrl)
#include "tst_databaseurl.moc"
