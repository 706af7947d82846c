#include "hfcache/modelverifier.h"

#include "hfcache/filetransfer.h"
#include "hfcache/parallelrunner.h"
#include "hfcache/posixio.h"

#include <QElapsedTimer>
#include <QJsonArray>

#include <sys/stat.h>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::hfcache {

QString verifyStateName(VerifyState state)
{
    switch (state) {
    case VerifyState::Ok:
        return u"ok"_s;
    case VerifyState::Mismatch:
        return u"mismatch"_s;
    case VerifyState::Missing:
        return u"missing"_s;
    case VerifyState::SizeMismatch:
        return u"size_mismatch"_s;
    case VerifyState::Unreadable:
        return u"unreadable"_s;
    }
    return u"unreadable"_s;
}

QJsonObject VerifiedFile::toJson() const
{
    QJsonObject o{{u"path"_s, path},
                  {u"state"_s, verifyStateName(state)},
                  {u"hash"_s, hashKindName(kind)},
                  {u"expected"_s, expected},
                  {u"expected_size"_s, expectedSize}};
    if (!actual.isEmpty())
        o.insert(u"actual"_s, actual);
    if (actualSize >= 0)
        o.insert(u"actual_size"_s, actualSize);
    if (!message.isEmpty())
        o.insert(u"message"_s, message);
    return o;
}

int VerifyReport::failures() const
{
    int n = 0;
    for (const VerifiedFile &f : files)
        n += f.state == VerifyState::Ok ? 0 : 1;
    return n;
}

QJsonObject VerifyReport::toJson() const
{
    QJsonArray rows;
    for (const VerifiedFile &f : files)
        rows.append(f.toJson());
    return {{u"folder"_s, folder},        {u"ok"_s, allOk()},
            {u"failures"_s, failures()},  {u"bytes_hashed"_s, bytesHashed},
            {u"elapsed_ms"_s, elapsedMs}, {u"files"_s, rows}};
}

ModelVerifier::ModelVerifier(VerifyOptions options)
    : m_options(options)
{}

Result<VerifyReport> ModelVerifier::verify(const QString &folder, const QList<FileRecord> &files,
                                           const ProgressFn &progress) const
{
    VerifyReport report;
    report.folder = folder;
    qint64 total = 0;
    for (const FileRecord &f : files) {
        HashKind kind = HashKind::Sha256;
        if (!isSafeRelativePath(f.path) || !hashKindOfBlobName(f.blobName(), &kind) ||
            kind != f.kind())
            return Error::make(ErrorCode::InvalidInput,
                               u"'%1' has no usable path and %2 to verify against"_s.arg(
                                   f.path, hashKindName(f.kind())),
                               {{u"path"_s, f.path}});
        report.files.append(
            {f.path, f.kind(), f.blobName(), QString(), f.size, -1, VerifyState::Ok, QString()});
        total += qMax<qint64>(0, f.size);
    }

    QElapsedTimer timer;
    timer.start();
    // One row per job, written by that job only; data() detaches here, not on the workers.
    VerifiedFile *rows = report.files.data();
    ParallelRunner runner(m_options.threads, m_options.progressIntervalMs);
    const Status ran = runner.run(
        int(files.size()), total,
        [&](int i) -> Status {
            VerifiedFile &row = rows[i];
            const QString path = folder + u'/' + row.path;
            struct stat st = {};
            if (::stat(posixio::encode(path).constData(), &st) != 0 || !S_ISREG(st.st_mode)) {
                row.state = VerifyState::Missing;
                runner.addBytes(
                    qMax<qint64>(0, row.expectedSize)); // progress still reaches the total
                return {};
            }
            row.actualSize = qint64(st.st_size);
            if (row.expectedSize >= 0 && row.actualSize != row.expectedSize) {
                row.state = VerifyState::SizeMismatch;
                runner.addBytes(row.expectedSize);
                return {};
            }
            Result<QString> digest = FileTransfer::hashFile(
                path, row.kind, [&](qint64 n) { return runner.addBytes(n); });
            if (!digest) {
                if (digest.error().code == ErrorCode::Cancelled)
                    return digest.error();
                row.state = VerifyState::Unreadable;
                row.message = digest.error().message;
                return {};
            }
            row.actual = *digest;
            row.state = row.actual == row.expected ? VerifyState::Ok : VerifyState::Mismatch;
            return {};
        },
        progress);
    if (!ran)
        return ran.error();
    for (const VerifiedFile &f : std::as_const(report.files)) {
        if (!f.actual.isEmpty())
            report.bytesHashed += f.actualSize;
    }
    report.elapsedMs = timer.elapsed();
    return report;
}

} // namespace mistudio::hfcache
