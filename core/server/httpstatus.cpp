#include "server/httpstatus.h"

namespace mistudio {

int httpStatusFor(ErrorCode code)
{
    switch (code) {
    case ErrorCode::MalformedRequest:
        return 400;
    case ErrorCode::Unauthorized:
    case ErrorCode::GatedAuthRequired:
    case ErrorCode::InvalidToken:
    case ErrorCode::NeedsToken:
        return 401;
    case ErrorCode::Forbidden:
    case ErrorCode::GatedAccessDenied:
    case ErrorCode::RepoDisabled:
        return 403;
    case ErrorCode::NotFound:
    case ErrorCode::RepoNotFound:
    case ErrorCode::RevisionNotFound:
    case ErrorCode::EntryNotFound:
        return 404;
    case ErrorCode::MethodNotAllowed:
        return 405;
    case ErrorCode::RequestTimeout:
        return 408;
    case ErrorCode::LengthRequired:
        return 411;
    case ErrorCode::Conflict:
    case ErrorCode::IllegalTransition:
    case ErrorCode::LeaseLost:
    case ErrorCode::AmbiguousId:
    case ErrorCode::Cancelled:
        return 409;
    case ErrorCode::PayloadTooLarge:
        return 413;
    case ErrorCode::UnsupportedMediaType:
        return 415;
    case ErrorCode::InvalidInput:
    case ErrorCode::UnsafePath:
        return 422;
    case ErrorCode::RateLimited:
        return 429;
    case ErrorCode::HeadersTooLarge:
        return 431;
    case ErrorCode::ServerError:
    case ErrorCode::Timeout:
    case ErrorCode::NetworkError:
    case ErrorCode::Offline:
    case ErrorCode::InvalidResponse:
    case ErrorCode::GpuUnavailable:
    case ErrorCode::ServerBusy:
        return 503;
    case ErrorCode::DiskFull:
    case ErrorCode::InsufficientDiskSpace:
        return 507;
    case ErrorCode::Internal:
    case ErrorCode::IoError:
    case ErrorCode::PermissionDenied:
    case ErrorCode::DatabaseError:
    case ErrorCode::SchemaTooNew:
    case ErrorCode::DataDirMismatch:
    case ErrorCode::ChecksumMismatch:
    case ErrorCode::SizeMismatch:
    case ErrorCode::InvalidCheckpoint:
    case ErrorCode::UnsupportedCheckpoint:
    case ErrorCode::UnsafeCheckpoint:
    case ErrorCode::NonFiniteWeight:
    case ErrorCode::QuantizationFailed:
    case ErrorCode::OutOfMemory:
        return 500;
    }
    return 500;
}

} // namespace mistudio
