#pragma once

// Invariants checked inside the fuzz targets. A broken one aborts, which libFuzzer reports as a
// crash and saves the input (crash-<sha1>), exactly as it does for a sanitizer finding: a parser
// that accepts what it promised to reject is as much a finding as a buffer overflow.
#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond) \
    do { \
        if (!(cond)) { \
            std::fprintf(stderr, "fuzz invariant broken: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
            std::abort(); \
        } \
    } while (0)
