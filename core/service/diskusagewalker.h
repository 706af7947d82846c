#pragma once

#include "service/librarytypes.h"

#include <QSet>
#include <QString>

#include <utility>

namespace mistudio {

// Measures folders of the library (lstat, links not followed) and remembers every inode it has
// seen, so that allocated space is counted once across folders: a file hard-linked into the HF
// cache, or imported from it, is one inode with several names.
class DiskUsageWalker final
{
public:
    // The files under `path`, leaving out the subfolder `skip` (relative; e.g. "quantized").
    DiskUsageEntry measure(const QString &name, const QString &path, const QString &skip = {});
    qint64 allocatedTotal() const { return m_allocated; }

private:
    QSet<std::pair<quint64, quint64>> m_seen; // (device, inode)
    qint64 m_allocated = 0;
};

} // namespace mistudio
