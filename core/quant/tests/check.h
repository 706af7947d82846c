#pragma once

// A minimal test harness for core/quant's plain test executables: CHECK() records a failure and
// goes on; main() returns the failure count (0 = pass).
#include <cstdio>
#include <cstdlib>
#include <string>

#include <dlfcn.h>

namespace quanttest {

inline int &failures()
{
    static int n = 0;
    return n;
}

inline void fail(const char *file, int line, const std::string &what)
{
    ++failures();
    std::fprintf(stderr, "FAIL %s:%d: %s\n", file, line, what.c_str());
}

// Under the direct-write fault shim (the *_direct_einval / *_direct_short ctest variants, see
// directfault.cpp): where direct writes were used, faults must have been injected, or the variant
// tested nothing.
inline void checkDirectFaultsInjected(bool directUsed)
{
    if (!std::getenv("MISTUDIO_TEST_DIRECT_FAULT"))
        return;
    using Count = long (*)();
    const auto count = reinterpret_cast<Count>(dlsym(RTLD_DEFAULT, "mistudio_direct_faults"));
    const long n = count ? count() : -1;
    std::printf("direct-write faults injected (%s): %ld\n", std::getenv("MISTUDIO_TEST_DIRECT_FAULT"), n);
    if (!count)
        fail(__FILE__, __LINE__, "MISTUDIO_TEST_DIRECT_FAULT is set but the shim is not loaded (LD_PRELOAD)");
    else if (directUsed && n <= 0)
        fail(__FILE__, __LINE__, "no direct-write fault was injected");
}

inline int finish(const char *name)
{
    if (failures() == 0)
        std::printf("PASS %s\n", name);
    else
        std::printf("FAILED %s: %d failure(s)\n", name, failures());
    return failures() == 0 ? 0 : 1;
}

} // namespace quanttest

#define CHECK(cond) \
    do { \
        if (!(cond)) \
            quanttest::fail(__FILE__, __LINE__, #cond); \
    } while (0)
#define CHECK_MSG(cond, msg) \
    do { \
        if (!(cond)) \
            quanttest::fail(__FILE__, __LINE__, std::string(#cond) + ": " + (msg)); \
    } while (0)
#define CHECK_EQ(a, b) \
    do { \
        const auto &va_ = (a); \
        const auto &vb_ = (b); \
        if (!(va_ == vb_)) \
            quanttest::fail(__FILE__, __LINE__, std::string(#a " == " #b)); \
    } while (0)
