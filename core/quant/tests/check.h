#pragma once

// A minimal test harness for core/quant's plain test executables: CHECK() records a failure and
// goes on; main() returns the failure count (0 = pass).
#include <cstdio>
#include <string>

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
