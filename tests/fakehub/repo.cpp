#include "repo.h"

#include <QCryptographicHash>
#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::fakehub {

QByteArray RepoFile::lfsPointer() const
{
    return "version https://git-lfs.github.com/spec/v1\noid sha256:" + blob->sha256Hex() + "\nsize "
           + QByteArray::number(blob->size()) + '\n';
}

QByteArray RepoFile::gitOid() const
{
    if (!lfs)
        return blob->gitSha1Hex();
    const QByteArray pointer = lfsPointer();
    QCryptographicHash sha1(QCryptographicHash::Sha1);
    sha1.addData(QByteArray("blob " + QByteArray::number(pointer.size())));
    sha1.addData(QByteArrayView("\0", 1));
    sha1.addData(pointer);
    return sha1.result().toHex();
}

QByteArray Repo::addCommit(const QString &branch, const QString &title, const QList<RepoFile> &files)
{
    const QByteArray parent = branches.value(branch);
    QCryptographicHash hash(QCryptographicHash::Sha1);
    hash.addData(QByteArray(id.toUtf8() + "\n" + parent + "\n" + title.toUtf8() + "\n"));
    Commit commit;
    commit.title = title;
    // Deterministic dates: one day per commit after a fixed epoch.
    commit.date = QDateTime(QDate(2024, 9, 24), QTime(15, 48, 47), Qt::UTC).addDays(commits.size());
    for (const RepoFile &file : files) {
        hash.addData(QByteArray(file.path.toUtf8() + ":" + file.blob->identity() + (file.lfs ? ":lfs\n" : "\n")));
        commit.files.insert(file.path, file);
    }
    commit.sha = hash.result().toHex();
    commits.insert(commit.sha, commit);
    branches.insert(branch, commit.sha);
    return commit.sha;
}

QByteArray Repo::resolveRevision(const QString &revision) const
{
    static const QRegularExpression commitRe(u"^[0-9a-f]{40}$"_s);
    if (commitRe.match(revision).hasMatch())
        return commits.contains(revision.toLatin1()) ? revision.toLatin1() : QByteArray();
    if (branches.contains(revision))
        return branches.value(revision);
    return tags.value(revision);
}

const Commit *Repo::commit(const QByteArray &sha) const
{
    const auto it = commits.constFind(sha);
    return it == commits.cend() ? nullptr : &it.value();
}

QByteArray Repo::mongoId() const
{
    return QCryptographicHash::hash(id.toUtf8(), QCryptographicHash::Md5).toHex().left(24);
}

QString Repo::author() const
{
    const qsizetype slash = id.indexOf(u'/');
    return slash < 0 ? QString() : id.left(slash);
}

} // namespace mistudio::fakehub
