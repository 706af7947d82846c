#pragma once

#include "modelbackend.h"
#include "rowstate.h"

#include <QPointer>
#include <QWidget>

class QAction;
class QLabel;
class QLineEdit;
class QMenu;
class QSplitter;
class QStackedWidget;
class QTableView;
class QToolButton;

namespace mistudio::ui {

class DetailsPane;
class FilterBar;
class ModelFilterProxy;
class ModelTableModel;

// The models panel: "Your models (N)", a filter bar with a count per state, the
// catalogue table with its filter box, empty state, context menu, a details pane for the
// selected model, and the model actions (also in the main window's toolbar and menu; their
// shortcuts work anywhere in the window).
class ModelsPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ModelsPanel)

public:
    explicit ModelsPanel(ModelBackend *backend, QWidget *parent = nullptr);
    ~ModelsPanel() override;

    // Asks the service for the catalogue; the table fills in when it answers.
    void reload();

    ModelTableModel *tableModel() const { return m_model; }
    ModelFilterProxy *proxy() const { return m_proxy; }
    QTableView *view() const { return m_view; }
    QLineEdit *filterEdit() const;
    DetailsPane *detailsPane() const { return m_details; }
    QSplitter *splitter() const { return m_splitter; }
    QToolButton *categoryButton(FilterCategory category) const;
    QLabel *headingLabel() const;
    QList<QAction *> modelActions() const;
    QAction *startAction() const { return m_start; }
    QAction *cancelAction() const { return m_cancel; }
    QAction *pauseResumeAction() const { return m_pauseResume; }
    QAction *retryAction() const { return m_retry; }
    QAction *deleteAction() const { return m_delete; }
    QAction *requantizeAction() const { return m_requantize; }
    QAction *moveUpAction() const { return m_moveUp; }
    QAction *moveDownAction() const { return m_moveDown; }
    QAction *openFolderAction() const { return m_openFolder; }
    QAction *copyPathAction() const { return m_copyPath; }
    QAction *copyRepoIdAction() const { return m_copyRepoId; }
    QAction *architectureAction() const { return m_architecture; }
    QAction *verifyAction() const { return m_verify; }
    QAction *pauseAllAction() const { return m_pauseAll; }
    QAction *resumeAllAction() const { return m_resumeAll; }

    QList<QUuid> selectedIds() const;
    void selectModel(const QUuid &id);
    void setCategory(FilterCategory category);

Q_SIGNALS:
    void architectureRequested(const QUuid &id, const QString &repoId);
    void addModelRequested();
    void statusMessageChanged(const QString &message);
    // The service needs a token to continue this model's download (gated repo).
    void tokenRequested(const QUuid &id, const QString &repoId);
    // The first batch of the catalogue is in the table (the window can paint rows)...
    void catalogueLoaded(int count);
    // ...and all of it.
    void catalogueCompleted(int count);

private:
    void createActions();
    void updateActions();
    void updateSummary();
    void updateDetails();
    void updateEmptyState();
    void refreshJobs();
    void showContextMenu(const QPoint &pos);
    void handleCancel();
    void handleDelete();
    void askDelete(const QList<QUuid> &ids, const QStringList &names, qint64 bytes);
    void handleDeleteConfirmed(const QList<QUuid> &ids);
    void handlePauseResume();
    void handleRequantize();
    void handleMove(int delta);
    void handleRemoveVariant(const QUuid &id, const QString &variant, qint64 sizeBytes);
    void refreshVariants(const QUuid &id);
    void handleVerify();
    void refreshVerification(const ModelRecord &record);
    void reportFailure(const Error &error);
    void reportStatus(const QUuid &id, const QString &repoId, const Status &s);

    QPointer<ModelBackend> m_backend;
    ModelTableModel *m_model = nullptr;
    ModelFilterProxy *m_proxy = nullptr;
    QTableView *m_view = nullptr;
    FilterBar *m_bar = nullptr;
    QStackedWidget *m_stack = nullptr;
    QSplitter *m_splitter = nullptr;
    DetailsPane *m_details = nullptr;
    QLabel *m_emptyLabel = nullptr;
    QWidget *m_emptyPage = nullptr;
    QAction *m_start = nullptr;
    QAction *m_cancel = nullptr;
    QAction *m_pauseResume = nullptr;
    QAction *m_retry = nullptr;
    QAction *m_delete = nullptr;
    QAction *m_requantize = nullptr;
    QAction *m_moveUp = nullptr;
    QAction *m_moveDown = nullptr;
    QAction *m_openFolder = nullptr;
    QAction *m_copyPath = nullptr;
    QAction *m_copyRepoId = nullptr;
    QAction *m_architecture = nullptr;
    QAction *m_verify = nullptr;
    QString m_verificationKey; // the recorded verification the details pane shows
    QAction *m_pauseAll = nullptr;
    QAction *m_resumeAll = nullptr;
    bool m_loaded = false;
    bool m_resumeMode = false; // the Pause/Resume action resumes (its current text)
    // What the details pane's variants were last fetched for (model, its variants' size and
    // newest path): fetched again only when one of them moves, not on every progress tick.
    QString m_variantsKey;
};

} // namespace mistudio::ui
