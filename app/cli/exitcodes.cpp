#include "cli/exitcodes.h"

namespace mistudio::cli {

int exitCodeFor(ErrorCode code)
{
    switch (code) {
    case ErrorCode::InvalidInput:
    case ErrorCode::UnsupportedMediaType:
    case ErrorCode::PayloadTooLarge:
    case ErrorCode::MalformedRequest:
    case ErrorCode::LengthRequired:
    case ErrorCode::HeadersTooLarge:
        return ExitUsage;
    case ErrorCode::NotFound:
    case ErrorCode::RepoNotFound:
    case ErrorCode::RevisionNotFound:
    case ErrorCode::EntryNotFound:
        return ExitNotFound;
    case ErrorCode::GatedAuthRequired:
    case ErrorCode::GatedAccessDenied:
    case ErrorCode::InvalidToken:
    case ErrorCode::RepoDisabled:
    case ErrorCode::NeedsToken:
    case ErrorCode::Unauthorized:
    case ErrorCode::Forbidden:
        return ExitAuth;
    case ErrorCode::RateLimited:
    case ErrorCode::ServerError:
    case ErrorCode::Timeout:
    case ErrorCode::NetworkError:
    case ErrorCode::Offline:
    case ErrorCode::InvalidResponse:
    case ErrorCode::RequestTimeout:
    case ErrorCode::ServerBusy:
        return ExitNetwork;
    case ErrorCode::Conflict:
    case ErrorCode::IllegalTransition:
    case ErrorCode::LeaseLost:
    case ErrorCode::AmbiguousId:
        return ExitConflict;
    case ErrorCode::ChecksumMismatch:
    case ErrorCode::SizeMismatch:
    case ErrorCode::InvalidCheckpoint:
    case ErrorCode::UnsupportedCheckpoint:
    case ErrorCode::UnsafeCheckpoint:
    case ErrorCode::UnsafePath:
    case ErrorCode::NonFiniteWeight:
        return ExitIntegrity;
    case ErrorCode::DiskFull:
    case ErrorCode::InsufficientDiskSpace:
        return ExitDisk;
    case ErrorCode::Cancelled:
        return ExitCancelled;
    default:
        return ExitFailure;
    }
}

} // namespace mistudio::cli
