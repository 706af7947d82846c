#include "modelspanel.h"

#include "common/units.h"
#include "errortext.h"
#include "icons.h"
#include "modelfilterproxy.h"
#include "modeltablemodel.h"
#include "statusdelegate.h"

#include <QAction>
#include <QClipboard>
#include <QDesktopServices>
#include <QGuiApplication>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QStackedWidget>
#include <QTableView>
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
    m_proxy->setSourceModel(m_model);

    m_filter = new QLineEdit(this);
    m_filter->setObjectName(u"modelFilter"_s);
    m_filter->setPlaceholderText(tr("Filter by name or repo id (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    m_filter->addAction(icon(u"search"_s), QLineEdit::LeadingPosition);
    auto *focusFilter = new QAction(this);
    focusFilter->setShortcut(QKeySequence::Find);
    connect(focusFilter, &QAction::triggered, m_filter, [this] {
        m_filter->setFocus(Qt::ShortcutFocusReason);
        m_filter->selectAll();
    });
    addAction(focusFilter);

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
    h->setStretchLastSection(false);
    h->setSectionResizeMode(QHeaderView::Interactive);
    h->setSectionResizeMode(ModelTableModel::Status, QHeaderView::Stretch);
    // Wide enough for the header text (plus the sort arrow) and typical values.
    const int em = m_view->fontMetrics().horizontalAdvance(u'M');
    const std::pair<int, int> widths[] = {
        {ModelTableModel::Name, 13},        {ModelTableModel::RepoId, 17},
        {ModelTableModel::Revision, 8},     {ModelTableModel::Parameters, 6},
        {ModelTableModel::Quantization, 7}, {ModelTableModel::SizeOnDisk, 6},
        {ModelTableModel::Updated, 12}};
    for (const auto &[column, ems] : widths) {
        const QString title =
            m_model->headerData(column, Qt::Horizontal, Qt::DisplayRole).toString();
        h->resizeSection(column,
                         std::max(em * ems, h->fontMetrics().horizontalAdvance(title) + 3 * em));
    }

    // Empty state: tells a new user what to do first.
    m_emptyPage = new QWidget(this);
    m_emptyPage->setObjectName(u"emptyState"_s);
    auto *emptyLayout = new QVBoxLayout(m_emptyPage);
    emptyLayout->addStretch();
    m_emptyLabel = new QLabel(m_emptyPage);
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

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_filter);
    layout->addWidget(m_stack, 1);

    createActions();
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setFilterText(text);
        updateEmptyState();
    });
    connect(m_view, &QWidget::customContextMenuRequested, this, &ModelsPanel::showContextMenu);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ModelsPanel::updateActions);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &ModelsPanel::updateActions);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &ModelsPanel::updateEmptyState);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &ModelsPanel::updateEmptyState);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ModelsPanel::updateEmptyState);
    connect(m_view, &QTableView::activated, this, [this](const QModelIndex &index) {
        const QModelIndex src = m_proxy->mapToSource(index);
        if (const ModelRecord *r = m_model->record(src.row()); r && r->status == ModelStatus::Ready)
            Q_EMIT architectureRequested(r->id, r->repoId);
    });

    if (m_backend) {
        connect(m_backend, &ModelBackend::modelChanged, m_model, &ModelTableModel::upsert);
        connect(m_backend, &ModelBackend::modelRemoved, m_model, &ModelTableModel::remove);
        connect(m_backend, &ModelBackend::progressChanged, m_model, &ModelTableModel::setProgress);
        connect(m_backend, &ModelBackend::pausedChanged, m_model, &ModelTableModel::setPaused);
        connect(m_backend, &ModelBackend::tokenRequired, this, &ModelsPanel::tokenRequested);
    }
    updateEmptyState();
    updateActions();
}

ModelsPanel::~ModelsPanel() = default;

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
        if (last)
            Q_EMIT catalogueCompleted(m_model->rowCount());
    });
}

void ModelsPanel::createActions()
{
    auto make = [this](const QString &iconName, const QString &text, const QString &name) {
        auto *a = new QAction(icon(iconName), text, this);
        a->setObjectName(name);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(a);
        return a;
    };
    m_cancel = make(u"cancel"_s, tr("&Cancel"), u"actionCancel"_s);
    m_cancel->setToolTip(tr("Stop the download or quantization and discard its partial data"));
    m_pauseResume = make(u"pause"_s, tr("&Pause"), u"actionPauseResume"_s);
    m_pauseResume->setShortcut(Qt::CTRL | Qt::Key_P);
    m_retry = make(u"retry"_s, tr("&Retry"), u"actionRetry"_s);
    m_retry->setShortcut(Qt::CTRL | Qt::Key_R);
    m_delete = make(u"delete"_s, tr("&Delete…"), u"actionDelete"_s);
    m_delete->setShortcut(QKeySequence::Delete);
    m_requantize = make(u"quantize"_s, tr("Re-&quantize"), u"actionRequantize"_s);
    m_requantizeMenu = new QMenu(this);
    // Every variant the quantizer writes (design §3: NF4 + double quant is the default). The
    // action's data names it: the mode, and for 4-bit the type and "-dq" with double quant.
    struct Variant
    {
        QuantOptions options;
        QString label;
    };
    const Variant variants[] = {
        {{u"bnb-4bit"_s, u"nf4"_s, true}, tr("4-bit NF4, double quant (default)")},
        {{u"bnb-4bit"_s, u"nf4"_s, false}, tr("4-bit NF4")},
        {{u"bnb-4bit"_s, u"fp4"_s, true}, tr("4-bit FP4, double quant")},
        {{u"bnb-4bit"_s, u"fp4"_s, false}, tr("4-bit FP4")},
        {{u"bnb-8bit"_s, u"nf4"_s, false}, tr("8-bit (LLM.int8)")},
    };
    for (const auto &[options, label] : variants) {
        QAction *a = m_requantizeMenu->addAction(label);
        a->setData(options.mode == u"bnb-8bit"_s
                       ? options.mode
                       : options.mode + u'-' + options.quantType + (options.doubleQuant ? u"-dq"_s : QString()));
        connect(a, &QAction::triggered, this, [this, o = options] { handleRequantize(o); });
    }
    m_requantize->setMenu(m_requantizeMenu);
    m_openFolder = make(u"folder"_s, tr("&Open folder"), u"actionOpenFolder"_s);
    m_copyPath = make(u"copy"_s, tr("Copy &path"), u"actionCopyPath"_s);
    m_copyRepoId = make(u"copy"_s, tr("Copy repo &id"), u"actionCopyRepoId"_s);
    m_copyRepoId->setShortcut(QKeySequence::Copy);
    m_architecture = make(u"architecture"_s, tr("View &architecture"), u"actionArchitecture"_s);
    m_architecture->setShortcut(Qt::CTRL | Qt::Key_I);

    auto forEachSelected = [this](auto fn) {
        for (const QUuid &id : selectedIds())
            if (const ModelRecord *r = m_model->record(id))
                fn(*r);
    };
    connect(m_cancel, &QAction::triggered, this, [this, forEachSelected] {
        forEachSelected([this](const ModelRecord &r) {
            if (m_backend)
                m_backend->cancel(r.id, this, [this](Status s) {
                    if (!s)
                        reportFailure(s.error());
                });
        });
    });
    connect(m_pauseResume, &QAction::triggered, this, &ModelsPanel::handlePauseResume);
    connect(m_retry, &QAction::triggered, this, [this, forEachSelected] {
        forEachSelected([this](const ModelRecord &r) {
            if (m_backend)
                m_backend->retry(r.id, {}, this, [this, id = r.id, repo = r.repoId](Status s) {
                    if (s)
                        return;
                    if (ErrorText::needsToken(s.error().code))
                        Q_EMIT tokenRequested(id, repo);
                    reportFailure(s.error());
                });
        });
    });
    connect(m_delete, &QAction::triggered, this, &ModelsPanel::handleDelete);
    connect(m_requantize, &QAction::triggered, this, [this] { handleRequantize(QuantOptions{u"bnb-4bit"_s}); });
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
        if (const ModelRecord *r = ids.isEmpty() ? nullptr : m_model->record(ids.first()))
            Q_EMIT architectureRequested(r->id, r->repoId);
    });
}

QList<QAction *> ModelsPanel::modelActions() const
{
    return {m_cancel,     m_pauseResume, m_retry,      m_delete,      m_requantize,
            m_openFolder, m_copyPath,    m_copyRepoId, m_architecture};
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
    const QModelIndex idx = m_proxy->mapFromSource(m_model->index(row, 0));
    if (!idx.isValid())
        return;
    m_view->selectionModel()->setCurrentIndex(idx, QItemSelectionModel::ClearAndSelect |
                                                       QItemSelectionModel::Rows);
    m_view->scrollTo(idx);
}

void ModelsPanel::updateActions()
{
    const QList<QUuid> ids = selectedIds();
    bool anyActive = false, anyPausable = false, anyResumable = false, anyFailed = false;
    bool anyReady = false, anyPath = false;
    for (const QUuid &id : ids) {
        const ModelRecord *r = m_model->record(id);
        if (!r)
            continue;
        const int row = m_model->rowOf(id);
        const bool paused = m_model->index(row, 0).data(ModelTableModel::PausedRole).toBool();
        const bool running =
            r->status == ModelStatus::Downloading || r->status == ModelStatus::Quantizing;
        anyActive |= running || r->status == ModelStatus::Pending;
        anyPausable |= r->status == ModelStatus::Downloading && !paused;
        anyResumable |= r->status == ModelStatus::Pending;
        anyFailed |= r->status == ModelStatus::Failed;
        anyReady |= r->status == ModelStatus::Ready;
        anyPath |= !r->filePath.isEmpty();
    }
    const bool one = ids.size() == 1;
    m_cancel->setEnabled(anyActive);
    const bool resume = anyResumable && !anyPausable;
    m_pauseResume->setText(resume ? tr("Res&ume") : tr("&Pause"));
    m_pauseResume->setIcon(icon(resume ? u"resume"_s : u"pause"_s));
    m_pauseResume->setEnabled(anyPausable || anyResumable);
    m_retry->setEnabled(anyFailed);
    m_delete->setEnabled(!ids.isEmpty());
    m_requantize->setEnabled(one && anyReady);
    m_openFolder->setEnabled(one && anyPath);
    m_copyPath->setEnabled(anyPath);
    m_copyRepoId->setEnabled(!ids.isEmpty());
    m_architecture->setEnabled(one && anyReady);
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
    } else if (filteredEmpty) {
        m_emptyLabel->setText(tr("<h3>No model matches \"%1\"</h3><p>Clear the filter to see all "
                                 "%n model(s).</p>",
                                 nullptr, m_model->rowCount())
                                  .arg(m_proxy->filterText().toHtmlEscaped()));
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
    menu.addAction(m_cancel);
    menu.addAction(m_pauseResume);
    menu.addAction(m_retry);
    menu.addSeparator();
    menu.addAction(m_requantize);
    menu.addAction(m_architecture);
    menu.addSeparator();
    menu.addAction(m_openFolder);
    menu.addAction(m_copyPath);
    menu.addAction(m_copyRepoId);
    menu.addSeparator();
    menu.addAction(m_delete);
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

void ModelsPanel::handleDelete()
{
    const QList<QUuid> ids = selectedIds();
    if (ids.isEmpty())
        return;
    qint64 bytes = 0;
    QStringList names;
    for (const QUuid &id : ids) {
        if (const ModelRecord *r = m_model->record(id)) {
            bytes += r->sizeBytes.value_or(0);
            names << r->repoId;
        }
    }
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Delete models"),
                                tr("Delete %n model(s) and their files?", nullptr, int(ids.size())),
                                QMessageBox::Cancel, this);
    box->setObjectName(u"deleteConfirmation"_s);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setInformativeText(tr("This frees %1 on disk. Running downloads are cancelled first.")
                                .arg(formatBytes(bytes)));
    box->setDetailedText(names.join(u'\n'));
    QPushButton *del = box->addButton(tr("Delete"), QMessageBox::DestructiveRole);
    del->setObjectName(u"confirmDelete"_s);
    box->setDefaultButton(QMessageBox::Cancel);
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
            Q_EMIT statusMessageChanged(tr("Deleted %1, freed %2.").arg(repo, formatBytes(*freed)));
        });
    }
}

void ModelsPanel::handlePauseResume()
{
    if (!m_backend)
        return;
    for (const QUuid &id : selectedIds()) {
        const ModelRecord *r = m_model->record(id);
        if (!r)
            continue;
        auto report = [this, id, repo = r->repoId](Status s) {
            if (s)
                return;
            if (ErrorText::needsToken(s.error().code))
                Q_EMIT tokenRequested(id, repo);
            reportFailure(s.error());
        };
        if (r->status == ModelStatus::Downloading)
            m_backend->pause(id, this, report);
        else if (r->status == ModelStatus::Pending)
            m_backend->resume(id, {}, this, report);
    }
}

void ModelsPanel::handleRequantize(const QuantOptions &options)
{
    const QList<QUuid> ids = selectedIds();
    if (!m_backend || ids.size() != 1)
        return;
    m_backend->requantize(ids.first(), options, this, [this](Status s) {
        if (!s)
            reportFailure(s.error());
    });
}

void ModelsPanel::reportFailure(const Error &error)
{
    Q_EMIT statusMessageChanged(ErrorText::forError(error));
}

} // namespace mistudio::ui
