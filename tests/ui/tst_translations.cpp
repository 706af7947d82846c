// German and Simplified Chinese are complete: every source string of the .ts files has a
// finished translation with the same placeholders, the numerus forms each language needs, and
// the compiled catalogues embedded in the app translate the real widgets.
#include "modeltablemodel.h"
#include "statusdelegate.h"

#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <QTranslator>
#include <QXmlStreamReader>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio::ui;

class TestTranslations final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void complete_data();
    void complete();
    void embeddedCatalogueTranslates_data();
    void embeddedCatalogueTranslates();
};

static QSet<QString> placeholders(const QString &s)
{
    QSet<QString> out;
    static const QRegularExpression re(u"%(\\d|n)"_s);
    for (auto it = re.globalMatch(s); it.hasNext();)
        out.insert(it.next().captured(0));
    return out;
}

void TestTranslations::complete_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("numerusForms");
    QTest::newRow("de") << QStringLiteral(MISTUDIO_TS_DIR "/mistudio_de.ts") << 2;
    QTest::newRow("zh_CN") << QStringLiteral(MISTUDIO_TS_DIR "/mistudio_zh_CN.ts") << 1;
}

void TestTranslations::complete()
{
    QFETCH(QString, file);
    QFETCH(int, numerusForms);
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&f);
    int messages = 0;
    QString source, context;
    bool numerus = false;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == u"name"_s) {
            context = xml.readElementText();
        } else if (xml.name() == u"message"_s) {
            ++messages;
            numerus = xml.attributes().value(u"numerus"_s) == u"yes"_s;
        } else if (xml.name() == u"source"_s) {
            source = xml.readElementText();
        } else if (xml.name() == u"translation"_s) {
            const QString where = context + u": "_s + source;
            QVERIFY2(xml.attributes().value(u"type"_s).isEmpty(),
                     qPrintable(u"unfinished: "_s + where));
            QStringList forms;
            if (numerus) {
                while (xml.readNextStartElement())
                    forms << xml.readElementText();
                QCOMPARE(forms.size(), numerusForms);
            } else {
                forms << xml.readElementText();
            }
            for (const QString &t : std::as_const(forms)) {
                QVERIFY2(!t.trimmed().isEmpty(), qPrintable(u"empty: "_s + where));
                QSet<QString> want = placeholders(source);
                QSet<QString> got = placeholders(t);
                if (numerus && forms.size() > 1 && &t == &forms.first())
                    want.remove(u"%n"_s), got.remove(u"%n"_s); // a singular may spell out "one"
                QVERIFY2(got == want,
                         qPrintable(u"placeholders differ: "_s + where + u" → "_s + t));
            }
        }
    }
    QVERIFY(!xml.hasError());
    QVERIFY2(messages > 200, "the .ts file looks empty: run the update_translations target");
    qInfo("%s: %d messages, all finished", qPrintable(file.section(u'/', -1)), messages);
}

void TestTranslations::embeddedCatalogueTranslates_data()
{
    QTest::addColumn<QString>("locale");
    QTest::addColumn<QString>("sizeHeader");
    QTest::addColumn<QString>("eta");
    QTest::newRow("de") << u"de"_s << u"Größe auf Datenträger"_s << u"noch 42 s"_s;
    QTest::newRow("zh_CN") << u"zh_CN"_s << u"磁盘占用"_s << u"剩余 42 秒"_s;
}

void TestTranslations::embeddedCatalogueTranslates()
{
    QFETCH(QString, locale);
    QFETCH(QString, sizeHeader);
    QFETCH(QString, eta);
    QTranslator t;
    QVERIFY(t.load(QLocale(locale), u"mistudio"_s, u"_"_s, u":/i18n"_s));
    QVERIFY(QCoreApplication::installTranslator(&t));
    ModelTableModel model;
    QCOMPARE(
        model.headerData(ModelTableModel::SizeOnDisk, Qt::Horizontal, Qt::DisplayRole).toString(),
        sizeHeader);
    QCOMPARE(StatusDelegate::formatEta(42), eta);
    QCoreApplication::removeTranslator(&t);
}

QTEST_MAIN(TestTranslations)
#include "tst_translations.moc"
