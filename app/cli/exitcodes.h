#pragma once

#include "common/error.h"

namespace mistudio::cli {

// Documented in README.md ("Exit codes"); scripts rely on these numbers.
enum ExitCode : int {
    ExitOk = 0,
    ExitFailure = 1,       // anything not listed below
    ExitUsage = 2,         // bad command line or invalid input (repo id, revision, option value)
    ExitNotFound = 3,      // repo, revision, file or catalogue record not found
    ExitAuth = 4,          // gated repo, invalid or missing token, access denied
    ExitNetwork = 5,       // offline, timeout, rate limited, server or network error
    ExitConflict = 6,      // illegal state change, ambiguous id, conflicting request
    ExitIntegrity = 7,     // checksum/size mismatch, invalid or unsafe checkpoint
    ExitDisk = 8,          // disk full or not enough free space
    ExitCancelled = 130,   // interrupted (Ctrl-C) or cancelled
};

int exitCodeFor(ErrorCode code);

} // namespace mistudio::cli
