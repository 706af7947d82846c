#include "server/apitoken.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSaveFile>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {

QString apiTokenPath(const QString &dataDir)
{
    return dataDir + u"/server/api-token"_s;
}

Result<QString> loadOrCreateApiToken(const QString &path)
{
    QFile existing(path);
    if (existing.exists()) {
        const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup
            | QFileDevice::ReadOther | QFileDevice::WriteOther;
        if (existing.permissions() & others)
            return Error::make(ErrorCode::PermissionDenied,
                               u"The API token file '%1' is readable by others; chmod 600 it"_s.arg(path),
                               {{u"path"_s, path}});
        if (!existing.open(QIODevice::ReadOnly))
            return Error::make(ErrorCode::IoError, u"Cannot read '%1'"_s.arg(path));
        const QString token = QString::fromLatin1(existing.readAll().trimmed());
        if (token.size() >= 32)
            return token;
        return Error::make(ErrorCode::InvalidInput,
                           u"The API token in '%1' is shorter than 32 characters"_s.arg(path));
    }
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return Error::make(ErrorCode::IoError, u"Cannot create the folder of '%1'"_s.arg(path));
    QByteArray raw(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(raw.data()),
                                         reinterpret_cast<quint32 *>(raw.data() + raw.size()));
    const QByteArray hex = raw.toHex();
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return Error::make(ErrorCode::IoError, u"Cannot write '%1'"_s.arg(path));
    // Restrict before any byte of the secret is written.
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    f.write(hex + '\n');
    if (!f.commit())
        return Error::make(ErrorCode::IoError, u"Cannot write '%1'"_s.arg(path));
    QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return QString::fromLatin1(hex);
}

} // namespace mistudio
