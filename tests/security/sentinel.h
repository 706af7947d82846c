#pragma once

// Shared by the security tests: a scratch folder holding the data dir and, around it, sentinel
// files that no hostile Hub, name or link may create, change or delete. snapshot() records every
// entry outside the data dir (type, size, mtime, link target, content hash); a test compares the
// snapshot taken before with the one after.
#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

namespace mistudio::sectest {

class SentinelTree
{
public:
    SentinelTree()
    {
        QVERIFY(m_tmp.isValid());
        QVERIFY(QDir().mkpath(dataDir()));
        write(QStringLiteral("home/.bashrc"), "echo sentinel\n");
        write(QStringLiteral("outside/secret.txt"), "top secret\n");
        write(QStringLiteral("outside/deep/keep.bin"), QByteArray(4096, 's'));
        m_before = snapshot();
    }

    QString root() const { return m_tmp.path(); }
    QString dataDir() const { return m_tmp.filePath(QStringLiteral("data")); }
    QString homeDir() const { return m_tmp.filePath(QStringLiteral("home")); }
    QString outside(const QString &rel = QString()) const
    {
        return rel.isEmpty() ? m_tmp.filePath(QStringLiteral("outside")) : m_tmp.filePath(QStringLiteral("outside/") + rel);
    }

    // Every entry of the scratch folder but the data dir: "path -> type size mtime target sha256".
    QMap<QString, QString> snapshot() const
    {
        QMap<QString, QString> out;
        QDirIterator it(root(), QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System,
                        QDirIterator::Subdirectories);
        const QString data = dataDir() + u'/';
        while (it.hasNext()) {
            const QString path = it.next();
            if (path == dataDir() || path.startsWith(data))
                continue;
            struct stat st {};
            if (::lstat(QFile::encodeName(path).constData(), &st) != 0)
                continue;
            QString v = QString::number(st.st_mode, 8) + u' ' + QString::number(qint64(st.st_size)) + u' '
                + QString::number(qint64(st.st_mtim.tv_sec)) + u'.' + QString::number(qint64(st.st_mtim.tv_nsec));
            if (S_ISLNK(st.st_mode)) {
                v += QStringLiteral(" -> ") + QFileInfo(path).symLinkTarget();
            } else if (S_ISREG(st.st_mode)) {
                QFile f(path);
                if (f.open(QIODevice::ReadOnly))
                    v += u' ' + QString::fromLatin1(QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex());
            }
            out.insert(path.mid(root().size() + 1), v);
        }
        return out;
    }

    // Fails the running test when anything outside the data dir differs from the start.
    void verifyUntouched() const
    {
        const QMap<QString, QString> now = snapshot();
        for (auto it = m_before.cbegin(); it != m_before.cend(); ++it) {
            QVERIFY2(now.contains(it.key()), qPrintable(QStringLiteral("deleted outside the data dir: ") + it.key()));
            QVERIFY2(now.value(it.key()) == it.value(), qPrintable(QStringLiteral("changed outside the data dir: ") + it.key()));
        }
        for (auto it = now.cbegin(); it != now.cend(); ++it)
            QVERIFY2(m_before.contains(it.key()), qPrintable(QStringLiteral("created outside the data dir: ") + it.key()));
    }

    // Call after adding more sentinels (links inside the data dir pointing out, say).
    void rebase() { m_before = snapshot(); }

    void write(const QString &rel, const QByteArray &content)
    {
        const QString path = m_tmp.filePath(rel);
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QCOMPARE(f.write(content), content.size());
    }

private:
    QTemporaryDir m_tmp;
    QMap<QString, QString> m_before;
};

} // namespace mistudio::sectest
