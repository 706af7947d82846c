// LD_PRELOAD shim for the direct-write fallbacks of SafetensorsWriter (no other way to make a
// file system that accepted O_DIRECT at open refuse it later). MISTUDIO_TEST_DIRECT_FAULT:
//   einval:N  every pwrite to an O_DIRECT descriptor after the first N fails with EINVAL;
//   short:N   every Nth pwrite to an O_DIRECT descriptor writes only its first 4 KB-aligned half
//             (a real short write: the bytes reported are the bytes written).
// Other descriptors are untouched. mistudio_direct_faults() says how many faults were injected,
// so that a test can check that it tested something.
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

namespace {

using PwriteFn = ssize_t (*)(int, const void *, size_t, off_t);

std::atomic<long> g_directCalls{0};
std::atomic<long> g_faults{0};

PwriteFn realPwrite(const char *name)
{
    return reinterpret_cast<PwriteFn>(dlsym(RTLD_NEXT, name));
}

ssize_t faulty(PwriteFn real, int fd, const void *buf, size_t n, off_t off)
{
    const char *spec = std::getenv("MISTUDIO_TEST_DIRECT_FAULT");
    const int flags = fcntl(fd, F_GETFL);
    if (!spec || flags < 0 || !(flags & O_DIRECT))
        return real(fd, buf, n, off);
    const long call = ++g_directCalls;
    const char *colon = std::strchr(spec, ':');
    const long every = colon ? std::atol(colon + 1) : 1;
    if (std::strncmp(spec, "einval", 6) == 0 && call > every) {
        ++g_faults;
        errno = EINVAL;
        return -1;
    }
    if (std::strncmp(spec, "short", 5) == 0 && every > 0 && call % every == 0 && n >= 8192) {
        ++g_faults;
        return real(fd, buf, n / 2 / 4096 * 4096, off);
    }
    return real(fd, buf, n, off);
}

} // namespace

extern "C" {

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    static const PwriteFn real = realPwrite("pwrite");
    return faulty(real, fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
    static const PwriteFn real = realPwrite("pwrite64");
    return faulty(real, fd, buf, n, off);
}

long mistudio_direct_faults() { return g_faults.load(); }

} // extern "C"
