// AVX-512 kernels of the CPU path (see cpusimd.h). The arithmetic is the reference's; what changes
// is the shape of it:
// - a 4-bit code is found by a 4-step binary search over the thresholds (one table permute and one
//   compare per step) instead of 15 comparisons; NaN compares false everywhere, so it still gets
//   code 0 (NF4) / rank 0 (FP4) like the threshold count;
// - blocks are done in chunks: first every block's flushed values and absmax, then the chunk's
//   reciprocals (independent table lookups that overlap), then the codes.
// Only functions marked MST_AVX512 run AVX-512; nothing here is an inline function shared with
// other translation units, so no AVX-512 copy of one can be picked by the linker for code that runs
// on processors without it.
#include "quant/cpusimd.h"

#include "quant/bnbconstants.h"
#include "quant/bnblayout.h"
#include "quant/rcpapprox.h"

#include <cfloat>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
// GCC 12's avx512fintrin.h starts many intrinsics from _mm512_undefined_*(), which its
// -Wmaybe-uninitialized reports at every use (GCC bug 105593); the warning says nothing about us.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <immintrin.h>
#define MST_HAVE_AVX512 1
#define MST_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq")))
#define MST_AVX512_INLINE __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq"), always_inline)) static inline
#endif

namespace mistudio::quant::cpu::simd {

#ifdef MST_HAVE_AVX512

namespace {

constexpr int kBs = 64;
constexpr size_t kChunkBlocks = 32; // 8 KB of float values: stays in L1 between the passes
constexpr size_t kPrefetchBlocks = 16;

float fromBits(uint32_t b)
{
    float f;
    std::memcpy(&f, &b, 4);
    return f;
}

MST_AVX512_INLINE __mmask16 laneMask(int64_t remaining)
{
    if (remaining >= 16)
        return __mmask16(0xffff);
    if (remaining <= 0)
        return 0;
    return __mmask16((1u << remaining) - 1u);
}

// 16 elements from index i as float, lanes outside the mask are 0 (and never read). Whole
// vectors use plain loads: masked ones measured 20 % slower on this kernel (Zen 5).
MST_AVX512_INLINE __m512 load16(const uint8_t *base, DType src, uint64_t i, __mmask16 m)
{
    if (m == __mmask16(0xffff)) {
        switch (src) {
        case DType::BF16: {
            const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(base + 2 * i));
            return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
        }
        case DType::F16:
            return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(base + 2 * i)));
        default:
            return _mm512_loadu_ps(base + 4 * i);
        }
    }
    switch (src) {
    case DType::BF16: {
        const __m256i h = _mm256_maskz_loadu_epi16(m, base + 2 * i);
        return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
    }
    case DType::F16:
        return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, base + 2 * i));
    default:
        return _mm512_maskz_loadu_ps(m, base + 4 * i);
    }
}

// float -> nearest-even float16 -> float (exact hardware conversions; overflow gives inf).
MST_AVX512_INLINE __m512 roundHalf(__m512 v)
{
    return _mm512_cvtph_ps(_mm512_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}

// float -> bfloat16 (RNE, NaN made quiet with its sign) -> float, as floatToBf16.
MST_AVX512_INLINE __m512 roundBf16(__m512 v)
{
    const __m512i b = _mm512_castps_si512(v);
    const __mmask16 nan = _mm512_cmpgt_epu32_mask(_mm512_and_si512(b, _mm512_set1_epi32(0x7fffffff)),
                                                  _mm512_set1_epi32(0x7f800000));
    const __m512i lsb = _mm512_and_si512(_mm512_srli_epi32(b, 16), _mm512_set1_epi32(1));
    const __m512i rounded = _mm512_and_si512(_mm512_add_epi32(_mm512_add_epi32(b, _mm512_set1_epi32(0x7fff)), lsb),
                                             _mm512_set1_epi32(int(0xffff0000u)));
    const __m512i quiet = _mm512_and_si512(_mm512_or_si512(b, _mm512_set1_epi32(0x00400000)),
                                           _mm512_set1_epi32(int(0xffff0000u)));
    return _mm512_castsi512_ps(_mm512_mask_blend_epi32(nan, rounded, quiet));
}

// The element type transformers casts to before quantizing (torch's .to(): RNE).
MST_AVX512_INLINE __m512 castTo(__m512 v, DType src, DType target)
{
    if (target == DType::BF16 && src != DType::BF16)
        return roundBf16(v);
    if (target == DType::F16 && src != DType::F16)
        return roundHalf(v);
    return v;
}

MST_AVX512_INLINE __mmask16 nonFinite(__m512 v)
{
    const __m512i e = _mm512_and_si512(_mm512_castps_si512(v), _mm512_set1_epi32(0x7f800000));
    return _mm512_cmpeq_epi32_mask(e, _mm512_set1_epi32(0x7f800000));
}

// Subnormals -> +0 (FTZ; the sign never matters afterwards), NaN kept.
MST_AVX512_INLINE __m512 flush(__m512 v)
{
    const __mmask16 keep = _mm512_cmp_ps_mask(_mm512_abs_ps(v), _mm512_set1_ps(FLT_MIN), _CMP_NLT_UQ);
    return _mm512_maskz_mov_ps(keep, v);
}

MST_AVX512_INLINE __m512 table16(const uint32_t (&bits)[16])
{
    return _mm512_castsi512_ps(_mm512_loadu_si512(bits));
}

struct Nf4Tables
{
    __m512 t7, l2, l3, l4;
};
struct Fp4Tables
{
    __m512 t3, l2, l3;
    __m512i rankBits;
};

// code = #{k : y > T_k} by binary search: after the steps for 8, 4, 2, 1 the partial code p says
// which threshold decides the next bit (T[p+3], T[p+1], T[p]).
MST_AVX512_INLINE __m512i nf4Codes(__m512 y, const Nf4Tables &t)
{
    __m512i p = _mm512_maskz_mov_epi32(_mm512_cmp_ps_mask(y, t.t7, _CMP_GT_OQ), _mm512_set1_epi32(8));
    p = _mm512_mask_add_epi32(p, _mm512_cmp_ps_mask(y, _mm512_permutexvar_ps(p, t.l2), _CMP_GT_OQ), p,
                              _mm512_set1_epi32(4));
    p = _mm512_mask_add_epi32(p, _mm512_cmp_ps_mask(y, _mm512_permutexvar_ps(p, t.l3), _CMP_GT_OQ), p,
                              _mm512_set1_epi32(2));
    p = _mm512_mask_add_epi32(p, _mm512_cmp_ps_mask(y, _mm512_permutexvar_ps(p, t.l4), _CMP_GT_OQ), p,
                              _mm512_set1_epi32(1));
    return p;
}

// rank = #{k : |y| > T_k} (7 thresholds) by binary search, then the rank's 3 bits and the sign.
MST_AVX512_INLINE __m512i fp4Codes(__m512 y, const Fp4Tables &t)
{
    const __m512 a = _mm512_abs_ps(y);
    __m512i p = _mm512_maskz_mov_epi32(_mm512_cmp_ps_mask(a, t.t3, _CMP_GT_OQ), _mm512_set1_epi32(4));
    p = _mm512_mask_add_epi32(p, _mm512_cmp_ps_mask(a, _mm512_permutexvar_ps(p, t.l2), _CMP_GT_OQ), p,
                              _mm512_set1_epi32(2));
    p = _mm512_mask_add_epi32(p, _mm512_cmp_ps_mask(a, _mm512_permutexvar_ps(p, t.l3), _CMP_GT_OQ), p,
                              _mm512_set1_epi32(1));
    const __m512i code = _mm512_permutexvar_epi32(p, t.rankBits);
    // the sign bit of the flushed y: y < 0 after flushing <=> y <= -FLT_MIN
    return _mm512_mask_or_epi32(code, _mm512_cmp_ps_mask(y, _mm512_set1_ps(-FLT_MIN), _CMP_LE_OQ), code,
                                _mm512_set1_epi32(8));
}

// 16 codes (one per 32-bit lane) -> 8 bytes, element 2j in the high nibble of byte j.
MST_AVX512_INLINE __m128i packPairs(__m512i codes)
{
    const __m512i t = _mm512_or_si512(_mm512_slli_epi64(codes, 4), _mm512_srli_epi64(codes, 32));
    return _mm512_cvtepi64_epi8(t);
}

// The threshold tables of the binary searches (built once per call, not per chunk).
MST_AVX512 void makeTables(QuantType type, Nf4Tables &nf4, Fp4Tables &fp4)
{
    if (type == QuantType::NF4) {
        uint32_t l2[16] = {}, l3[16] = {}, l4[16] = {};
        l2[0] = bnb::kNf4ThresholdBits[3];
        l2[8] = bnb::kNf4ThresholdBits[11];
        for (int p = 0; p < 16; p += 4)
            l3[p] = bnb::kNf4ThresholdBits[p + 1];
        for (int p = 0; p < 16; p += 2)
            l4[p] = bnb::kNf4ThresholdBits[p];
        nf4 = {_mm512_set1_ps(fromBits(bnb::kNf4ThresholdBits[7])), table16(l2), table16(l3), table16(l4)};
    } else {
        uint32_t l2[16] = {}, l3[16] = {}, rank[16] = {};
        l2[0] = bnb::kFp4ThresholdBits[1];
        l2[4] = bnb::kFp4ThresholdBits[5];
        for (int p = 0; p < 8; p += 2)
            l3[p] = bnb::kFp4ThresholdBits[p];
        for (int p = 0; p < 8; ++p)
            rank[p] = bnb::kFp4RankBits[p];
        fp4 = {_mm512_set1_ps(fromBits(bnb::kFp4ThresholdBits[3])), table16(l2), table16(l3),
               _mm512_loadu_si512(rank)};
    }
}

template<DType Src, DType Tgt, bool Nf4>
MST_AVX512 void quantizeChunk4(const QuantInput &in, const Nf4Tables &nf4, const Fp4Tables &fp4, size_t b0, size_t b1,
                               uint8_t *packed, float *absmax, __mmask16 &special, float *xs)
{
    const uint64_t n = in.numel();
    // Pass 1: cast, flush, absmax.
    for (size_t b = b0; b < b1; ++b) {
        const uint64_t first = uint64_t(b) * kBs;
        const int64_t count = int64_t(n - first < uint64_t(kBs) ? n - first : uint64_t(kBs));
        __m512 mx = _mm512_set1_ps(-FLT_MAX);
        float *x = xs + (b - b0) * kBs;
        // The input streams from memory: ask for a later block's lines now (a prefetch never faults).
        constexpr size_t es = Src == DType::F32 ? 4 : 2;
        const uint8_t *ahead = in.data + (first + uint64_t(kPrefetchBlocks * kBs)) * es;
        for (size_t off = 0; off < size_t(kBs) * es; off += 64)
            _mm_prefetch(reinterpret_cast<const char *>(ahead + off), _MM_HINT_T0);
        for (int q = 0; q < 4; ++q) {
            const __mmask16 m = laneMask(count - 16 * q);
            const __m512 v = castTo(load16(in.data, Src, first + uint64_t(16 * q), m), Src, Tgt);
            const __m512 a = _mm512_abs_ps(v);
            // NaN or inf: |v| > FLT_MAX or unordered
            special |= _mm512_cmp_ps_mask(a, _mm512_set1_ps(FLT_MAX), _CMP_NLE_UQ);
            // flush subnormals to 0 (NaN kept); max(a, m) = a > m ? a : m: a NaN never wins (fmaxf)
            const __mmask16 keep = _mm512_cmp_ps_mask(a, _mm512_set1_ps(FLT_MIN), _CMP_NLT_UQ);
            mx = _mm512_max_ps(_mm512_maskz_mov_ps(keep, a), mx);
            _mm512_store_ps(x + 16 * q, _mm512_maskz_mov_ps(keep, v));
        }
        absmax[b] = _mm512_reduce_max_ps(mx);
    }
    // Pass 2: the reciprocals (scalar table lookups; independent, so their misses overlap).
    float rs[kChunkBlocks];
    for (size_t b = b0; b < b1; ++b)
        rs[b - b0] = rcpApprox(absmax[b]);
    // Pass 3: codes.
    for (size_t b = b0; b < b1; ++b) {
        const uint64_t first = uint64_t(b) * kBs;
        const uint64_t count = n - first < uint64_t(kBs) ? n - first : uint64_t(kBs);
        const __m512 r = _mm512_set1_ps(rs[b - b0]);
        const float *x = xs + (b - b0) * kBs;
        __m128i bytes[4];
        for (int q = 0; q < 4; ++q) {
            // y is not flushed: no threshold lies in the subnormal range, so a subnormal y codes
            // like 0, except for FP4's sign, which fp4Codes takes as y <= -FLT_MIN.
            const __m512 y = _mm512_mul_ps(_mm512_load_ps(x + 16 * q), r);
            if constexpr (Nf4)
                bytes[q] = packPairs(nf4Codes(y, nf4));
            else
                bytes[q] = packPairs(fp4Codes(y, fp4));
        }
        const __m256i out = _mm256_set_m128i(_mm_unpacklo_epi64(bytes[2], bytes[3]),
                                             _mm_unpacklo_epi64(bytes[0], bytes[1]));
        uint8_t *dst = packed + first / 2;
        if (count == uint64_t(kBs)) {
            _mm256_storeu_si256(reinterpret_cast<__m256i *>(dst), out);
        } else {
            const uint64_t nbytes = (count + 1) / 2; // 1..32
            _mm256_mask_storeu_epi8(dst, __mmask32((uint64_t(1) << nbytes) - 1u), out);
        }
    }
}

} // namespace

namespace {

template<DType Src, DType Tgt>
MST_AVX512 void quantize4T(const QuantInput &in, QuantType type, size_t b0, size_t b1, uint8_t *packed, float *absmax,
                           __mmask16 &special)
{
    alignas(64) float xs[kChunkBlocks * kBs];
    Nf4Tables nf4{};
    Fp4Tables fp4{};
    makeTables(type, nf4, fp4);
    for (size_t c = b0; c < b1; c += kChunkBlocks) {
        const size_t e = c + kChunkBlocks < b1 ? c + kChunkBlocks : b1;
        if (type == QuantType::NF4)
            quantizeChunk4<Src, Tgt, true>(in, nf4, fp4, c, e, packed, absmax, special, xs);
        else
            quantizeChunk4<Src, Tgt, false>(in, nf4, fp4, c, e, packed, absmax, special, xs);
    }
}

template<DType Src>
MST_AVX512 void quantize4S(const QuantInput &in, QuantType type, size_t b0, size_t b1, uint8_t *packed, float *absmax,
                           __mmask16 &special)
{
    switch (in.targetDtype) {
    case DType::BF16: quantize4T<Src, DType::BF16>(in, type, b0, b1, packed, absmax, special); break;
    case DType::F16: quantize4T<Src, DType::F16>(in, type, b0, b1, packed, absmax, special); break;
    default: quantize4T<Src, DType::F32>(in, type, b0, b1, packed, absmax, special); break;
    }
}

} // namespace

// Specialised on the element types and the format: no type switches in the inner loops.
MST_AVX512 bool quantize4Avx512(const QuantInput &in, QuantType type, size_t b0, size_t b1, uint8_t *packed,
                                float *absmax)
{
    __mmask16 special = 0;
    switch (in.sourceDtype) {
    case DType::BF16: quantize4S<DType::BF16>(in, type, b0, b1, packed, absmax, special); break;
    case DType::F16: quantize4S<DType::F16>(in, type, b0, b1, packed, absmax, special); break;
    default: quantize4S<DType::F32>(in, type, b0, b1, packed, absmax, special); break;
    }
    return special == 0;
}

MST_AVX512 bool quantize8Avx512(const QuantInput &in, size_t r0, size_t r1, int8_t *cb, float *scb, float *rowBuffer)
{
    const int64_t cols = in.cols;
    __mmask16 special = 0;
    for (size_t r = r0; r < r1; ++r) {
        const uint64_t base = uint64_t(r) * uint64_t(cols);
        // Int8Params always goes through fp16 (§3): the target cast, then fp16.
        __m512 mx = _mm512_setzero_ps();
        for (int64_t c = 0; c < cols; c += 16) {
            const __mmask16 m = laneMask(cols - c);
            __m512 v = castTo(load16(in.data, in.sourceDtype, base + uint64_t(c), m), in.sourceDtype, in.targetDtype);
            if (in.targetDtype != DType::F16)
                v = roundHalf(v);
            special |= nonFinite(v);
            mx = _mm512_max_ps(_mm512_abs_ps(v), mx);
            _mm512_mask_storeu_ps(rowBuffer + c, m, v);
        }
        const float absmaxRow = _mm512_reduce_max_ps(mx);
        scb[r] = absmaxRow;
        float scale = 127.0f * rcpApprox(absmaxRow);
        scale = (scale < FLT_MIN && scale > -FLT_MIN) ? 0.0f : scale;
        const __m512 s = _mm512_set1_ps(scale);
        for (int64_t c = 0; c < cols; c += 16) {
            const __mmask16 m = laneMask(cols - c);
            const __m512 y = flush(_mm512_mul_ps(_mm512_maskz_loadu_ps(m, rowBuffer + c), s));
            // rint (nearest even); NaN (0 * inf) gives 0 like __float2int_rn
            __m512i q = _mm512_cvt_roundps_epi32(y, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
            q = _mm512_maskz_mov_epi32(_mm512_cmp_ps_mask(y, y, _CMP_ORD_Q), q);
            // register narrowing, then a store (the memory form of vpmovdb is microcoded on AMD)
            const __m128i b = _mm512_cvtepi32_epi8(q);
            if (m == __mmask16(0xffff))
                _mm_storeu_si128(reinterpret_cast<__m128i *>(cb + base + uint64_t(c)), b);
            else
                _mm_mask_storeu_epi8(cb + base + uint64_t(c), m, b);
        }
    }
    return special == 0;
}

namespace {

// The reference's search compares x with code(pivot) at 7 steps (increments 64, 32, ..., 1). At
// step s the pivot can only be start_s + stride_s * k with k < 2^s (k = the answers so far, read
// as a binary number), so the value compared is a lookup in a table of 2^s entries: a permute
// for up to 16 entries, two-table permutes for 32 and 64. Only the three lookups after the search
// (any of 256 indices) are gathers.
struct DynSteps
{
    float table[7][64] = {};
    int start[8] = {};
    int strideShift[8] = {};
};

const DynSteps &dynSteps()
{
    static const DynSteps d = [] {
        DynSteps r;
        int start = 127;
        for (int st = 0; st <= 7; ++st) {
            const int stride = st == 0 ? 1 : 2 * (64 >> (st - 1)); // 1 entry at step 0
            r.start[st] = start;
            r.strideShift[st] = st == 0 ? 0 : __builtin_ctz(unsigned(stride));
            if (st < 7)
                for (int k = 0; k < (1 << st); ++k)
                    r.table[st][k] = fromBits(bnb::kDynamicMap[size_t(start + stride * k)]);
            if (st < 7)
                start -= 64 >> st;
        }
        return r;
    }();
    return d;
}

} // namespace

MST_AVX512 void dynamicCodesAvx512(const float *x, size_t n, uint8_t *codes)
{
    const float *map = reinterpret_cast<const float *>(bnb::kDynamicMap.data());
    const DynSteps &d = dynSteps();
    __m512 t[7][4];
    for (int st = 0; st < 7; ++st)
        for (int h = 0; h < 4; ++h)
            t[st][h] = _mm512_loadu_ps(d.table[st] + 16 * h);
    const __m512 half = _mm512_set1_ps(0.5f);
    for (size_t i = 0; i < n; i += 16) {
        const __mmask16 m = laneMask(int64_t(n - i));
        const __m512 v = _mm512_maskz_loadu_ps(m, x + i);
        __m512i k = _mm512_setzero_si512(), up = _mm512_set1_epi32(255), lo = _mm512_setzero_si512();
        for (int st = 0; st < 7; ++st) {
            __m512 thr;
            if (st <= 4)
                thr = _mm512_permutexvar_ps(k, t[st][0]);
            else if (st == 5)
                thr = _mm512_permutex2var_ps(t[st][0], k, t[st][1]);
            else
                thr = _mm512_mask_blend_ps(_mm512_test_epi32_mask(k, _mm512_set1_epi32(32)),
                                           _mm512_permutex2var_ps(t[st][0], k, t[st][1]),
                                           _mm512_permutex2var_ps(t[st][2], k, t[st][3]));
            const __mmask16 gt = _mm512_cmp_ps_mask(v, thr, _CMP_GT_OQ);
            const __m512i pivot = _mm512_add_epi32(_mm512_set1_epi32(d.start[st]),
                                                   _mm512_sll_epi32(k, _mm_cvtsi32_si128(d.strideShift[st])));
            lo = _mm512_mask_mov_epi32(lo, gt, pivot);
            up = _mm512_mask_mov_epi32(pivot, gt, up);
            k = _mm512_mask_add_epi32(_mm512_slli_epi32(k, 1), gt, _mm512_slli_epi32(k, 1), _mm512_set1_epi32(1));
        }
        const __m512i pivot = _mm512_add_epi32(_mm512_set1_epi32(d.start[7]),
                                               _mm512_sll_epi32(k, _mm_cvtsi32_si128(d.strideShift[7])));
        const __m512 val = _mm512_i32gather_ps(pivot, map, 4);
        const __m512 upMid = _mm512_mul_ps(_mm512_add_ps(_mm512_i32gather_ps(up, map, 4), val), half);
        const __m512 loMid = _mm512_mul_ps(_mm512_add_ps(_mm512_i32gather_ps(lo, map, 4), val), half);
        const __m512i above = _mm512_mask_mov_epi32(pivot, _mm512_cmp_ps_mask(v, upMid, _CMP_GT_OQ), up);
        const __m512i below = _mm512_mask_mov_epi32(pivot, _mm512_cmp_ps_mask(v, loMid, _CMP_LT_OQ), lo);
        const __m512i code = _mm512_mask_mov_epi32(below, _mm512_cmp_ps_mask(v, val, _CMP_GT_OQ), above);
        _mm_mask_storeu_epi8(codes + i, m, _mm512_cvtepi32_epi8(code));
    }
}

#else // no AVX-512 on this compiler/target: never selected (detectedIsa() says so)

bool quantize4Avx512(const QuantInput &, QuantType, size_t, size_t, uint8_t *, float *) { return false; }
bool quantize8Avx512(const QuantInput &, size_t, size_t, int8_t *, float *, float *) { return false; }
void dynamicCodesAvx512(const float *, size_t, uint8_t *) {}

#endif

} // namespace mistudio::quant::cpu::simd
