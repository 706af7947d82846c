#include "downloadform.h"

#include "common/repoid.h"
#include "errortext.h"
#include "icons.h"
#include "localeformat.h"
#include "searchhitdelegate.h"
#include "tokenstore.h"

#include "common/units.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QFormLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QStandardItemModel>
#include <QToolButton>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui {

static void setFieldState(QLineEdit *edit, bool bad)
{
    // A tinted base instead of a style sheet keeps the native look in light and dark themes.
    QPalette p = edit->parentWidget() ? edit->parentWidget()->palette() : edit->palette();
    if (bad) {
        const QColor base = p.color(QPalette::Base);
        const QColor red(0xd0, 0x3b, 0x3b);
        const double t = base.lightnessF() < 0.5 ? 0.35 : 0.18;
        p.setColor(QPalette::Base,
                   QColor::fromRgbF(float(base.redF() * (1 - t) + red.redF() * t),
                                    float(base.greenF() * (1 - t) + red.greenF() * t),
                                    float(base.blueF() * (1 - t) + red.blueF() * t)));
    }
    edit->setPalette(p);
    edit->setProperty("invalid", bad);
}

DownloadForm::DownloadForm(ModelBackend *backend, TokenStore *tokens, QWidget *parent)
    : QWidget(parent)
    , m_backend(backend)
    , m_tokens(tokens)
{
    setObjectName(u"downloadForm"_s);
    m_repo = new QLineEdit(this);
    m_repo->setObjectName(u"repoEdit"_s);
    m_repo->setPlaceholderText(tr("namespace/name, e.g. google/gemma-2-2b"));
    m_repo->setClearButtonEnabled(true);
    m_suggestions = new QStandardItemModel(this);
    m_completer = new QCompleter(m_suggestions, this);
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_completer->setFilterMode(Qt::MatchContains);
    m_completer->setCompletionMode(QCompleter::PopupCompletion);
    m_completer->setMaxVisibleItems(8);
    auto *popup = new QListView;
    popup->setObjectName(u"searchResults"_s);
    popup->setUniformItemSizes(true);
    m_completer->setPopup(popup); // the completer owns it
    // After setPopup, which installs a delegate of its own.
    m_hitDelegate = new SearchHitDelegate(popup);
    popup->setItemDelegate(m_hitDelegate);
    m_repo->setCompleter(m_completer);
    connect(m_completer, qOverload<const QModelIndex &>(&QCompleter::activated), this,
            &DownloadForm::handleSuggestionActivated);
    m_repoHint = new QLabel(this);
    m_repoHint->setObjectName(u"repoHint"_s);
    m_repoHint->setWordWrap(true);
    m_repoHint->hide();

    m_revision = new QLineEdit(u"main"_s, this);
    m_revision->setObjectName(u"revisionEdit"_s);
    m_revision->setToolTip(tr("Branch, tag or commit; the download is pinned to one commit"));

    m_quant = new QComboBox(this);
    m_quant->setObjectName(u"quantizationBox"_s);
    m_quant->addItem(tr("None (original precision)"), u"none"_s);
    m_quant->addItem(tr("4-bit NF4, double quant (bitsandbytes)"), u"bnb-4bit"_s);
    m_quant->addItem(tr("8-bit (bitsandbytes)"), u"bnb-8bit"_s);
    m_advancedToggle = new QToolButton(this);
    m_advancedToggle->setObjectName(u"advancedToggle"_s);
    m_advancedToggle->setText(tr("Advanced"));
    m_advancedToggle->setCheckable(true);
    m_advancedToggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_advancedToggle->setArrowType(Qt::RightArrow);
    m_advanced = new QWidget(this);
    auto *advLayout = new QHBoxLayout(m_advanced);
    advLayout->setContentsMargins(0, 0, 0, 0);
    m_quantType = new QComboBox(m_advanced);
    m_quantType->setObjectName(u"quantTypeBox"_s);
    m_quantType->addItem(tr("NF4 (normal float)"), u"nf4"_s);
    m_quantType->addItem(tr("FP4"), u"fp4"_s);
    m_doubleQuant = new QCheckBox(tr("Double quantization"), m_advanced);
    m_doubleQuant->setObjectName(u"doubleQuantBox"_s);
    m_doubleQuant->setChecked(true);
    advLayout->addWidget(new QLabel(tr("4-bit type:"), m_advanced));
    advLayout->addWidget(m_quantType);
    advLayout->addWidget(m_doubleQuant);
    advLayout->addSpacing(fontMetrics().horizontalAdvance(u'M'));
    m_speedLimit = new QLineEdit(m_advanced);
    m_speedLimit->setObjectName(u"speedLimitEdit"_s);
    m_speedLimit->setPlaceholderText(tr("no limit"));
    m_speedLimit->setToolTip(tr("A speed limit for this download only (bytes per second, e.g. "
                                "10M), besides the global cap in Settings"));
    m_speedLimit->setMaximumWidth(fontMetrics().horizontalAdvance(u'M') * 9);
    auto *limitLabel = new QLabel(tr("&Speed limit:"), m_advanced);
    limitLabel->setBuddy(m_speedLimit);
    advLayout->addWidget(limitLabel);
    advLayout->addWidget(m_speedLimit);
    advLayout->addStretch();
    m_advanced->hide();
    connect(m_advancedToggle, &QToolButton::toggled, this, [this](bool on) {
        m_advanced->setVisible(on);
        m_advancedToggle->setArrowType(on ? Qt::DownArrow : Qt::RightArrow);
    });
    auto updateAdvanced = [this] {
        const bool fourBit = m_quant->currentData().toString() == u"bnb-4bit"_s;
        m_quantType->setEnabled(fourBit);
        m_doubleQuant->setEnabled(fourBit);
    };
    connect(m_quant, &QComboBox::currentIndexChanged, this, updateAdvanced);
    updateAdvanced();

    m_token = new QLineEdit(this);
    m_token->setObjectName(u"tokenEdit"_s);
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(tr("hf_… (only needed for gated or private models)"));
    QAction *reveal = m_token->addAction(icon(u"reveal"_s), QLineEdit::TrailingPosition);
    reveal->setObjectName(u"revealToken"_s);
    reveal->setCheckable(true);
    reveal->setToolTip(tr("Show the token"));
    connect(reveal, &QAction::toggled, this, [this, reveal](bool on) {
        m_token->setEchoMode(on ? QLineEdit::Normal : QLineEdit::Password);
        reveal->setIcon(icon(on ? u"conceal"_s : u"reveal"_s));
        reveal->setToolTip(on ? tr("Hide the token") : tr("Show the token"));
    });
    m_remember = new QCheckBox(tr("Remember"), this);
    m_remember->setObjectName(u"rememberToken"_s);
    m_remember->setToolTip(
        tr("Keep the token in the system keychain (or a private file when there is none)"));

    m_previewButton = new QPushButton(icon(u"preview"_s), tr("&Preview"), this);
    m_previewButton->setObjectName(u"previewButton"_s);
    m_downloadButton = new QPushButton(icon(u"download"_s), tr("&Download"), this);
    m_downloadButton->setObjectName(u"downloadButton"_s);
    m_downloadButton->setDefault(true);

    // The error is framed and tinted under the form: a refused download must be seen, not
    // hidden in a tooltip.
    auto *errorFrame = new QFrame(this);
    errorFrame->setObjectName(u"formErrorBox"_s);
    errorFrame->setFrameShape(QFrame::StyledPanel);
    errorFrame->setAutoFillBackground(true);
    {
        QPalette p = errorFrame->palette();
        const QColor base = p.color(QPalette::Window);
        const QColor red(0xd0, 0x3b, 0x3b);
        const double t = base.lightnessF() < 0.5 ? 0.30 : 0.12;
        p.setColor(QPalette::Window,
                   QColor::fromRgbF(float(base.redF() * (1 - t) + red.redF() * t),
                                    float(base.greenF() * (1 - t) + red.greenF() * t),
                                    float(base.blueF() * (1 - t) + red.blueF() * t)));
        errorFrame->setPalette(p);
    }
    m_errorBox = errorFrame;
    auto *errorLayout = new QHBoxLayout(errorFrame);
    errorLayout->setContentsMargins(8, 6, 8, 6);
    auto *errorIcon = new QLabel(errorFrame);
    errorIcon->setPixmap(icon(u"warning"_s).pixmap(20, 20));
    errorIcon->setAlignment(Qt::AlignTop);
    m_error = new QLabel(errorFrame);
    m_error->setObjectName(u"formError"_s);
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::RichText);
    m_error->setOpenExternalLinks(true);
    m_error->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_error->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Minimum);
    errorLayout->addWidget(errorIcon);
    errorLayout->addWidget(m_error, 1);
    m_errorBox->hide();

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    auto *repoRow = new QVBoxLayout;
    repoRow->setSpacing(2);
    repoRow->addWidget(m_repo);
    repoRow->addWidget(m_repoHint);
    auto buddyLabel = [this](const QString &text, QWidget *buddy) {
        auto *l = new QLabel(text, this);
        l->setBuddy(buddy);
        return l;
    };
    form->addRow(buddyLabel(tr("&Repo id:"), m_repo), repoRow);
    auto *revQuantRow = new QHBoxLayout;
    revQuantRow->addWidget(m_revision, 1);
    auto *quantLabel = new QLabel(tr("&Quantization:"), this);
    quantLabel->setBuddy(m_quant);
    revQuantRow->addWidget(quantLabel);
    revQuantRow->addWidget(m_quant, 2);
    revQuantRow->addWidget(m_advancedToggle);
    form->addRow(buddyLabel(tr("Re&vision:"), m_revision), revQuantRow);
    form->addRow(QString(), m_advanced);
    auto *tokenRow = new QHBoxLayout;
    tokenRow->addWidget(m_token, 1);
    tokenRow->addWidget(m_remember);
    tokenRow->addWidget(m_previewButton);
    tokenRow->addWidget(m_downloadButton);
    form->addRow(buddyLabel(tr("&Token:"), m_token), tokenRow);
    // The error sits under the whole form: a wrapping label inside the form layout made the
    // box reserve its height for the narrowest width.
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addLayout(form);
    outer->addWidget(m_errorBox);

    m_searchTimer.setSingleShot(true);
    m_searchTimer.setInterval(300); // debounce: one Hub search when typing pauses
    connect(&m_searchTimer, &QTimer::timeout, this, &DownloadForm::handleSearchTimeout);
    connect(m_repo, &QLineEdit::textChanged, this, [this] {
        validate();
        clearError();
        m_searchTimer.start();
    });
    connect(m_revision, &QLineEdit::textChanged, this, [this] {
        validate();
        clearError();
    });
    connect(m_speedLimit, &QLineEdit::textChanged, this, &DownloadForm::validate);
    connect(m_token, &QLineEdit::textEdited, this, [this] { highlightToken(false); });
    connect(m_repo, &QLineEdit::returnPressed, this, [this] {
        // Enter on a search result reaches the field as well (before or after the completer
        // reports the pick): once the pick is known, the result's action runs instead.
        QMetaObject::invokeMethod(
            this,
            [this] {
                if (!m_suggestionPicked)
                    startPreview();
            },
            Qt::QueuedConnection);
    });
    connect(m_previewButton, &QPushButton::clicked, this, &DownloadForm::startPreview);
    connect(m_downloadButton, &QPushButton::clicked, this,
            [this] { startDownload(quantOptions()); });

    if (m_tokens) {
        connect(m_tokens, &TokenStore::loaded, this, [this](const QString &token) {
            if (!token.isEmpty() && m_token->text().isEmpty()) {
                m_token->setText(token);
                m_remember->setChecked(true);
            }
        });
        m_tokens->load();
    }
    validate();
}

DownloadForm::~DownloadForm() = default;

QuantOptions DownloadForm::quantOptions() const
{
    QuantOptions q;
    q.mode = m_quant->currentData().toString();
    q.quantType = m_quantType->currentData().toString();
    q.doubleQuant = m_doubleQuant->isChecked();
    return q;
}

void DownloadForm::setQuantOptions(const QuantOptions &quant)
{
    m_quant->setCurrentIndex(std::max(0, m_quant->findData(quant.mode)));
    m_quantType->setCurrentIndex(std::max(0, m_quantType->findData(quant.quantType)));
    m_doubleQuant->setChecked(quant.doubleQuant);
}

DownloadRequest DownloadForm::downloadRequest() const
{
    DownloadRequest r;
    r.repoId = m_repo->text().trimmed();
    r.revision = m_revision->text().trimmed().isEmpty() ? u"main"_s : m_revision->text().trimmed();
    r.quant = quantOptions();
    r.token = m_token->text().trimmed();
    r.maxBytesPerSecond = parseByteSize(m_speedLimit->text()).value_or(0);
    return r;
}

void DownloadForm::focusRepo()
{
    m_repo->setFocus(Qt::OtherFocusReason);
    m_repo->selectAll();
}

void DownloadForm::validate()
{
    const QString text = m_repo->text().trimmed();
    QString problem;
    if (!text.isEmpty()) {
        if (auto parsed = RepoId::parse(text); !parsed)
            problem = parsed.error().message;
    }
    const QString rev = m_revision->text().trimmed();
    QString revProblem;
    if (!rev.isEmpty()) {
        if (auto v = validateRevision(rev); !v)
            revProblem = v.error().message;
    }
    QString limitProblem;
    if (const QString limit = m_speedLimit->text().trimmed(); !limit.isEmpty()) {
        const std::optional<qint64> bytes = parseByteSize(limit);
        if (!bytes || *bytes <= 0)
            limitProblem = tr("The speed limit must be a number of bytes per second, e.g. 10M.");
    }
    setFieldState(m_repo, !problem.isEmpty());
    setFieldState(m_revision, !revProblem.isEmpty());
    setFieldState(m_speedLimit, !limitProblem.isEmpty());
    const QString hint =
        !problem.isEmpty() ? problem : (!revProblem.isEmpty() ? revProblem : limitProblem);
    m_repoHint->setText(hint);
    m_repoHint->setVisible(!hint.isEmpty());
    m_valid =
        !text.isEmpty() && problem.isEmpty() && revProblem.isEmpty() && limitProblem.isEmpty();
    m_previewButton->setEnabled(m_valid && !m_busy);
    m_downloadButton->setEnabled(m_valid && !m_busy);
}

void DownloadForm::handleSearchTimeout()
{
    const QString text = m_repo->text().trimmed();
    if (!m_backend || text.size() < 2 || text == m_lastSearch)
        return;
    m_lastSearch = text;
    const int serial = ++m_searchSerial;
    m_backend->searchRepos(text, 20, this, [this, serial](Result<QList<hub::SearchHit>> hits) {
        if (serial != m_searchSerial)
            return; // a newer search is under way
        // Offline or Hub unreachable: no suggestions, and no error either (typing still works).
        m_suggestions->clear();
        if (hits)
            for (const hub::SearchHit &h : *hits)
                m_suggestions->appendRow(SearchHitDelegate::makeItem(h));
        if (hits && !hits->isEmpty() && m_repo->hasFocus())
            m_completer->complete();
    });
}

void DownloadForm::handleSuggestionActivated(const QModelIndex &index)
{
    // QCompleter reports a key press on its list both as the list's and as its own activation:
    // one action per pick.
    if (m_suggestionPicked)
        return;
    // The row's own button, or Ctrl+Enter, downloads; anything else previews.
    const bool download = m_hitDelegate->takeAction() == SearchHitDelegate::Action::Download ||
                          (QGuiApplication::keyboardModifiers() & Qt::ControlModifier);
    const QString id = index.data().toString();
    if (id.isEmpty())
        return;
    m_lastSearch = id; // picking a result is no new search
    m_suggestionPicked = true;
    // After the completer has written its text (it may, after this signal).
    QMetaObject::invokeMethod(
        this,
        [this, id, download] {
            m_suggestionPicked = false;
            m_searchTimer.stop();
            m_repo->setText(id);
            m_lastSearch = id;
            m_searchTimer.stop();
            if (download)
                startDownload(quantOptions());
            else
                startPreview();
        },
        Qt::QueuedConnection);
}

void DownloadForm::setBusy(bool busy)
{
    // A button that is about to be disabled would pass the focus on to whatever widget comes
    // next (the models filter): it stays in the form, on the repo field.
    if (busy && (m_previewButton->hasFocus() || m_downloadButton->hasFocus()))
        m_repo->setFocus(Qt::OtherFocusReason);
    m_busy = busy;
    validate();
    setCursor(busy ? Qt::BusyCursor : Qt::ArrowCursor);
    Q_EMIT busyChanged(busy);
}

void DownloadForm::clearError()
{
    m_error->clear();
    m_errorBox->hide();
}

void DownloadForm::highlightToken(bool on)
{
    m_tokenHighlighted = on;
    setFieldState(m_token, on);
}

void DownloadForm::showError(const Error &errorIn)
{
    // Name the repo in question when the core did not (it is what the user typed).
    Error error = errorIn;
    if (!error.details.contains(u"repo_id"_s) && !m_repo->text().trimmed().isEmpty())
        error.details.insert(u"repo_id"_s, m_repo->text().trimmed());
    QString text = ErrorText::forError(error).toHtmlEscaped();
    const bool tokenProblem = ErrorText::needsToken(error.code);
    if (tokenProblem) {
        const QString repo = m_repo->text().trimmed().toHtmlEscaped();
        text +=
            u"<br>"_s +
            tr("Open <a href=\"https://huggingface.co/%1\">the model page</a> to request access, "
               "and create a token at <a href=\"https://huggingface.co/settings/tokens\">"
               "huggingface.co/settings/tokens</a>.")
                .arg(repo);
        m_token->setFocus(Qt::OtherFocusReason);
    }
    highlightToken(tokenProblem);
    if (error.code == ErrorCode::RepoNotFound)
        setFieldState(m_repo, true);
    if (error.code == ErrorCode::RevisionNotFound)
        setFieldState(m_revision, true);
    m_error->setText(text);
    m_errorBox->show();
}

void DownloadForm::rememberTokenIfAsked()
{
    if (!m_tokens)
        return;
    const QString token = m_token->text().trimmed();
    if (m_remember->isChecked() && !token.isEmpty())
        m_tokens->save(token);
}

void DownloadForm::startPreview()
{
    if (!m_valid || m_busy || !m_backend)
        return;
    clearError();
    const DownloadRequest d = downloadRequest();
    PreviewRequest p{d.repoId, d.revision, d.token};
    setBusy(true);
    m_backend->preview(p, this, [this, quant = d.quant](Result<hub::ModelPreview> r) {
        setBusy(false);
        if (!r) {
            showError(r.error());
            return;
        }
        highlightToken(false);
        rememberTokenIfAsked();
        Q_EMIT previewReady(*r, quant);
    });
}

void DownloadForm::startDownload(const QuantOptions &quant)
{
    if (!m_valid || m_busy || !m_backend)
        return;
    clearError();
    DownloadRequest d = downloadRequest();
    d.quant = quant;
    setBusy(true);
    m_backend->download(d, this, [this](Result<ModelRecord> r) {
        setBusy(false);
        if (!r) {
            showError(r.error());
            return;
        }
        highlightToken(false);
        rememberTokenIfAsked();
        // Ready for the next one: the field keeps the focus with its text selected.
        m_repo->selectAll();
        Q_EMIT downloadStarted(*r);
    });
}

} // namespace mistudio::ui
