#pragma once

#include "common/result.h"

#include <QString>

#include <memory>

namespace mistudio::test {

// The URL of the throwaway cluster the ctest fixture `mistudio_pg` started (tests/pg/README.md).
// An error, never a silent skip, when the fixture did not run.
Result<QString> pgClusterUrl();

// A fresh, empty database on that cluster, so that tests running in parallel never share
// tables. Dropped (with any connections left) when this object is destroyed.
class ScratchPgDatabase final
{
    Q_DISABLE_COPY_MOVE(ScratchPgDatabase)

public:
    static Result<std::unique_ptr<ScratchPgDatabase>> create();
    ~ScratchPgDatabase();

    QString url() const { return m_url; }
    // Empties the database again (drops and recreates the public schema): much cheaper than a
    // new database per test case. Close the code under test's connections first.
    Status reset();
    QString name() const { return m_name; }

private:
    ScratchPgDatabase(QString adminUrl, QString name, QString url);

    QString m_adminUrl;
    QString m_name;
    QString m_url;
};

} // namespace mistudio::test
