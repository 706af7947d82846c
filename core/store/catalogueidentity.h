#pragma once

#include "common/result.h"

#include <QString>

#include <memory>
#include <optional>

namespace mistudio {

class SqlDatabase;

// The identity of the data directory a shared catalogue was set up with (one row of
// `catalogue_identity`): the id that the directory's marker file must carry on every host.
class CatalogueIdentity final
{
public:
    explicit CatalogueIdentity(std::shared_ptr<SqlDatabase> db);

    // The recorded id; nothing before the first process recorded one.
    Result<std::optional<QString>> dataDirId();
    // Records `id` unless an id is recorded already (another process may race us); returns the
    // recorded one, which callers compare with theirs.
    Result<QString> adopt(const QString &id);

private:
    std::shared_ptr<SqlDatabase> m_db;
};

} // namespace mistudio
