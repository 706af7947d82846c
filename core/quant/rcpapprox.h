#pragma once

#include <cstdint>

namespace mistudio::quant {

// Emulation of the GPU's approximate reciprocal rcp.approx.ftz.f32 (what bnb's `1.0f / absmax`
// compiles to under --use_fast_math; docs/quantization.md F2): IEEE RN(1/x) corrected by the
// measured per-mantissa table data/rcp_approx_minus_rn_sm90.int8.gz (sm_90; embedded in the
// library), with flush-to-zero of subnormal inputs and results.
float rcpApprox(float x);

// The correction for a 23-bit mantissa, in ulps of the float32 result (-1, 0 or +1).
int rcpCorrection(uint32_t mantissa23);
// The whole correction table: 2^23 entries indexed by the mantissa, then 3 zero bytes, so that a
// 4-byte load at any entry (a vector gather) stays inside it.
const int8_t *rcpCorrectionTable();

// Flush-to-zero as the GPU does under -ftz: subnormals become a zero of the same sign.
inline float ftz(float x)
{
    uint32_t b;
    __builtin_memcpy(&b, &x, 4);
    if ((b & 0x7f800000u) == 0)
        b &= 0x80000000u;
    float r;
    __builtin_memcpy(&r, &b, 4);
    return r;
}

} // namespace mistudio::quant
