#pragma once

#include <QSortFilterProxyModel>

namespace mistudio::ui {

// Sorts by each column's raw value (ModelTableModel::SortRole) and filters on name and repo id
// only: the filter box searches what the user can name, not formatted sizes or dates.
class ModelFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ModelFilterProxy)

public:
    explicit ModelFilterProxy(QObject *parent = nullptr);

    void setFilterText(const QString &text);
    QString filterText() const { return m_text; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_text;
};

} // namespace mistudio::ui
