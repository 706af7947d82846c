#include "hfimportdialog.h"

#include "errortext.h"
#include "localeformat.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui {

HfImportDialog::HfImportDialog(ModelBackend *backend, QWidget *parent)
    : QDialog(parent)
    , m_backend(backend)
{
    setObjectName(u"hfImportDialog"_s);
    setWindowTitle(tr("Import from Hugging Face cache"));
    m_note = new QLabel(this);
    m_note->setObjectName(u"hfImportNote"_s);
    m_note->setWordWrap(true);
    m_note->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setObjectName(u"hfImportTable"_s);
    m_table->setHorizontalHeaderLabels({tr("Repo id"), tr("Revision"), tr("Size"), tr("Result")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->setShowGrid(false);
    m_table->horizontalHeader()->setSectionResizeMode(RepoColumn, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(RevisionColumn, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(SizeColumn, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    connect(m_table, &QTableWidget::itemChanged, this, &HfImportDialog::updateButtons);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_import = buttons->addButton(tr("&Import"), QDialogButtonBox::AcceptRole);
    m_import->setObjectName(u"hfImportButton"_s);
    m_refresh = buttons->addButton(tr("&Scan again"), QDialogButtonBox::ActionRole);
    m_refresh->setObjectName(u"hfImportRefresh"_s);
    // Import keeps the dialog open: its rows show the results.
    disconnect(buttons, &QDialogButtonBox::accepted, nullptr, nullptr);
    connect(m_import, &QPushButton::clicked, this, &HfImportDialog::startImport);
    connect(m_refresh, &QPushButton::clicked, this, &HfImportDialog::scan);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_note);
    layout->addWidget(m_table, 1);
    layout->addWidget(buttons);
    resize(760, 420);
    scan();
}

HfImportDialog::~HfImportDialog() = default;

void HfImportDialog::scan()
{
    m_snapshots.clear();
    m_table->setRowCount(0);
    m_note->setText(tr("Looking for snapshots in the Hugging Face cache…"));
    updateButtons();
    if (!m_backend)
        return;
    m_refresh->setEnabled(false);
    m_backend->scanHfCache(this, [this](Result<CacheListing> listing) {
        m_refresh->setEnabled(true);
        if (!listing) {
            m_note->setText(tr("The Hugging Face cache cannot be read: %1")
                                .arg(ErrorText::forError(listing.error())));
            return;
        }
        showListing(*listing);
    });
}

void HfImportDialog::showListing(const CacheListing &listing)
{
    m_cacheDir = listing.cacheDir;
    m_snapshots = listing.snapshots;
    const QSignalBlocker block(m_table);
    m_table->setRowCount(int(m_snapshots.size()));
    int importable = 0;
    for (int row = 0; row < m_snapshots.size(); ++row) {
        const CacheCandidate &c = m_snapshots.at(row);
        auto *repo = new QTableWidgetItem(c.repoId);
        const bool canImport = c.state == CacheCandidate::State::Importable;
        // Only the snapshot an import takes by default starts checked: one per repo.
        repo->setFlags(canImport ? Qt::ItemIsEnabled | Qt::ItemIsUserCheckable : Qt::NoItemFlags);
        repo->setCheckState(canImport && c.isDefault ? Qt::Checked : Qt::Unchecked);
        importable += canImport ? 1 : 0;
        const QString commit = c.commit.left(12);
        auto *revision = new QTableWidgetItem(
            c.refs.isEmpty() ? commit : tr("%1 (%2)").arg(c.refs.join(u", "_s), commit));
        revision->setToolTip(c.commit);
        auto *size = new QTableWidgetItem(c.files == 1 ? tr("%1 in 1 file").arg(sizeText(c.bytes))
                                                       : tr("%1 in %2 files").arg(sizeText(c.bytes)).arg(c.files));
        QString state;
        if (c.state == CacheCandidate::State::Incomplete)
            state = tr("Incomplete: %1").arg(c.problems.join(u"; "_s));
        else if (c.state == CacheCandidate::State::InCatalogue)
            state = tr("Already in the catalogue");
        auto *result = new QTableWidgetItem(state);
        result->setToolTip(state);
        m_table->setItem(row, RepoColumn, repo);
        m_table->setItem(row, RevisionColumn, revision);
        m_table->setItem(row, SizeColumn, size);
        m_table->setItem(row, ResultColumn, result);
    }
    if (m_snapshots.isEmpty())
        m_note->setText(tr("The Hugging Face cache in %1 holds no snapshots.").arg(m_cacheDir));
    else
        m_note->setText(tr("Snapshots in %1 (%2 importable). Imported files are hard-linked where the "
                           "file system allows and verified against their hashes.")
                            .arg(m_cacheDir)
                            .arg(importable));
    updateButtons();
}

void HfImportDialog::startImport()
{
    if (!m_backend || busy())
        return;
    QList<HfImportRequest> requests;
    QList<int> rows;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        QTableWidgetItem *item = m_table->item(row, RepoColumn);
        if (!item || item->checkState() != Qt::Checked)
            continue;
        const CacheCandidate &c = m_snapshots.at(row);
        HfImportRequest request;
        request.cacheDir = m_cacheDir;
        request.repoId = c.repoId;
        request.revision = c.commit;
        requests << request;
        rows << row;
        m_table->item(row, ResultColumn)->setText(tr("Waiting…"));
    }
    if (requests.isEmpty())
        return;
    m_pending = int(requests.size());
    m_imported = 0;
    m_failed = 0;
    m_table->item(rows.first(), ResultColumn)->setText(tr("Importing…"));
    updateButtons();
    m_backend->importFromHfCache(requests, this, [this, rows](int index, Result<ModelRecord> result) {
        if (index < 0 || index >= rows.size())
            return;
        showResult(rows.at(index), result);
        if (index + 1 < rows.size())
            m_table->item(rows.at(index + 1), ResultColumn)->setText(tr("Importing…"));
    });
}

void HfImportDialog::showResult(int row, const Result<ModelRecord> &result)
{
    QTableWidgetItem *repo = m_table->item(row, RepoColumn);
    QTableWidgetItem *cell = m_table->item(row, ResultColumn);
    const QSignalBlocker block(m_table);
    if (result) {
        ++m_imported;
        cell->setText(tr("Imported"));
        // In the catalogue now: nothing to import again.
        repo->setCheckState(Qt::Unchecked);
        repo->setFlags(Qt::NoItemFlags);
    } else {
        ++m_failed;
        cell->setText(tr("Failed: %1").arg(ErrorText::forError(result.error())));
    }
    cell->setToolTip(cell->text());
    if (--m_pending == 0)
        Q_EMIT importFinished(m_imported, m_failed);
    updateButtons();
}

void HfImportDialog::updateButtons()
{
    bool anyChecked = false;
    for (int row = 0; row < m_table->rowCount() && !anyChecked; ++row)
        if (const QTableWidgetItem *item = m_table->item(row, RepoColumn))
            anyChecked = item->checkState() == Qt::Checked;
    m_import->setEnabled(anyChecked && !busy() && m_backend);
    m_refresh->setEnabled(!busy());
}

} // namespace mistudio::ui
