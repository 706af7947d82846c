#pragma once

#include "common/result.h"
#include "hfcache/hfcachetypes.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace mistudio::hfcache {

enum class VerifyState
{
    Ok,
    Mismatch,     // the content hash differs from the record: the file changed or rotted
    Missing,      // no such file in the folder
    SizeMismatch, // another size than recorded (not hashed)
    Unreadable,   // it could not be read (permissions, I/O error)
};
QString verifyStateName(VerifyState state);

struct VerifiedFile
{
    QString path;
    HashKind kind = HashKind::Sha256;
    QString expected;
    QString actual; // empty when not hashed
    qint64 expectedSize = -1;
    qint64 actualSize = -1;
    VerifyState state = VerifyState::Ok;
    QString message; // for Unreadable: the system's reason

    QJsonObject toJson() const;
};

struct VerifyReport
{
    QString folder;
    QList<VerifiedFile> files; // in the order of the records
    qint64 bytesHashed = 0;
    qint64 elapsedMs = 0;

    int failures() const;
    bool allOk() const { return failures() == 0; }
    QJsonObject toJson() const;
};

struct VerifyOptions
{
    int threads = 0; // files hashed at once; 0: one per core, at most 4
    int progressIntervalMs = 100;
};

// Re-hashes a model folder's files against the hashes recorded when they were downloaded or
// imported (sha256 for LFS files, git blob sha1 for the rest), one sequential pass per file in
// large blocks, several files at once. A file that fails is a row of the report, not an error:
// the call fails only for bad input or when the progress callback stops it (`cancelled`).
class ModelVerifier final
{
public:
    explicit ModelVerifier(VerifyOptions options = {});

    Result<VerifyReport> verify(const QString &folder, const QList<FileRecord> &files,
                                const ProgressFn &progress = {}) const;

private:
    VerifyOptions m_options;
};

} // namespace mistudio::hfcache
