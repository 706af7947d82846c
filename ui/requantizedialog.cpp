#include "requantizedialog.h"

#include "errortext.h"
#include "icons.h"
#include "localeformat.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui {

QString RequantizeDialog::variantKey(const QuantOptions &q)
{
    if (q.mode != u"bnb-4bit"_s)
        return q.mode;
    return q.mode + u'-' + q.quantType + (q.doubleQuant ? u"-dq"_s : QString());
}

RequantizeDialog::RequantizeDialog(const ModelRecord &record, ModelBackend *backend,
                                   QWidget *parent)
    : QDialog(parent)
    , m_record(record)
    , m_backend(backend)
{
    setObjectName(u"requantizeDialog"_s);
    setWindowTitle(tr("Re-quantize %1").arg(record.repoId));

    auto *intro = new QLabel(tr("Choose the variant to write from the downloaded files. The "
                                "original files stay as they are; nothing is downloaded again."),
                             this);
    intro->setWordWrap(true);

    auto *box = new QGroupBox(tr("Variant"), this);
    auto *grid = new QGridLayout(box);
    grid->setColumnStretch(0, 1);
    auto *sizeHeader = new QLabel(tr("Estimated size"), box);
    sizeHeader->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    grid->addWidget(sizeHeader, 0, 1);
    auto *presentHeader = new QLabel(tr("On disk now"), box);
    presentHeader->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    grid->addWidget(presentHeader, 0, 2);
    m_group = new QButtonGroup(this);
    struct Variant
    {
        QuantOptions options;
        QString label;
    };
    const Variant variants[] = {
        {{u"bnb-4bit"_s, u"nf4"_s, true}, tr("4-bit NF4, double quantization (recommended)")},
        {{u"bnb-4bit"_s, u"nf4"_s, false}, tr("4-bit NF4")},
        {{u"bnb-4bit"_s, u"fp4"_s, true}, tr("4-bit FP4, double quantization")},
        {{u"bnb-4bit"_s, u"fp4"_s, false}, tr("4-bit FP4")},
        {{u"bnb-8bit"_s, u"nf4"_s, false}, tr("8-bit (LLM.int8)")},
    };
    for (const auto &[options, label] : variants) {
        const int row = int(m_variants.size()) + 1;
        auto *radio = new QRadioButton(label, box);
        const QString key = variantKey(options);
        radio->setObjectName(u"variant_"_s + key);
        m_group->addButton(radio, row - 1);
        auto *size = new QLabel(tr("estimating…"), box);
        size->setObjectName(u"size_"_s + key);
        size->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
        auto *present = new QLabel(tr("no"), box);
        present->setObjectName(u"present_"_s + key);
        present->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
        grid->addWidget(radio, row, 0);
        grid->addWidget(size, row, 1);
        grid->addWidget(present, row, 2);
        m_sizes.insert(key, size);
        m_present.insert(key, present);
        m_variants << options;
    }
    // No variant is preselected from the model's current one: the user picks on purpose, but
    // the recommended default is ready for Enter.
    m_group->button(0)->setChecked(true);
    m_group->button(0)->setFocus();

    m_device = new QComboBox(this);
    m_device->setObjectName(u"deviceBox"_s);
    m_device->addItem(tr("Automatic (a GPU when there is one)"), u"auto"_s);
    m_device->addItem(tr("CPU"), u"cpu"_s);
    auto *deviceLabel = new QLabel(tr("&Device:"), this);
    deviceLabel->setBuddy(m_device);
    auto *deviceRow = new QHBoxLayout;
    deviceRow->addWidget(deviceLabel);
    deviceRow->addWidget(m_device, 1);

    m_note = new QLabel(this);
    m_note->setObjectName(u"requantizeNote"_s);
    m_note->setWordWrap(true);
    m_note->setText(tr("Each variant is written to a folder of its own beside the others. "
                       "Quantizing a variant the model has already replaces only that one."));

    auto *buttons = new QDialogButtonBox(this);
    QPushButton *start = buttons->addButton(tr("&Quantize"), QDialogButtonBox::AcceptRole);
    start->setObjectName(u"startRequantize"_s);
    start->setIcon(icon(u"quantize"_s));
    start->setDefault(true);
    QPushButton *cancel = buttons->addButton(tr("Cancel"), QDialogButtonBox::RejectRole);
    cancel->setObjectName(u"cancelRequantize"_s);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        Q_EMIT requantizeRequested(m_record.id, chosen());
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(box);
    layout->addLayout(deviceRow);
    layout->addWidget(m_note);
    layout->addStretch();
    layout->addWidget(buttons);

    if (m_backend) {
        // From the downloaded files' own headers, through the quantizer's rules (no network).
        m_backend->estimateVariants(
            record.id, this, [this](Result<QList<hub::SizeEstimate>> e) { showEstimates(e); });
        m_backend->variants(record.id, this, [this](Result<std::vector<VariantRecord>> v) {
            if (v)
                showPresent(*v);
        });
        m_backend->machine(this, [this](Result<MachineInfo> m) {
            if (!m)
                return;
            for (const QString &gpu : m->gpus)
                m_device->addItem(gpu, gpu);
        });
    } else {
        showEstimates(Error::make(ErrorCode::Internal, QString()));
    }
}

RequantizeDialog::~RequantizeDialog() = default;

QuantOptions RequantizeDialog::chosen() const
{
    QuantOptions q = m_variants.value(std::max(0, m_group->checkedId()));
    q.device = m_device->currentData().toString();
    return q;
}

QString RequantizeDialog::sizeText(const QString &variant) const
{
    const QLabel *l = m_sizes.value(variant);
    return l ? l->text() : QString();
}

void RequantizeDialog::showEstimates(const Result<QList<hub::SizeEstimate>> &estimates)
{
    for (const QuantOptions &v : std::as_const(m_variants)) {
        QLabel *label = m_sizes.value(variantKey(v));
        if (!estimates) {
            label->setText(tr("unknown"));
            label->setToolTip(ErrorText::forError(estimates.error()));
            continue;
        }
        const hub::Quantization mode =
            v.mode == u"bnb-8bit"_s ? hub::Quantization::Bnb8bit : hub::Quantization::Bnb4bit;
        qint64 bytes = -1;
        for (const hub::SizeEstimate &s : *estimates)
            if (s.mode == mode)
                bytes = s.outputBytes;
        // 4-bit is estimated with double quantization; without it only the absmax statistics
        // differ, so that size is shown as approximate.
        const bool exact = v.mode == u"bnb-8bit"_s || v.doubleQuant;
        label->setText(
            bytes < 0 ? tr("unknown")
                      : (exact ? ui::sizeText(bytes) : tr("about %1").arg(ui::sizeText(bytes))));
    }
}

void RequantizeDialog::showPresent(const std::vector<VariantRecord> &variants)
{
    for (const VariantRecord &v : variants) {
        QLabel *label = m_present.value(v.name());
        if (!label)
            continue;
        label->setText(ui::sizeText(v.sizeBytes));
        label->setToolTip(v.path);
    }
}

QString RequantizeDialog::presentText(const QString &variant) const
{
    const QLabel *l = m_present.value(variant);
    return l ? l->text() : QString();
}

} // namespace mistudio::ui
