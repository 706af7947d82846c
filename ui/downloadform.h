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
class QStandardItemModel;
class QToolButton;

namespace mistudio::ui {

class SearchHitDelegate;
class TokenStore;

// The download form: repo id (validated as you type, Hub autocompletion), revision,
// quantization (with the advanced 4-bit options and a speed limit for this download), token
// (masked, reveal, remember) and the Preview / Download buttons; errors show under the form,
// framed, with the field they concern highlighted. Hub search results offer Preview and
// Download straight from the suggestion list.
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
    QStandardItemModel *suggestions() const { return m_suggestions; }
    SearchHitDelegate *suggestionDelegate() const { return m_hitDelegate; }
    QLineEdit *speedLimitEdit() const { return m_speedLimit; }

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
    void previewReady(const mistudio::hub::ModelPreview &preview,
                      const mistudio::ui::QuantOptions &quant);
    void downloadStarted(const mistudio::ModelRecord &record);
    void busyChanged(bool busy);

private:
    void validate();
    void handleSearchTimeout();
    void handleSuggestionActivated(const QModelIndex &index);
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
    QLineEdit *m_speedLimit = nullptr;
    QLineEdit *m_token = nullptr;
    QCheckBox *m_remember = nullptr;
    QPushButton *m_previewButton = nullptr;
    QPushButton *m_downloadButton = nullptr;
    QLabel *m_error = nullptr;
    QWidget *m_errorBox = nullptr;
    QCompleter *m_completer = nullptr;
    QStandardItemModel *m_suggestions = nullptr;
    SearchHitDelegate *m_hitDelegate = nullptr;
    QTimer m_searchTimer;
    QString m_lastSearch;
    int m_searchSerial = 0;
    bool m_busy = false;
    bool m_valid = false;
    bool m_tokenHighlighted = false;
    bool m_suggestionPicked = false; // between a picked result and its queued action
};

} // namespace mistudio::ui
