#include "detailspane.h"

#include "errortext.h"
#include "icons.h"
#include "localeformat.h"
#include "modeltablemodel.h"
#include "rowstate.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QScrollArea>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui {

static QString fileStateText(const TransferFile &f)
{
    switch (f.state) {
    case TransferFile::State::Queued:
        return DetailsPane::tr("waiting");
    case TransferFile::State::Downloading:
        return DetailsPane::tr("downloading");
    case TransferFile::State::Retrying:
        return f.retryCause.isEmpty() ? DetailsPane::tr("retrying")
                                      : DetailsPane::tr("retrying (%1)").arg(f.retryCause);
    case TransferFile::State::Verifying:
        return DetailsPane::tr("verifying checksum");
    case TransferFile::State::Done:
        return DetailsPane::tr("verified");
    case TransferFile::State::Failed:
        return DetailsPane::tr("failed");
    case TransferFile::State::Paused:
        return DetailsPane::tr("paused");
    }
    return {};
}

DetailsPane::DetailsPane(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(u"detailsPane"_s);
    m_stack = new QStackedWidget(this);
    auto *none = new QLabel(tr("Select a model to see its details."), m_stack);
    none->setObjectName(u"detailsNone"_s);
    none->setAlignment(Qt::AlignCenter);
    none->setEnabled(false);
    m_stack->addWidget(none);

    auto *page = new QWidget(m_stack);
    m_title = new QLabel(page);
    m_title->setObjectName(u"detailsTitle"_s);
    m_title->setTextFormat(Qt::RichText);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_state = new QLabel(page);
    m_state->setObjectName(u"detailsState"_s);
    m_state->setWordWrap(true);

    // The whole error, never only a tooltip, with the next step and the button for it.
    m_errorBox = new QFrame(page);
    m_errorBox->setObjectName(u"detailsErrorBox"_s);
    static_cast<QFrame *>(m_errorBox)->setFrameShape(QFrame::StyledPanel);
    auto *errorLayout = new QHBoxLayout(m_errorBox);
    auto *errorIcon = new QLabel(m_errorBox);
    errorIcon->setPixmap(icon(u"warning"_s).pixmap(24, 24));
    errorIcon->setAlignment(Qt::AlignTop);
    m_error = new QLabel(m_errorBox);
    m_error->setObjectName(u"detailsError"_s);
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::RichText);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_retry = new QPushButton(icon(u"retry"_s), tr("Retry"), m_errorBox);
    m_retry->setObjectName(u"detailsRetry"_s);
    connect(m_retry, &QPushButton::clicked, this, &DetailsPane::retryRequested);
    errorLayout->addWidget(errorIcon);
    errorLayout->addWidget(m_error, 1);
    errorLayout->addWidget(m_retry, 0, Qt::AlignTop);

    auto *factsBox = new QWidget(page);
    m_facts = new QFormLayout(factsBox);
    m_facts->setContentsMargins(0, 0, 0, 0);
    m_facts->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    const std::pair<QString, QString> facts[] = {
        {u"repo"_s, tr("Repo id:")},
        {u"revision"_s, tr("Revision:")},
        {u"commit"_s, tr("Commit:")},
        {u"parameters"_s, tr("Parameters:")},
        {u"quantization"_s, tr("Quantization:")},
        {u"size"_s, tr("Size on disk:")},
        {u"path"_s, tr("Folder:")},
        {u"variant"_s, tr("Newest variant:")},
        {u"created"_s, tr("Added:")},
        {u"updated"_s, tr("Updated:")},
        {u"verification"_s, tr("Verification:")},
    };
    for (const auto &[key, label] : facts) {
        auto *l = new QLabel(factsBox);
        l->setObjectName(u"fact_"_s + key);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
        l->setWordWrap(true);
        m_facts->addRow(label, l);
        m_factLabels.insert(key, l);
    }
    auto *openFolder = new QPushButton(icon(u"folder"_s), tr("Open folder"), factsBox);
    openFolder->setObjectName(u"detailsOpenFolder"_s);
    connect(openFolder, &QPushButton::clicked, this, &DetailsPane::openFolderRequested);
    m_verify = new QPushButton(icon(u"refresh"_s), tr("Verify files"), factsBox);
    m_verify->setObjectName(u"detailsVerify"_s);
    m_verify->setToolTip(tr("Re-hash the model's files against the hashes recorded when they arrived"));
    connect(m_verify, &QPushButton::clicked, this, &DetailsPane::verifyRequested);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(openFolder);
    buttons->addWidget(m_verify);
    buttons->addStretch();
    m_facts->addRow(QString(), buttons);

    auto *filesBox = new QWidget(page);
    auto *filesLayout = new QVBoxLayout(filesBox);
    filesLayout->setContentsMargins(0, 0, 0, 0);
    m_filesNote = new QLabel(filesBox);
    m_filesNote->setObjectName(u"detailsFilesNote"_s);
    m_filesNote->setWordWrap(true);
    m_files = new QTableWidget(0, 3, filesBox);
    m_files->setObjectName(u"detailsFiles"_s);
    m_files->setHorizontalHeaderLabels({tr("File"), tr("Progress"), tr("State")});
    m_files->verticalHeader()->hide();
    m_files->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_files->setSelectionMode(QAbstractItemView::NoSelection);
    m_files->setFocusPolicy(Qt::NoFocus);
    m_files->setShowGrid(false);
    m_files->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_files->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_files->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_files->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    filesLayout->addWidget(m_filesNote);
    filesLayout->addWidget(m_files, 1);

    // Tabs, as in qBittorrent's properties panel: each part gets the pane's whole width.
    m_tabs = new QTabWidget(page);
    m_tabs->setObjectName(u"detailsTabs"_s);
    m_tabs->setDocumentMode(true);
    auto *scroll = new QScrollArea(m_tabs);
    scroll->setWidget(factsBox);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    m_tabs->addTab(scroll, tr("General"));
    m_tabs->addTab(filesBox, tr("Files"));

    // Each quantized variant in its own folder, with its size; one can go on its own.
    auto *variantsBox = new QWidget(m_tabs);
    auto *variantsLayout = new QVBoxLayout(variantsBox);
    variantsLayout->setContentsMargins(0, 0, 0, 0);
    m_variantsNote = new QLabel(variantsBox);
    m_variantsNote->setObjectName(u"detailsVariantsNote"_s);
    m_variantsNote->setWordWrap(true);
    m_variants = new QTableWidget(0, 4, variantsBox);
    m_variants->setObjectName(u"detailsVariants"_s);
    m_variants->setHorizontalHeaderLabels(
        {tr("Variant"), tr("Size"), tr("Quantized on"), tr("Folder")});
    m_variants->verticalHeader()->hide();
    m_variants->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_variants->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_variants->setSelectionMode(QAbstractItemView::SingleSelection);
    m_variants->setTabKeyNavigation(false);
    m_variants->setShowGrid(false);
    m_variants->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_variants->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_variants->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_variants->horizontalHeader()->setStretchLastSection(true);
    m_variants->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_removeVariant = new QPushButton(icon(u"delete"_s), tr("Delete variant…"), variantsBox);
    m_removeVariant->setObjectName(u"detailsRemoveVariant"_s);
    m_removeVariant->setEnabled(false);
    connect(m_variants, &QTableWidget::itemSelectionChanged, this,
            [this] { m_removeVariant->setEnabled(!m_variants->selectedItems().isEmpty()); });
    connect(m_removeVariant, &QPushButton::clicked, this, [this] {
        const int row = m_variants->currentRow();
        if (row >= 0 && row < int(m_shownVariants.size()))
            Q_EMIT removeVariantRequested(m_id, m_shownVariants[size_t(row)].name(),
                                          m_shownVariants[size_t(row)].sizeBytes);
    });
    variantsLayout->addWidget(m_variantsNote);
    variantsLayout->addWidget(m_variants, 1);
    variantsLayout->addWidget(m_removeVariant, 0, Qt::AlignRight);
    m_tabs->addTab(variantsBox, tr("Variants"));
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(4, 4, 4, 0);
    layout->addWidget(m_title);
    layout->addWidget(m_state);
    layout->addWidget(m_errorBox);
    layout->addWidget(m_tabs, 1);
    m_stack->addWidget(page);

    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(m_stack);
}

DetailsPane::~DetailsPane() = default;

QString DetailsPane::factText(const QString &key) const
{
    const QLabel *l = m_factLabels.value(key);
    return l && !l->isHidden() ? l->text() : QString();
}

void DetailsPane::setFact(const QString &key, const QString &text)
{
    QLabel *l = m_factLabels.value(key);
    l->setText(text);
    m_facts->setRowVisible(l, !text.isEmpty());
}

void DetailsPane::show(const ModelRecord *record, const std::optional<JobInfo> &job,
                       const std::optional<JobProgress> &progress, const QString &detail)
{
    if (!record) {
        m_id = QUuid();
        m_stack->setCurrentIndex(0);
        return;
    }
    if (m_id != record->id) {
        showVariants(m_id, {}); // until the service says
        m_id = record->id;
        m_variantsNote->setText(QString());
        m_verification = {};
        m_recordVerification = {};
        m_verifying = false;
    }
    m_stack->setCurrentIndex(1);
    m_title->setText(u"<h3>%1</h3>"_s.arg(record->repoId.toHtmlEscaped()));
    m_state->setText(detail);

    const RowState state = deriveRowState(*record, job);
    const bool hasError =
        !record->errorMessage.isEmpty() &&
        (state == RowState::Failed || state == RowState::Ready || state == RowState::NotDownloaded);
    if (hasError) {
        const Error e = ErrorText::parseStored(record->errorMessage);
        QString text =
            u"<b>%1</b>"_s.arg(ErrorText::forStoredMessage(record->errorMessage).toHtmlEscaped());
        if (const QString next = ErrorText::nextStep(e.code); !next.isEmpty())
            text += u"<br>"_s + next.toHtmlEscaped();
        if (e.code != ErrorCode::Internal && !e.message.isEmpty())
            text += u"<br><small>%1</small>"_s.arg(record->errorMessage.toHtmlEscaped());
        m_error->setText(text);
    }
    m_errorBox->setVisible(hasError);
    m_retry->setVisible(state == RowState::Failed);

    const QLocale loc;
    setFact(u"repo"_s, record->repoId);
    setFact(u"revision"_s, record->revision);
    setFact(u"commit"_s, record->commitSha);
    setFact(u"parameters"_s, record->paramsCount
                                 ? tr("%1 (%2)").arg(paramsText(*record->paramsCount),
                                                     numberText(*record->paramsCount))
                                 : QString());
    setFact(u"quantization"_s, record->quantization.isEmpty() || record->quantization == u"none"_s
                                   ? tr("none (original precision)")
                                   : ModelTableModel::quantizationText(record->quantization));
    setFact(u"size"_s,
            !record->sizeBytes ? QString()
            : record->variantsSizeBytes > 0
                ? tr("%1 (%2 downloaded, %3 of quantized variants)")
                      .arg(sizeText(*record->sizeBytes + record->variantsSizeBytes),
                           sizeText(*record->sizeBytes), sizeText(record->variantsSizeBytes))
                : sizeText(*record->sizeBytes));
    setFact(u"path"_s, record->filePath);
    setFact(u"variant"_s, record->quantizedPath);
    setFact(u"created"_s, record->createdAt.isValid()
                              ? loc.toString(record->createdAt.toLocalTime(), QLocale::ShortFormat)
                              : QString());
    setFact(u"updated"_s, record->updatedAt.isValid()
                              ? loc.toString(record->updatedAt.toLocalTime(), QLocale::ShortFormat)
                              : QString());
    updateVerification(*record);
    showFiles(job, progress);
}

QString DetailsPane::verificationText(const VerificationInfo &v)
{
    const QString when = v.verifiedAt.isValid()
                             ? QLocale().toString(v.verifiedAt.toLocalTime(), QLocale::ShortFormat)
                             : QString();
    if (v.state == u"ok"_s)
        return when.isEmpty() ? tr("OK: every file matches") : tr("OK: every file matches (%1)").arg(when);
    if (v.state != u"failed"_s)
        return tr("Never verified");
    QString reason;
    if (v.firstBadReason == u"missing"_s)
        reason = tr("%1 is missing").arg(v.firstBadFile);
    else if (v.firstBadReason == u"size_mismatch"_s)
        reason = tr("%1 has another size than recorded").arg(v.firstBadFile);
    else if (v.firstBadReason == u"unreadable"_s)
        reason = tr("%1 cannot be read").arg(v.firstBadFile);
    else if (!v.firstBadFile.isEmpty())
        reason = tr("%1 changed on disk").arg(v.firstBadFile);
    QString text = reason.isEmpty() ? tr("Failed") : tr("Failed: %1").arg(reason);
    if (v.failures > 1)
        text += u' ' + tr("(%1 of %2 files)").arg(v.failures).arg(v.files);
    if (!when.isEmpty())
        text += u' ' + tr("on %1").arg(when);
    return text;
}

void DetailsPane::updateVerification(const ModelRecord &record)
{
    m_recordVerification = {};
    m_recordVerification.state = record.verifyState;
    m_recordVerification.verifiedAt = record.verifiedAt;
    setFact(u"verification"_s, m_verifying ? tr("Verifying…") : verificationText(shownVerification()));
    m_verify->setVisible(record.status == ModelStatus::Ready);
    m_verify->setEnabled(!m_verifying);
}

VerificationInfo DetailsPane::shownVerification() const
{
    // The service's report (it names the first bad file) unless the record is newer than it.
    if (!m_verification.state.isEmpty() && m_verification.verifiedAt >= m_recordVerification.verifiedAt)
        return m_verification;
    return m_recordVerification;
}

void DetailsPane::showVerification(const QUuid &id, const VerificationInfo &info)
{
    if (id != m_id)
        return; // an answer about a model no longer shown
    m_verification = info;
    setFact(u"verification"_s, m_verifying ? tr("Verifying…") : verificationText(shownVerification()));
}

void DetailsPane::setVerifying(const QUuid &id, bool verifying)
{
    if (id != m_id)
        return;
    m_verifying = verifying;
    m_verify->setEnabled(!verifying);
    if (verifying)
        setFact(u"verification"_s, tr("Verifying…"));
    else
        setFact(u"verification"_s, verificationText(shownVerification()));
}

QString DetailsPane::variantLabel(const QuantVariant &v)
{
    if (v.mode == u"bnb-8bit"_s)
        return tr("8-bit (LLM.int8)");
    const QString type = v.quantType == u"fp4"_s ? u"FP4"_s : u"NF4"_s;
    return v.doubleQuant ? tr("4-bit %1, double quantization").arg(type) : tr("4-bit %1").arg(type);
}

void DetailsPane::showVariants(const QUuid &id, const std::vector<VariantRecord> &variants)
{
    if (id != m_id)
        return; // an answer about a model no longer shown
    m_shownVariants = variants;
    m_variants->setRowCount(int(variants.size()));
    qint64 total = 0;
    for (int i = 0; i < int(variants.size()); ++i) {
        const VariantRecord &v = variants[size_t(i)];
        total += v.sizeBytes;
        const QString cells[] = {
            variantLabel(v.variant), sizeText(v.sizeBytes),
            v.createdAt.isValid()
                ? tr("%1 on %2")
                      .arg(QLocale().toString(v.createdAt.toLocalTime(), QLocale::ShortFormat),
                           v.device)
                : v.device,
            v.path};
        for (int c = 0; c < 4; ++c) {
            auto *item = new QTableWidgetItem(cells[c]);
            if (c == 1)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            item->setToolTip(c == 0 ? v.name() : cells[c]);
            m_variants->setItem(i, c, item);
        }
    }
    m_variantsNote->setText(
        variants.empty() ? tr("No quantized variant yet: Re-quantize writes one from the "
                              "downloaded files.")
                         : tr("%1 variants, %2 in all, each in its own folder.")
                               .arg(QLocale().toString(qint64(variants.size())), sizeText(total)));
    m_variants->setVisible(!variants.empty());
    m_removeVariant->setVisible(!variants.empty());
    m_removeVariant->setEnabled(!m_variants->selectedItems().isEmpty());
}

void DetailsPane::showFiles(const std::optional<JobInfo> &job,
                            const std::optional<JobProgress> &progress)
{
    QList<TransferFile> files;
    if (progress)
        files = progress->files;
    if (files.isEmpty() && job)
        files = job->transfer.files;
    if (files.isEmpty()) {
        m_filesNote->setText(progress && progress->filesTotal > 0
                                 ? tr("%1 of %2 files done.")
                                       .arg(QLocale().toString(progress->filesDone),
                                            QLocale().toString(progress->filesTotal))
                                 : tr("Per-file progress shows here while a download runs."));
        m_files->setRowCount(0);
        m_files->hide();
        return;
    }
    int done = 0;
    for (const TransferFile &f : std::as_const(files))
        done += f.state == TransferFile::State::Done ? 1 : 0;
    m_filesNote->setText(
        tr("%1 of %2 files done.").arg(QLocale().toString(done), QLocale().toString(files.size())));
    m_files->show();
    m_files->setRowCount(int(files.size()));
    for (int i = 0; i < files.size(); ++i) {
        const TransferFile &f = files.at(i);
        const double percent =
            f.bytesTotal > 0 ? 100.0 * double(f.bytesDone) / double(f.bytesTotal) : 0.0;
        const QString cells[] = {
            f.path,
            f.bytesTotal > 0
                ? tr("%1 of %2 (%3)")
                      .arg(sizeText(f.bytesDone), sizeText(f.bytesTotal), percentText(percent))
                : sizeText(f.bytesDone),
            fileStateText(f)};
        for (int c = 0; c < 3; ++c) {
            QTableWidgetItem *item = m_files->item(i, c);
            if (!item) {
                item = new QTableWidgetItem;
                m_files->setItem(i, c, item);
            }
            item->setText(cells[c]);
            if (c == 1)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        }
    }
}

} // namespace mistudio::ui
