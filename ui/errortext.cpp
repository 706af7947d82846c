#include "errortext.h"

#include "common/units.h"

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui {

bool ErrorText::needsToken(ErrorCode code)
{
    return code == ErrorCode::GatedAuthRequired || code == ErrorCode::GatedAccessDenied ||
           code == ErrorCode::InvalidToken || code == ErrorCode::NeedsToken;
}

QString ErrorText::catalogueUnavailable(const Error &error)
{
    return tr("The model catalogue could not be opened, so miStudio Models cannot start.\n\n%1\n\n"
              "Check the data directory and database settings (or the --data-dir and "
              "--database-url options).")
        .arg(forError(error));
}

Error ErrorText::parseStored(const QString &message)
{
    Error e;
    e.code = ErrorCode::Internal;
    e.message = message;
    const qsizetype colon = message.indexOf(u':');
    if (colon > 0 && errorCodeFromName(QStringView(message).left(colon), &e.code))
        e.message = message.mid(colon + 1).trimmed();
    return e;
}

QString ErrorText::forStoredMessage(const QString &message)
{
    const Error e = parseStored(message);
    if (e.code == ErrorCode::Internal)
        return message;
    return forError(e);
}

QString ErrorText::nextStep(ErrorCode code)
{
    switch (code) {
    case ErrorCode::GatedAuthRequired:
    case ErrorCode::NeedsToken:
    case ErrorCode::InvalidToken:
        return tr("Enter a Hugging Face token with access in the form above (or in Settings), "
                  "then press Retry.");
    case ErrorCode::GatedAccessDenied:
        return tr("Request access on the model's Hugging Face page; press Retry once it is "
                  "approved.");
    case ErrorCode::DiskFull:
    case ErrorCode::InsufficientDiskSpace:
        return tr("Free some disk space (or choose another data directory in Settings), then "
                  "press Retry: the files already downloaded are kept.");
    case ErrorCode::RateLimited:
    case ErrorCode::ServerError:
    case ErrorCode::Timeout:
    case ErrorCode::NetworkError:
        return tr("Check the connection and press Retry: finished files are not fetched again.");
    case ErrorCode::Offline:
        return tr("Turn offline mode off (HF_HUB_OFFLINE) or connect, then press Retry.");
    case ErrorCode::ChecksumMismatch:
    case ErrorCode::SizeMismatch:
        return tr("Press Retry: the damaged file is fetched again and verified.");
    case ErrorCode::RepoNotFound:
    case ErrorCode::RevisionNotFound:
    case ErrorCode::EntryNotFound:
        return tr("Check the repo id and revision on the Hub; delete this entry if it is wrong.");
    case ErrorCode::QuantizationFailed:
    case ErrorCode::GpuUnavailable:
    case ErrorCode::OutOfMemory:
        return tr("The original files are intact: use Re-quantize to try another variant or the "
                  "CPU.");
    case ErrorCode::PermissionDenied:
    case ErrorCode::IoError:
        return tr("Check that the data directory is writable, then press Retry.");
    default:
        return {};
    }
}

QString ErrorText::forError(const Error &e)
{
    const QString repo = e.details.value(u"repo_id"_s).toString();
    const QString revision = e.details.value(u"revision"_s).toString();
    switch (e.code) {
    case ErrorCode::InvalidInput:
        return tr("Invalid input: %1").arg(e.message);
    case ErrorCode::NotFound:
        return tr("This model is no longer in the catalogue.");
    case ErrorCode::Conflict:
        if (e.details.value(u"reason"_s).toString() == u"already_ready"_s)
            return tr("%1 is already in your models and ready. To get another quantized variant, "
                      "select it and use Re-quantize.")
                .arg(repo);
        if (e.details.value(u"reason"_s).toString() == u"already_running"_s)
            return tr("%1 is already being downloaded.").arg(repo);
        Q_FALLTHROUGH();
    case ErrorCode::IllegalTransition:
    case ErrorCode::LeaseLost:
        return tr("Not possible in the model's current state (%1).").arg(e.message);
    case ErrorCode::Cancelled:
        return tr("Cancelled.");
    case ErrorCode::IoError:
        return tr("Could not read or write a file: %1").arg(e.message);
    case ErrorCode::PermissionDenied:
        return tr("Permission denied: %1").arg(e.message);
    case ErrorCode::DiskFull:
        return tr("The disk is full.");
    case ErrorCode::InsufficientDiskSpace: {
        const qint64 needed = e.details.value(u"bytes_needed"_s).toInteger(-1);
        const qint64 avail = e.details.value(u"bytes_available"_s).toInteger(-1);
        if (needed >= 0 && avail >= 0)
            return tr("Not enough disk space: %1 needed, %2 available.")
                .arg(formatBytes(needed), formatBytes(avail));
        return tr("Not enough disk space for this model.");
    }
    case ErrorCode::DatabaseError:
        return tr("The catalogue database reported an error: %1").arg(e.message);
    case ErrorCode::RepoNotFound:
        return repo.isEmpty()
                   ? tr("This repository does not exist on the Hub (or it is private).")
                   : tr("The repository %1 does not exist on the Hub (or it is private).")
                         .arg(repo);
    case ErrorCode::RevisionNotFound:
        return revision.isEmpty()
                   ? tr("This revision does not exist in the repository.")
                   : tr("The revision \"%1\" does not exist in the repository.").arg(revision);
    case ErrorCode::EntryNotFound:
        return tr("A file of this model does not exist at this revision.");
    case ErrorCode::GatedAuthRequired:
    case ErrorCode::NeedsToken:
        return tr(
            "This model is gated. Accept its conditions on its Hugging Face page, then enter an "
            "access token (huggingface.co/settings/tokens) with read access.");
    case ErrorCode::GatedAccessDenied:
        return tr(
            "Your account has not been granted access to this gated model yet. Request access on "
            "its Hugging Face page and try again once it is approved.");
    case ErrorCode::InvalidToken:
        return tr("The Hugging Face token was rejected. Check it or create a new one.");
    case ErrorCode::RepoDisabled:
        return tr("This repository has been disabled on the Hub.");
    case ErrorCode::RateLimited:
        return tr("The Hub is rate limiting requests. Try again in a moment.");
    case ErrorCode::ServerError:
        return tr("The Hub had a server error. Try again later.");
    case ErrorCode::Timeout:
        return tr("The Hub did not answer in time.");
    case ErrorCode::NetworkError:
        return tr("Could not reach the Hub: %1").arg(e.message);
    case ErrorCode::Offline:
        return tr("You are offline (or offline mode is on): the Hub cannot be reached.");
    case ErrorCode::InvalidResponse:
        return tr("The Hub sent a response that could not be understood.");
    case ErrorCode::ChecksumMismatch:
        return tr("A downloaded file did not match its checksum.");
    case ErrorCode::SizeMismatch:
        return tr("A downloaded file has the wrong size.");
    case ErrorCode::QuantizationFailed:
        return tr("Quantization failed: %1").arg(e.message);
    case ErrorCode::GpuUnavailable:
        return tr("No usable GPU for quantization.");
    case ErrorCode::OutOfMemory:
        return tr("Out of memory.");
    default:
        break;
    }
    return e.message.isEmpty() ? e.codeName() : e.message;
}

} // namespace mistudio::ui
