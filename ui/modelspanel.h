#pragma once

#include "modelbackend.h"

#include <QPointer>
#include <QWidget>

class QAction;
class QLabel;
class QLineEdit;
class QMenu;
class QStackedWidget;
class QTableView;

namespace mistudio::ui {

class ModelFilterProxy;
class ModelTableModel;

// The design's ModelsPanel: the catalogue table with its filter box, empty state, context menu
// and the model actions (also shown in the main window's toolbar and menu).
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
    QLineEdit *filterEdit() const { return m_filter; }
    QList<QAction *> modelActions() const;
    QAction *cancelAction() const { return m_cancel; }
    QAction *pauseResumeAction() const { return m_pauseResume; }
    QAction *retryAction() const { return m_retry; }
    QAction *deleteAction() const { return m_delete; }
    QAction *requantizeAction() const { return m_requantize; }
    QAction *openFolderAction() const { return m_openFolder; }
    QAction *copyPathAction() const { return m_copyPath; }
    QAction *copyRepoIdAction() const { return m_copyRepoId; }
    QAction *architectureAction() const { return m_architecture; }

    QList<QUuid> selectedIds() const;
    void selectModel(const QUuid &id);

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
    void updateEmptyState();
    void showContextMenu(const QPoint &pos);
    void handleDelete();
    void handleDeleteConfirmed(const QList<QUuid> &ids);
    void handlePauseResume();
    void handleRequantize(const QuantOptions &options);
    void reportFailure(const Error &error);

    QPointer<ModelBackend> m_backend;
    ModelTableModel *m_model = nullptr;
    ModelFilterProxy *m_proxy = nullptr;
    QTableView *m_view = nullptr;
    QLineEdit *m_filter = nullptr;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_emptyLabel = nullptr;
    QWidget *m_emptyPage = nullptr;
    QAction *m_cancel = nullptr;
    QAction *m_pauseResume = nullptr;
    QAction *m_retry = nullptr;
    QAction *m_delete = nullptr;
    QAction *m_requantize = nullptr;
    QMenu *m_requantizeMenu = nullptr;
    QAction *m_openFolder = nullptr;
    QAction *m_copyPath = nullptr;
    QAction *m_copyRepoId = nullptr;
    QAction *m_architecture = nullptr;
    bool m_loaded = false;
};

} // namespace mistudio::ui
