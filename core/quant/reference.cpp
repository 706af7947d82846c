// The scalar reference: docs/quantization.md's Format facts as code. Written to be read next to
// them and the CUDA kernels they describe (kQuantizeBlockwise, dQuantizeNF4/FP4, dQuantize<0>,
// kInt8VectorQuant), not for speed. The fast CPU path and the CUDA kernels must produce identical
// bytes.
#include "quant/bnbkernels.h"

#include "quant/bnblayout.h"
#include "quant/rcpapprox.h"
#include "quant/threadpool.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

namespace mistudio::quant {

namespace {

// torch's .to(dtype): round to nearest even; the result as float (exact).
float roundTo(float v, DType t)
{
    switch (t) {
    case DType::BF16: return bf16ToFloat(floatToBf16(v));
    case DType::F16: return halfToFloat(floatToHalf(v));
    default: return v;
    }
}

// GPU float ops under -ftz: subnormal operands and results are flushed.
float absFtz(float x) { return ftz(std::fabs(ftz(x))); }
float maxFtz(float a, float b) { return ftz(std::fmax(ftz(a), ftz(b))); } // fmax ignores NaN
float mulFtz(float a, float b) { return ftz(ftz(a) * ftz(b)); }

} // namespace

float loadCast(const QuantInput &in, uint64_t i)
{
    uint64_t src = i;
    if (in.transposed) { // element (r, c) of [rows, cols] lives at (c, r) of the [cols, rows] source
        const uint64_t r = i / uint64_t(in.cols), c = i % uint64_t(in.cols);
        src = c * uint64_t(in.rows) + r;
    }
    return roundTo(loadAsFloat(in.data, in.sourceDtype, src), in.targetDtype);
}

QuantError nonFiniteError(const QuantInput &in, uint64_t index)
{
    return makeError(QuantErrc::NonFiniteWeight,
                     "weight holds a NaN or infinite value (element " + std::to_string(index) + " after the cast to "
                         + std::string(torchDtypeName(in.targetDtype)) + ")",
                     in.name);
}

namespace reference {

// dQuantizeNF4 (kernels.cu:110): the binary tree of strict comparisons, with the C literals
// (the compiler rounds each straight to float32, which is what the kernel uses;
// docs/quantization.md F3).
uint8_t nf4Code(float x)
{
    if (x > 0.03979014977812767f) {
        if (x > 0.3893125355243683f) {
            if (x > 0.6427869200706482f)
                return x > 0.8614784181118011f ? 0b1111 : 0b1110;
            return x > 0.5016634166240692f ? 0b1101 : 0b1100;
        }
        if (x > 0.2035212516784668f)
            return x > 0.2920137718319893f ? 0b1011 : 0b1010;
        return x > 0.1202552504837513f ? 0b1001 : 0b1000;
    }
    if (x > -0.33967943489551544f) {
        if (x > -0.13791173323988914f)
            return x > -0.045525018125772476f ? 0b0111 : 0b0110;
        return x > -0.23460740596055984f ? 0b0101 : 0b0100;
    }
    if (x > -0.6106329262256622f)
        return x > -0.4599952697753906f ? 0b0011 : 0b0010;
    return x > -0.8480964004993439f ? 0b0001 : 0b0000; // NaN fails every test: code 0
}

// dQuantizeFP4 (kernels.cu:64): sign bit, then the magnitude tree (docs/quantization.md F4).
uint8_t fp4Code(float x)
{
    const uint8_t sign = x < 0 ? 0b1000 : 0b0000; // -0.0 and NaN: no sign bit
    x = std::fabs(x);
    if (x > 0.29166667f) {
        if (x > 0.583333f)
            return x > 0.8333333f ? (0b0011 | sign) : (0b0010 | sign);
        return x > 0.4166667f ? (0b101 | sign) : (0b100 | sign);
    }
    if (x > 0.0859375f)
        return x > 0.20833333f ? (0b0111 | sign) : (0b0110 | sign);
    return x > 0.00260417f ? (0b0001 | sign) : (0b0000 | sign);
}

// dQuantize<0> (kernels.cu:160) on the dynamic map: nearest code, exact midpoints to the even
// index (the loop only compares against odd indices; docs/quantization.md F9).
uint8_t dynamicCode(float x)
{
    const auto code = [](int i) { return bitsToFloat(bnb::kDynamicMap[size_t(i)]); };
    int pivot = 127, upperPivot = 255, lowerPivot = 0;
    float lower = -1.0f, upper = 1.0f;
    float val = code(pivot);
    for (int i = 64; i > 0; i >>= 1) {
        if (x > val) {
            lowerPivot = pivot;
            lower = val;
            pivot += i;
        } else {
            upperPivot = pivot;
            upper = val;
            pivot -= i;
        }
        val = code(pivot);
    }
    if (upperPivot == 255)
        upper = code(255);
    if (lowerPivot == 0)
        lower = code(0);
    if (x > val)
        return uint8_t(x > (upper + val) * 0.5f ? upperPivot : pivot);
    return uint8_t(x < (lower + val) * 0.5f ? lowerPivot : pivot);
}

Status quantize4bit(const QuantInput &in, QuantType type, Quant4Result &out)
{
    const uint64_t n = in.numel();
    const uint64_t blocks = bnb::numBlocks(n);
    out.absmax.assign(blocks, 0.0f);
    out.packed.assign(bnb::packedBytes(n), 0);
    for (uint64_t b = 0; b < blocks; ++b) {
        const uint64_t first = b * bnb::kBlocksize;
        const int count = int(std::min<uint64_t>(bnb::kBlocksize, n - first));
        // Elements past the end of a partial block are loaded as 0 and take part in the max.
        float vals[bnb::kBlocksize];
        for (int j = 0; j < bnb::kBlocksize; ++j) {
            vals[j] = j < count ? loadCast(in, first + uint64_t(j)) : 0.0f;
            if (j < count && !in.allowNonFinite && !std::isfinite(vals[j]))
                return nonFiniteError(in, first + uint64_t(j));
        }
        float absmax = -FLT_MAX; // the CUB reduction's identity
        for (float v : vals)
            absmax = maxFtz(absmax, absFtz(v));
        out.absmax[b] = absmax;
        const float r = rcpApprox(absmax); // 1.0f/absmax under --use_fast_math
        // Codes for the valid elements, plus the padding element when n is odd.
        const int coded = count + (count % 2);
        for (int j = 0; j < coded; ++j) {
            const float y = mulFtz(vals[j], r);
            const uint8_t c = type == QuantType::NF4 ? nf4Code(y) : fp4Code(y);
            const uint64_t i = first + uint64_t(j);
            if (i % 2 == 0)
                out.packed[i / 2] = uint8_t(c << 4); // element 2j: high nibble
            else
                out.packed[i / 2] |= c;
        }
    }
    return {};
}

Status quantize8bit(const QuantInput &in, Int8Result &out)
{
    out.cb.assign(in.numel(), 0);
    out.scb.assign(size_t(in.rows), 0.0f);
    for (int64_t r = 0; r < in.rows; ++r) {
        const uint64_t base = uint64_t(r) * uint64_t(in.cols);
        // Int8Params casts to fp16 whatever the model dtype (docs/quantization.md F11).
        std::vector<float> row(static_cast<size_t>(in.cols));
        float absmax = -0.0f; // -FLT_MIN in half
        for (int64_t c = 0; c < in.cols; ++c) {
            const float v = roundTo(loadCast(in, base + uint64_t(c)), DType::F16);
            if (!in.allowNonFinite && !std::isfinite(v))
                return nonFiniteError(in, base + uint64_t(c));
            row[size_t(c)] = v;
            absmax = std::fmax(absmax, std::fabs(v));
        }
        if (absmax == 0.0f)
            absmax = 0.0f; // an all-zero row stores SCB = +0
        out.scb[size_t(r)] = absmax;
        // __fdividef(127, absmax) == fl32(127 * rcp.approx(absmax)); 0 above 2^126.
        const float scale = mulFtz(127.0f, rcpApprox(absmax));
        for (int64_t c = 0; c < in.cols; ++c) {
            const float y = mulFtz(row[size_t(c)], scale);
            // __float2int_rn: round half to even; NaN (0 * inf on an all-zero row) gives 0.
            const float rounded = std::isnan(y) ? 0.0f : std::nearbyint(y);
            out.cb[base + uint64_t(c)] = int8_t(int(rounded));
        }
    }
    return {};
}

} // namespace reference

float absmaxOffset(const std::vector<float> &absmax)
{
    // torch computes mean() as (float32 tree sum) * fl32(1/n) on the GPU. The tree order is not
    // reproducible (it depends on the launch configuration), so we sum in float64, whose error
    // (at most n * 2^-53 of the sum) is far below float32's rounding: fl32 of it is the correctly
    // rounded sum unless the exact sum lies within that distance of a rounding boundary. Eight
    // interleaved partial sums, added in order at the end: the same result everywhere, and a
    // loop the compiler vectorizes (a single chain of dependent adds cost 15 ms per 28M values).
    constexpr size_t kLanes = 8;
    double part[kLanes] = {};
    const size_t n = absmax.size(), whole = n / kLanes * kLanes;
    for (size_t i = 0; i < whole; i += kLanes)
        for (size_t j = 0; j < kLanes; ++j)
            part[j] += double(absmax[i + j]);
    for (size_t i = whole; i < n; ++i)
        part[i - whole] += double(absmax[i]);
    double sum = 0.0;
    for (double p : part)
        sum += p;
    const float factor = 1.0f / float(n);
    return float(sum) * factor;
}

NestedResult doubleQuantize(const std::vector<float> &absmax, ThreadPool *pool)
{
    NestedResult r;
    doubleQuantize(absmax, r, pool);
    return r;
}

void doubleQuantize(const std::vector<float> &absmax, NestedResult &r, ThreadPool *pool)
{
    const uint64_t n = absmax.size();
    r.offset = 0.0f;
    r.qabsmax.resize(n); // every element is written below
    r.nestedAbsmax.resize(bnb::numBlocks(n, bnb::kNestedBlocksize));
    if (n == 0)
        return;
    r.offset = absmaxOffset(absmax);
    const uint64_t blocks = bnb::numBlocks(n, bnb::kNestedBlocksize);
    // Per nested block: v = absmax - offset (torch's IEEE subtraction), its flushed |v|'s maximum,
    // the codes of ftz(ftz(v) * ftz(rcp(maximum))) (cpu::nestedBlocks; simd::nestedBlockScalar
    // is the plain version).
    auto codeBlocks = [&](size_t b0, size_t b1) {
        cpu::nestedBlocks(absmax.data(), size_t(n), r.offset, b0, b1, r.nestedAbsmax.data(), r.qabsmax.data());
    };
    if (pool)
        pool->parallelFor(size_t(blocks), 64, codeBlocks);
    else
        codeBlocks(0, size_t(blocks));
}

std::vector<float> dequantizeAbsmax(const NestedResult &nested)
{
    std::vector<float> out(nested.qabsmax.size());
    for (size_t i = 0; i < out.size(); ++i)
        out[i] = bitsToFloat(bnb::kDynamicMap[nested.qabsmax[i]]) * nested.nestedAbsmax[i / bnb::kNestedBlocksize]
                 + nested.offset;
    return out;
}

std::vector<float> dequantize4bit(const Quant4Result &q, QuantType type, uint64_t n)
{
    std::vector<float> out(n);
    for (uint64_t i = 0; i < n; ++i) {
        const uint8_t byte = q.packed[i / 2];
        const uint8_t c = (i % 2 == 0) ? uint8_t(byte >> 4) : uint8_t(byte & 0xf);
        const float v = bitsToFloat(type == QuantType::NF4 ? bnb::kNf4ValueBits[c] : bnb::kFp4QuantMapBits[c]);
        out[i] = v * q.absmax[i / bnb::kBlocksize];
    }
    return out;
}

std::vector<float> dequantize8bit(const Int8Result &q, int64_t rows, int64_t cols)
{
    std::vector<float> out(size_t(rows * cols));
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c)
            out[size_t(r * cols + c)] = float(q.cb[size_t(r * cols + c)]) * q.scb[size_t(r)] / 127.0f;
    return out;
}

} // namespace mistudio::quant
