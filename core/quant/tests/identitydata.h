#pragma once

// Inputs for the cross-implementation identity tests (reference vs CPU vs CUDA): random normal
// weights, values placed within +-3 ulp of every decision threshold, zero/subnormal/special
// blocks, partial last blocks and odd element counts, in float32, float16 and bfloat16.
#include "quant/bnbkernels.h"
#include "quant/bnblayout.h"
#include "quant/rcpapprox.h"

#include <cfloat>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace quanttest {

using namespace mistudio::quant;

struct IdentityCase
{
    std::string name;
    std::vector<uint8_t> bytes;
    DType source = DType::F32;
    DType target = DType::F32;
    int64_t rows = 0, cols = 0;
    bool transposed = false;
    bool allowNonFinite = false;

    QuantInput input() const
    {
        QuantInput in;
        in.data = bytes.data();
        in.sourceDtype = source;
        in.targetDtype = target;
        in.rows = rows;
        in.cols = cols;
        in.transposed = transposed;
        in.name = name;
        in.allowNonFinite = allowNonFinite;
        return in;
    }
};

inline void storeAs(std::vector<uint8_t> &bytes, DType t, size_t i, float v)
{
    switch (t) {
    case DType::F32: std::memcpy(bytes.data() + 4 * i, &v, 4); break;
    case DType::BF16: { const uint16_t h = floatToBf16(v); std::memcpy(bytes.data() + 2 * i, &h, 2); break; }
    case DType::F16: { const uint16_t h = floatToHalf(v); std::memcpy(bytes.data() + 2 * i, &h, 2); break; }
    default: break;
    }
}

inline std::vector<uint8_t> encode(const std::vector<float> &v, DType t)
{
    std::vector<uint8_t> b(v.size() * dtypeSize(t));
    for (size_t i = 0; i < v.size(); ++i)
        storeAs(b, t, i, v[i]);
    return b;
}

// Steps a value by k ulps of dtype t (in the dtype's own representation).
inline float stepUlps(float v, int k, DType t)
{
    if (t == DType::F32) {
        for (; k > 0; --k) v = std::nextafter(v, INFINITY);
        for (; k < 0; ++k) v = std::nextafter(v, -INFINITY);
        return v;
    }
    uint16_t h = t == DType::BF16 ? floatToBf16(v) : floatToHalf(v);
    const bool neg = h & 0x8000u;
    int mag = h & 0x7fff;
    mag += neg ? -k : k;
    if (mag < 0) { mag = -mag; h = uint16_t(neg ? 0 : 0x8000); } else { h = uint16_t(neg ? 0x8000 : 0); }
    h = uint16_t(h | uint16_t(mag));
    return t == DType::BF16 ? bf16ToFloat(h) : halfToFloat(h);
}

inline float roundToDtype(float v, DType t)
{
    if (t == DType::BF16) return bf16ToFloat(floatToBf16(v));
    if (t == DType::F16) return halfToFloat(floatToHalf(v));
    return v;
}

// Blocks of 64 whose first element sets absmax A and whose others sit within +-3 ulp of
// T_k * A for every threshold of `type` (so y = x * rcp(A) straddles T_k).
inline std::vector<float> thresholdBlocks(QuantType type, DType t, int repeats, uint32_t seed)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> amaxDist(0.001f, 4.0f);
    std::vector<float> thresholds;
    if (type == QuantType::NF4) {
        for (uint32_t b : bnb::kNf4ThresholdBits) thresholds.push_back(bitsToFloat(b));
    } else {
        for (uint32_t b : bnb::kFp4ThresholdBits) { thresholds.push_back(bitsToFloat(b)); thresholds.push_back(-bitsToFloat(b)); }
    }
    std::vector<float> vals;
    for (int rep = 0; rep < repeats; ++rep) {
        const float a = rep == 0 ? 1.0f : roundToDtype(amaxDist(rng), t);
        const float r = rcpApprox(a);
        std::vector<float> block{(rep % 2) ? -a : a};
        for (float th : thresholds) {
            // The x whose product with r is closest to th, then +-3 dtype ulps around it.
            const float x0 = roundToDtype(th / r, t);
            for (int k = -3; k <= 3; ++k) {
                float x = stepUlps(x0, k, t);
                if (std::fabs(x) > a) x = std::copysign(a, x);
                block.push_back(x);
                if (block.size() == 64) { vals.insert(vals.end(), block.begin(), block.end()); block = {(rep % 2) ? -a : a}; }
            }
        }
        while (block.size() < 64) block.push_back(0.0f);
        vals.insert(vals.end(), block.begin(), block.end());
    }
    return vals;
}

// Rows whose first element sets absmax A and the others sit within +-3 fp16 ulp of (k + 0.5) / scale.
inline std::vector<float> int8TieRows(int rows, int cols, uint32_t seed)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> amaxDist(0.01f, 8.0f);
    std::uniform_int_distribution<int> kDist(-127, 126);
    std::vector<float> v(size_t(rows) * size_t(cols));
    for (int r = 0; r < rows; ++r) {
        const float a = r == 0 ? 127.0f : roundToDtype(amaxDist(rng), DType::F16);
        const float scale = 127.0f * rcpApprox(a);
        v[size_t(r) * size_t(cols)] = a;
        for (int c = 1; c < cols; ++c) {
            const float target = (float(kDist(rng)) + 0.5f) / scale;
            float x = stepUlps(roundToDtype(target, DType::F16), (c % 7) - 3, DType::F16);
            if (std::fabs(x) > a) x = std::copysign(a, x);
            v[size_t(r) * size_t(cols) + size_t(c)] = x;
        }
    }
    return v;
}

// Special blocks: all zero, all -0, subnormals (fp32 and bf16-subnormal), subnormals next to a
// normal absmax, tiny and huge absmax; then (withNonFinite) NaN and Inf blocks.
inline std::vector<float> specialBlocks(bool withNonFinite = true)
{
    std::vector<float> v;
    auto block = [&](auto fn) { for (int j = 0; j < 64; ++j) v.push_back(fn(j)); };
    block([](int) { return 0.0f; });
    block([](int) { return -0.0f; });
    block([](int j) { return (j % 2 ? -1.0f : 1.0f) * 1e-40f; });
    block([](int j) { return j == 0 ? 0.5f : (j % 2 ? -1e-39f : 3e-40f); });
    block([](int j) { return j == 0 ? 1.5e-38f : float(j) * 1e-40f; });
    block([](int j) { return j == 0 ? 3.0e38f : float(j) * 1e36f; });
    block([](int j) { return j == 0 ? 1.2e-38f : float(j - 32) * 1.5e-40f; });
    block([](int j) { return float(j - 32) * 0.03125f; });
    // normal elements whose scaled value y = x * (1/absmax) is subnormal or straddles FLT_MIN, of
    // both signs (y is flushed before coding: FP4's sign bit depends on it)
    block([](int j) { return j == 0 ? 1e4f : (j % 2 ? -1.0f : 1.0f) * 1.5e-38f * float(j); });
    block([](int j) { return j == 0 ? 2.0f : (j % 2 ? -1.0f : 1.0f) * FLT_MIN * (1.0f + float(j) / 32.0f); });
    if (!withNonFinite)
        return v;
    // bnb's NaN/Inf behaviour (docs/quantization.md F6), compared with allowNonFinite
    block([](int j) { return j == 3 ? NAN : float(j) * 0.01f; });
    block([](int) { return NAN; });
    block([](int j) { return j == 9 ? INFINITY : float(j) * 0.01f; });
    block([](int j) { return j == 9 ? -INFINITY : -float(j) * 0.01f; });
    return v;
}

inline std::vector<float> normalValues(size_t n, float stddev, uint32_t seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> d(0.0f, stddev);
    std::vector<float> v(n);
    for (auto &x : v) x = d(rng);
    return v;
}

// All cases for one source dtype. `scale` multiplies the random sizes (1 on CPU tests).
inline std::vector<IdentityCase> identityCases(DType src, QuantType type, bool int8, int scale = 1)
{
    std::vector<IdentityCase> cases;
    auto add = [&](std::string name, const std::vector<float> &vals, int64_t rows, int64_t cols, DType target,
                   bool transposed = false) {
        IdentityCase c;
        c.name = std::move(name);
        c.bytes = encode(vals, src);
        c.source = src;
        c.target = target;
        c.rows = rows;
        c.cols = cols;
        c.transposed = transposed;
        cases.push_back(std::move(c));
    };
    const std::string s = std::string(dtypeName(src));
    const int64_t cols = 4096, rows = 256 * scale;
    add("normal/" + s, normalValues(size_t(rows * cols), 0.02f, 1), rows, cols, src);
    add("normal-as-bf16/" + s, normalValues(size_t(64 * 1000 + 77), 0.02f, 2), 1, 64 * 1000 + 77, DType::BF16);
    add("normal-as-f16/" + s, normalValues(size_t(64 * 1000 + 77), 1.0f, 3), 1, 64 * 1000 + 77, DType::F16);
    add("normal-as-f32/" + s, normalValues(size_t(64 * 1000 + 77), 0.5f, 4), 1, 64 * 1000 + 77, DType::F32);
    add("transposed/" + s, normalValues(300 * 100, 0.02f, 5), 300, 100, src, true);
    for (int64_t n : {1, 2, 3, 63, 65, 67, 129}) // odd counts, partial blocks
        add("count" + std::to_string(n) + "/" + s, normalValues(size_t(n), 1.0f, uint32_t(10 + n)), 1, n, src);
    if (!int8) {
        const auto t = thresholdBlocks(type, src, 4000 * scale, 7);
        add("thresholds/" + s, t, int64_t(t.size() / 64), 64, src);
        const auto sp = specialBlocks();
        add("special/" + s, sp, int64_t(sp.size() / 64), 64, src);
        cases.back().allowNonFinite = true;
        // The finite ones alone as well: a chunk holding NaN/Inf is redone by the kernels' float
        // path, so the blocks above would never reach the bf16 integer path on their own.
        const auto spf = specialBlocks(false);
        add("special-finite/" + s, spf, int64_t(spf.size() / 64), 64, src);
        cases.back().allowNonFinite = true; // the huge block overflows float16 to inf
    } else {
        const auto t = int8TieRows(2000 * scale, 256, 8);
        add("ties/" + s, t, 2000 * scale, 256, src);
        std::vector<float> z(4 * 64, 0.0f);
        z[64 * 2 + 5] = 1e-7f; // a row holding one fp16 subnormal
        add("zero-rows/" + s, z, 4, 64, src);
    }
    return cases;
}

} // namespace quanttest
