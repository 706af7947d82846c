#include "modelfilterproxy.h"

#include "modeltablemodel.h"

namespace mistudio::ui {

ModelFilterProxy::ModelFilterProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(ModelTableModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
    setSortLocaleAware(true);
    setDynamicSortFilter(true);
}

void ModelFilterProxy::setFilterText(const QString &text)
{
    const QString t = text.trimmed();
    if (t == m_text)
        return;
    m_text = t;
    invalidateFilter();
}

void ModelFilterProxy::setCategory(FilterCategory category)
{
    if (category == m_category)
        return;
    m_category = category;
    invalidateFilter();
}

bool ModelFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QAbstractItemModel *m = sourceModel();
    if (m_category != FilterCategory::All) {
        const auto state = RowState(
            m->index(sourceRow, 0, sourceParent).data(ModelTableModel::RowStateRole).toInt());
        if (categoryOf(state) != m_category)
            return false;
    }
    if (m_text.isEmpty())
        return true;
    for (int column : {int(ModelTableModel::Name), int(ModelTableModel::RepoId)}) {
        const QString s = m->data(m->index(sourceRow, column, sourceParent)).toString();
        if (s.contains(m_text, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

} // namespace mistudio::ui
