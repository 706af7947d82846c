#pragma once

// Hand-vectorized kernels of the CPU path (internal to core/quant). Each one computes exactly
// the reference's arithmetic (docs/quantization.md, Format facts) with intrinsics; cpuquant.cpp
// picks one at run time when the processor has the instructions, and falls back to its portable
// loops otherwise.
// tst_formats checks every path against the scalar reference byte for byte.
#include "quant/bnbkernels.h"

#include <cstddef>
#include <cstdint>

namespace mistudio::quant::cpu::simd {

// Which kernel set this processor can run (decided once).
enum class Isa { None, Avx2, Avx512 };
Isa detectedIsa();
const char *isaName(Isa isa);
// For tests and benchmarks: force a lower kernel set (never a higher one than detected).
void setIsaLimit(Isa limit);
Isa activeIsa();

// Whether the kernels handle this input: not transposed, F32/F16/BF16 source and target.
bool handles(const QuantInput &in);

// 4-bit: blocks [b0, b1) of the flattened matrix into packed/absmax (whole arrays, indexed by
// block). Returns false if an element is NaN/Inf (the caller finds which); results are written
// regardless, as the reference does.
bool quantize4Avx512(const QuantInput &in, QuantType type, size_t b0, size_t b1, uint8_t *packed, float *absmax);
bool quantize4Avx2(const QuantInput &in, QuantType type, size_t b0, size_t b1, uint8_t *packed, float *absmax);

// For tests: the 4-bit code of each scaled value y[i] as the AVX-512 kernels find it (bucket
// tables; NF4 code, or FP4 code with its sign bit). Does nothing without AVX-512.
void codes4Avx512(QuantType type, const float *y, size_t n, uint8_t *codes);

// For tests: rcpApprox of n values as the AVX-512 kernels compute them (16 at a time).
void rcpAvx512(const float *x, size_t n, float *out);

// LLM.int8: rows [r0, r1) into cb/scb (whole arrays). rowBuffer holds at least `cols` floats.
bool quantize8Avx512(const QuantInput &in, size_t r0, size_t r1, int8_t *cb, float *scb, float *rowBuffer);
bool quantize8Avx2(const QuantInput &in, size_t r0, size_t r1, int8_t *cb, float *scb, float *rowBuffer);

// The reference's dynamic-map search compares x with code(pivot) at 7 steps (increments 64, 32,
// ..., 1). At step s the pivot can only be start_s + stride_s * k with k < 2^s (k = the answers
// so far, read as a binary number), so the value compared is a lookup in a table of 2^s entries,
// which the kernels do with permutes (AVX-512: 16 entries each; AVX2: 8, then blends on the
// index's higher bits). Only the lookups after the search (any of 256 indices) are gathers.
struct DynSteps
{
    float table[7][64] = {};
    int start[8] = {};
    int strideShift[8] = {};
};
const DynSteps &dynSteps();

// Dynamic-map codes of n values (the nested absmax): the reference's search with the lookups above.
void dynamicCodesAvx512(const float *x, size_t n, uint8_t *codes);
void dynamicCodesAvx2(const float *x, size_t n, uint8_t *codes);

// Double quantization of nested block b (256 of the n first-level absmax values) into nested[b]
// and codes[256 b...]: v = absmax - offset (zero past the end), the maximum of the flushed |v|,
// then the dynamic-map codes of ftz(ftz(v) * ftz(rcpApprox(maximum))). The portable version
// (cpuquant.cpp); the vector ones below do whole blocks [b0, b1) and call it for a partial one.
void nestedBlockScalar(const float *absmax, size_t n, float offset, size_t b, float *nested, uint8_t *codes);
void nestedBlocksAvx512(const float *absmax, size_t n, float offset, size_t b0, size_t b1, float *nested,
                        uint8_t *codes);
void nestedBlocksAvx2(const float *absmax, size_t n, float offset, size_t b0, size_t b1, float *nested,
                      uint8_t *codes);

} // namespace mistudio::quant::cpu::simd
