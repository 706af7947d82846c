#include "hfcachewriter.h"

#include "fakehub/fixtures/fixturerepos.h"
#include "fakehub/fixtures/tinymodel.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::hfcachetest {

QString HfCacheWriter::repoDir(const QString &repoId) const
{
    return m_cacheDir + u"/models--"_s + QString(repoId).replace(u'/', u"--"_s);
}

QString HfCacheWriter::blobName(const fakehub::RepoFile &file)
{
    return QString::fromLatin1(file.lfs ? file.blob->sha256Hex() : file.blob->gitSha1Hex());
}

QString HfCacheWriter::blobPath(const QString &repoId, const fakehub::RepoFile &file) const
{
    return repoDir(repoId) + u"/blobs/"_s + blobName(file);
}

QString HfCacheWriter::snapshotDir(const QString &repoId, const QString &commit) const
{
    return repoDir(repoId) + u"/snapshots/"_s + commit;
}

bool HfCacheWriter::writeFile(const QString &path, const QByteArray &content)
{
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return false;
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(content) == content.size();
}

QByteArray HfCacheWriter::readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool HfCacheWriter::writeSnapshot(const QString &repoId, const QString &commit,
                                  const QList<fakehub::RepoFile> &files, const QString &ref) const
{
    const QString snap = snapshotDir(repoId, commit);
    for (const fakehub::RepoFile &f : files) {
        const QString blob = blobPath(repoId, f);
        if (!QFileInfo::exists(blob) && !writeFile(blob, f.blob->readAll()))
            return false;
        const QString link = snap + u'/' + f.path;
        if (!QDir().mkpath(QFileInfo(link).absolutePath()))
            return false;
        // What os.path.relpath(blob, dirname(link)) gives.
        const QString target = QDir(QFileInfo(link).absolutePath()).relativeFilePath(blob);
        if (::symlink(QFile::encodeName(target).constData(), QFile::encodeName(link).constData()) !=
            0)
            return false;
    }
    if (!ref.isEmpty())
        return writeFile(repoDir(repoId) + u"/refs/"_s + ref, commit.toLatin1());
    return QDir().mkpath(repoDir(repoId) + u"/refs"_s);
}

bool HfCacheWriter::writeModelFolder(const QString &folder, const QList<fakehub::RepoFile> &files)
{
    for (const fakehub::RepoFile &f : files) {
        if (!writeFile(folder + u'/' + f.path, f.blob->readAll()))
            return false;
    }
    return true;
}

QList<fakehub::RepoFile> sampleModelFiles(quint64 seed)
{
    using namespace fakehub;
    const TinyModel model = TinyModel::make(TinyModel::Family::Llama, "F32", seed);
    QList<RepoFile> files = tinyModelFiles(model, ModelFilesSpec{u"sample"_s, 3, false});
    // A nested LFS file and a nested git file, as adapters or ONNX exports put them.
    files.append(
        makeFile(u"onnx/decoder/model.onnx"_s, QByteArray(70000, 'o') + QByteArray::number(seed)));
    files.append(makeFile(u"onnx/decoder/config.json"_s, QByteArray("{\"opset\": 17}\n")));
    return files;
}

QList<hfcache::FileRecord> recordsOf(const QList<fakehub::RepoFile> &files)
{
    QList<hfcache::FileRecord> records;
    for (const fakehub::RepoFile &f : files) {
        hfcache::FileRecord r{f.path, f.size(), QString(), QString()};
        (f.lfs ? r.sha256 : r.gitOid) = HfCacheWriter::blobName(f);
        records.append(r);
    }
    return records;
}

// Stand-ins for file systems without hard links / reflinks between the cache and the data dir.
std::function<int(const char *, const char *)> failingLink(int err)
{
    return [err](const char *, const char *) {
        errno = err;
        return -1;
    };
}

std::function<int(int, int)> failingClone(int err)
{
    return [err](int, int) {
        errno = err;
        return -1;
    };
}

QMap<QString, QString> treeState(const QString &root)
{
    QMap<QString, QString> state;
    QDirIterator it(root, QDir::AllEntries | QDir::System | QDir::Hidden | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        struct stat st = {};
        if (::lstat(QFile::encodeName(path).constData(), &st) != 0)
            continue;
        const QString type = S_ISLNK(st.st_mode)   ? u"link"_s
                             : S_ISDIR(st.st_mode) ? u"dir"_s
                                                   : u"file"_s;
        QString line = u"%1 %2 %3 %4.%5"_s.arg(type)
                           .arg(quint64(st.st_ino))
                           .arg(qint64(st.st_size))
                           .arg(qint64(st.st_mtim.tv_sec))
                           .arg(qint64(st.st_mtim.tv_nsec));
        if (S_ISLNK(st.st_mode))
            line += u' ' + QFileInfo(path).symLinkTarget();
        if (!S_ISDIR(st.st_mode))
            state.insert(QDir(root).relativeFilePath(path), line);
    }
    return state;
}

} // namespace mistudio::hfcachetest
