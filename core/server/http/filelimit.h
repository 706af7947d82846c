#pragma once

#include <QtGlobal>

namespace mistudio::http {

// Every connection costs a file descriptor, and the usual soft limit (1024) is far below what
// the kernel allows. A server raises its soft RLIMIT_NOFILE to the hard limit at start and
// sizes its connection caps below it. Both return the soft limit now in force, -1 if unknown.
qint64 raiseOpenFileLimit();
qint64 openFileLimit();

} // namespace mistudio::http
