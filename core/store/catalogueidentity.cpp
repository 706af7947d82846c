#include "store/catalogueidentity.h"

#include "store/sqldatabase.h"

#include <QSqlQuery>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {

CatalogueIdentity::CatalogueIdentity(std::shared_ptr<SqlDatabase> db) : m_db(std::move(db)) {}

Result<std::optional<QString>> CatalogueIdentity::dataDirId()
{
    auto q = m_db->run(u"SELECT data_dir_id FROM catalogue_identity WHERE id = 1"_s);
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<QString>();
    return std::optional<QString>(q->value(0).toString());
}

Result<QString> CatalogueIdentity::adopt(const QString &id)
{
    // Both dialects: the first insert wins, a concurrent one does nothing.
    if (auto q = m_db->run(u"INSERT INTO catalogue_identity (id, data_dir_id, created_at) VALUES (1, ?, "_s
                               + m_db->nowExpr() + u") ON CONFLICT (id) DO NOTHING"_s,
                           {id});
        !q)
        return q.error();
    Result<std::optional<QString>> recorded = dataDirId();
    if (!recorded)
        return recorded.error();
    if (!*recorded)
        return Error::make(ErrorCode::DatabaseError, u"The catalogue did not keep its data directory's identity"_s);
    return **recorded;
}

} // namespace mistudio
