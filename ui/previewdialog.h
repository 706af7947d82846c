#pragma once

#include "modelbackend.h"

#include <QDialog>
#include <QJsonObject>

class QButtonGroup;
class QLabel;
class QTableWidget;

namespace mistudio::ui {

// The design's ModelPreviewModal: everything the Hub preview says about a model before a byte
// of weights is fetched (ModelPreview::toJson(): design §4.3 plus the extensions), the files a
// download fetches, size on disk and memory per quantization against the free space, and a
// Download button for the chosen mode.
class PreviewDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PreviewDialog)

public:
    PreviewDialog(const QJsonObject &preview, const QuantOptions &quant, QWidget *parent = nullptr);
    ~PreviewDialog() override;

    QuantOptions chosenQuant() const;
    QJsonObject preview() const { return m_preview; }
    QTableWidget *filesTable() const { return m_files; }
    QTableWidget *modesTable() const { return m_modes; }
    // The value shown for a field ("parameters", "hidden_size", ...): what tests compare.
    QString fieldText(const QString &key) const;
    bool spaceWarningShown() const;

    // Bytes of the preview for a mode: disk size, memory to load (-1 when unknown).
    static qint64 diskBytes(const QJsonObject &preview, const QString &mode);
    static qint64 memoryBytes(const QJsonObject &preview, const QString &mode);

Q_SIGNALS:
    void downloadRequested(const mistudio::ui::QuantOptions &quant);

private:
    void updateSpaceWarning();

    QJsonObject m_preview;
    QuantOptions m_quant;
    QTableWidget *m_files = nullptr;
    QTableWidget *m_modes = nullptr;
    QButtonGroup *m_modeGroup = nullptr;
    QLabel *m_spaceWarning = nullptr;
    QHash<QString, QLabel *> m_fieldLabels;
};

} // namespace mistudio::ui
