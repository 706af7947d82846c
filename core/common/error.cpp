#include "common/error.h"

#include <array>
#include <utility>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

constexpr std::array kNames = {
    std::pair{ErrorCode::Internal, "internal"},
    std::pair{ErrorCode::InvalidInput, "invalid_input"},
    std::pair{ErrorCode::NotFound, "not_found"},
    std::pair{ErrorCode::AmbiguousId, "ambiguous_id"},
    std::pair{ErrorCode::Conflict, "conflict"},
    std::pair{ErrorCode::IllegalTransition, "illegal_transition"},
    std::pair{ErrorCode::Cancelled, "cancelled"},
    std::pair{ErrorCode::IoError, "io_error"},
    std::pair{ErrorCode::PermissionDenied, "permission_denied"},
    std::pair{ErrorCode::DiskFull, "disk_full"},
    std::pair{ErrorCode::InsufficientDiskSpace, "insufficient_disk_space"},
    std::pair{ErrorCode::LeaseLost, "lease_lost"},
    std::pair{ErrorCode::UnsafePath, "unsafe_path"},
    std::pair{ErrorCode::DatabaseError, "database_error"},
    std::pair{ErrorCode::SchemaTooNew, "schema_too_new"},
    std::pair{ErrorCode::DataDirMismatch, "data_dir_mismatch"},
    std::pair{ErrorCode::RepoNotFound, "repo_not_found"},
    std::pair{ErrorCode::RevisionNotFound, "revision_not_found"},
    std::pair{ErrorCode::EntryNotFound, "entry_not_found"},
    std::pair{ErrorCode::GatedAuthRequired, "gated_auth_required"},
    std::pair{ErrorCode::GatedAccessDenied, "gated_access_denied"},
    std::pair{ErrorCode::InvalidToken, "invalid_token"},
    std::pair{ErrorCode::RepoDisabled, "repo_disabled"},
    std::pair{ErrorCode::RateLimited, "rate_limited"},
    std::pair{ErrorCode::ServerError, "server_error"},
    std::pair{ErrorCode::Timeout, "timeout"},
    std::pair{ErrorCode::NetworkError, "network_error"},
    std::pair{ErrorCode::Offline, "offline"},
    std::pair{ErrorCode::InvalidResponse, "invalid_response"},
    std::pair{ErrorCode::ChecksumMismatch, "checksum_mismatch"},
    std::pair{ErrorCode::SizeMismatch, "size_mismatch"},
    std::pair{ErrorCode::NeedsToken, "needs_token"},
    std::pair{ErrorCode::InvalidCheckpoint, "invalid_checkpoint"},
    std::pair{ErrorCode::UnsupportedCheckpoint, "unsupported_checkpoint"},
    std::pair{ErrorCode::UnsafeCheckpoint, "unsafe_checkpoint"},
    std::pair{ErrorCode::NonFiniteWeight, "non_finite_weight"},
    std::pair{ErrorCode::QuantizationFailed, "quantization_failed"},
    std::pair{ErrorCode::GpuUnavailable, "gpu_unavailable"},
    std::pair{ErrorCode::OutOfMemory, "out_of_memory"},
    std::pair{ErrorCode::Unauthorized, "unauthorized"},
    std::pair{ErrorCode::Forbidden, "forbidden"},
    std::pair{ErrorCode::PayloadTooLarge, "payload_too_large"},
    std::pair{ErrorCode::UnsupportedMediaType, "unsupported_media_type"},
    std::pair{ErrorCode::MethodNotAllowed, "method_not_allowed"},
    std::pair{ErrorCode::MalformedRequest, "malformed_request"},
    std::pair{ErrorCode::LengthRequired, "length_required"},
    std::pair{ErrorCode::HeadersTooLarge, "headers_too_large"},
    std::pair{ErrorCode::RequestTimeout, "request_timeout"},
    std::pair{ErrorCode::ServerBusy, "server_busy"},
};

} // namespace

QString errorCodeName(ErrorCode code)
{
    for (const auto &[c, name] : kNames) {
        if (c == code)
            return QString::fromLatin1(name);
    }
    return u"internal"_s;
}

bool errorCodeFromName(QStringView name, ErrorCode *out)
{
    for (const auto &[c, n] : kNames) {
        if (name == QLatin1StringView(n)) {
            if (out)
                *out = c;
            return true;
        }
    }
    return false;
}

QString Error::toString() const
{
    QString s = codeName() + u": "_s + message;
    if (!requestId.isEmpty())
        s += u" (request id: "_s + requestId + u')';
    return s;
}

QJsonObject Error::toJson() const
{
    QJsonObject o{{u"code"_s, codeName()}, {u"message"_s, message}};
    if (!details.isEmpty())
        o.insert(u"details"_s, details);
    if (!requestId.isEmpty())
        o.insert(u"request_id"_s, requestId);
    return o;
}

} // namespace mistudio
