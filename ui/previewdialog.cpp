#include "previewdialog.h"

#include "common/units.h"
#include "errortext.h"
#include "icons.h"

#include <QButtonGroup>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QRadioButton>
#include <QScrollArea>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui {

namespace {

// The Hub preview's keys, with the spellings other producers use (the design's, the Hub's).
QJsonValue pick(const QJsonObject &o, std::initializer_list<const char16_t *> keys,
                QSet<QString> *used = nullptr)
{
    for (const char16_t *k : keys) {
        const QString key = QString::fromUtf16(k);
        if (o.contains(key) && !o.value(key).isNull()) {
            if (used)
                used->insert(key);
            return o.value(key);
        }
    }
    return {};
}

qint64 asBytes(const QJsonValue &v)
{
    if (v.isDouble())
        return qint64(v.toDouble());
    if (v.isObject())
        return asBytes(
            pick(v.toObject(), {u"output_bytes", u"disk_bytes", u"size_bytes", u"bytes", u"size"}));
    return -1;
}

QJsonValue modeEntry(const QJsonObject &preview, const QString &mode)
{
    for (const QJsonValue &table :
         {pick(preview, {u"sizes", u"estimates", u"quantization_estimates", u"size_estimates"}),
          pick(preview, {u"size_on_disk", u"estimated_size_on_disk", u"disk_bytes"})}) {
        if (table.isObject() && table.toObject().contains(mode))
            return table.toObject().value(mode);
        if (table.isArray()) {
            for (const QJsonValue &row : table.toArray())
                if (row.toObject().value(u"mode"_s).toString() == mode)
                    return row;
        }
    }
    return {};
}

QString yesNo(bool b)
{
    return b ? PreviewDialog::tr("yes") : PreviewDialog::tr("no");
}

QString scalarText(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Bool:
        return yesNo(v.toBool());
    case QJsonValue::Double: {
        const double d = v.toDouble();
        return d == double(qint64(d)) ? QLocale().toString(qint64(d))
                                      : QLocale().toString(d, 'g', 6);
    }
    case QJsonValue::String:
        return v.toString();
    default:
        return {};
    }
}

} // namespace

qint64 PreviewDialog::diskBytes(const QJsonObject &preview, const QString &mode)
{
    if (const qint64 b = asBytes(modeEntry(preview, mode)); b >= 0)
        return b;
    // The design's own two fields (§4.3) when the extended table is missing.
    if (mode == u"none"_s)
        if (const QJsonValue gb = preview.value(u"estimated_size_gb"_s); gb.isDouble())
            return qint64(gb.toDouble() * 1e9);
    if (mode == u"bnb-4bit"_s)
        if (const QJsonValue gb = preview.value(u"estimated_quantized_size_gb"_s); gb.isDouble())
            return qint64(gb.toDouble() * 1e9);
    return -1;
}

qint64 PreviewDialog::memoryBytes(const QJsonObject &preview, const QString &mode)
{
    const QJsonValue e = modeEntry(preview, mode);
    if (e.isObject())
        if (const QJsonValue m =
                pick(e.toObject(), {u"memory_bytes", u"memory", u"load_memory_bytes"});
            m.isDouble())
            return qint64(m.toDouble());
    const QJsonValue table = pick(preview, {u"memory_estimates", u"memory_bytes", u"memory"});
    if (table.isObject() && table.toObject().value(mode).isDouble())
        return qint64(table.toObject().value(mode).toDouble());
    return -1;
}

PreviewDialog::PreviewDialog(const QJsonObject &preview, const QuantOptions &quant, QWidget *parent)
    : QDialog(parent)
    , m_preview(preview)
    , m_quant(quant)
{
    setObjectName(u"previewDialog"_s);
    QSet<QString> used;
    const QString repo = pick(preview, {u"repo_id"}, &used).toString();
    setWindowTitle(tr("Preview of %1").arg(repo));

    // --- header and warnings --------------------------------------------------------
    auto *title = new QLabel(this);
    title->setTextFormat(Qt::RichText);
    const QString sha = pick(preview, {u"commit_sha", u"sha", u"commit"}, &used).toString();
    const QString revision = pick(preview, {u"revision"}, &used).toString();
    title->setText(
        u"<h2>%1</h2>"_s.arg(repo.toHtmlEscaped()) +
        (sha.isEmpty()
             ? QString()
             : tr("Revision %1 at commit <tt>%2</tt>")
                   .arg(revision.isEmpty() ? u"main"_s : revision.toHtmlEscaped(), sha.left(12))));
    title->setTextInteractionFlags(Qt::TextSelectableByMouse);

    QStringList warnings;
    if (pick(preview, {u"requires_trust_remote_code", u"trust_remote_code"}, &used).toBool())
        warnings << tr(
            "<b>This model runs its own Python code</b> (trust_remote_code). miStudio "
            "downloads the code files but never runs them; review them before loading the "
            "model with transformers.");
    const bool requiresAuth = pick(preview, {u"requires_auth"}, &used).toBool();
    const QJsonValue canDownload =
        pick(preview, {u"can_download", u"access_granted", u"authorized"}, &used);
    if (canDownload.isBool() && !canDownload.toBool())
        warnings << tr("<b>Gated model:</b> your token does not give access yet. Accept the "
                       "conditions on the model page and enter a token with access.");
    if (pick(preview, {u"params_estimated", u"parameters_estimated", u"parameter_count_estimated"},
             &used)
            .toBool())
        warnings << tr(
            "This checkpoint has no safetensors headers: the parameter count is estimated "
            "from config.json and file sizes.");
    if (const QJsonValue accessError = pick(preview, {u"access_error"}, &used);
        accessError.isObject()) {
        Error e;
        const QJsonObject o = accessError.toObject();
        if (!errorCodeFromName(o.value(u"code"_s).toString(), &e.code))
            e.code = ErrorCode::GatedAuthRequired;
        e.message = o.value(u"message"_s).toString();
        warnings << ErrorText::forError(e).toHtmlEscaped();
    }
    for (const QJsonValue &w : pick(preview, {u"warnings"}, &used).toArray())
        warnings << w.toString().toHtmlEscaped();
    auto *warningLabel = new QLabel(warnings.join(u"<br><br>"_s), this);
    warningLabel->setObjectName(u"previewWarnings"_s);
    warningLabel->setTextFormat(Qt::RichText);
    warningLabel->setWordWrap(true);
    warningLabel->setVisible(!warnings.isEmpty());
    warningLabel->setFrameShape(QFrame::StyledPanel);
    warningLabel->setMargin(8);

    // --- model fields --------------------------------------------------------------------
    auto *modelBox = new QGroupBox(tr("Model"), this);
    auto *form = new QFormLayout(modelBox);
    auto addField = [this, form](const QString &key, const QString &label, const QString &text) {
        if (text.isEmpty())
            return;
        auto *l = new QLabel(text, form->parentWidget());
        l->setObjectName(u"field_"_s + key);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
        l->setWordWrap(true);
        form->addRow(label, l);
        m_fieldLabels.insert(key, l);
    };
    const QLocale loc;
    auto num = [&](std::initializer_list<const char16_t *> keys) {
        const QJsonValue v = pick(preview, keys, &used);
        return v.isDouble() ? loc.toString(qint64(v.toDouble())) : v.toString();
    };
    addField(u"model_type"_s, tr("Model type:"), pick(preview, {u"model_type"}, &used).toString());
    const QJsonValue exact = pick(
        preview, {u"parameter_count", u"num_parameters", u"total_parameters", u"parameters_exact"},
        &used);
    QString params = pick(preview, {u"parameters"}, &used).toString();
    if (exact.isDouble())
        params = tr("%1 (%2 exactly)")
                     .arg(params.isEmpty() ? formatParamCount(qint64(exact.toDouble())) : params,
                          loc.toString(qint64(exact.toDouble())));
    addField(u"parameters"_s, tr("Parameters:"), params);
    const QJsonValue byDtype =
        pick(preview, {u"parameters_by_dtype", u"dtype_parameters", u"params_by_dtype"}, &used);
    if (byDtype.isObject()) {
        QStringList parts;
        const QJsonObject o = byDtype.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            parts << u"%1: %2"_s.arg(it.key(), loc.toString(qint64(it.value().toDouble())));
        addField(u"parameters_by_dtype"_s, tr("Per dtype:"), parts.join(u", "_s));
    }
    addField(u"num_layers"_s, tr("Layers:"), num({u"num_layers", u"num_hidden_layers"}));
    addField(u"hidden_size"_s, tr("Hidden size:"), num({u"hidden_size"}));
    addField(u"intermediate_size"_s, tr("Intermediate size:"), num({u"intermediate_size"}));
    const QString heads = num({u"num_attention_heads"});
    const QString kv = num({u"num_key_value_heads"});
    addField(u"num_attention_heads"_s, tr("Attention heads:"),
             kv.isEmpty() ? heads : tr("%1 (%2 key/value heads)").arg(heads, kv));
    addField(u"vocab_size"_s, tr("Vocabulary:"), num({u"vocab_size"}));
    addField(u"max_position_embeddings"_s, tr("Context length:"),
             num({u"max_position_embeddings", u"context_length"}));
    addField(u"torch_dtype"_s, tr("Dtype:"),
             pick(preview, {u"torch_dtype", u"dtype"}, &used).toString());
    addField(u"license"_s, tr("License:"), pick(preview, {u"license"}, &used).toString());
    const QJsonValue gated = pick(preview, {u"gated"}, &used);
    QString access = requiresAuth ? tr("requires a token") : tr("public");
    if (gated.isString() || (gated.isBool() && gated.toBool()))
        access = tr("gated (%1)").arg(gated.isString() ? gated.toString() : tr("yes"));
    if (pick(preview, {u"private"}, &used).toBool())
        access += tr(", private");
    if (canDownload.isBool())
        access += canDownload.toBool() ? tr(", your token has access")
                                       : tr(", no access with this token");
    addField(u"access"_s, tr("Access:"), access);
    used << u"estimated_size_gb"_s << u"estimated_quantized_size_gb"_s;
    for (const char16_t *k :
         {u"estimates", u"quantization_estimates", u"size_estimates", u"size_on_disk",
          u"estimated_size_on_disk", u"disk_bytes", u"memory_estimates", u"memory_bytes", u"memory",
          u"files", u"download_bytes", u"total_download_bytes", u"sizes", u"architecture",
          u"free_bytes", u"free_disk_bytes", u"disk_free_bytes", u"fits", u"fits_on_disk"})
        used << QString::fromUtf16(k);
    // The Hub preview's extensions, with their own labels.
    const std::pair<const char16_t *, QString> extras[] = {
        {u"params_source", tr("Counted from:")},
        {u"hub_parameter_total", tr("Hub's count:")},
        {u"params_match_hub", tr("Matches the Hub:")},
        {u"shard_count", tr("Weight shards:")},
        {u"sizes_estimated", tr("Sizes estimated:")},
        {u"token_source", tr("Token from:")},
        {u"header_bytes_fetched", tr("Header bytes fetched:")},
        {u"data_dir", tr("Data directory:")},
    };
    for (const auto &[key, label] : extras) {
        const QString k = QString::fromUtf16(key);
        const QString t = scalarText(preview.value(k));
        used << k;
        if (!t.isEmpty())
            addField(k, label, t);
    }
    // Fields this dialog has no place for still show: nothing the preview knows is hidden.
    for (auto it = preview.begin(); it != preview.end(); ++it) {
        if (used.contains(it.key()))
            continue;
        const QString t = scalarText(it.value());
        if (!t.isEmpty())
            addField(it.key(), it.key() + u':', t);
    }

    // --- files ---------------------------------------------------------------------------
    auto *filesBox = new QGroupBox(this);
    auto *filesLayout = new QVBoxLayout(filesBox);
    m_files = new QTableWidget(0, 2, filesBox);
    m_files->setObjectName(u"previewFiles"_s);
    m_files->setHorizontalHeaderLabels({tr("File"), tr("Size")});
    m_files->verticalHeader()->hide();
    m_files->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_files->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_files->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_files->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_files->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    m_files->setFocusPolicy(Qt::NoFocus);
    qint64 sum = 0;
    // ModelPreview::toJson() nests the selection: {"files": {"files": [...], "skipped": [...]}}.
    const QJsonValue filesValue = preview.value(u"files"_s);
    const QJsonArray files = filesValue.isObject()
                                 ? filesValue.toObject().value(u"files"_s).toArray()
                                 : filesValue.toArray();
    for (const QJsonValue &f : files) {
        const QJsonObject o = f.toObject();
        const QString path = pick(o, {u"path", u"rfilename", u"name", u"filename"}).toString();
        const qint64 size = qint64(pick(o, {u"size", u"size_bytes", u"bytes"}).toDouble(-1));
        const int row = m_files->rowCount();
        m_files->insertRow(row);
        m_files->setItem(row, 0, new QTableWidgetItem(path));
        auto *sizeItem = new QTableWidgetItem(size >= 0 ? formatBytes(size) : QString());
        sizeItem->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        sizeItem->setToolTip(tr("%1 bytes").arg(loc.toString(size)));
        m_files->setItem(row, 1, sizeItem);
        sum += std::max<qint64>(size, 0);
    }
    qint64 download =
        qint64(pick(preview, {u"download_bytes", u"total_download_bytes"}).toDouble(-1));
    if (download < 0)
        download = sum;
    filesBox->setTitle(tr("Files to download: %n file(s), %1", nullptr, int(files.size()))
                           .arg(formatBytes(download)));
    filesLayout->addWidget(m_files);

    // --- quantization modes ------------------------------------------------------------
    auto *modesBox = new QGroupBox(tr("Size on disk and memory per quantization"), this);
    auto *modesLayout = new QVBoxLayout(modesBox);
    m_modes = new QTableWidget(0, 4, modesBox);
    m_modes->setObjectName(u"previewModes"_s);
    m_modes->setHorizontalHeaderLabels(
        {tr("Mode"), tr("Size on disk"), tr("Memory to load"), tr("Disk needed")});
    m_modes->verticalHeader()->hide();
    m_modes->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_modes->setSelectionMode(QAbstractItemView::NoSelection);
    m_modes->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_modes->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_modes->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 10);
    m_modeGroup = new QButtonGroup(this);
    const std::pair<QString, QString> modes[] = {{u"none"_s, tr("None (original)")},
                                                 {u"bnb-4bit"_s, tr("4-bit NF4 (bitsandbytes)")},
                                                 {u"bnb-8bit"_s, tr("8-bit (bitsandbytes)")}};
    for (const auto &[mode, label] : modes) {
        const int row = m_modes->rowCount();
        m_modes->insertRow(row);
        auto *radio = new QRadioButton(label, m_modes);
        radio->setObjectName(u"mode_"_s + mode);
        radio->setProperty("mode", mode);
        radio->setChecked(mode == quant.mode);
        m_modeGroup->addButton(radio, row);
        m_modes->setCellWidget(row, 0, radio);
        const qint64 disk = diskBytes(preview, mode);
        const qint64 mem = memoryBytes(preview, mode);
        // The originals stay beside a quantized variant, so a quantized download needs both.
        qint64 needed =
            disk < 0 ? -1 : (mode == u"none"_s ? std::max(download, disk) : download + disk);
        if (const QJsonValue e = modeEntry(preview, mode);
            e.isObject() && e.toObject().value(u"disk_needed_bytes"_s).isDouble())
            needed = qint64(e.toObject().value(u"disk_needed_bytes"_s).toDouble());
        const QString cells[] = {disk >= 0 ? formatBytes(disk) : tr("unknown"),
                                 mem >= 0 ? formatBytes(mem) : tr("unknown"),
                                 needed >= 0 ? formatBytes(needed) : tr("unknown")};
        for (int c = 0; c < 3; ++c) {
            auto *item = new QTableWidgetItem(cells[c]);
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            item->setData(Qt::UserRole, c == 0 ? disk : (c == 1 ? mem : needed));
            m_modes->setItem(row, c + 1, item);
        }
    }
    if (!m_modeGroup->checkedButton())
        m_modeGroup->button(0)->setChecked(true);
    m_modes->setFixedHeight(m_modes->horizontalHeader()->sizeHint().height() +
                            3 * m_modes->rowHeight(0) + 6);
    modesLayout->addWidget(m_modes);
    const qint64 freeBytes =
        qint64(pick(preview, {u"free_bytes", u"free_disk_bytes", u"disk_free_bytes"}).toDouble(-1));
    auto *freeLabel = new QLabel(
        freeBytes >= 0 ? tr("Free space in the data directory: %1").arg(formatBytes(freeBytes))
                       : tr("Free space in the data directory: unknown"),
        modesBox);
    freeLabel->setObjectName(u"freeSpace"_s);
    modesLayout->addWidget(freeLabel);
    m_spaceWarning = new QLabel(modesBox);
    m_spaceWarning->setObjectName(u"spaceWarning"_s);
    m_spaceWarning->setWordWrap(true);
    m_spaceWarning->setTextFormat(Qt::RichText);
    modesLayout->addWidget(m_spaceWarning);
    connect(m_modeGroup, &QButtonGroup::idToggled, this, [this](int, bool on) {
        if (on)
            updateSpaceWarning();
    });

    // --- buttons -------------------------------------------------------------------------
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *downloadButton = buttons->addButton(tr("&Download"), QDialogButtonBox::AcceptRole);
    downloadButton->setObjectName(u"previewDownload"_s);
    downloadButton->setIcon(icon(u"download"_s));
    downloadButton->setDefault(true);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(downloadButton, &QPushButton::clicked, this, [this] {
        Q_EMIT downloadRequested(chosenQuant());
        accept();
    });

    auto *right = new QVBoxLayout;
    right->addWidget(filesBox, 1);
    right->addWidget(modesBox);
    auto *columns = new QHBoxLayout;
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(modelBox);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    columns->addWidget(scroll, 2);
    columns->addLayout(right, 3);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(warningLabel);
    layout->addLayout(columns, 1);
    layout->addWidget(buttons);
    updateSpaceWarning();
    resize(980, 640);
}

PreviewDialog::~PreviewDialog() = default;

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

bool PreviewDialog::spaceWarningShown() const
{
    return !m_spaceWarning->isHidden();
}

void PreviewDialog::updateSpaceWarning()
{
    const int row = m_modeGroup->checkedId();
    const qint64 needed = row < 0 ? -1 : m_modes->item(row, 3)->data(Qt::UserRole).toLongLong();
    const qint64 freeBytes = qint64(
        pick(m_preview, {u"free_bytes", u"free_disk_bytes", u"disk_free_bytes"}).toDouble(-1));
    const QJsonValue fits = pick(m_preview, {u"fits", u"fits_on_disk"});
    const bool doesNotFit = (needed >= 0 && freeBytes >= 0 && needed > freeBytes) ||
                            (needed < 0 && fits.isBool() && !fits.toBool());
    if (doesNotFit) {
        m_spaceWarning->setText(u"<span style=\"color:#d03b3b\">&#9888; <b>%1</b></span> %2"_s.arg(
            tr("Not enough disk space."), tr("This needs %1 but only %2 are free. Free some space "
                                             "or choose another data directory in Settings.")
                                              .arg(formatBytes(needed), formatBytes(freeBytes))));
    }
    m_spaceWarning->setVisible(doesNotFit);
}

} // namespace mistudio::ui
