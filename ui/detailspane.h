#pragma once

#include "modelbackend.h"
#include "store/modelrecord.h"

#include <QWidget>

#include <optional>

class QFormLayout;
class QLabel;
class QPushButton;
class QStackedWidget;
class QTabWidget;
class QTableWidget;

namespace mistudio::ui {

// The selected model in full (LM Studio's model details, qBittorrent's properties panel): its
// state in words, the whole error with what to do next, commit and paths, the files with their
// own progress and verification state while a download runs, and the quantized variant.
class DetailsPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DetailsPane)

public:
    explicit DetailsPane(QWidget *parent = nullptr);
    ~DetailsPane() override;

    // Shows `record` (null: nothing selected). `detail` is the status cell's full text.
    void show(const ModelRecord *record, const std::optional<JobInfo> &job,
              const std::optional<JobProgress> &progress, const QString &detail);
    QUuid shownId() const { return m_id; }

    QLabel *errorLabel() const { return m_error; }
    QTableWidget *filesTable() const { return m_files; }
    QTabWidget *tabs() const { return m_tabs; }
    // The value shown for a fact ("commit", "path", "parameters", ...): what tests compare.
    QString factText(const QString &key) const;
    // The shown model's quantized variants (the panel asks the service for them).
    void showVariants(const QUuid &id, const std::vector<VariantRecord> &variants);
    QTableWidget *variantsTable() const { return m_variants; }
    // The last verification of the shown model's files (the service's report: its first bad
    // file), and whether one runs now.
    void showVerification(const QUuid &id, const VerificationInfo &info);
    void setVerifying(const QUuid &id, bool verifying);
    QPushButton *verifyButton() const { return m_verify; }
    // "OK, verified on …", "Failed: config.json changed on disk (1 of 3 files)", "Never verified".
    static QString verificationText(const VerificationInfo &info);
    // "4-bit NF4, double quantization" for "bnb-4bit-nf4-dq".
    static QString variantLabel(const QuantVariant &variant);

Q_SIGNALS:
    void retryRequested();
    void verifyRequested();
    void openFolderRequested();
    void removeVariantRequested(const QUuid &id, const QString &variant, qint64 sizeBytes);

private:
    void setFact(const QString &key, const QString &text);
    void updateVerification(const ModelRecord &record);
    VerificationInfo shownVerification() const;
    void showFiles(const std::optional<JobInfo> &job, const std::optional<JobProgress> &progress);

    QUuid m_id;
    QStackedWidget *m_stack = nullptr;
    QTabWidget *m_tabs = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_state = nullptr;
    QWidget *m_errorBox = nullptr;
    QLabel *m_error = nullptr;
    QPushButton *m_retry = nullptr;
    QPushButton *m_verify = nullptr;
    VerificationInfo m_verification;       // of m_id, from the service (has the first bad file)
    VerificationInfo m_recordVerification; // of m_id, what its record says
    bool m_verifying = false;
    QFormLayout *m_facts = nullptr;
    QHash<QString, QLabel *> m_factLabels;
    QLabel *m_filesNote = nullptr;
    QTableWidget *m_files = nullptr;
    QTableWidget *m_variants = nullptr;
    QLabel *m_variantsNote = nullptr;
    QPushButton *m_removeVariant = nullptr;
    std::vector<VariantRecord> m_shownVariants;
};

} // namespace mistudio::ui
