// The download form: validation as you type, debounced Hub search with rich results (and
// silence when offline), errors by code under the form (gated → token field), the per-download
// speed limit, focus after Download, reveal, and "remember" storing the token in a 0600 file
// when no keychain runs.
#include "downloadform.h"
#include "fakebackend.h"
#include "searchhitdelegate.h"
#include "tokenstore.h"

#include <QAbstractItemView>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTest>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace mistudio::ui;
using test::FakeBackend;

class TestDownloadForm final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void validatesAsYouType_data();
    void validatesAsYouType();
    void searchIsDebounced();
    void offlineSearchOffersNothing();
    void errorsByCode_data();
    void errorsByCode();
    void previewSendsTheForm();
    void downloadSendsQuantOptions();
    void tokenRevealAndRemember();
    void speedLimitTravelsWithTheDownload();
    void refusedDownloadShowsTheErrorUnderTheForm();
    void focusStaysInTheFormAfterDownload();
    void searchResultsShowDetailsAndActions();
};

static hub::SearchHit hit(const QString &id)
{
    hub::SearchHit h;
    h.id = id;
    return h;
}

void TestDownloadForm::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    qputenv("MISTUDIO_TOKEN_STORE", "file");
    QFile::remove(TokenStore::fallbackFile());
}

void TestDownloadForm::validatesAsYouType_data()
{
    QTest::addColumn<QString>("repo");
    QTest::addColumn<QString>("revision");
    QTest::addColumn<bool>("valid");
    QTest::newRow("namespace/name") << u"google/gemma-2-2b"_s << u"main"_s << true;
    QTest::newRow("legacy name") << u"gpt2"_s << u"main"_s << true;
    QTest::newRow("empty") << QString() << u"main"_s << false;
    QTest::newRow("two slashes") << u"a/b/c"_s << u"main"_s << false;
    QTest::newRow("double dash") << u"org/na--me"_s << u"main"_s << false;
    QTest::newRow("space") << u"org/my model"_s << u"main"_s << false;
    QTest::newRow("commit") << u"gpt2"_s << u"607a30d783dfa663caf39e06633721c8d4cfcd7e"_s << true;
    QTest::newRow("bad revision") << u"gpt2"_s << u"../etc"_s << false;
}

void TestDownloadForm::validatesAsYouType()
{
    QFETCH(QString, repo);
    QFETCH(QString, revision);
    QFETCH(bool, valid);
    FakeBackend backend;
    DownloadForm form(&backend, nullptr);
    form.show();
    form.revisionEdit()->setText(revision);
    QTest::keyClicks(form.repoEdit(), repo);
    QCOMPARE(form.previewButton()->isEnabled(), valid);
    QCOMPARE(form.downloadButton()->isEnabled(), valid);
    auto *hint = form.findChild<QLabel *>(u"repoHint"_s);
    QCOMPARE(hint->isVisible(), !valid && !repo.isEmpty());
}

void TestDownloadForm::searchIsDebounced()
{
    FakeBackend backend;
    backend.searchResults = {hit(u"google/gemma-2-2b"_s), hit(u"google/gemma-2-9b"_s),
                             hit(u"openai-community/gpt2"_s)};
    DownloadForm form(&backend, nullptr);
    form.show();
    form.repoEdit()->setFocus();
    QTest::keyClicks(form.repoEdit(), u"gemma"_s);             // five keystrokes...
    QTRY_COMPARE(backend.calls.filter(u"search"_s).size(), 1); // ...one search
    QCOMPARE(backend.calls.filter(u"search"_s).first(), u"search gemma"_s);
    QTRY_COMPARE(form.suggestions()->rowCount(), 2);
}

void TestDownloadForm::offlineSearchOffersNothing()
{
    FakeBackend backend;
    backend.searchResults = {hit(u"google/gemma-2-2b"_s)};
    DownloadForm form(&backend, nullptr);
    form.show();
    QTest::keyClicks(form.repoEdit(), u"gem"_s);
    QTRY_COMPARE(backend.calls.filter(u"search"_s).size(), 1);
    QTRY_COMPARE(form.suggestions()->rowCount(), 1);
    // Hub unreachable: the list empties and no error is shown; typing still works.
    backend.searchResults.clear();
    form.repoEdit()->setText(u"google/gemma"_s);
    QTRY_COMPARE(backend.calls.filter(u"search"_s).size(), 2);
    QTRY_COMPARE(form.suggestions()->rowCount(), 0);
    QVERIFY(!form.errorLabel()->isVisible());
    QVERIFY(form.previewButton()->isEnabled());
}

void TestDownloadForm::errorsByCode_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<bool>("tokenHighlighted");
    QTest::addColumn<QString>("text");
    QTest::newRow("gated, no token")
        << int(ErrorCode::GatedAuthRequired) << true << u"settings/tokens"_s;
    QTest::newRow("access denied")
        << int(ErrorCode::GatedAccessDenied) << true << u"Request access"_s;
    QTest::newRow("invalid token") << int(ErrorCode::InvalidToken) << true << u"rejected"_s;
    QTest::newRow("repo 404") << int(ErrorCode::RepoNotFound) << false << u"does not exist"_s;
    QTest::newRow("revision 404") << int(ErrorCode::RevisionNotFound) << false << u"revision"_s;
    QTest::newRow("offline") << int(ErrorCode::Offline) << false << u"offline"_s;
}

void TestDownloadForm::errorsByCode()
{
    QFETCH(int, code);
    QFETCH(bool, tokenHighlighted);
    QFETCH(QString, text);
    FakeBackend backend;
    backend.previewError = Error::make(ErrorCode(code), u"from the hub"_s);
    DownloadForm form(&backend, nullptr);
    form.show();
    form.repoEdit()->setText(u"meta-llama/Llama-3.2-1B"_s);
    QTest::mouseClick(form.previewButton(), Qt::LeftButton);
    QTRY_VERIFY(form.errorLabel()->isVisible());
    QVERIFY2(form.errorLabel()->text().contains(text, Qt::CaseInsensitive),
             qPrintable(form.errorLabel()->text()));
    QCOMPARE(form.tokenHighlighted(), tokenHighlighted);
    QCOMPARE(form.tokenEdit()->property("invalid").toBool(), tokenHighlighted);
    QCOMPARE(form.repoEdit()->property("invalid").toBool(),
             ErrorCode(code) == ErrorCode::RepoNotFound);
    // Typing a token clears the highlight.
    if (tokenHighlighted) {
        QTest::keyClicks(form.tokenEdit(), u"hf_x"_s);
        QVERIFY(!form.tokenHighlighted());
    }
}

void TestDownloadForm::previewSendsTheForm()
{
    FakeBackend backend;
    backend.previewData.repoId = u"gpt2"_s;
    DownloadForm form(&backend, nullptr);
    QSignalSpy ready(&form, &DownloadForm::previewReady);
    form.show();
    form.repoEdit()->setText(u"openai-community/gpt2"_s);
    form.revisionEdit()->setText(u"v1.0"_s);
    form.tokenEdit()->setText(u"hf_secret"_s);
    QTest::keyClick(form.repoEdit(), Qt::Key_Return); // Enter previews
    QTRY_COMPARE(ready.count(), 1);
    QCOMPARE(backend.calls.filter(u"preview"_s),
             QStringList{u"preview openai-community/gpt2 v1.0 token=yes"_s});
    QCOMPARE(ready.first().at(0).value<hub::ModelPreview>().repoId, u"gpt2"_s);
}

void TestDownloadForm::downloadSendsQuantOptions()
{
    FakeBackend backend;
    DownloadForm form(&backend, nullptr);
    QSignalSpy started(&form, &DownloadForm::downloadStarted);
    form.show();
    form.repoEdit()->setText(u"Qwen/Qwen2.5-0.5B"_s);
    form.quantizationBox()->setCurrentIndex(form.quantizationBox()->findData(u"bnb-4bit"_s));
    form.findChild<QComboBox *>(u"quantTypeBox"_s)->setCurrentIndex(1); // FP4
    form.findChild<QCheckBox *>(u"doubleQuantBox"_s)->setChecked(false);
    QTest::mouseClick(form.downloadButton(), Qt::LeftButton);
    QTRY_COMPARE(started.count(), 1);
    QCOMPARE(backend.calls.filter(u"download"_s),
             QStringList{u"download Qwen/Qwen2.5-0.5B bnb-4bit fp4 nodq limit=0"_s});
}

void TestDownloadForm::speedLimitTravelsWithTheDownload()
{
    FakeBackend backend;
    DownloadForm form(&backend, nullptr);
    QSignalSpy started(&form, &DownloadForm::downloadStarted);
    form.show();
    form.repoEdit()->setText(u"Qwen/Qwen2.5-0.5B"_s);
    form.speedLimitEdit()->setText(u"fast"_s);
    QVERIFY(!form.downloadButton()->isEnabled()); // not a rate
    QVERIFY(form.findChild<QLabel *>(u"repoHint"_s)->text().contains(u"speed limit"_s));
    form.speedLimitEdit()->setText(u"10M"_s);
    QVERIFY(form.downloadButton()->isEnabled());
    QTest::mouseClick(form.downloadButton(), Qt::LeftButton);
    QTRY_COMPARE(started.count(), 1);
    QCOMPARE(backend.calls.filter(u"download"_s).first().section(u' ', -1), u"limit=10000000"_s);
}

void TestDownloadForm::refusedDownloadShowsTheErrorUnderTheForm()
{
    // Issue 17 item 5: after Download on a misspelled id the error was only in a hover tooltip
    // (of a junk row). Now the service makes no record and the form says why, framed.
    FakeBackend backend;
    backend.downloadError = Error::make(ErrorCode::RepoNotFound, u"Repository not found"_s,
                                        {{u"repo_id"_s, u"google/gemma-2-2bb"_s}});
    DownloadForm form(&backend, nullptr);
    QSignalSpy started(&form, &DownloadForm::downloadStarted);
    form.show();
    form.repoEdit()->setText(u"google/gemma-2-2bb"_s);
    QTest::mouseClick(form.downloadButton(), Qt::LeftButton);
    QTRY_VERIFY(form.errorLabel()->isVisible());
    QVERIFY(form.findChild<QWidget *>(u"formErrorBox"_s)->isVisible());
    QVERIFY2(form.errorLabel()->text().contains(u"google/gemma-2-2bb does not exist"_s),
             qPrintable(form.errorLabel()->text()));
    QVERIFY(form.repoEdit()->property("invalid").toBool());
    QCOMPARE(started.count(), 0);
    // "Already downloaded" says what to do instead.
    backend.downloadError =
        Error::make(ErrorCode::Conflict, u"x"_s,
                    {{u"reason"_s, u"already_ready"_s}, {u"repo_id"_s, u"gpt2"_s}});
    form.repoEdit()->setText(u"gpt2"_s);
    QTest::mouseClick(form.downloadButton(), Qt::LeftButton);
    QTRY_VERIFY(form.errorLabel()->text().contains(u"Re-quantize"_s));
}

void TestDownloadForm::focusStaysInTheFormAfterDownload()
{
    // Issue 17 item 9: focus jumped to the models filter after Download.
    FakeBackend backend;
    QWidget window;
    auto *layout = new QVBoxLayout(&window);
    auto *form = new DownloadForm(&backend, nullptr, &window);
    auto *after = new QLineEdit(&window); // what comes next in the tab order (the filter)
    layout->addWidget(form);
    layout->addWidget(after);
    QSignalSpy started(form, &DownloadForm::downloadStarted);
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    form->repoEdit()->setText(u"Qwen/Qwen2.5-0.5B"_s);
    form->downloadButton()->setFocus(Qt::TabFocusReason);
    QTest::keyClick(form->downloadButton(), Qt::Key_Space);
    QTRY_COMPARE(started.count(), 1);
    QVERIFY2(form->repoEdit()->hasFocus(),
             QApplication::focusWidget()
                 ? QApplication::focusWidget()->objectName().toUtf8().constData()
                 : "none");
    QVERIFY(!after->hasFocus());
    QCOMPARE(form->repoEdit()->selectedText(), u"Qwen/Qwen2.5-0.5B"_s); // type the next one
}

void TestDownloadForm::searchResultsShowDetailsAndActions()
{
    FakeBackend backend;
    backend.searchResults = {
        {u"google/gemma-2-2b"_s, 412'000, 512, u"text-generation"_s, u"manual"_s, false,
         QDateTime(QDate(2024, 8, 7), QTime(12, 0), Qt::UTC)},
        {u"google/gemma-2-9b"_s, 950, 12, u"text-generation"_s, QString(), false, QDateTime()}};
    backend.previewData.repoId = u"google/gemma-2-2b"_s;
    DownloadForm form(&backend, nullptr);
    QSignalSpy ready(&form, &DownloadForm::previewReady);
    QSignalSpy started(&form, &DownloadForm::downloadStarted);
    form.show();
    QVERIFY(QTest::qWaitForWindowActive(&form));
    form.repoEdit()->setFocus();
    QTest::keyClicks(form.repoEdit(), u"gemma"_s);
    QAbstractItemView *popup = form.completer()->popup();
    QTRY_VERIFY(popup->isVisible());
    const QModelIndex first = popup->model()->index(0, 0);
    const QString detail = SearchHitDelegate::detailText(first);
    QVERIFY2(detail.contains(u"412K"_s) && detail.contains(u"512"_s) &&
                 detail.contains(u"gated"_s) && detail.contains(u"updated"_s),
             qPrintable(detail));
    QVERIFY(!SearchHitDelegate::detailText(popup->model()->index(1, 0)).contains(u"gated"_s));
    // The list is as wide as the field and never scrolls sideways: both buttons are on screen.
    QVERIFY2(popup->width() >= form.repoEdit()->width(),
             qPrintable(u"%1 < %2"_s.arg(popup->width()).arg(form.repoEdit()->width())));
    QVERIFY(!popup->horizontalScrollBar()->isVisible());
    // A click on the row's Download button downloads that result.
    QStyleOptionViewItem opt;
    opt.initFrom(popup);
    opt.rect = popup->visualRect(first);
    opt.fontMetrics = popup->fontMetrics();
    for (const auto action : {SearchHitDelegate::Action::Preview, SearchHitDelegate::Action::Download})
        QVERIFY(popup->viewport()->rect().contains(SearchHitDelegate::buttonRect(opt, action)));
    const QPoint download =
        SearchHitDelegate::buttonRect(opt, SearchHitDelegate::Action::Download).center();
    QTest::mouseMove(popup->viewport(),
                     download); // the completer only takes clicks under the mouse
    QTest::mouseClick(popup->viewport(), Qt::LeftButton, {}, download);
    QTRY_COMPARE(started.count(), 1);
    QCOMPARE(backend.calls.filter(u"download "_s).first().section(u' ', 1, 1),
             u"google/gemma-2-2b"_s);
    QCOMPARE(ready.count(), 0);
    // Enter on a result previews it.
    form.repoEdit()->clear();
    QTest::keyClicks(form.repoEdit(), u"gemma-2"_s);
    QTRY_VERIFY(popup->isVisible());
    QTest::keyClick(popup, Qt::Key_Down);
    QTest::keyClick(popup, Qt::Key_Return);
    QTRY_COMPARE(ready.count(), 1);
    QCOMPARE(backend.calls.filter(u"preview "_s).last().section(u' ', 1, 1),
             u"google/gemma-2-2b"_s);
}

void TestDownloadForm::tokenRevealAndRemember()
{
    FakeBackend backend;
    backend.previewData.repoId = u"x"_s;
    TokenStore store;
    QVERIFY(QFile::remove(TokenStore::fallbackFile()) ||
            !QFile::exists(TokenStore::fallbackFile()));
    {
        DownloadForm form(&backend, &store);
        QSignalSpy saved(&store, &TokenStore::saved);
        form.show();
        QCOMPARE(form.tokenEdit()->echoMode(), QLineEdit::Password);
        form.tokenEdit()->findChild<QAction *>(u"revealToken"_s)->trigger();
        QCOMPARE(form.tokenEdit()->echoMode(), QLineEdit::Normal);
        form.tokenEdit()->findChild<QAction *>(u"revealToken"_s)->trigger();
        QCOMPARE(form.tokenEdit()->echoMode(), QLineEdit::Password);

        form.repoEdit()->setText(u"meta-llama/Llama-3.2-1B"_s);
        form.tokenEdit()->setText(u"hf_remembered"_s);
        form.findChild<QCheckBox *>(u"rememberToken"_s)->setChecked(true);
        QTest::mouseClick(form.previewButton(), Qt::LeftButton);
        QTRY_COMPARE(saved.count(), 1);
        QCOMPARE(saved.first().at(0).value<TokenStore::Backend>(), TokenStore::Backend::File);
    }
    QFile f(TokenStore::fallbackFile());
    QVERIFY(f.exists());
    QCOMPARE(f.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther |
                                QFileDevice::WriteGroup | QFileDevice::WriteOther),
             QFileDevice::Permissions());
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), QByteArray("hf_remembered"));
    // A new form finds it again.
    DownloadForm again(&backend, &store);
    QTRY_COMPARE(again.tokenEdit()->text(), u"hf_remembered"_s);
    QVERIFY(again.findChild<QCheckBox *>(u"rememberToken"_s)->isChecked());
}

QTEST_MAIN(TestDownloadForm)
#include "tst_downloadform.moc"
