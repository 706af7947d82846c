#pragma once

#include "modelbackend.h"

#include <QDialog>
#include <QPointer>

class QLabel;
class QPushButton;
class QTableWidget;

namespace mistudio::ui {

// File › Import from Hugging Face cache…: the snapshots the HF cache holds, one row each (repo
// id, revision and commit, size), the importable ones checked; Import brings the checked ones into
// the catalogue one after the other and shows each row's result. Incomplete snapshots and repos
// already in the catalogue are listed with the reason, never checkable.
class HfImportDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HfImportDialog)

public:
    enum Column
    {
        RepoColumn,
        RevisionColumn,
        SizeColumn,
        ResultColumn,
        ColumnCount
    };

    explicit HfImportDialog(ModelBackend *backend, QWidget *parent = nullptr);
    ~HfImportDialog() override;

    QTableWidget *table() const { return m_table; }
    QPushButton *importButton() const { return m_import; }
    QLabel *noteLabel() const { return m_note; }
    // Whether an import is under way (the rows' results are still coming).
    bool busy() const { return m_pending > 0; }

Q_SIGNALS:
    // Every checked snapshot has its result.
    void importFinished(int imported, int failed);

private:
    void scan();
    void showListing(const CacheListing &listing);
    void startImport();
    void showResult(int row, const Result<ModelRecord> &result);
    void updateButtons();

    QPointer<ModelBackend> m_backend;
    QTableWidget *m_table = nullptr;
    QLabel *m_note = nullptr;
    QPushButton *m_import = nullptr;
    QPushButton *m_refresh = nullptr;
    QList<CacheCandidate> m_snapshots; // by row
    QString m_cacheDir;
    int m_pending = 0;
    int m_imported = 0;
    int m_failed = 0;
};

} // namespace mistudio::ui
