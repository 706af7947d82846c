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

bool ModelFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_text.isEmpty())
        return true;
    const QAbstractItemModel *m = sourceModel();
    for (int column : {int(ModelTableModel::Name), int(ModelTableModel::RepoId)}) {
        const QString s = m->data(m->index(sourceRow, column, sourceParent)).toString();
        if (s.contains(m_text, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

} // namespace mistudio::ui
