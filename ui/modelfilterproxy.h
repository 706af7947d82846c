#pragma once

#include "rowstate.h"

#include <QSortFilterProxyModel>

namespace mistudio::ui {

// Sorts by each column's raw value (ModelTableModel::SortRole) and filters by the filter bar's
// category and on name and repo id: the filter box searches what the user can name, not
// formatted sizes or dates.
class ModelFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ModelFilterProxy)

public:
    explicit ModelFilterProxy(QObject *parent = nullptr);

    void setFilterText(const QString &text);
    QString filterText() const { return m_text; }
    void setCategory(FilterCategory category);
    FilterCategory category() const { return m_category; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_text;
    FilterCategory m_category = FilterCategory::All;
};

} // namespace mistudio::ui
