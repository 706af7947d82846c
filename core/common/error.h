#pragma once

#include <QJsonObject>
#include <QString>

namespace mistudio {

// Every error that can cross a layer carries one of these codes. The string form
// (errorCodeName) is stable: it is what the API, the CLI's --json output and the GUI's
// translations key on. Add new codes at the end of their group; never rename one.
enum class ErrorCode {
    // generic
    Internal,
    InvalidInput,
    NotFound,          // a catalogue record (model, job) does not exist
    AmbiguousId,       // an id prefix matches more than one record
    Conflict,          // the request is valid but contradicts the current state
    IllegalTransition, // a status change the state machine forbids
    Cancelled,
    IoError,
    PermissionDenied,
    DiskFull,             // the filesystem ran out of space while writing
    InsufficientDiskSpace, // checked before starting: not enough room for the job
    LeaseLost,             // a worker's job was taken from it (lease expired, requeued): stop
    UnsafePath,           // a name from outside (Hub tree, shard index, API input) breaks the
                          // path policy (common/namepolicy.h) or would leave its folder
    // catalogue
    DatabaseError,
    SchemaTooNew,
    DataDirMismatch, // this process's data directory is not the one the shared catalogue uses
    // hub
    RepoNotFound,
    RevisionNotFound,
    EntryNotFound,
    GatedAuthRequired,
    GatedAccessDenied,
    InvalidToken,
    RepoDisabled,
    RateLimited,
    ServerError,
    Timeout,
    NetworkError,
    Offline,
    InvalidResponse,
    // download
    ChecksumMismatch,
    SizeMismatch,
    NeedsToken,
    // checkpoints and quantization
    InvalidCheckpoint,
    UnsupportedCheckpoint,
    UnsafeCheckpoint,
    NonFiniteWeight,
    QuantizationFailed,
    GpuUnavailable,
    OutOfMemory,
    // server edge
    Unauthorized,
    Forbidden,
    PayloadTooLarge,
    UnsupportedMediaType,
    MethodNotAllowed,
    MalformedRequest, // unparsable JSON, a path id that is not a UUID, a bad query value
    LengthRequired,   // a request body without Content-Length (Transfer-Encoding is refused)
    HeadersTooLarge,  // the request line and headers pass their byte or count limit
    RequestTimeout,   // a request's head or body did not arrive in time
    ServerBusy,       // every connection slot is taken by a request in progress
};

// Stable snake_case name, e.g. "repo_not_found".
QString errorCodeName(ErrorCode code);
// Reverse of errorCodeName; returns false for an unknown name.
bool errorCodeFromName(QStringView name, ErrorCode *out);

struct Error
{
    ErrorCode code = ErrorCode::Internal;
    QString message;     // English, for logs and as a fallback; faces translate by code
    QString requestId;   // the Hub's X-Request-Id when the error came from the Hub
    QJsonObject details; // structured extras (bytes needed, retry-after, tensor name...)

    static Error make(ErrorCode code, const QString &message, const QJsonObject &details = {})
    {
        return Error{code, message, QString(), details};
    }

    QString codeName() const { return errorCodeName(code); }
    // "repo_not_found: Repository not found (request id: ...)"
    QString toString() const;
    // {"code": ..., "message": ..., "details": {...}, "request_id": ...}
    QJsonObject toJson() const;
};

} // namespace mistudio
