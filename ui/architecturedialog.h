#pragma once

#include <QDialog>
#include <QJsonObject>

class QTableWidget;
class QTreeWidget;

namespace mistudio::ui {

// A downloaded model's architecture (core/arch toJson(): the base keys plus layer tree and hook
// points): summary, the layer tree blocks → modules → tensors, and the hook points with their
// module paths and TransformerLens names; copy to the clipboard or export as JSON.
class ArchitectureDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ArchitectureDialog)

public:
    ArchitectureDialog(const QString &repoId, const QJsonObject &architecture,
                       QWidget *parent = nullptr);
    ~ArchitectureDialog() override;

    QTreeWidget *layerTree() const { return m_tree; }
    QTableWidget *hookTable() const { return m_hooks; }
    // Writes the JSON off the GUI thread; `done` gets an empty string or the error.
    void exportTo(const QString &path);
    void copyToClipboard();

Q_SIGNALS:
    void exported(const QString &path, const QString &error);

private:
    void buildTree();
    void buildHooks();

    QString m_repoId;
    QJsonObject m_arch;
    QTreeWidget *m_tree = nullptr;
    QTableWidget *m_hooks = nullptr;
};

} // namespace mistudio::ui
