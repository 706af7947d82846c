#include "previewdialog.h"

#include "errortext.h"
#include "icons.h"
#include "localeformat.h"

#include <QButtonGroup>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QTabWidget>
#include <QTableWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui {

namespace {

hub::Quantization modeOf(const QString &mode)
{
    if (mode == u"bnb-4bit"_s)
        return hub::Quantization::Bnb4bit;
    if (mode == u"bnb-8bit"_s)
        return hub::Quantization::Bnb8bit;
    return hub::Quantization::None;
}

const hub::SizeEstimate *estimateFor(const hub::ModelPreview &p, const QString &mode)
{
    for (const hub::SizeEstimate &s : p.sizes)
        if (s.mode == modeOf(mode))
            return &s;
    return nullptr;
}

// Where a token came from, in words (ResolvedToken::source).
QString tokenSourceText(const QString &source)
{
    if (source == u"explicit"_s)
        return PreviewDialog::tr("the form");
    if (source == u"stored"_s)
        return PreviewDialog::tr("the keychain");
    if (source.startsWith(u"HF_"_s) || source.startsWith(u"HUGGING_FACE"_s))
        return PreviewDialog::tr("the %1 environment variable").arg(source);
    return PreviewDialog::tr("the file %1").arg(source);
}

QString stripFrontMatter(const QString &markdown)
{
    // Model cards start with YAML metadata between "---" lines: not for reading.
    static const QRegularExpression front(u"\\A\\s*---\\s*\\n.*?\\n---\\s*\\n"_s,
                                          QRegularExpression::DotMatchesEverythingOption);
    QString out = markdown;
    out.remove(front);
    return out;
}

} // namespace

bool PreviewDialog::hasAccess(const hub::ModelPreview &preview)
{
    return preview.canDownload.value_or(true);
}

qint64 PreviewDialog::diskBytes(const hub::ModelPreview &preview, const QString &mode)
{
    if (!hasAccess(preview) && preview.sizesEstimated) {
        // The file list is public, so the download's size is a fact; anything derived from
        // the weights' shapes would be a guess.
        if (mode == u"none"_s && preview.totalDownloadBytes > 0)
            return preview.totalDownloadBytes;
        return -1;
    }
    const hub::SizeEstimate *e = estimateFor(preview, mode);
    return e ? e->outputBytes : -1;
}

qint64 PreviewDialog::memoryBytes(const hub::ModelPreview &preview, const QString &mode)
{
    if (!hasAccess(preview) && preview.sizesEstimated)
        return -1;
    const hub::SizeEstimate *e = estimateFor(preview, mode);
    return e ? e->memoryBytes : -1;
}

PreviewDialog::PreviewDialog(const hub::ModelPreview &preview, const QuantOptions &quant,
                             ModelBackend *backend, const QUrl &hubUrl, QWidget *parent)
    : QDialog(parent)
    , m_preview(preview)
    , m_quant(quant)
    , m_backend(backend)
    , m_hubUrl(hubUrl.isEmpty() ? QUrl(u"https://huggingface.co"_s) : hubUrl)
{
    setObjectName(u"previewDialog"_s);
    setWindowTitle(tr("Preview of %1").arg(preview.repoId));
    const bool access = hasAccess(preview);

    // --- header: name, commit, the Hub page ------------------------------------------------
    auto *title = new QLabel(this);
    title->setObjectName(u"previewTitle"_s);
    title->setTextFormat(Qt::RichText);
    title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    const QString revision = preview.revision.isEmpty() ? u"main"_s : preview.revision;
    title->setText(u"<h2>%1</h2>"_s.arg(preview.repoId.toHtmlEscaped()) +
                   (preview.commitSha.isEmpty()
                        ? QString()
                        : tr("Revision %1 at commit <tt>%2</tt>")
                              .arg(revision.toHtmlEscaped(), preview.commitSha.left(12))));
    auto *openPage = new QPushButton(icon(u"open"_s), tr("Open on &Hugging Face"), this);
    openPage->setObjectName(u"openOnHub"_s);
    openPage->setAutoDefault(false);
    connect(openPage, &QPushButton::clicked, this,
            [this] { QDesktopServices::openUrl(modelPageUrl()); });
    auto *header = new QHBoxLayout;
    header->addWidget(title, 1);
    header->addWidget(openPage, 0, Qt::AlignTop);

    // --- warnings -----------------------------------------------------------------------
    QStringList warnings;
    if (!access) {
        const QString why =
            preview.accessError
                ? ErrorText::forError(*preview.accessError)
                : ErrorText::forError(Error::make(ErrorCode::GatedAuthRequired, {}));
        warnings << u"<b>%1</b> %2"_s.arg(
            tr("No access yet.").toHtmlEscaped(),
            QString(why + u' ' +
                    tr("Until then the Hub shows only part of this model: what it does not show "
                       "is marked unknown, and Download is off."))
                .toHtmlEscaped());
    }
    if (preview.requiresTrustRemoteCode)
        warnings << tr(
            "<b>This model runs its own Python code</b> (trust_remote_code). miStudio "
            "downloads the code files but never runs them; review them before loading the "
            "model with transformers.");
    if (preview.paramsEstimated && access)
        warnings << tr("This checkpoint has no safetensors headers: the parameter count is "
                       "estimated from file sizes.");
    if (preview.paramsMatchHub == false)
        warnings << tr("The Hub's parameter count (%1) differs from the one in the weight files "
                       "(%2); the weight files' count is shown.")
                        .arg(numberText(preview.hubParameterTotal),
                             numberText(preview.parameterCount));
    for (const QString &w : preview.warnings)
        warnings << w.toHtmlEscaped();
    auto *warningLabel = new QLabel(warnings.join(u"<br><br>"_s), this);
    warningLabel->setObjectName(u"previewWarnings"_s);
    warningLabel->setTextFormat(Qt::RichText);
    warningLabel->setWordWrap(true);
    warningLabel->setVisible(!warnings.isEmpty());
    warningLabel->setFrameShape(QFrame::StyledPanel);
    warningLabel->setMargin(8);

    // --- tabs ---------------------------------------------------------------------------
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(u"previewTabs"_s);
    m_tabs->addTab(buildOverview(), tr("Overview"));
    m_tabs->addTab(buildFiles(),
                   tr("Files (%1)").arg(QLocale().toString(preview.files.files.size())));
    m_card = new QTextBrowser(m_tabs);
    m_card->setObjectName(u"modelCard"_s);
    m_card->setOpenExternalLinks(true);
    m_card->setPlaceholderText(tr("Loading the model card…"));
    m_tabs->addTab(m_card, tr("Model card"));
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int i) {
        if (m_tabs->widget(i) == m_card)
            loadModelCard();
    });

    // --- buttons ------------------------------------------------------------------------
    auto *buttons = new QDialogButtonBox(this);
    m_download = buttons->addButton(tr("&Download"), QDialogButtonBox::AcceptRole);
    m_download->setObjectName(u"previewDownload"_s);
    m_download->setIcon(icon(u"download"_s));
    m_download->setEnabled(access);
    if (!access) {
        m_download->setToolTip(tr("A token with access to this model is needed first."));
        QPushButton *token =
            buttons->addButton(tr("Enter a &token…"), QDialogButtonBox::ActionRole);
        token->setObjectName(u"previewEnterToken"_s);
        token->setDefault(true);
        connect(token, &QPushButton::clicked, this, [this] {
            Q_EMIT tokenRequested();
            reject();
        });
    } else {
        m_download->setDefault(true);
    }
    QPushButton *close = buttons->addButton(tr("Close"), QDialogButtonBox::RejectRole);
    close->setObjectName(u"previewClose"_s);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_download, &QPushButton::clicked, this, [this] {
        Q_EMIT downloadRequested(chosenQuant());
        accept();
    });

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(warningLabel);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(buttons);
    updateSpaceWarning();
    updateFitHints();
    resize(980, 660);

    if (m_backend)
        m_backend->machine(this, [this](Result<MachineInfo> m) {
            if (m)
                setMachine(*m);
        });
}

PreviewDialog::~PreviewDialog() = default;

QUrl PreviewDialog::modelPageUrl() const
{
    QUrl u = m_hubUrl;
    u.setPath(u.path().chopped(u.path().endsWith(u'/') ? 1 : 0) + u'/' + m_preview.repoId);
    return u;
}

void PreviewDialog::addField(const QString &key, const QString &label, const QString &text)
{
    if (text.isEmpty())
        return;
    auto *l = new QLabel(text, m_form->parentWidget());
    l->setObjectName(u"field_"_s + key);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    l->setWordWrap(true);
    m_form->addRow(label, l);
    m_fieldLabels.insert(key, l);
}

QWidget *PreviewDialog::buildOverview()
{
    const hub::ModelPreview &p = m_preview;
    const bool access = hasAccess(p);
    const QString unknown = access ? QString() : tr("unknown without access");
    auto figure = [&](qint64 v) { return v > 0 ? numberText(v) : unknown; };

    auto *page = new QWidget;
    auto *modelBox = new QGroupBox(tr("Model"), page);
    m_form = new QFormLayout(modelBox);
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    addField(u"model_type"_s, tr("Model type:"), p.modelType.isEmpty() ? unknown : p.modelType);
    QString params;
    if (p.parameterCount > 0) {
        params = p.paramsEstimated
                     ? tr("about %1 (estimated from file sizes)").arg(paramsText(p.parameterCount))
                     : tr("%1 (%2 exactly)")
                           .arg(paramsText(p.parameterCount), numberText(p.parameterCount));
    } else {
        params = unknown;
    }
    addField(u"parameters"_s, tr("Parameters:"), params);
    if (!p.parametersByDtype.isEmpty()) {
        QStringList parts;
        for (auto it = p.parametersByDtype.cbegin(); it != p.parametersByDtype.cend(); ++it)
            parts << tr("%1: %2").arg(it.key(), numberText(it.value()));
        addField(u"parameters_by_dtype"_s, tr("Per dtype:"), parts.join(u", "_s));
    }
    const std::optional<arch::Architecture> &a = p.architecture;
    addField(u"num_layers"_s, tr("Layers:"), figure(a ? a->numHiddenLayers : p.numLayers));
    addField(u"hidden_size"_s, tr("Hidden size:"), figure(a ? a->hiddenSize : p.hiddenSize));
    addField(u"intermediate_size"_s, tr("Intermediate size:"), figure(a ? a->intermediateSize : 0));
    if (a && a->numAttentionHeads > 0)
        addField(u"num_attention_heads"_s, tr("Attention heads:"),
                 a->numKeyValueHeads > 0 && a->numKeyValueHeads != a->numAttentionHeads
                     ? tr("%1 (%2 key/value heads)")
                           .arg(numberText(a->numAttentionHeads), numberText(a->numKeyValueHeads))
                     : numberText(a->numAttentionHeads));
    else
        addField(u"num_attention_heads"_s, tr("Attention heads:"), unknown);
    addField(u"vocab_size"_s, tr("Vocabulary:"), figure(a ? a->vocabSize : 0));
    addField(u"max_position_embeddings"_s, tr("Context length:"),
             a && a->maxPositionEmbeddings > 0
                 ? tr("%1 tokens").arg(numberText(a->maxPositionEmbeddings))
                 : unknown);
    addField(u"torch_dtype"_s, tr("Dtype:"),
             a && !a->torchDtype.isEmpty() ? a->torchDtype : unknown);
    addField(u"license"_s, tr("License:"), p.license);

    QString access_;
    if (!p.requiresAuth) {
        access_ = tr("public: no token needed");
    } else {
        const QString kind =
            p.isPrivate
                ? tr("private")
                : (p.gated == u"manual"_s ? tr("gated, approval by the authors") : tr("gated"));
        if (access)
            access_ = p.tokenSource.isEmpty() ? tr("%1; access granted").arg(kind)
                                              : tr("%1; the token from %2 has access")
                                                    .arg(kind, tokenSourceText(p.tokenSource));
        else
            access_ = p.tokenSource.isEmpty() ? tr("%1; no token is set").arg(kind)
                                              : tr("%1; the token from %2 has no access")
                                                    .arg(kind, tokenSourceText(p.tokenSource));
    }
    addField(u"access"_s, tr("Access:"), access_);
    if (p.parameterCount > 0) {
        QString source;
        if (p.paramsSource == u"safetensors_headers"_s)
            source = tr("the weight files' headers (exact)");
        else if (p.paramsSource == u"hub_safetensors"_s)
            source = tr("the Hub's metadata");
        else if (p.paramsSource == u"file_sizes"_s)
            source = tr("the file sizes (an estimate)");
        addField(u"params_source"_s, tr("Counted from:"), source);
    }
    if (p.shardCount > 1)
        addField(u"shard_count"_s, tr("Weight files:"), numberText(p.shardCount));

    auto *layout = new QHBoxLayout(page);
    layout->addWidget(modelBox, 2);
    layout->addWidget(buildModes(page), 3);
    return page;
}

QWidget *PreviewDialog::buildModes(QWidget *parent)
{
    const hub::ModelPreview &p = m_preview;
    auto *box = new QGroupBox(tr("Size and memory per quantization"), parent);
    box->setObjectName(u"previewModes"_s);
    auto *outer = new QVBoxLayout(box);
    // A grid of plain widgets, not a table of cell widgets: the radio buttons take the theme's
    // colours, and Tab reaches the group once (arrows choose within it).
    auto *grid = new QGridLayout;
    const QString heads[] = {tr("Mode"), tr("Size on disk"), tr("Memory to load"),
                             tr("Disk needed"), tr("Fits in memory")};
    for (int c = 0; c < 5; ++c) {
        auto *h = new QLabel(u"<b>%1</b>"_s.arg(heads[c].toHtmlEscaped()), box);
        h->setAlignment(c == 0 ? Qt::AlignLeft | Qt::AlignVCenter
                               : Qt::AlignRight | Qt::AlignVCenter);
        grid->addWidget(h, 0, c);
    }
    m_modeGroup = new QButtonGroup(this);
    // On a dark window the style fills an unchecked indicator with the (darker) base colour and
    // outlines it in a shade of the window: a faint disc. A lighter fill makes it stand out.
    QPalette radioPalette = box->palette();
    if (const QColor window = radioPalette.color(QPalette::Window); window.lightnessF() < 0.5) {
        const QColor light = radioPalette.color(QPalette::Light);
        radioPalette.setColor(QPalette::Base, light.lightness() > window.lightness() + 24
                                                  ? light
                                                  : window.lighter(170));
    }
    const std::pair<QString, QString> modes[] = {{u"none"_s, tr("None (original)")},
                                                 {u"bnb-4bit"_s, tr("4-bit NF4 (bitsandbytes)")},
                                                 {u"bnb-8bit"_s, tr("8-bit (bitsandbytes)")}};
    int row = 1;
    for (const auto &[mode, label] : modes) {
        auto *radio = new QRadioButton(label, box);
        radio->setObjectName(u"mode_"_s + mode);
        radio->setProperty("mode", mode);
        radio->setChecked(mode == m_quant.mode);
        radio->setPalette(radioPalette);
        m_modeGroup->addButton(radio, row - 1);
        grid->addWidget(radio, row, 0);
        const qint64 disk = diskBytes(p, mode);
        const qint64 mem = memoryBytes(p, mode);
        const bool known = disk >= 0;
        const qint64 needed = known ? p.diskNeeded(modeOf(mode)) : -1;
        const QString approx = p.sizesEstimated && hasAccess(p) ? tr("about %1") : u"%1"_s;
        const QString cells[] = {known ? approx.arg(sizeText(disk)) : tr("unknown"),
                                 mem >= 0 ? approx.arg(sizeText(mem)) : tr("unknown"),
                                 needed >= 0 ? sizeText(needed) : tr("unknown"), QString()};
        for (int c = 0; c < 4; ++c) {
            auto *l = new QLabel(cells[c], box);
            l->setObjectName(u"%1_%2"_s.arg(mode).arg(c));
            l->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
            l->setProperty("bytes", c == 0 ? disk : (c == 1 ? mem : (c == 2 ? needed : -1)));
            grid->addWidget(l, row, c + 1);
            m_modeCells[mode] << l;
        }
        ++row;
    }
    if (!m_modeGroup->checkedButton())
        m_modeGroup->button(0)->setChecked(true);
    grid->setColumnStretch(0, 1);
    outer->addLayout(grid);
    auto *freeLabel = new QLabel(
        p.freeDiskBytes >= 0 ? tr("Free space in %1: %2")
                                   .arg(p.dataDir.isEmpty() ? tr("the data directory") : p.dataDir,
                                        sizeText(p.freeDiskBytes))
                             : tr("Free space in the data directory: unknown"),
        box);
    freeLabel->setObjectName(u"freeSpace"_s);
    freeLabel->setWordWrap(true);
    outer->addWidget(freeLabel);
    auto *note = new QLabel(tr("A quantized variant is written beside the original files, so it "
                               "needs the space of both."),
                            box);
    note->setWordWrap(true);
    note->setEnabled(false);
    outer->addWidget(note);
    m_spaceWarning = new QLabel(box);
    m_spaceWarning->setObjectName(u"spaceWarning"_s);
    m_spaceWarning->setWordWrap(true);
    m_spaceWarning->setTextFormat(Qt::RichText);
    outer->addWidget(m_spaceWarning);
    outer->addStretch();
    connect(m_modeGroup, &QButtonGroup::idToggled, this, [this](int, bool on) {
        if (on)
            updateSpaceWarning();
    });
    return box;
}

QWidget *PreviewDialog::buildFiles()
{
    const hub::FileSelection &sel = m_preview.files;
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    auto *summary = new QLabel(
        tr("Files to download: %1, %2 in total.")
            .arg(QLocale().toString(sel.files.size()), sizeText(m_preview.totalDownloadBytes)),
        page);
    summary->setObjectName(u"filesSummary"_s);
    layout->addWidget(summary);
    m_files = new QTableWidget(0, 2, page);
    m_files->setObjectName(u"previewFiles"_s);
    m_files->setHorizontalHeaderLabels({tr("File"), tr("Size")});
    m_files->verticalHeader()->hide();
    m_files->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_files->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_files->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_files->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_files->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    m_files->setTabKeyNavigation(false);
    for (const hub::RepoFile &f : sel.files) {
        const int row = m_files->rowCount();
        m_files->insertRow(row);
        m_files->setItem(row, 0, new QTableWidgetItem(f.path));
        auto *sizeItem = new QTableWidgetItem(f.size >= 0 ? sizeText(f.size) : QString());
        sizeItem->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        sizeItem->setToolTip(tr("%1 bytes").arg(numberText(f.size)));
        m_files->setItem(row, 1, sizeItem);
    }
    layout->addWidget(m_files, 1);
    if (!sel.skipped.isEmpty()) {
        QStringList names;
        for (const hub::FileSelection::Skipped &s : sel.skipped)
            names << s.path;
        auto *skipped = new QLabel(
            tr("Not downloaded (other weight formats or not needed): %1").arg(names.join(u", "_s)),
            page);
        skipped->setObjectName(u"skippedFiles"_s);
        skipped->setWordWrap(true);
        layout->addWidget(skipped);
    }
    return page;
}

void PreviewDialog::loadModelCard()
{
    if (m_cardRequested)
        return;
    m_cardRequested = true;
    if (!m_backend) {
        m_card->setPlaceholderText(tr("The model card is not available."));
        return;
    }
    m_backend->modelCard({m_preview.repoId,
                          m_preview.commitSha.isEmpty() ? m_preview.revision : m_preview.commitSha,
                          {}},
                         this, [this](Result<QString> card) {
                             if (!card || card->trimmed().isEmpty()) {
                                 m_card->setPlaceholderText(
                                     card ? tr("This repository has no model card.")
                                          : tr("The model card could not be loaded: %1")
                                                .arg(ErrorText::forError(card.error())));
                                 return;
                             }
                             m_card->setMarkdown(stripFrontMatter(*card));
                         });
}

QuantOptions PreviewDialog::chosenQuant() const
{
    QuantOptions q = m_quant;
    if (QAbstractButton *b = m_modeGroup->checkedButton())
        q.mode = b->property("mode").toString();
    return q;
}

QString PreviewDialog::fieldText(const QString &key) const
{
    const QLabel *l = m_fieldLabels.value(key);
    return l ? l->text() : QString();
}

QString PreviewDialog::modeText(const QString &mode, int column) const
{
    const QList<QLabel *> cells = m_modeCells.value(mode);
    return column >= 0 && column < cells.size() ? cells.at(column)->text() : QString();
}

bool PreviewDialog::spaceWarningShown() const
{
    return !m_spaceWarning->isHidden();
}

void PreviewDialog::setMachine(const MachineInfo &machine)
{
    m_machine = machine;
    updateFitHints();
}

void PreviewDialog::updateFitHints()
{
    for (auto it = m_modeCells.cbegin(); it != m_modeCells.cend(); ++it) {
        QLabel *hint = it->value(3);
        const qint64 mem = it->value(1)->property("bytes").toLongLong();
        QString text;
        QString tip;
        if (mem < 0 || m_machine.ramBytes < 0) {
            text = tr("unknown");
        } else if (m_machine.vramBytes > 0 && mem <= m_machine.vramBytes) {
            text = tr("GPU (%1)").arg(sizeText(m_machine.vramBytes));
        } else if (mem <= m_machine.ramBytes) {
            text = tr("RAM (%1)").arg(sizeText(m_machine.ramBytes));
            if (m_machine.vramBytes > 0)
                tip = tr("Too large for the GPU's %1.").arg(sizeText(m_machine.vramBytes));
        } else {
            text = tr("no: RAM is %1").arg(sizeText(m_machine.ramBytes));
        }
        hint->setText(text);
        hint->setToolTip(tip);
    }
}

void PreviewDialog::updateSpaceWarning()
{
    const QAbstractButton *b = m_modeGroup->checkedButton();
    const QString mode = b ? b->property("mode").toString() : QString();
    const QList<QLabel *> cells = m_modeCells.value(mode);
    const qint64 needed = cells.size() > 2 ? cells.at(2)->property("bytes").toLongLong() : -1;
    const qint64 freeBytes = m_preview.freeDiskBytes;
    const bool doesNotFit = needed >= 0 && freeBytes >= 0 && needed > freeBytes;
    if (doesNotFit) {
        m_spaceWarning->setText(u"<span style=\"color:#d03b3b\">&#9888; <b>%1</b></span> %2"_s.arg(
            tr("Not enough disk space.").toHtmlEscaped(),
            tr("This needs %1 but only %2 are free. Free some space or choose another data "
               "directory in Settings.")
                .arg(sizeText(needed), sizeText(freeBytes))
                .toHtmlEscaped()));
    }
    m_spaceWarning->setVisible(doesNotFit);
}

} // namespace mistudio::ui
