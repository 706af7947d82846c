#pragma once

#include "hub/modelpreview.h"
#include "modelbackend.h"

#include <QDialog>
#include <QPointer>
#include <QUrl>

class QButtonGroup;
class QFormLayout;
class QLabel;
class QPushButton;
class QTabWidget;
class QTableWidget;
class QTextBrowser;

namespace mistudio::ui {

// The preview dialog: what the Hub preview (hub::ModelPreview) says about a model
// before a byte of weights is fetched, in words: the model's figures, its access, the files a
// download fetches, size on disk and memory per quantization against the free space and this
// machine's RAM/VRAM, the model card, and Download for the chosen mode. What the preview could
// not know (a gated repo without access) says so instead of showing zeros.
class PreviewDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PreviewDialog)

public:
    // `backend` (may be null) loads the model card and this machine's memory; `hubUrl` is the
    // Hub the repo page opens on.
    PreviewDialog(const hub::ModelPreview &preview, const QuantOptions &quant,
                  ModelBackend *backend = nullptr, const QUrl &hubUrl = {},
                  QWidget *parent = nullptr);
    ~PreviewDialog() override;

    QuantOptions chosenQuant() const;
    const hub::ModelPreview &preview() const { return m_preview; }
    QTableWidget *filesTable() const { return m_files; }
    QTabWidget *tabs() const { return m_tabs; }
    QTextBrowser *modelCard() const { return m_card; }
    QPushButton *downloadButton() const { return m_download; }
    // The value shown for a field ("parameters", "hidden_size", ...): what tests compare.
    QString fieldText(const QString &key) const;
    // A mode's cells ("none", "bnb-4bit", "bnb-8bit"; column 0 disk, 1 memory, 2 disk needed,
    // 3 the fits-in-memory hint).
    QString modeText(const QString &mode, int column) const;
    bool spaceWarningShown() const;
    QUrl modelPageUrl() const;
    // The machine the fits-in-memory hint compares with (the backend's answer, or a test's).
    void setMachine(const MachineInfo &machine);

    // Bytes of the preview for a mode: output size, memory to load (-1 when unknown).
    static qint64 diskBytes(const hub::ModelPreview &preview, const QString &mode);
    static qint64 memoryBytes(const hub::ModelPreview &preview, const QString &mode);
    // False for a gated/private repo the token cannot read: its figures are unknown, not zero.
    static bool hasAccess(const hub::ModelPreview &preview);

Q_SIGNALS:
    void downloadRequested(const mistudio::ui::QuantOptions &quant);
    // The user wants to enter a token (the preview showed no access).
    void tokenRequested();

private:
    QWidget *buildOverview();
    QWidget *buildFiles();
    QWidget *buildModes(QWidget *parent);
    void addField(const QString &key, const QString &label, const QString &text);
    void updateSpaceWarning();
    void updateFitHints();
    void loadModelCard();

    hub::ModelPreview m_preview;
    QuantOptions m_quant;
    QPointer<ModelBackend> m_backend;
    QUrl m_hubUrl;
    MachineInfo m_machine;
    QTabWidget *m_tabs = nullptr;
    QTableWidget *m_files = nullptr;
    QTextBrowser *m_card = nullptr;
    QButtonGroup *m_modeGroup = nullptr;
    QHash<QString, QList<QLabel *>> m_modeCells;
    QLabel *m_spaceWarning = nullptr;
    QPushButton *m_download = nullptr;
    QFormLayout *m_form = nullptr;
    QHash<QString, QLabel *> m_fieldLabels;
    bool m_cardRequested = false;
};

} // namespace mistudio::ui
