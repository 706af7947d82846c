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

// rcpApprox of 16 values (rcpapprox.cpp): RN(1/x) plus the table's correction, with the same
// special cases: NaN -> itself, +-inf -> +-0, zero or subnormal x -> +-inf, a subnormal result
// -> +-0. One vector division and one gather instead of 16 scalar divisions and lookups.
MST_AVX512_INLINE __m512 rcp16(__m512 x, const int8_t *table)
{
    const __m512i b = _mm512_castps_si512(x);
    const __m512i sign = _mm512_and_si512(b, _mm512_set1_epi32(int(0x80000000u)));
    const __m512i exp = _mm512_and_si512(b, _mm512_set1_epi32(0x7f800000));
    const __m512i mant = _mm512_and_si512(b, _mm512_set1_epi32(0x007fffff));
    const __m512i r = _mm512_castps_si512(_mm512_div_ps(_mm512_set1_ps(1.0f), x));
    const __m512i corr = _mm512_srai_epi32(_mm512_slli_epi32(_mm512_i32gather_epi32(mant, table, 1), 24), 24);
    __m512i out = _mm512_add_epi32(r, corr);
    // a subnormal result (|x| > 2^126) is flushed
    out = _mm512_mask_mov_epi32(out, _mm512_testn_epi32_mask(r, _mm512_set1_epi32(0x7f800000)), sign);
    // zero or subnormal x: +-inf
    out = _mm512_mask_mov_epi32(out, _mm512_cmpeq_epi32_mask(exp, _mm512_setzero_si512()),
                                _mm512_or_si512(sign, _mm512_set1_epi32(0x7f800000)));
    // inf: +-0; NaN: itself
    const __mmask16 top = _mm512_cmpeq_epi32_mask(exp, _mm512_set1_epi32(0x7f800000));
    const __mmask16 nan = _mm512_mask_test_epi32_mask(top, mant, mant);
    out = _mm512_mask_mov_epi32(out, top, sign);
    out = _mm512_mask_mov_epi32(out, nan, b);
    return _mm512_castsi512_ps(out);
}

// The chunk's reciprocals (kChunkBlocks = 32 of them): two vectors.
MST_AVX512_INLINE void chunkReciprocals(const float *absmax, size_t count, float *rs)
{
    const int8_t *table = rcpCorrectionTable();
    for (size_t i = 0; i < count; i += 16) {
        const __mmask16 m = laneMask(int64_t(count - i));
        _mm512_mask_storeu_ps(rs + i, m, rcp16(_mm512_maskz_loadu_ps(m, absmax + i), table));
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

// 4-bit codes by bucket: t = y * scale + bias maps the range of y (NF4: [-1, 1]; FP4: |y| in
// [0, 1]) onto 32 buckets [0, 32), each narrower than the gap between two thresholds, so a bucket
// holds at most one threshold. A code is then the bucket's count of thresholds below it, plus one
// exact comparison with the bucket's own threshold (+inf if it has none): two table permutes and a
// compare instead of a 4-step search. Which bucket a value near a bucket edge lands in does not
// matter: no threshold lies within 0.03 buckets of an edge (far beyond the rounding of t), and
// the two buckets around an edge give the same code there. y is NaN only when the block is all
// zero (0 * inf); cvtt then gives 0x80000000, bucket 0, and the compare is false: code 0 (NF4)
// / rank 0 (FP4), like the threshold count. Otherwise |y| <= 1 + 2 ulp (|x| <= absmax, and the
// reciprocal is within an ulp of 1/absmax); the tables hold up to |y| < 1.016 (FP4) and 1.032
// (NF4), beyond which t wraps. tst_formats checks every float up to 1.015625 against the count.
struct CodeTables
{
    __m512 thrLo, thrHi;    // per bucket: its threshold, or +inf
    __m512i baseLo, baseHi; // per bucket: how many thresholds lie below it
    __m512 scale, bias;
    __m512i rankBits; // FP4: magnitude rank -> the 3 code bits
};

MST_AVX512_INLINE __m512i bucketCount(__m512 v, const CodeTables &t)
{
    const __m512i k = _mm512_cvttps_epi32(_mm512_fmadd_ps(v, t.scale, t.bias));
    const __m512 thr = _mm512_permutex2var_ps(t.thrLo, k, t.thrHi);
    const __m512i base = _mm512_permutex2var_epi32(t.baseLo, k, t.baseHi);
    return _mm512_mask_add_epi32(base, _mm512_cmp_ps_mask(v, thr, _CMP_GT_OQ), base, _mm512_set1_epi32(1));
}

// code = #{k : y > T_k}
MST_AVX512_INLINE __m512i nf4Codes(__m512 y, const CodeTables &t) { return bucketCount(y, t); }

// rank = #{k : |y| > T_k}, then the rank's 3 bits and the sign.
MST_AVX512_INLINE __m512i fp4Codes(__m512 y, const CodeTables &t)
{
    const __m512i code = _mm512_permutexvar_epi32(bucketCount(_mm512_abs_ps(y), t), t.rankBits);
    // the sign bit of the flushed y: y < 0 after flushing <=> y <= -FLT_MIN
    return _mm512_mask_or_epi32(code, _mm512_cmp_ps_mask(y, _mm512_set1_ps(-FLT_MIN), _CMP_LE_OQ), code,
                                _mm512_set1_epi32(8));
}

template<bool Nf4>
MST_AVX512_INLINE __m512i codes4(__m512 y, const CodeTables &t)
{
    if constexpr (Nf4)
        return nf4Codes(y, t);
    else
        return fp4Codes(y, t);
}

// 16 codes (one per 32-bit lane) -> 8 bytes, element 2j in the high nibble of byte j.
MST_AVX512_INLINE __m128i packPairs(__m512i codes)
{
    const __m512i t = _mm512_or_si512(_mm512_slli_epi64(codes, 4), _mm512_srli_epi64(codes, 32));
    return _mm512_cvtepi64_epi8(t);
}

// One block's 32 code bytes; a partial last block of `count` elements stores (count + 1) / 2.
MST_AVX512_INLINE void storeCodes(uint8_t *dst, __m256i out, uint64_t count)
{
    if (count == uint64_t(kBs))
        _mm256_storeu_si256(reinterpret_cast<__m256i *>(dst), out);
    else
        _mm256_mask_storeu_epi8(dst, __mmask32((uint64_t(1) << ((count + 1) / 2)) - 1u), out);
}

// The bucket tables (built once per call, not per chunk). Scale and bias put the range on
// [0.5, 31.5], so values a rounding beyond it (|y| = 1 + 1 ulp) still fall in buckets 0 and 31.
MST_AVX512 void makeTables(QuantType type, CodeTables &t)
{
    const bool nf4 = type == QuantType::NF4;
    const uint32_t *thresholds = nf4 ? bnb::kNf4ThresholdBits : bnb::kFp4ThresholdBits;
    const int count = nf4 ? 15 : 7;
    const float scale = nf4 ? 15.5f : 31.0f, bias = nf4 ? 16.0f : 0.5f;
    float thr[32];
    int32_t base[32];
    for (int k = 0; k < 32; ++k) {
        thr[k] = __builtin_inff();
        base[k] = 0;
    }
    for (int i = 0; i < count; ++i) {
        const float ti = fromBits(thresholds[i]);
        const int k = int(__builtin_fmaf(ti, scale, bias));
        thr[k] = ti; // one threshold per bucket (the constants' gaps exceed a bucket)
        for (int j = k + 1; j < 32; ++j)
            ++base[j];
    }
    t.thrLo = _mm512_loadu_ps(thr);
    t.thrHi = _mm512_loadu_ps(thr + 16);
    t.baseLo = _mm512_loadu_si512(base);
    t.baseHi = _mm512_loadu_si512(base + 16);
    t.scale = _mm512_set1_ps(scale);
    t.bias = _mm512_set1_ps(bias);
    uint32_t rank[16] = {};
    for (int p = 0; p < 8; ++p)
        rank[p] = bnb::kFp4RankBits[p];
    t.rankBits = _mm512_loadu_si512(rank);
}

// Any element types: pass 1 in float (cast, flush, absmax), its values kept in xs for pass 3.
template<DType Src, DType Tgt, bool Nf4>
MST_AVX512 void quantizeChunk4(const QuantInput &in, const CodeTables &tables, size_t b0, size_t b1, uint8_t *packed,
                               float *absmax, __mmask16 &special, float *xs)
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
    // Pass 2: the reciprocals.
    float rs[kChunkBlocks];
    chunkReciprocals(absmax + b0, b1 - b0, rs);
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
            bytes[q] = packPairs(codes4<Nf4>(y, tables));
        }
        const __m256i out = _mm256_set_m128i(_mm_unpacklo_epi64(bytes[2], bytes[3]),
                                             _mm_unpacklo_epi64(bytes[0], bytes[1]));
        storeCodes(packed + first / 2, out, count);
    }
}

// 32 raw 16-bit elements from first + 32 h of a block of `count`; lanes past the tensor are 0.
MST_AVX512_INLINE __m512i loadHalf(const uint8_t *src, uint64_t first, int64_t count, int h)
{
    const int64_t left = count - 32 * h;
    const uint8_t *p = src + 2 * (first + uint64_t(32 * h));
    if (left >= 32)
        return _mm512_loadu_si512(p);
    if (left <= 0)
        return _mm512_setzero_si512();
    return _mm512_maskz_loadu_epi16(__mmask32((uint64_t(1) << left) - 1u), p);
}

// bfloat16 in, bfloat16 target (the default): the float pass 1 becomes integer work on the raw
// 16-bit values, 32 per vector. For bf16 the order of |v| is the order of its bits & 0x7fff, so a
// block's absmax is the largest such pattern: 0x7f80 and above is inf or NaN (the chunk is then
// redone by the float path, which reports it exactly), below 0x0080 zero or subnormal (flushed:
// absmax 0). Pass 3 flushes values whose exponent is 0 and widens them to float by unpacking,
// which interleaves groups of four; the packing below puts the nibble pairs back in order.
template<bool Nf4>
MST_AVX512 bool quantizeChunk4Bf16(const QuantInput &in, const CodeTables &tables, size_t b0, size_t b1,
                                   uint8_t *packed, float *absmax)
{
    const uint64_t n = in.numel();
    const auto *src = in.data;
    const __m512i magnitude = _mm512_set1_epi16(0x7fff);
    // Pass 1: absmax.
    uint32_t worst = 0;
    for (size_t b = b0; b < b1; ++b) {
        const uint64_t first = uint64_t(b) * kBs;
        const int64_t count = int64_t(n - first < uint64_t(kBs) ? n - first : uint64_t(kBs));
        const uint8_t *ahead = src + 2 * (first + uint64_t(kPrefetchBlocks * kBs));
        _mm_prefetch(reinterpret_cast<const char *>(ahead), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char *>(ahead + 64), _MM_HINT_T0);
        const __m512i m = _mm512_max_epu16(_mm512_and_si512(loadHalf(src, first, count, 0), magnitude),
                                           _mm512_and_si512(loadHalf(src, first, count, 1), magnitude));
        const __m256i m2 = _mm256_max_epu16(_mm512_castsi512_si256(m), _mm512_extracti64x4_epi64(m, 1));
        const __m128i m3 = _mm_max_epu16(_mm256_castsi256_si128(m2), _mm256_extracti128_si256(m2, 1));
        // the largest of 8 as 0xffff minus the smallest of their complements (phminposuw)
        const __m128i smallest = _mm_minpos_epu16(_mm_xor_si128(m3, _mm_set1_epi32(-1)));
        const uint32_t bits = 0xffffu - (uint32_t(_mm_cvtsi128_si32(smallest)) & 0xffffu);
        worst = bits > worst ? bits : worst;
        absmax[b] = bits < 0x0080u ? 0.0f : fromBits(bits << 16);
    }
    if (worst >= 0x7f80u)
        return false;
    float rs[kChunkBlocks];
    chunkReciprocals(absmax + b0, b1 - b0, rs);
    // Pass 3: codes, from the input again (in L1 since pass 1).
    const __m512i exponent = _mm512_set1_epi16(0x7f80);
    const __m512i zero = _mm512_setzero_si512();
    const __m512i weights = _mm512_set1_epi16(0x0110); // bytes (16, 1): c[2j] * 16 + c[2j + 1]
    const __m256i order = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
    for (size_t b = b0; b < b1; ++b) {
        const uint64_t first = uint64_t(b) * kBs;
        const int64_t count = int64_t(n - first < uint64_t(kBs) ? n - first : uint64_t(kBs));
        const __m512 r = _mm512_set1_ps(rs[b - b0]);
        __m512i lo[2], hi[2];
        for (int h = 0; h < 2; ++h) {
            __m512i v = loadHalf(src, first, count, h);
            v = _mm512_maskz_mov_epi16(_mm512_test_epi16_mask(v, exponent), v); // flush
            // per 128-bit lane k: elements 8k..8k+3 (lo) and 8k+4..8k+7 (hi) of this half
            lo[h] = codes4<Nf4>(_mm512_mul_ps(_mm512_castsi512_ps(_mm512_unpacklo_epi16(zero, v)), r), tables);
            hi[h] = codes4<Nf4>(_mm512_mul_ps(_mm512_castsi512_ps(_mm512_unpackhi_epi16(zero, v)), r), tables);
        }
        // lane k: 8 codes of half 0, then 8 of half 1, in element order; pairs stay adjacent
        const __m512i codes = _mm512_packus_epi16(_mm512_packus_epi32(lo[0], hi[0]), _mm512_packus_epi32(lo[1], hi[1]));
        // byte 8k + j: pair 4k + j (j < 4), byte 8k + 4 + j: pair 16 + 4k + j
        const __m256i pairs = _mm512_cvtepi16_epi8(_mm512_maddubs_epi16(codes, weights));
        const __m256i out = _mm256_permutevar8x32_epi32(pairs, order);
        storeCodes(packed + first / 2, out, uint64_t(count));
    }
    return true;
}

} // namespace

namespace {

template<DType Src, DType Tgt>
MST_AVX512 void quantize4T(const QuantInput &in, QuantType type, size_t b0, size_t b1, uint8_t *packed, float *absmax,
                           __mmask16 &special)
{
    alignas(64) float xs[kChunkBlocks * kBs];
    CodeTables tables{};
    makeTables(type, tables);
    const bool nf4 = type == QuantType::NF4;
    for (size_t c = b0; c < b1; c += kChunkBlocks) {
        const size_t e = c + kChunkBlocks < b1 ? c + kChunkBlocks : b1;
        if constexpr (Src == DType::BF16 && Tgt == DType::BF16) {
            if (nf4 ? quantizeChunk4Bf16<true>(in, tables, c, e, packed, absmax)
                    : quantizeChunk4Bf16<false>(in, tables, c, e, packed, absmax))
                continue;
            // inf or NaN in this chunk: the float path gives the reference's bytes and flags it
        }
        if (nf4)
            quantizeChunk4<Src, Tgt, true>(in, tables, c, e, packed, absmax, special, xs);
        else
            quantizeChunk4<Src, Tgt, false>(in, tables, c, e, packed, absmax, special, xs);
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

MST_AVX512 void rcpAvx512(const float *x, size_t n, float *out)
{
    const int8_t *table = rcpCorrectionTable();
    for (size_t i = 0; i < n; i += 16) {
        const __mmask16 m = laneMask(int64_t(n - i));
        _mm512_mask_storeu_ps(out + i, m, rcp16(_mm512_maskz_loadu_ps(m, x + i), table));
    }
}

MST_AVX512 void codes4Avx512(QuantType type, const float *y, size_t n, uint8_t *codes)
{
    CodeTables tables{};
    makeTables(type, tables);
    for (size_t i = 0; i < n; i += 16) {
        const __mmask16 m = laneMask(int64_t(n - i));
        const __m512 v = _mm512_maskz_loadu_ps(m, y + i);
        const __m512i c = type == QuantType::NF4 ? nf4Codes(v, tables) : fp4Codes(v, tables);
        _mm_mask_storeu_epi8(codes + i, m, _mm512_cvtepi32_epi8(c));
    }
}

MST_AVX512 bool quantize8Avx512(const QuantInput &in, size_t r0, size_t r1, int8_t *cb, float *scb, float *rowBuffer)
{
    const int64_t cols = in.cols;
    __mmask16 special = 0;
    for (size_t r = r0; r < r1; ++r) {
        const uint64_t base = uint64_t(r) * uint64_t(cols);
        // Int8Params always goes through fp16 (docs/quantization.md F11): target cast, then fp16.
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

struct DynTables
{
    __m512 t[7][4];
};

MST_AVX512_INLINE void loadDynTables(DynTables &dt)
{
    const DynSteps &d = dynSteps();
    for (int st = 0; st < 7; ++st)
        for (int h = 0; h < 4; ++h)
            dt.t[st][h] = _mm512_loadu_ps(d.table[st] + 16 * h);
}

// The dynamic-map codes of 16 values (one per 32-bit lane).
MST_AVX512_INLINE __m512i dynCodes16(__m512 v, const DynTables &dt)
{
    const float *map = reinterpret_cast<const float *>(bnb::kDynamicMap.data());
    const DynSteps &d = dynSteps();
    const auto &t = dt.t;
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
    const __m512 half = _mm512_set1_ps(0.5f);
    const __m512i pivot = _mm512_add_epi32(_mm512_set1_epi32(d.start[7]),
                                           _mm512_sll_epi32(k, _mm_cvtsi32_si128(d.strideShift[7])));
    const __m512 val = _mm512_i32gather_ps(pivot, map, 4);
    const __m512 upMid = _mm512_mul_ps(_mm512_add_ps(_mm512_i32gather_ps(up, map, 4), val), half);
    const __m512 loMid = _mm512_mul_ps(_mm512_add_ps(_mm512_i32gather_ps(lo, map, 4), val), half);
    const __m512i above = _mm512_mask_mov_epi32(pivot, _mm512_cmp_ps_mask(v, upMid, _CMP_GT_OQ), up);
    const __m512i below = _mm512_mask_mov_epi32(pivot, _mm512_cmp_ps_mask(v, loMid, _CMP_LT_OQ), lo);
    return _mm512_mask_mov_epi32(below, _mm512_cmp_ps_mask(v, val, _CMP_GT_OQ), above);
}

// Flush-to-zero keeping the sign (rcpapprox.h: ftz).
MST_AVX512_INLINE __m512 ftz16(__m512 x)
{
    const __m512i b = _mm512_castps_si512(x);
    const __mmask16 tiny = _mm512_testn_epi32_mask(b, _mm512_set1_epi32(0x7f800000));
    return _mm512_castsi512_ps(_mm512_mask_and_epi32(b, tiny, b, _mm512_set1_epi32(int(0x80000000u))));
}

} // namespace

MST_AVX512 void dynamicCodesAvx512(const float *x, size_t n, uint8_t *codes)
{
    DynTables dt;
    loadDynTables(dt);
    for (size_t i = 0; i < n; i += 16) {
        const __mmask16 m = laneMask(int64_t(n - i));
        const __m512i code = dynCodes16(_mm512_maskz_loadu_ps(m, x + i), dt);
        _mm_mask_storeu_epi8(codes + i, m, _mm512_cvtepi32_epi8(code));
    }
}

// Whole nested blocks as nestedBlockScalar (cpuquant.cpp) computes them, 16 lanes at a time: the
// block's values v = absmax - offset, their flushed |v|'s maximum (a NaN never wins), then the
// codes of ftz(ftz(v) * ftz(rcp(max))). A partial last block goes to the scalar code.
MST_AVX512 void nestedBlocksAvx512(const float *absmax, size_t n, float offset, size_t b0, size_t b1, float *nested,
                                   uint8_t *codes)
{
    constexpr size_t kNb = size_t(bnb::kNestedBlocksize);
    DynTables dt;
    loadDynTables(dt);
    const __m512 off = _mm512_set1_ps(offset);
    for (size_t b = b0; b < b1; ++b) {
        const size_t first = b * kNb;
        if (n - first < kNb) {
            nestedBlockScalar(absmax, n, offset, b, nested, codes);
            continue;
        }
        __m512 v[kNb / 16];
        __m512 mx = _mm512_set1_ps(-FLT_MAX);
        for (size_t q = 0; q < kNb / 16; ++q) {
            v[q] = _mm512_sub_ps(_mm512_loadu_ps(absmax + first + 16 * q), off);
            const __m512 a = _mm512_abs_ps(v[q]);
            const __mmask16 keep = _mm512_cmp_ps_mask(a, _mm512_set1_ps(FLT_MIN), _CMP_NLT_UQ);
            mx = _mm512_max_ps(_mm512_maskz_mov_ps(keep, a), mx);
        }
        const float m = _mm512_reduce_max_ps(mx);
        nested[b] = m;
        const __m512 r = _mm512_set1_ps(ftz(rcpApprox(m)));
        for (size_t q = 0; q < kNb / 16; ++q) {
            const __m512i code = dynCodes16(ftz16(_mm512_mul_ps(ftz16(v[q]), r)), dt);
            _mm_storeu_si128(reinterpret_cast<__m128i *>(codes + first + 16 * q), _mm512_cvtepi32_epi8(code));
        }
    }
}

#else // no AVX-512 on this compiler/target: never selected (detectedIsa() says so)

bool quantize4Avx512(const QuantInput &, QuantType, size_t, size_t, uint8_t *, float *) { return false; }
bool quantize8Avx512(const QuantInput &, size_t, size_t, int8_t *, float *, float *) { return false; }
void codes4Avx512(QuantType, const float *, size_t, uint8_t *) {}
void rcpAvx512(const float *, size_t, float *) {}
void dynamicCodesAvx512(const float *, size_t, uint8_t *) {}
void nestedBlocksAvx512(const float *, size_t, float, size_t, size_t, float *, uint8_t *) {}

#endif

} // namespace mistudio::quant::cpu::simd
