#pragma once

#include "modelbackend.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QCompleter;
class QLabel;
class QLineEdit;
class QPushButton;
class QStringListModel;
class QToolButton;

namespace mistudio::ui {

class TokenStore;

// The design's ModelDownloadForm: repo id (validated as you type, Hub autocompletion), revision,
// quantization (with the advanced 4-bit options), token (masked, reveal, remember) and the
// Preview / Download buttons; errors show inline under the field they concern.
class DownloadForm final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DownloadForm)

public:
    DownloadForm(ModelBackend *backend, TokenStore *tokens, QWidget *parent = nullptr);
    ~DownloadForm() override;

    QLineEdit *repoEdit() const { return m_repo; }
    QLineEdit *revisionEdit() const { return m_revision; }
    QLineEdit *tokenEdit() const { return m_token; }
    QComboBox *quantizationBox() const { return m_quant; }
    QPushButton *previewButton() const { return m_previewButton; }
    QPushButton *downloadButton() const { return m_downloadButton; }
    QLabel *errorLabel() const { return m_error; }
    QCompleter *completer() const { return m_completer; }

    QuantOptions quantOptions() const;
    void setQuantOptions(const QuantOptions &quant);
    DownloadRequest downloadRequest() const;
    bool tokenHighlighted() const { return m_tokenHighlighted; }

    void focusRepo();
    // Starts a download as the form is filled in (also used by the preview dialog).
    void startDownload(const QuantOptions &quant);
    void startPreview();
    // Puts an error under the form; token errors highlight the token field.
    void showError(const Error &error);

Q_SIGNALS:
    void previewReady(const QJsonObject &preview, const mistudio::ui::QuantOptions &quant);
    void downloadStarted(const mistudio::ModelRecord &record);
    void busyChanged(bool busy);

private:
    void validate();
    void handleSearchTimeout();
    void setBusy(bool busy);
    void clearError();
    void highlightToken(bool on);
    void rememberTokenIfAsked();

    QPointer<ModelBackend> m_backend;
    TokenStore *m_tokens = nullptr;
    QLineEdit *m_repo = nullptr;
    QLabel *m_repoHint = nullptr;
    QLineEdit *m_revision = nullptr;
    QComboBox *m_quant = nullptr;
    QToolButton *m_advancedToggle = nullptr;
    QWidget *m_advanced = nullptr;
    QComboBox *m_quantType = nullptr;
    QCheckBox *m_doubleQuant = nullptr;
    QLineEdit *m_token = nullptr;
    QCheckBox *m_remember = nullptr;
    QPushButton *m_previewButton = nullptr;
    QPushButton *m_downloadButton = nullptr;
    QLabel *m_error = nullptr;
    QCompleter *m_completer = nullptr;
    QStringListModel *m_suggestions = nullptr;
    QTimer m_searchTimer;
    QString m_lastSearch;
    int m_searchSerial = 0;
    bool m_busy = false;
    bool m_valid = false;
    bool m_tokenHighlighted = false;
};

} // namespace mistudio::ui
