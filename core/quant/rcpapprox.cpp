#include "quant/rcpapprox.h"

#include "quant/dtype.h"

#include <zlib.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

// The gzip'd table (136 KB) is embedded at build time with .incbin; MISTUDIO_RCP_TABLE_GZ is its
// absolute path, set by CMake. Measured on an H200 (see core/quant/data/README.md).
#define MISTUDIO_STR2(x) #x
#define MISTUDIO_STR(x) MISTUDIO_STR2(x)
__asm__(".section .rodata\n"
        ".balign 16\n"
        ".global mistudio_rcp_table_gz\n"
        "mistudio_rcp_table_gz:\n"
        ".incbin \"" MISTUDIO_STR(MISTUDIO_RCP_TABLE_GZ) "\"\n"
        ".global mistudio_rcp_table_gz_end\n"
        "mistudio_rcp_table_gz_end:\n"
        ".previous\n");
extern "C" const unsigned char mistudio_rcp_table_gz[];
extern "C" const unsigned char mistudio_rcp_table_gz_end[];

namespace mistudio::quant {

namespace {

constexpr size_t kEntries = size_t(1) << 23;

const int8_t *loadTable()
{
    static std::vector<int8_t> t(kEntries + 3); // + padding for 4-byte gathers
    z_stream zs{};
    zs.next_in = const_cast<Bytef *>(mistudio_rcp_table_gz);
    zs.avail_in = uInt(mistudio_rcp_table_gz_end - mistudio_rcp_table_gz);
    zs.next_out = reinterpret_cast<Bytef *>(t.data());
    zs.avail_out = uInt(kEntries);
    // 16 + MAX_WBITS: expect a gzip wrapper
    const bool ok = inflateInit2(&zs, 16 + MAX_WBITS) == Z_OK && inflate(&zs, Z_FINISH) == Z_STREAM_END
                    && zs.total_out == kEntries;
    inflateEnd(&zs);
    if (!ok)
        std::abort(); // a corrupt embedded table is a build defect, not a runtime condition
    return t.data();
}

// Initialised once, thread-safely (a function-local static: one inlined guard check per call,
// where std::call_once cost a library call on every reciprocal).
inline const int8_t *table()
{
    static const int8_t *const t = loadTable();
    return t;
}

} // namespace

const int8_t *rcpCorrectionTable() { return table(); }

int rcpCorrection(uint32_t mantissa23)
{
    return table()[mantissa23 & 0x7fffffu];
}

float rcpApprox(float x)
{
    const uint32_t b = floatToBits(x);
    const uint32_t sign = b & 0x80000000u;
    const uint32_t exp = (b >> 23) & 0xffu;
    if (exp == 0xff) {
        if (b & 0x7fffffu)
            return x; // NaN
        return bitsToFloat(sign); // rcp(+-inf) = +-0
    }
    if (exp == 0) // zero or subnormal (flushed): +-inf
        return bitsToFloat(sign | 0x7f800000u);
    const float r = 1.0f / x;
    uint32_t rb = floatToBits(r);
    if ((rb & 0x7f800000u) == 0) // subnormal result flushed (|x| > 2^126)
        return bitsToFloat(sign);
    rb = uint32_t(int64_t(rb) + table()[b & 0x7fffffu]);
    return bitsToFloat(rb);
}

} // namespace mistudio::quant
