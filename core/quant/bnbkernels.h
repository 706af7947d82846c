#pragma once

#include "quant/dtype.h"
#include "quant/modelrules.h"
#include "quant/quanterror.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mistudio::quant {

class ThreadPool;

// One weight to quantize: the matrix [rows, cols] = [out, in] as bnb sees it, read from the
// source bytes (Conv1D: the source is [in, out] and is read transposed), each element cast to
// targetDtype first (torch's .to(): round to nearest even) as transformers does.
struct QuantInput
{
    const uint8_t *data = nullptr;
    DType sourceDtype = DType::BF16;
    DType targetDtype = DType::BF16;
    int64_t rows = 0;
    int64_t cols = 0;
    bool transposed = false;
    std::string name; // for errors
    // bnb quantizes NaN/Inf silently (docs/quantization.md F6); we refuse them unless a test
    // asks for bnb's behaviour.
    bool allowNonFinite = false;
    // Where the same bytes can also be read with pread (fd >= 0): the CPU path then reads each
    // piece into a small per-thread buffer instead of through the mapping. On a page-cache hit
    // that copy costs less CPU than mapping and unmapping the pages (measured: 0.22 against
    // 0.28-0.35 CPU-s per 4 GB), and the kernel then finds the piece in cache. `data` is still
    // needed (transposed weights, errors, other paths).
    int fd = -1;
    uint64_t fileOffset = 0;

    uint64_t numel() const { return uint64_t(rows) * uint64_t(cols); }
};

struct Quant4Result
{
    std::vector<uint8_t> packed; // ceil(n/2) bytes, element 2j in the high nibble of byte j
    std::vector<float> absmax;   // one per 64-element block
};

struct Int8Result
{
    std::vector<int8_t> cb;  // [rows, cols]
    std::vector<float> scb;  // [rows]
};

struct NestedResult
{
    float offset = 0.0f;
    std::vector<uint8_t> qabsmax;      // one code per first-level block
    std::vector<float> nestedAbsmax;   // one per 256 first-level blocks
};

// Element i of the matrix after the cast to the target dtype, as float (exact).
float loadCast(const QuantInput &in, uint64_t i);

QuantError nonFiniteError(const QuantInput &in, uint64_t index);

// The plain scalar reference: the executable form of docs/quantization.md's Format facts,
// written for clarity, not speed. The CPU and CUDA paths must produce identical bytes.
namespace reference {
Status quantize4bit(const QuantInput &in, QuantType type, Quant4Result &out);
Status quantize8bit(const QuantInput &in, Int8Result &out);
uint8_t nf4Code(float y);  // the literal comparison tree of dQuantizeNF4
uint8_t fp4Code(float y);  // the literal comparison tree of dQuantizeFP4
uint8_t dynamicCode(float x); // dQuantize<0> on the dynamic map (docs/quantization.md F9)
} // namespace reference

// Double quantization of the first-level absmax (docs/quantization.md F7-F10), shared by every
// path (it touches 1/64 of the data). offset = fl32(fl32(sum_f64(absmax)) * fl32(1/nb)); see
// docs/quantization.md for why torch's CUDA mean cannot be reproduced exactly.
float absmaxOffset(const std::vector<float> &absmax);
// With a pool, the nested blocks are coded in parallel (same bytes).
NestedResult doubleQuantize(const std::vector<float> &absmax, ThreadPool *pool = nullptr);
// The same into `out`, reusing the capacity of its vectors.
void doubleQuantize(const std::vector<float> &absmax, NestedResult &out, ThreadPool *pool = nullptr);
// absmax as bnb's dequantizer rebuilds it: code8[q] * nested_absmax[i/256] + offset.
std::vector<float> dequantizeAbsmax(const NestedResult &nested);

// The fast multithreaded CPU path (same arithmetic, branch-free and vectorizable loops).
namespace cpu {
Status quantize4bit(const QuantInput &in, QuantType type, Quant4Result &out, ThreadPool &pool);
// The same into caller-provided storage: packed holds packedBytes(n), absmax numBlocks(n).
Status quantize4bit(const QuantInput &in, QuantType type, uint8_t *packed, float *absmax, ThreadPool &pool);
Status quantize8bit(const QuantInput &in, Int8Result &out, ThreadPool &pool);
// The same into caller-provided storage: cb holds rows * cols, scb rows.
Status quantize8bit(const QuantInput &in, int8_t *cb, float *scb, ThreadPool &pool);
// reference::dynamicCode's decisions without branches (the nested absmax codes; identical results,
// checked by tst_quant_formats): the branchy search mispredicts on every step.
uint8_t dynamicCode(float x);
// Codes of n values with the widest kernel set this processor runs (same results).
void dynamicCodes(const float *x, size_t n, uint8_t *codes);
// Nested blocks [b0, b1) of the double quantization (see doubleQuantize), with the best kernels.
void nestedBlocks(const float *absmax, size_t n, float offset, size_t b0, size_t b1, float *nested, uint8_t *codes);
} // namespace cpu

// Dequantization (bnb's formulas), for error measurements and tests.
std::vector<float> dequantize4bit(const Quant4Result &q, QuantType type, uint64_t n);
std::vector<float> dequantize8bit(const Int8Result &q, int64_t rows, int64_t cols);

} // namespace mistudio::quant
