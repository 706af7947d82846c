// The download form: validation as you type, debounced Hub search (and silence when offline),
// inline errors by code (gated → token field), reveal, and "remember" storing the token in a
// 0600 file when no keychain runs.
#include "downloadform.h"
#include "fakebackend.h"
#include "tokenstore.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStringListModel>
#include <QTest>

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
};

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
    backend.searchResults = {u"google/gemma-2-2b"_s, u"google/gemma-2-9b"_s,
                             u"openai-community/gpt2"_s};
    DownloadForm form(&backend, nullptr);
    form.show();
    form.repoEdit()->setFocus();
    QTest::keyClicks(form.repoEdit(), u"gemma"_s);             // five keystrokes...
    QTRY_COMPARE(backend.calls.filter(u"search"_s).size(), 1); // ...one search
    QCOMPARE(backend.calls.filter(u"search"_s).first(), u"search gemma"_s);
    auto *model = qobject_cast<QStringListModel *>(form.completer()->model());
    QTRY_COMPARE(model->stringList().size(), 2);
}

void TestDownloadForm::offlineSearchOffersNothing()
{
    FakeBackend backend;
    backend.searchResults = {u"google/gemma-2-2b"_s};
    DownloadForm form(&backend, nullptr);
    form.show();
    QTest::keyClicks(form.repoEdit(), u"gem"_s);
    QTRY_COMPARE(backend.calls.filter(u"search"_s).size(), 1);
    auto *model = qobject_cast<QStringListModel *>(form.completer()->model());
    QTRY_COMPARE(model->stringList().size(), 1);
    // Hub unreachable: the list empties and no error is shown; typing still works.
    backend.searchResults.clear();
    form.repoEdit()->setText(u"google/gemma"_s);
    QTRY_COMPARE(backend.calls.filter(u"search"_s).size(), 2);
    QTRY_COMPARE(model->stringList().size(), 0);
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
    backend.previewJson = QJsonObject{{u"repo_id"_s, u"gpt2"_s}};
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
    QCOMPARE(ready.first().at(0).toJsonObject().value(u"repo_id"_s).toString(), u"gpt2"_s);
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
             QStringList{u"download Qwen/Qwen2.5-0.5B bnb-4bit fp4 nodq"_s});
}

void TestDownloadForm::tokenRevealAndRemember()
{
    FakeBackend backend;
    backend.previewJson = QJsonObject{{u"repo_id"_s, u"x"_s}};
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
