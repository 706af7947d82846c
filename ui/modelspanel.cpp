#include "modelspanel.h"

#include "detailspane.h"
#include "errortext.h"
#include "filterbar.h"
#include "icons.h"
#include "localeformat.h"
#include "modelfilterproxy.h"
#include "modeltablemodel.h"
#include "questions.h"
#include "requantizedialog.h"
#include "statusdelegate.h"

#include <QAction>
#include <QClipboard>
#include <QDesktopServices>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui {

ModelsPanel::ModelsPanel(ModelBackend *backend, QWidget *parent)
    : QWidget(parent)
    , m_backend(backend)
    , m_model(new ModelTableModel(this))
    , m_proxy(new ModelFilterProxy(this))
{
    setObjectName(u"modelsPanel"_s);
    m_proxy->setSourceModel(m_model);

    m_bar = new FilterBar(this);
    connect(m_bar, &FilterBar::categoryChanged, this, &ModelsPanel::setCategory);

    m_view = new QTableView(this);
    m_view->setObjectName(u"modelsTable"_s);
    m_view->setModel(m_proxy);
    m_view->setItemDelegateForColumn(ModelTableModel::Status, new StatusDelegate(m_view));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(ModelTableModel::Updated, Qt::DescendingOrder);
    m_view->setAlternatingRowColors(true);
    m_view->setShowGrid(false);
    m_view->setWordWrap(false);
    m_view->setTabKeyNavigation(false); // Tab leaves the table; arrows move within it
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->verticalHeader()->hide();
    // Fixed row heights: no per-row size hint pass, which keeps 10 000 rows cheap to show.
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 12);
    QHeaderView *h = m_view->horizontalHeader();
    h->setSectionsMovable(true);
    h->setHighlightSections(false);
    h->setSectionResizeMode(QHeaderView::Interactive);
    // The last column takes what is left, so the table never ends in a blank strip.
    h->setStretchLastSection(true);
    // Status (with the progress bar and its figures) gets the most room after the name. Every
    // width is at least what its (translated) title needs beside the sort arrow.
    const int em = m_view->fontMetrics().horizontalAdvance(u'M');
    const std::pair<int, int> widths[] = {
        {ModelTableModel::Name, 13},      {ModelTableModel::Status, 34},
        {ModelTableModel::Parameters, 6}, {ModelTableModel::Quantization, 7},
        {ModelTableModel::SizeOnDisk, 7}, {ModelTableModel::Revision, 8},
        {ModelTableModel::RepoId, 14},    {ModelTableModel::Updated, 9}};
    for (const auto &[column, ems] : widths) {
        const QString title =
            m_model->headerData(column, Qt::Horizontal, Qt::DisplayRole).toString();
        h->resizeSection(column,
                         std::max(em * ems, h->fontMetrics().horizontalAdvance(title) + 4 * em));
    }

    // Empty state: tells a new user what to do first.
    m_emptyPage = new QWidget(this);
    m_emptyPage->setObjectName(u"emptyState"_s);
    auto *emptyLayout = new QVBoxLayout(m_emptyPage);
    emptyLayout->addStretch();
    m_emptyLabel = new QLabel(m_emptyPage);
    m_emptyLabel->setObjectName(u"emptyText"_s);
    m_emptyLabel->setAlignment(Qt::AlignCenter);
    m_emptyLabel->setWordWrap(true);
    m_emptyLabel->setTextFormat(Qt::RichText);
    emptyLayout->addWidget(m_emptyLabel);
    auto *addButton = new QPushButton(icon(u"add"_s), tr("Add a model…"), m_emptyPage);
    addButton->setObjectName(u"emptyAddButton"_s);
    connect(addButton, &QPushButton::clicked, this, &ModelsPanel::addModelRequested);
    emptyLayout->addWidget(addButton, 0, Qt::AlignHCenter);
    emptyLayout->addStretch();

    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_view);
    m_stack->addWidget(m_emptyPage);

    m_details = new DetailsPane(this);
    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->setObjectName(u"modelsSplitter"_s);
    m_splitter->addWidget(m_stack);
    m_splitter->addWidget(m_details);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setCollapsible(0, false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_bar);
    layout->addWidget(m_splitter, 1);

    createActions();
    connect(m_bar->filterEdit(), &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setFilterText(text);
        updateEmptyState();
    });
    connect(m_view, &QWidget::customContextMenuRequested, this, &ModelsPanel::showContextMenu);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        updateActions();
        updateDetails();
    });
    connect(m_model, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &topLeft, const QModelIndex &bottomRight) {
                updateActions();
                const int shown = m_model->rowOf(m_details->shownId());
                if (shown >= topLeft.row() && shown <= bottomRight.row())
                    updateDetails();
            });
    connect(m_model, &ModelTableModel::summaryChanged, this, &ModelsPanel::updateSummary);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &ModelsPanel::updateEmptyState);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, [this] {
        updateEmptyState();
        updateDetails();
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, &ModelsPanel::updateEmptyState);
    connect(m_view, &QTableView::activated, this, [this](const QModelIndex &index) {
        const QModelIndex src = m_proxy->mapToSource(index);
        if (const ModelRecord *r = m_model->record(src.row()); r && r->status == ModelStatus::Ready)
            Q_EMIT architectureRequested(r->id, r->repoId);
    });
    connect(m_details, &DetailsPane::retryRequested, m_retry, &QAction::trigger);
    connect(m_details, &DetailsPane::verifyRequested, m_verify, &QAction::trigger);
    connect(m_details, &DetailsPane::openFolderRequested, m_openFolder, &QAction::trigger);
    connect(m_details, &DetailsPane::removeVariantRequested, this,
            &ModelsPanel::handleRemoveVariant);

    if (m_backend) {
        connect(m_backend, &ModelBackend::modelChanged, m_model, &ModelTableModel::upsert);
        connect(m_backend, &ModelBackend::modelRemoved, m_model, &ModelTableModel::remove);
        connect(m_backend, &ModelBackend::progressChanged, m_model, &ModelTableModel::setProgress);
        connect(m_backend, &ModelBackend::jobsChanged, m_model, &ModelTableModel::setJobs);
        connect(m_backend, &ModelBackend::tokenRequired, this, &ModelsPanel::tokenRequested);
    }
    updateEmptyState();
    updateActions();
    updateSummary();
    updateDetails();
}

ModelsPanel::~ModelsPanel() = default;

QToolButton *ModelsPanel::categoryButton(FilterCategory category) const
{
    return m_bar->button(category);
}

QLineEdit *ModelsPanel::filterEdit() const
{
    return m_bar->filterEdit();
}

QLabel *ModelsPanel::headingLabel() const
{
    return m_bar->heading();
}

void ModelsPanel::setCategory(FilterCategory category)
{
    m_bar->setCategory(category);
    m_proxy->setCategory(category);
    updateEmptyState();
}

void ModelsPanel::updateSummary()
{
    std::array<int, kFilterCategoryCount> counts{};
    for (int c = 0; c < kFilterCategoryCount; ++c)
        counts[size_t(c)] = m_model->count(FilterCategory(c));
    m_bar->setCounts(counts);
    updateEmptyState();
}

void ModelsPanel::updateDetails()
{
    const QList<QUuid> ids = selectedIds();
    const ModelRecord *r = ids.size() == 1 ? m_model->record(ids.first()) : nullptr;
    if (!r) {
        m_details->show(nullptr, std::nullopt, std::nullopt, QString());
        return;
    }
    m_details->show(r, m_model->job(r->id), m_model->progress(r->id),
                    m_model->detailText(m_model->rowOf(r->id)));
    const QString key = r->id.toString() + QString::number(r->variantsSizeBytes) + r->quantizedPath;
    if (key != m_variantsKey) {
        m_variantsKey = key;
        refreshVariants(r->id);
    }
    refreshVerification(*r);
}

void ModelsPanel::refreshVerification(const ModelRecord &r)
{
    // The record says ok/failed/never; the first bad file of a failure is in the library's
    // report: asked once per verification.
    const QString key = r.id.toString() + r.verifyState + r.verifiedAt.toString(Qt::ISODateWithMs);
    if (key == m_verificationKey || !m_backend || r.verifyState != u"failed"_s)
        return;
    m_verificationKey = key;
    m_backend->verification(r.id, this, [this, id = r.id](Result<VerificationInfo> v) {
        if (v)
            m_details->showVerification(id, *v);
    });
}

void ModelsPanel::handleVerify()
{
    const QList<QUuid> ids = selectedIds();
    for (const QUuid &id : ids) {
        const ModelRecord *r = m_model->record(id);
        if (!r || !m_backend || r->status != ModelStatus::Ready)
            continue;
        m_details->setVerifying(id, true);
        m_backend->verify(id, this, [this, id, repo = r->repoId](Result<VerificationInfo> v) {
            m_details->setVerifying(id, false);
            if (!v) {
                reportFailure(v.error());
                return;
            }
            m_details->showVerification(id, *v);
            Q_EMIT statusMessageChanged(
                v->state == u"ok"_s
                    ? tr("%1: every file matches its recorded hash.").arg(repo)
                    : tr("%1 failed verification: %2.").arg(repo, DetailsPane::verificationText(*v)));
        });
    }
}

void ModelsPanel::refreshVariants(const QUuid &id)
{
    if (!m_backend)
        return;
    m_backend->variants(id, this, [this, id](Result<std::vector<VariantRecord>> v) {
        if (v)
            m_details->showVariants(id, *v);
    });
}

void ModelsPanel::handleRemoveVariant(const QUuid &id, const QString &variant, qint64 sizeBytes)
{
    const ModelRecord *r = m_model->record(id);
    if (!r || !m_backend)
        return;
    const std::optional<QuantVariant> v = QuantVariant::fromName(variant);
    QMessageBox *box = Questions::deleteVariant(
        this, r->repoId, v ? DetailsPane::variantLabel(*v) : variant, sizeBytes);
    QAbstractButton *del = box->findChild<QPushButton *>(u"confirmDeleteVariant"_s);
    connect(box, &QMessageBox::buttonClicked, this,
            [this, del, id, variant, repo = r->repoId](QAbstractButton *b) {
                if (b != del || !m_backend)
                    return;
                m_backend->removeVariant(id, variant, this, [this, id, repo](Result<qint64> freed) {
                    if (!freed) {
                        reportFailure(freed.error());
                        return;
                    }
                    refreshVariants(id);
                    Q_EMIT statusMessageChanged(
                        tr("Deleted a variant of %1, freed %2.").arg(repo, sizeText(*freed)));
                });
            });
    box->open();
}

void ModelsPanel::reload()
{
    if (!m_backend)
        return;
    m_loaded = false;
    m_backend->listModels(this, [this](Result<std::vector<ModelRecord>> r, bool last) {
        if (!r) {
            reportFailure(r.error());
            return;
        }
        if (!m_loaded) {
            m_model->setRecords(std::move(r).value());
            m_loaded = true;
            updateEmptyState();
            Q_EMIT catalogueLoaded(m_model->rowCount());
        } else {
            m_model->appendRecords(std::move(r).value());
        }
        if (last) {
            refreshJobs();
            Q_EMIT catalogueCompleted(m_model->rowCount());
        }
    });
}

void ModelsPanel::refreshJobs()
{
    if (!m_backend)
        return;
    m_backend->listJobs(this, [this](Result<QList<JobView>> jobs) {
        if (jobs)
            m_model->setJobs(*jobs);
    });
}

void ModelsPanel::createActions()
{
    auto make = [this](const QString &iconName, const QString &text, const QString &name) {
        auto *a = new QAction(icon(iconName), text, this);
        a->setObjectName(name);
        // Anywhere in the window, not only while the table has focus (text fields still get
        // their own Delete and Ctrl+C: they take those keys first).
        a->setShortcutContext(Qt::WindowShortcut);
        addAction(a);
        return a;
    };
    m_start = make(u"download"_s, tr("Down&load"), u"actionStart"_s);
    m_start->setToolTip(tr("Download this model (it has no download running or paused)"));
    m_cancel = make(u"cancel"_s, tr("&Cancel…"), u"actionCancel"_s);
    m_cancel->setToolTip(tr("Stop the download or quantization and discard its partial data"));
    m_pauseResume = make(u"pause"_s, tr("&Pause"), u"actionPauseResume"_s);
    m_pauseResume->setShortcut(Qt::CTRL | Qt::Key_P);
    m_retry = make(u"retry"_s, tr("&Retry"), u"actionRetry"_s);
    m_retry->setShortcut(Qt::CTRL | Qt::Key_R);
    m_delete = make(u"delete"_s, tr("&Delete…"), u"actionDelete"_s);
    m_delete->setShortcut(QKeySequence::Delete);
    m_requantize = make(u"quantize"_s, tr("Re-&quantize…"), u"actionRequantize"_s);
    m_requantize->setToolTip(tr("Write another quantized variant from the downloaded files"));
    m_moveUp = make(u"up"_s, tr("Move &up in queue"), u"actionMoveUp"_s);
    m_moveUp->setShortcut(Qt::ALT | Qt::Key_Up);
    m_moveDown = make(u"down"_s, tr("Move do&wn in queue"), u"actionMoveDown"_s);
    m_moveDown->setShortcut(Qt::ALT | Qt::Key_Down);
    m_openFolder = make(u"folder"_s, tr("&Open folder"), u"actionOpenFolder"_s);
    m_copyPath = make(u"copy"_s, tr("Copy &path"), u"actionCopyPath"_s);
    m_copyRepoId = make(u"copy"_s, tr("Copy repo &id"), u"actionCopyRepoId"_s);
    m_copyRepoId->setShortcut(QKeySequence::Copy);
    m_architecture = make(u"architecture"_s, tr("View &architecture"), u"actionArchitecture"_s);
    m_architecture->setShortcut(Qt::CTRL | Qt::Key_I);
    m_verify = make(u"refresh"_s, tr("&Verify files"), u"actionVerify"_s);
    m_verify->setToolTip(tr("Re-hash the model's files against the hashes recorded when they arrived"));
    m_pauseAll = make(u"pause"_s, tr("Pause a&ll"), u"actionPauseAll"_s);
    m_pauseAll->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_P);
    m_resumeAll = make(u"resume"_s, tr("Resume al&l"), u"actionResumeAll"_s);
    m_resumeAll->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_R);

    auto forEachSelected = [this](auto fn) {
        for (const QUuid &id : selectedIds())
            if (const ModelRecord *r = m_model->record(id))
                fn(*r);
    };
    connect(m_start, &QAction::triggered, this, [this, forEachSelected] {
        forEachSelected([this](const ModelRecord &r) {
            if (m_backend && m_model->rowState(m_model->rowOf(r.id)) == RowState::NotDownloaded)
                m_backend->start(r.id, this, [this, id = r.id, repo = r.repoId](Status s) {
                    reportStatus(id, repo, s);
                });
        });
    });
    connect(m_cancel, &QAction::triggered, this, &ModelsPanel::handleCancel);
    connect(m_pauseResume, &QAction::triggered, this, &ModelsPanel::handlePauseResume);
    connect(m_retry, &QAction::triggered, this, [this, forEachSelected] {
        forEachSelected([this](const ModelRecord &r) {
            if (m_backend && r.status == ModelStatus::Failed)
                m_backend->retry(r.id, {}, this, [this, id = r.id, repo = r.repoId](Status s) {
                    reportStatus(id, repo, s);
                });
        });
    });
    connect(m_delete, &QAction::triggered, this, &ModelsPanel::handleDelete);
    connect(m_requantize, &QAction::triggered, this, &ModelsPanel::handleRequantize);
    connect(m_verify, &QAction::triggered, this, &ModelsPanel::handleVerify);
    connect(m_moveUp, &QAction::triggered, this, [this] { handleMove(-1); });
    connect(m_moveDown, &QAction::triggered, this, [this] { handleMove(+1); });
    connect(m_openFolder, &QAction::triggered, this, [this, forEachSelected] {
        forEachSelected([](const ModelRecord &r) {
            QDesktopServices::openUrl(QUrl::fromLocalFile(r.filePath));
        });
    });
    connect(m_copyPath, &QAction::triggered, this, [this, forEachSelected] {
        QStringList paths;
        forEachSelected([&paths](const ModelRecord &r) {
            paths << (r.quantizedPath.isEmpty() ? r.filePath : r.quantizedPath);
        });
        QGuiApplication::clipboard()->setText(paths.join(u'\n'));
    });
    connect(m_copyRepoId, &QAction::triggered, this, [this, forEachSelected] {
        QStringList ids;
        forEachSelected([&ids](const ModelRecord &r) { ids << r.repoId; });
        QGuiApplication::clipboard()->setText(ids.join(u'\n'));
    });
    connect(m_architecture, &QAction::triggered, this, [this] {
        const QList<QUuid> ids = selectedIds();
        if (const ModelRecord *r = ids.isEmpty() ? nullptr : m_model->record(ids.first());
            r && r->status == ModelStatus::Ready)
            Q_EMIT architectureRequested(r->id, r->repoId);
    });
    connect(m_pauseAll, &QAction::triggered, this, [this] {
        if (m_backend)
            m_backend->pauseAll(this, [this](Result<int> n) {
                if (n)
                    Q_EMIT statusMessageChanged(tr("Jobs paused: %1.").arg(*n));
            });
    });
    connect(m_resumeAll, &QAction::triggered, this, [this] {
        if (m_backend)
            m_backend->resumeAll(this, [this](Result<int> n) {
                if (n)
                    Q_EMIT statusMessageChanged(tr("Jobs resumed: %1.").arg(*n));
            });
    });
}

QList<QAction *> ModelsPanel::modelActions() const
{
    return {m_start,    m_pauseResume, m_cancel,   m_retry,      m_requantize,   m_moveUp,
            m_moveDown, m_openFolder,  m_copyPath, m_copyRepoId, m_architecture, m_verify, m_delete};
}

QList<QUuid> ModelsPanel::selectedIds() const
{
    QList<QUuid> ids;
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    for (const QModelIndex &i : rows)
        ids << m_proxy->mapToSource(i).data(ModelTableModel::IdRole).toUuid();
    return ids;
}

void ModelsPanel::selectModel(const QUuid &id)
{
    const int row = m_model->rowOf(id);
    if (row < 0)
        return;
    QModelIndex idx = m_proxy->mapFromSource(m_model->index(row, 0));
    if (!idx.isValid()) {
        // Hidden by the filter bar or the filter text: show everything rather than nothing.
        m_bar->filterEdit()->clear();
        setCategory(FilterCategory::All);
        idx = m_proxy->mapFromSource(m_model->index(row, 0));
        if (!idx.isValid())
            return;
    }
    m_view->selectionModel()->setCurrentIndex(idx, QItemSelectionModel::ClearAndSelect |
                                                       QItemSelectionModel::Rows);
    m_view->scrollTo(idx);
}

void ModelsPanel::updateActions()
{
    const QList<QUuid> ids = selectedIds();
    bool anyStoppable = false, anyPausable = false, anyResumable = false, anyFailed = false;
    bool anyReady = false, anyPath = false, anyStartable = false, anyQueued = false;
    for (const QUuid &id : ids) {
        const ModelRecord *r = m_model->record(id);
        if (!r)
            continue;
        const RowState s = m_model->rowState(m_model->rowOf(id));
        const bool running = s == RowState::Downloading || s == RowState::Quantizing;
        anyStoppable |=
            running || s == RowState::Queued || s == RowState::Paused || s == RowState::NeedsToken;
        anyPausable |= (s == RowState::Downloading || s == RowState::Queued) &&
                       r->status == ModelStatus::Downloading;
        anyResumable |= s == RowState::Paused || s == RowState::NeedsToken;
        anyStartable |= s == RowState::NotDownloaded;
        anyFailed |= s == RowState::Failed;
        anyReady |= s == RowState::Ready;
        anyQueued |= s == RowState::Queued;
        anyPath |= !r->filePath.isEmpty();
    }
    const bool one = ids.size() == 1;
    m_start->setEnabled(anyStartable);
    m_cancel->setEnabled(anyStoppable);
    const bool resume = anyResumable && !anyPausable;
    m_resumeMode = resume;
    m_pauseResume->setText(resume ? tr("Res&ume") : tr("&Pause"));
    m_pauseResume->setIcon(icon(resume ? u"resume"_s : u"pause"_s));
    m_pauseResume->setEnabled(anyPausable || anyResumable);
    m_retry->setEnabled(anyFailed);
    m_delete->setEnabled(!ids.isEmpty());
    m_requantize->setEnabled(one && anyReady);
    const QList<QUuid> queue = m_model->queue();
    const qsizetype at = one ? queue.indexOf(ids.first()) : -1;
    m_moveUp->setEnabled(one && anyQueued && at > 0);
    m_moveDown->setEnabled(one && anyQueued && at >= 0 && at + 1 < queue.size());
    m_openFolder->setEnabled(one && anyPath);
    m_copyPath->setEnabled(anyPath);
    m_copyRepoId->setEnabled(!ids.isEmpty());
    m_architecture->setEnabled(one && anyReady);
    m_verify->setEnabled(anyReady);
}

void ModelsPanel::updateEmptyState()
{
    const bool catalogueEmpty = m_model->rowCount() == 0;
    const bool filteredEmpty = !catalogueEmpty && m_proxy->rowCount() == 0;
    if (catalogueEmpty) {
        m_emptyLabel->setText(
            tr("<h2>No models yet</h2><p>Enter a Hugging Face repo id above (for example "
               "<i>google/gemma-2-2b</i> or <i>gpt2</i>), press <b>Preview</b> to see exactly what "
               "it contains, then <b>Download</b>.</p>"));
    } else if (filteredEmpty && !m_proxy->filterText().isEmpty()) {
        m_emptyLabel->setText(tr("<h3>No model matches \"%1\"</h3><p>Clear the filter to see all "
                                 "your models.</p>")
                                  .arg(m_proxy->filterText().toHtmlEscaped()));
    } else if (filteredEmpty) {
        m_emptyLabel->setText(tr("<h3>Nothing here</h3><p>No model is in \"%1\". Choose <b>All</b> "
                                 "to see all your models.</p>")
                                  .arg(categoryText(m_proxy->category()).toHtmlEscaped()));
    }
    m_emptyPage->findChild<QPushButton *>(u"emptyAddButton"_s)->setVisible(catalogueEmpty);
    m_stack->setCurrentWidget(catalogueEmpty || filteredEmpty ? m_emptyPage
                                                              : static_cast<QWidget *>(m_view));
}

void ModelsPanel::showContextMenu(const QPoint &pos)
{
    if (!m_view->indexAt(pos).isValid())
        return;
    QMenu menu(this);
    menu.addAction(m_start);
    menu.addAction(m_pauseResume);
    menu.addAction(m_cancel);
    menu.addAction(m_retry);
    menu.addAction(m_moveUp);
    menu.addAction(m_moveDown);
    menu.addSeparator();
    menu.addAction(m_requantize);
    menu.addAction(m_architecture);
    menu.addAction(m_verify);
    menu.addSeparator();
    menu.addAction(m_openFolder);
    menu.addAction(m_copyPath);
    menu.addAction(m_copyRepoId);
    menu.addSeparator();
    menu.addAction(m_delete);
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

void ModelsPanel::handleCancel()
{
    QList<QUuid> ids;
    qint64 partial = 0;
    bool anyDownload = false;
    QStringList names;
    for (const QUuid &id : selectedIds()) {
        const RowState s = m_model->rowState(m_model->rowOf(id));
        if (s != RowState::Downloading && s != RowState::Quantizing && s != RowState::Queued &&
            s != RowState::Paused && s != RowState::NeedsToken)
            continue;
        ids << id;
        const int row = m_model->rowOf(id);
        partial += std::max<qint64>(0, m_model->index(row, ModelTableModel::Status)
                                           .data(ModelTableModel::BytesDoneRole)
                                           .toLongLong());
        anyDownload |= JobProgress::Phase(m_model->index(row, ModelTableModel::Status)
                                              .data(ModelTableModel::PhaseRole)
                                              .toInt()) == JobProgress::Phase::Download;
        names << m_model->record(id)->repoId;
    }
    if (ids.isEmpty() || !m_backend)
        return;
    // Cancel throws work away: it asks, says how much, and offers Pause, which keeps it.
    QMessageBox *box = Questions::cancelJobs(this, names, partial, anyDownload,
                                             m_pauseResume->isEnabled() && !m_resumeMode);
    QAbstractButton *discard = box->findChild<QPushButton *>(u"confirmCancel"_s);
    QAbstractButton *pause = box->findChild<QPushButton *>(u"pauseInstead"_s);
    connect(
        box, &QMessageBox::buttonClicked, this, [this, discard, pause, ids](QAbstractButton *b) {
            if (b == pause) {
                handlePauseResume();
                return;
            }
            if (b != discard || !m_backend)
                return;
            for (const QUuid &id : ids) {
                const ModelRecord *r = m_model->record(id);
                m_backend->cancel(id, this, [this, id, repo = r ? r->repoId : QString()](Status s) {
                    if (s)
                        Q_EMIT statusMessageChanged(
                            tr("Cancelled %1; its partial data was deleted.").arg(repo));
                    else
                        reportStatus(id, repo, s);
                });
            }
        });
    box->open();
}

void ModelsPanel::handleDelete()
{
    const QList<QUuid> ids = selectedIds();
    if (ids.isEmpty())
        return;
    QStringList names;
    qint64 recorded = 0; // what the catalogue records, if the service cannot plan
    for (const QUuid &id : ids) {
        if (const ModelRecord *r = m_model->record(id)) {
            recorded += r->sizeBytes.value_or(0) + r->variantsSizeBytes;
            names << r->repoId;
        }
    }
    if (!m_backend)
        return;
    // "Frees" is the service's own plan (the deletion policy, variants included, a folder that
    // another record still uses left out), so the question says what Delete will really do.
    m_backend->planRemoval(ids, this, [this, ids, names, recorded](Result<qint64> planned) {
        askDelete(ids, names, planned ? *planned : recorded);
    });
}

void ModelsPanel::askDelete(const QList<QUuid> &ids, const QStringList &names, qint64 bytes)
{
    QMessageBox *box = Questions::deleteModels(this, names, bytes);
    QAbstractButton *del = box->findChild<QPushButton *>(u"confirmDelete"_s);
    connect(box, &QMessageBox::buttonClicked, this, [this, del, ids](QAbstractButton *b) {
        if (b == del)
            handleDeleteConfirmed(ids);
    });
    box->open();
}

void ModelsPanel::handleDeleteConfirmed(const QList<QUuid> &ids)
{
    if (!m_backend)
        return;
    for (const QUuid &id : ids) {
        const ModelRecord *r = m_model->record(id);
        const QString repo = r ? r->repoId : id.toString(QUuid::WithoutBraces);
        m_backend->remove(id, this, [this, id, repo](Result<qint64> freed) {
            if (!freed) {
                reportFailure(freed.error());
                return;
            }
            m_model->remove(id); // the model_deleted event may come later; the row goes now
            Q_EMIT statusMessageChanged(tr("Deleted %1, freed %2.").arg(repo, sizeText(*freed)));
        });
    }
}

void ModelsPanel::handlePauseResume()
{
    if (!m_backend)
        return;
    const bool resume = m_resumeMode;
    for (const QUuid &id : selectedIds()) {
        const ModelRecord *r = m_model->record(id);
        if (!r)
            continue;
        const RowState s = m_model->rowState(m_model->rowOf(id));
        auto report = [this, id, repo = r->repoId](Status st) { reportStatus(id, repo, st); };
        if (!resume && (s == RowState::Downloading || s == RowState::Queued) &&
            r->status == ModelStatus::Downloading)
            m_backend->pause(id, this, report);
        else if (resume && (s == RowState::Paused || s == RowState::NeedsToken))
            m_backend->resume(id, {}, this, report);
    }
}

void ModelsPanel::handleRequantize()
{
    const QList<QUuid> ids = selectedIds();
    const ModelRecord *r = ids.size() == 1 ? m_model->record(ids.first()) : nullptr;
    if (!r || r->status != ModelStatus::Ready)
        return;
    auto *dlg = new RequantizeDialog(*r, m_backend, this);
    dlg->setAttribute(Qt::WA_DeleteOnClose);
    connect(dlg, &RequantizeDialog::requantizeRequested, this,
            [this, repo = r->repoId](const QUuid &id, const QuantOptions &quant) {
                if (!m_backend)
                    return;
                m_backend->requantize(id, quant, this,
                                      [this, id, repo](Status s) { reportStatus(id, repo, s); });
            });
    dlg->open();
}

void ModelsPanel::handleMove(int delta)
{
    const QList<QUuid> ids = selectedIds();
    const QList<QUuid> queue = m_model->queue();
    const qsizetype at = ids.size() == 1 ? queue.indexOf(ids.first()) : -1;
    if (!m_backend || at < 0)
        return;
    // moveInQueue puts a job before another one: up = before the previous one; down = before
    // the one after next (or last).
    std::optional<QUuid> before;
    if (delta < 0 && at > 0)
        before = queue.at(at - 1);
    else if (delta > 0 && at + 2 < queue.size())
        before = queue.at(at + 2);
    else if (delta < 0 || at + 1 >= queue.size())
        return;
    const QString repo = m_model->record(ids.first())->repoId;
    m_backend->moveInQueue(ids.first(), before, this,
                           [this, id = ids.first(), repo](Status s) { reportStatus(id, repo, s); });
}

void ModelsPanel::reportStatus(const QUuid &id, const QString &repoId, const Status &s)
{
    if (s)
        return;
    if (ErrorText::needsToken(s.error().code))
        Q_EMIT tokenRequested(id, repoId);
    reportFailure(s.error());
}

void ModelsPanel::reportFailure(const Error &error)
{
    Q_EMIT statusMessageChanged(ErrorText::forError(error));
}

} // namespace mistudio::ui
