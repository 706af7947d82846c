// Every window and dialog, walked in German and Simplified Chinese: no visible text is still an
// English source string of our catalogue (or one of Qt's standard button texts), no label,
// button, group title, tab or column header is cut off, and numbers follow the language
// (docs/gui.md, languages: an untranslated "Close", mixed decimal separators, clipped German headers).
#include "architecturedialog.h"
#include "detailspane.h"
#include "downloadform.h"
#include "fakebackend.h"
#include "helpdialog.h"
#include "localeformat.h"
#include "mainwindow.h"
#include "modelspanel.h"
#include "modeltablemodel.h"
#include "previewdialog.h"
#include "requantizedialog.h"
#include "sampledata.h"
#include "settingsdialog.h"

#include <QAbstractButton>
#include <QApplication>
#include <QDialogButtonBox>
#include <QFile>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QRegularExpression>
#include <QSettings>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextDocumentFragment>
#include <QToolBar>
#include <QTranslator>
#include <QVBoxLayout>
#include <QXmlStreamReader>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace mistudio::ui;
using test::FakeBackend;

namespace {

QString plainText(QString text)
{
    text.remove(QRegularExpression(u"&(?!&)"_s));
    if (Qt::mightBeRichText(text))
        text = QTextDocumentFragment::fromHtml(text).toPlainText();
    return text.trimmed();
}

struct Catalogue
{
    QList<QRegularExpression> english; // sources whose translation differs, as patterns
    QSet<QString> translations;        // what the catalogue says in the language
};

// The English source strings of a .ts file whose translation differs, as whole-text patterns.
Catalogue readCatalogue(const QString &tsFile)
{
    Catalogue out;
    QFile f(tsFile);
    if (!f.open(QIODevice::ReadOnly))
        return out;
    QXmlStreamReader xml(&f);
    QString source;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == u"source"_s) {
            source = xml.readElementText();
        } else if (xml.name() == u"translation"_s) {
            QString translation;
            if (xml.attributes().value(u"type"_s).isEmpty()) {
                // Numerus forms are children; the first is enough to compare.
                translation = xml.readElementText(QXmlStreamReader::IncludeChildElements);
            }
            out.translations.insert(plainText(translation));
            if (translation == source)
                continue; // the same word in both languages ("Token:", "OK")
            QString plain = source;
            plain.remove(QRegularExpression(u"&(?!&)"_s));
            plain = QTextDocumentFragment::fromHtml(plain).toPlainText();
            // Enough words of its own that a data value cannot match it by accident.
            QString letters = plain;
            letters.remove(QRegularExpression(u"%(\\d|n|L\\d)"_s));
            if (letters.count(QRegularExpression(u"[A-Za-z]"_s)) < 4)
                continue;
            plain.replace(QRegularExpression(u"%(\\d|n|L\\d)"_s), u"QQPLACEHOLDERQQ"_s);
            QString pattern = QRegularExpression::escape(plain);
            pattern.replace(u"QQPLACEHOLDERQQ"_s, u".*"_s);
            out.english << QRegularExpression(u"\\A"_s + pattern + u"\\z"_s,
                                              QRegularExpression::DotMatchesEverythingOption);
        }
    }
    return out;
}

struct Walk
{
    QStringList untranslated;
    QStringList clipped;
};

class Walker
{
public:
    explicit Walker(Catalogue catalogue)
        : m_catalogue(std::move(catalogue))
    {}

    void checkText(const QString &where, const QString &raw)
    {
        const QString text = plainText(raw);
        if (text.isEmpty())
            return;
        static const QStringList qtEnglish{
            u"OK"_s, u"Cancel"_s,          u"Close"_s, u"Apply"_s,   u"Yes"_s,
            u"No"_s, u"Show Details..."_s, u"Save"_s,  u"Discard"_s, u"Help"_s};
        QStringList pieces{text};
        for (const QString &sep : {u"\n"_s, u" · "_s, u" — "_s})
            for (const QString &p : text.split(sep, Qt::SkipEmptyParts))
                pieces << p.trimmed();
        for (const QString &piece : std::as_const(pieces)) {
            bool english = qtEnglish.contains(piece) && !m_catalogue.translations.contains(piece);
            for (const QRegularExpression &re : std::as_const(m_catalogue.english))
                english = english || re.match(piece).hasMatch();
            if (english) {
                walk.untranslated << where + u": "_s + piece;
                return;
            }
        }
    }

    void visit(QWidget *root, const QString &name)
    {
        checkText(name + u" title"_s, root->windowTitle());
        QList<QWidget *> widgets = root->findChildren<QWidget *>();
        widgets.prepend(root);
        for (QWidget *w : std::as_const(widgets)) {
            if (!w->isVisible())
                continue;
            const QString where =
                name + u"/"_s +
                (w->objectName().isEmpty() ? QString::fromLatin1(w->metaObject()->className())
                                           : w->objectName());
            if (auto *l = qobject_cast<QLabel *>(w)) {
                checkText(where, l->text());
                if (!l->wordWrap() && !l->text().isEmpty() && l->pixmap().isNull() &&
                    l->width() < l->minimumSizeHint().width())
                    walk.clipped << u"%1: \"%2\" %3 < %4 px"_s.arg(where, plainText(l->text()))
                                        .arg(l->width())
                                        .arg(l->minimumSizeHint().width());
            } else if (auto *b = qobject_cast<QAbstractButton *>(w)) {
                checkText(where, b->text());
                checkText(where + u" tooltip"_s, b->toolTip());
                if (!b->text().isEmpty() && !qobject_cast<QToolBar *>(b->parentWidget()) &&
                    b->width() < b->minimumSizeHint().width())
                    walk.clipped << u"%1: \"%2\" %3 < %4 px"_s.arg(where, plainText(b->text()))
                                        .arg(b->width())
                                        .arg(b->minimumSizeHint().width());
            } else if (auto *g = qobject_cast<QGroupBox *>(w)) {
                checkText(where, g->title());
                if (g->width() < g->fontMetrics().horizontalAdvance(plainText(g->title())))
                    walk.clipped << where + u": group title "_s + g->title();
            } else if (auto *e = qobject_cast<QLineEdit *>(w)) {
                checkText(where + u" placeholder"_s, e->placeholderText());
            } else if (auto *t = qobject_cast<QTabBar *>(w)) {
                for (int i = 0; i < t->count(); ++i) {
                    checkText(where + u" tab"_s, t->tabText(i));
                    const int need = t->fontMetrics().horizontalAdvance(plainText(t->tabText(i)));
                    if (t->tabRect(i).width() < need)
                        walk.clipped << u"%1: tab \"%2\""_s.arg(where, t->tabText(i));
                }
            } else if (auto *h = qobject_cast<QHeaderView *>(w);
                       h && h->orientation() == Qt::Horizontal && h->model()) {
                for (int s = 0; s < h->count(); ++s) {
                    if (h->isSectionHidden(s))
                        continue;
                    const QString text = h->model()->headerData(s, Qt::Horizontal).toString();
                    checkText(where + u" header"_s, text);
                    // Title plus the style's margins and the sort arrow.
                    const int need =
                        h->fontMetrics().horizontalAdvance(text) +
                        2 * h->style()->pixelMetric(QStyle::PM_HeaderMargin, nullptr, h) +
                        (h->isSortIndicatorShown()
                             ? h->style()->pixelMetric(QStyle::PM_HeaderMarkSize, nullptr, h)
                             : 0);
                    if (h->sectionSize(s) < need)
                        walk.clipped << u"%1: column \"%2\" %3 < %4 px"_s.arg(where, text)
                                            .arg(h->sectionSize(s))
                                            .arg(need);
                }
            } else if (auto *menuBar = qobject_cast<QMenuBar *>(w)) {
                for (QAction *top : menuBar->actions()) {
                    checkText(where, top->text());
                    if (top->menu())
                        for (QAction *a : top->menu()->actions()) {
                            checkText(where + u" menu"_s, a->text());
                            checkText(where + u" menu tooltip"_s, a->toolTip());
                        }
                }
            }
        }
    }

    Walk walk;
    qsizetype catalogueSize() const { return m_catalogue.english.size(); }

private:
    Catalogue m_catalogue;
};

void settle()
{
    QTest::qWait(20);
    QCoreApplication::processEvents();
}

} // namespace

class TestLocalisation final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyWindowIsTranslatedAndUnclipped_data();
    void everyWindowIsTranslatedAndUnclipped();
    void numbersFollowTheLanguage();
    void walkerCatchesWhatItLooksFor();
};

void TestLocalisation::everyWindowIsTranslatedAndUnclipped_data()
{
    QTest::addColumn<QString>("language");
    QTest::newRow("de") << u"de"_s;
    QTest::newRow("zh_CN") << u"zh_CN"_s;
}

void TestLocalisation::everyWindowIsTranslatedAndUnclipped()
{
    QFETCH(QString, language);
    QTranslator translator;
    QVERIFY(translator.load(QLocale(language), u"mistudio"_s, u"_"_s, u":/i18n"_s));
    QVERIFY(QCoreApplication::installTranslator(&translator));
    QLocale::setDefault(QLocale(language));
    Walker walker(
        readCatalogue(QStringLiteral(MISTUDIO_TS_DIR "/mistudio_") + language + u".ts"_s));
    QVERIFY(walker.catalogueSize() > 100);

    QTemporaryDir dir;
    QSettings settings(dir.filePath(u"s.ini"_s), QSettings::IniFormat);
    AppConfig config;
    config.dataDir = dir.path();
    FakeBackend backend;
    const ModelStatus statuses[] = {ModelStatus::Ready,      ModelStatus::Downloading,
                                    ModelStatus::Failed,     ModelStatus::Pending,
                                    ModelStatus::Quantizing, ModelStatus::Pending};
    for (int i = 0; i < 6; ++i)
        backend.records.push_back(FakeBackend::makeRecord(i, statuses[i]));
    backend.jobList = {FakeBackend::makeJob(backend.records[1].id, u"running"_s),
                       FakeBackend::makeJob(backend.records[4].id, u"running"_s, u"quantize"_s),
                       FakeBackend::makeJob(backend.records[5].id, u"paused"_s)};
    backend.previewData = test::samplePreview();
    {
        MainWindow w(config, &backend, &settings);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QTRY_COMPARE(w.modelsPanel()->tableModel()->rowCount(), 6);
        w.modelsPanel()->tableModel()->setFlushInterval(0);
        backend.emitJobs();
        backend.emitProgress(backend.records[1].id, JobProgress{JobProgress::Phase::Download,
                                                                63.4,
                                                                1'054'000'000,
                                                                1'662'000'000,
                                                                48'200'000.0,
                                                                13,
                                                                2,
                                                                4,
                                                                {}});
        settle();
        w.modelsPanel()->selectModel(backend.records[2].id); // the error box
        settle();
        walker.visit(&w, u"main window"_s);
        w.modelsPanel()->selectModel(backend.records[1].id);
        settle();
        walker.visit(w.modelsPanel()->detailsPane(), u"details"_s);
        for (QAction *a : w.findChildren<QAction *>())
            walker.checkText(u"action "_s + a->objectName(), a->text());
        walker.visit(w.trayMenu(), u"tray menu"_s);
        for (QAction *a : w.trayMenu()->actions())
            walker.checkText(u"tray menu"_s, a->text());
        walker.checkText(u"status text"_s,
                         w.modelsPanel()->tableModel()->detailText(
                             w.modelsPanel()->tableModel()->rowOf(backend.records[1].id)));

        // The message boxes the window asks with.
        w.modelsPanel()->cancelAction()->trigger();
        QMessageBox *box = nullptr;
        QTRY_VERIFY((box = w.findChild<QMessageBox *>(u"cancelConfirmation"_s)) &&
                    box->isVisible());
        walker.visit(box, u"cancel box"_s);
        box->reject();
        QTRY_VERIFY(!w.findChild<QMessageBox *>(u"cancelConfirmation"_s));
        w.modelsPanel()->deleteAction()->trigger();
        QTRY_VERIFY((box = w.findChild<QMessageBox *>(u"deleteConfirmation"_s)) &&
                    box->isVisible());
        walker.visit(box, u"delete box"_s);
        box->reject();
        QTRY_VERIFY(!w.findChild<QMessageBox *>(u"deleteConfirmation"_s));
        w.setTrayAvailable(true);
        w.close();
        QTRY_VERIFY((box = w.findChild<QMessageBox *>(u"quitConfirmation"_s)) && box->isVisible());
        walker.visit(box, u"quit box"_s);
        box->reject();
        QTRY_VERIFY(!w.findChild<QMessageBox *>(u"quitConfirmation"_s));
        w.setTrayAvailable(false);

        // Dialogs, each tab.
        PreviewDialog preview(test::samplePreview(), QuantOptions{u"bnb-4bit"_s}, &backend, {}, &w);
        preview.show();
        QVERIFY(QTest::qWaitForWindowExposed(&preview));
        for (int t = 0; t < preview.tabs()->count(); ++t) {
            preview.tabs()->setCurrentIndex(t);
            settle();
            walker.visit(&preview, u"preview tab %1"_s.arg(t));
        }
        PreviewDialog gated(test::sampleGatedPreview(), QuantOptions{}, &backend, {}, &w);
        gated.show();
        settle();
        walker.visit(&gated, u"gated preview"_s);
        RequantizeDialog requantize(backend.records[0], &backend, &w);
        requantize.show();
        settle();
        walker.visit(&requantize, u"re-quantize"_s);
        ArchitectureDialog arch(u"meta-llama/Llama-3.2-1B"_s, test::sampleArchitecture(2), &w);
        arch.show();
        auto *archTabs = arch.findChild<QTabWidget *>();
        for (int t = 0; t < archTabs->count(); ++t) {
            archTabs->setCurrentIndex(t);
            settle();
            walker.visit(&arch, u"architecture tab %1"_s.arg(t));
        }
        SettingsDialog s(&settings, nullptr, &w);
        s.setConfigInEffect(ConfigInEffect{});
        s.show();
        auto *settingsTabs = s.findChild<QTabWidget *>();
        for (int t = 0; t < settingsTabs->count(); ++t) {
            settingsTabs->setCurrentIndex(t);
            settle();
            walker.visit(&s, u"settings tab %1"_s.arg(t));
        }
        HelpDialog *keys = HelpDialog::shortcuts(&w);
        keys->show();
        settle();
        walker.visit(keys, u"shortcuts"_s);
        for (int r = 0; r < keys->shortcutTable()->rowCount(); ++r)
            walker.checkText(u"shortcuts row"_s, keys->shortcutTable()->item(r, 0)->text());
        delete keys;
        HelpDialog *docs = HelpDialog::documentation(&w);
        docs->show();
        settle();
        walker.visit(docs, u"documentation"_s); // the document itself is English (docs/gui.md)
        delete docs;
    }
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    QCoreApplication::removeTranslator(&translator);
    QVERIFY2(walker.walk.untranslated.isEmpty(), qPrintable(walker.walk.untranslated.join(u'\n')));
    QVERIFY2(walker.walk.clipped.isEmpty(), qPrintable(walker.walk.clipped.join(u'\n')));
}

void TestLocalisation::numbersFollowTheLanguage()
{
    // One screen never mixes "1.5 GB" with "2,614,341,888": every figure uses the language's
    // separators.
    QLocale::setDefault(QLocale(u"de"_s));
    QCOMPARE(sizeText(1'500'000'000), u"1,50 GB"_s);
    QCOMPARE(speedText(48'200'000.0), u"48,2 MB/s"_s);
    QCOMPARE(paramsText(2'614'341'888LL), u"2,6B"_s);
    QCOMPARE(numberText(2'614'341'888LL), u"2.614.341.888"_s);
    ModelTableModel model;
    ModelRecord r = FakeBackend::makeRecord(0);
    r.sizeBytes = 1'500'000'000;
    model.setRecords({r});
    QCOMPARE(model.index(0, ModelTableModel::SizeOnDisk).data().toString(), u"1,50 GB"_s);
    PreviewDialog d(test::samplePreview(), QuantOptions{});
    QCOMPARE(d.modeText(u"bnb-4bit"_s, 0), u"2,18 GB"_s);
    QVERIFY(d.fieldText(u"parameters"_s).contains(u"2.614.341.888"_s));
    QVERIFY(d.fieldText(u"parameters"_s).contains(u"2,6B"_s));
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    QCOMPARE(sizeText(1'500'000'000), u"1.50 GB"_s);
}

void TestLocalisation::walkerCatchesWhatItLooksFor()
{
    // The walk above must be able to fail: a Qt standard button (English without Qt's own
    // catalogues), one of our sources left in English, a label and a column too narrow.
    QTranslator translator;
    QVERIFY(translator.load(QLocale(u"de"_s), u"mistudio"_s, u"_"_s, u":/i18n"_s));
    QCoreApplication::installTranslator(&translator);
    Walker walker(readCatalogue(QStringLiteral(MISTUDIO_TS_DIR "/mistudio_de.ts")));
    QWidget w;
    auto *layout = new QVBoxLayout(&w);
    layout->addWidget(new QDialogButtonBox(QDialogButtonBox::Close, &w));
    layout->addWidget(new QLabel(u"Select a model to see its details."_s, &w));
    auto *narrow = new QLabel(DetailsPane::tr("Select a model to see its details."), &w);
    narrow->setFixedWidth(40);
    layout->addWidget(narrow);
    auto *table = new QTableView(&w);
    ModelTableModel model;
    table->setModel(&model);
    table->horizontalHeader()->resizeSection(ModelTableModel::SizeOnDisk, 30);
    layout->addWidget(table);
    w.resize(900, 400);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    walker.visit(&w, u"self-test"_s);
    QCoreApplication::removeTranslator(&translator);
    QVERIFY2(walker.walk.untranslated.filter(u"Close"_s).size() == 1,
             qPrintable(walker.walk.untranslated.join(u'\n')));
    QVERIFY2(walker.walk.untranslated.filter(u"Select a model"_s).size() == 1,
             qPrintable(walker.walk.untranslated.join(u'\n')));
    QVERIFY2(walker.walk.clipped.filter(u"Wählen Sie"_s).size() == 1,
             qPrintable(walker.walk.clipped.join(u'\n')));
    QVERIFY2(walker.walk.clipped.filter(u"Größe auf Datenträger"_s).size() == 1,
             qPrintable(walker.walk.clipped.join(u'\n')));
}

QTEST_MAIN(TestLocalisation)
#include "tst_localisation.moc"
