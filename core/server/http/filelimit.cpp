#include "server/http/filelimit.h"

#include <limits>
#include <sys/resource.h>

namespace mistudio::http {

qint64 openFileLimit()
{
    struct rlimit rl = {};
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return -1;
    return rl.rlim_cur == RLIM_INFINITY ? std::numeric_limits<qint64>::max() : qint64(rl.rlim_cur);
}

qint64 raiseOpenFileLimit()
{
    struct rlimit rl = {};
    if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &rl); // keeps the old limit when refused
    }
    return openFileLimit();
}

} // namespace mistudio::http
