#pragma once

#include "modelbackend.h"

#include <QDialog>
#include <QPointer>

class QButtonGroup;
class QComboBox;
class QLabel;

namespace mistudio::ui {

// Re-quantize asks first: which variant (NF4 or FP4, with or without double quantization, or
// 8-bit), on which device, with the size each would take (estimated from the model's own
// files) and the variants it has already (each kept in its own folder; quantizing one again
// replaces only that one). Nothing starts until the user confirms.
class RequantizeDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RequantizeDialog)

public:
    RequantizeDialog(const ModelRecord &record, ModelBackend *backend, QWidget *parent = nullptr);
    ~RequantizeDialog() override;

    QuantOptions chosen() const;
    // The size shown for a variant ("bnb-4bit-nf4-dq", "bnb-8bit", ...) and whether the model
    // has it already: what tests compare.
    QString sizeText(const QString &variant) const;
    QString presentText(const QString &variant) const;
    static QString variantKey(const QuantOptions &q);

Q_SIGNALS:
    void requantizeRequested(const QUuid &id, const mistudio::ui::QuantOptions &quant);

private:
    void showEstimates(const Result<QList<hub::SizeEstimate>> &estimates);
    void showPresent(const std::vector<VariantRecord> &variants);

    ModelRecord m_record;
    QPointer<ModelBackend> m_backend;
    QButtonGroup *m_group = nullptr;
    QList<QuantOptions> m_variants;
    QHash<QString, QLabel *> m_sizes;
    QHash<QString, QLabel *> m_present;
    QComboBox *m_device = nullptr;
    QLabel *m_note = nullptr;
};

} // namespace mistudio::ui
