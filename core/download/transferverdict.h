#pragma once

#include "common/error.h"
#include "download/transferworker.h"

#include <QString>

namespace mistudio {

// What a file download does about the end of one of its transfers (docs/download.md, Retries).
struct TransferVerdict
{
    enum class Action {
        Written,           // the piece is in the file
        Nothing,           // stopped on purpose
        Fail,              // the file fails with `error`
        SwitchToWholeFile, // the server ignores Range: one plain GET for the whole file
        Reresolve,         // the signed URL expired (or the CDN lost it): a fresh HEAD
        Retry,             // the piece again from its last byte, after `waitMs` (-1: the backoff)
    };
    Action action = Action::Nothing;
    Error error;        // Fail
    ErrorCode code = ErrorCode::Internal; // Retry: the cause when the retries run out
    QString cause;      // Retry: "http_503", "stall", ...
    int waitMs = -1;    // Retry
    int httpStatus = 0; // Reresolve
};

TransferVerdict judgeTransfer(const ChunkResult &result, const QString &path);

} // namespace mistudio
