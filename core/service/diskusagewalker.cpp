#include "service/diskusagewalker.h"

#include <QDirIterator>
#include <QFile>

#include <sys/stat.h>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {

DiskUsageEntry DiskUsageWalker::measure(const QString &name, const QString &path, const QString &skip)
{
    DiskUsageEntry e;
    e.name = name;
    e.path = path;
    if (path.isEmpty())
        return e;
    const QString skipped = skip.isEmpty() ? QString() : path + u'/' + skip;
    QDirIterator it(path, QDir::Files | QDir::Hidden | QDir::System | QDir::NoSymLinks, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        if (!skipped.isEmpty() && file.startsWith(skipped + u'/'))
            continue;
        struct stat st = {};
        if (::lstat(QFile::encodeName(file).constData(), &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        const qint64 size = qint64(st.st_size);
        // Partial data lives only under names ending in ".incomplete" (DataDir's rule).
        if (file.endsWith(u".incomplete"_s)) {
            e.partialBytes += size;
            continue;
        }
        e.bytes += size;
        ++e.files;
        if (st.st_nlink > 1)
            e.linkedBytes += size;
        if (!m_seen.contains({quint64(st.st_dev), quint64(st.st_ino)})) {
            m_seen.insert({quint64(st.st_dev), quint64(st.st_ino)});
            const qint64 blocks = qint64(st.st_blocks) * 512;
            e.allocated += blocks;
            m_allocated += blocks;
        }
    }
    return e;
}

} // namespace mistudio
