// AVX2 (+F16C) kernels of the CPU path (see cpusimd.h and cpusimd_avx512.cpp, whose structure this
// follows with 8 lanes and no mask registers): the 4-bit code by binary search over the thresholds
// (blend / permute of the next threshold, compare, add), blocks in chunks so that the reciprocal
// lookups overlap, partial blocks and row tails through a zero-padded copy.
// Only functions marked MST_AVX2 run AVX2; nothing here is an inline function shared with other
// translation units.
#include "quant/cpusimd.h"

#include "quant/bnbconstants.h"
#include "quant/bnblayout.h"
#include "quant/rcpapprox.h"

#include <cfloat>
#include <cmath>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define MST_HAVE_AVX2 1
#define MST_AVX2 __attribute__((target("avx2,f16c")))
#define MST_AVX2_INLINE __attribute__((target("avx2,f16c"), always_inline)) static inline
#define MST_AVX2_LAMBDA __attribute__((target("avx2,f16c"), always_inline))
#endif

namespace mistudio::quant::cpu::simd {

#ifdef MST_HAVE_AVX2

namespace {

constexpr int kBs = 64;
constexpr size_t kChunkBlocks = 32;
constexpr size_t kPrefetchBlocks = 16;

float fromBits(uint32_t b)
{
    float f;
    std::memcpy(&f, &b, 4);
    return f;
}

size_t elementSize(DType t) { return t == DType::F32 ? 4 : 2; }

// 8 elements from p (already offset) as float.
MST_AVX2_INLINE __m256 load8(const uint8_t *p, DType src)
{
    switch (src) {
    case DType::BF16: {
        const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
        return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
    }
    case DType::F16:
        return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i *>(p)));
    default:
        return _mm256_loadu_ps(reinterpret_cast<const float *>(p));
    }
}

MST_AVX2_INLINE __m256 roundHalf(__m256 v)
{
    return _mm256_cvtph_ps(_mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}

MST_AVX2_INLINE __m256 roundBf16(__m256 v)
{
    const __m256i b = _mm256_castps_si256(v);
    // |b| > 0x7f800000 as signed compare of the sign-cleared bits (both are non-negative)
    const __m256i nan = _mm256_cmpgt_epi32(_mm256_and_si256(b, _mm256_set1_epi32(0x7fffffff)),
                                           _mm256_set1_epi32(0x7f800000));
    const __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(b, 16), _mm256_set1_epi32(1));
    const __m256i rounded = _mm256_and_si256(_mm256_add_epi32(_mm256_add_epi32(b, _mm256_set1_epi32(0x7fff)), lsb),
                                             _mm256_set1_epi32(int(0xffff0000u)));
    const __m256i quiet = _mm256_and_si256(_mm256_or_si256(b, _mm256_set1_epi32(0x00400000)),
                                           _mm256_set1_epi32(int(0xffff0000u)));
    return _mm256_castsi256_ps(_mm256_blendv_epi8(rounded, quiet, nan));
}

MST_AVX2_INLINE __m256 castTo(__m256 v, DType src, DType target)
{
    if (target == DType::BF16 && src != DType::BF16)
        return roundBf16(v);
    if (target == DType::F16 && src != DType::F16)
        return roundHalf(v);
    return v;
}

MST_AVX2_INLINE int nonFinite(__m256 v)
{
    const __m256i e = _mm256_and_si256(_mm256_castps_si256(v), _mm256_set1_epi32(0x7f800000));
    return _mm256_movemask_epi8(_mm256_cmpeq_epi32(e, _mm256_set1_epi32(0x7f800000)));
}

MST_AVX2_INLINE __m256 absv(__m256 v)
{
    return _mm256_and_ps(v, _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)));
}

MST_AVX2_INLINE __m256 flush(__m256 v)
{
    const __m256 keep = _mm256_cmp_ps(absv(v), _mm256_set1_ps(FLT_MIN), _CMP_NLT_UQ);
    return _mm256_and_ps(keep, v);
}

// Horizontal max of non-NaN lanes.
MST_AVX2_INLINE float hmax(__m256 v)
{
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_shuffle_ps(m, m, 1));
    return _mm_cvtss_f32(m);
}

// One block's 32 code bytes; a partial last block of `count` elements stores (count + 1) / 2.
MST_AVX2_INLINE void storeCodes(uint8_t *dst, __m256i out, uint64_t count)
{
    if (count == uint64_t(kBs)) {
        _mm256_storeu_si256(reinterpret_cast<__m256i *>(dst), out);
    } else {
        alignas(32) uint8_t tmp[32];
        _mm256_store_si256(reinterpret_cast<__m256i *>(tmp), out);
        std::memcpy(dst, tmp, size_t((count + 1) / 2));
    }
}

// The thresholds a binary search compares at each step, indexed by the answers so far (k, read
// as a binary number): NF4 (15 thresholds, sorted): T7; T3, T11; T1, T5, T9, T13; T0, T2, ..., T14.
// FP4 (7, on |y|): T3; T1, T5; T0, T2, T4, T6; and the magnitude rank's code bits.
struct Tables
{
    __m256 s0, s1, s2, s3;
    __m256i rank;
};

// One search step: k = 2k + (y > S[k]) (a compare yields -1 where true).
MST_AVX2_INLINE __m256i searchStep(__m256i k, __m256 y, __m256 s)
{
    const __m256i gt = _mm256_castps_si256(_mm256_cmp_ps(y, _mm256_permutevar8x32_ps(s, k), _CMP_GT_OQ));
    return _mm256_sub_epi32(_mm256_add_epi32(k, k), gt);
}

// code = #{k : y > T_k}; NaN compares false everywhere: 0.
MST_AVX2_INLINE __m256i nf4Codes(__m256 y, const Tables &t)
{
    __m256i k = _mm256_sub_epi32(_mm256_setzero_si256(), _mm256_castps_si256(_mm256_cmp_ps(y, t.s0, _CMP_GT_OQ)));
    k = searchStep(k, y, t.s1);
    k = searchStep(k, y, t.s2);
    return searchStep(k, y, t.s3);
}

// rank = #{k : |y| > T_k}, then the rank's 3 bits and the sign.
MST_AVX2_INLINE __m256i fp4Codes(__m256 y, const Tables &t)
{
    const __m256 a = absv(y);
    __m256i k = _mm256_sub_epi32(_mm256_setzero_si256(), _mm256_castps_si256(_mm256_cmp_ps(a, t.s0, _CMP_GT_OQ)));
    k = searchStep(k, a, t.s1);
    k = searchStep(k, a, t.s2);
    const __m256i code = _mm256_permutevar8x32_epi32(t.rank, k);
    // the sign bit of the flushed y: y < 0 after flushing <=> y <= -FLT_MIN
    const __m256i neg = _mm256_castps_si256(_mm256_cmp_ps(y, _mm256_set1_ps(-FLT_MIN), _CMP_LE_OQ));
    return _mm256_or_si256(code, _mm256_and_si256(neg, _mm256_set1_epi32(8)));
}

template<bool Nf4>
MST_AVX2_INLINE __m256i codes4(__m256 y, const Tables &t)
{
    if constexpr (Nf4)
        return nf4Codes(y, t);
    else
        return fp4Codes(y, t);
}

// Four vectors of 8 int32 values (elements 0..31 in order) -> 32 bytes in order (values fit a byte).
MST_AVX2_INLINE __m256i bytesInOrder(__m256i v0, __m256i v1, __m256i v2, __m256i v3, bool isSigned)
{
    __m256i b;
    if (isSigned)
        b = _mm256_packs_epi16(_mm256_packs_epi32(v0, v1), _mm256_packs_epi32(v2, v3));
    else
        b = _mm256_packus_epi16(_mm256_packus_epi32(v0, v1), _mm256_packus_epi32(v2, v3));
    return _mm256_permutevar8x32_epi32(b, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

MST_AVX2 Tables makeTables(QuantType type)
{
    const bool nf4 = type == QuantType::NF4;
    const uint32_t *thr = nf4 ? bnb::kNf4ThresholdBits : bnb::kFp4ThresholdBits;
    const int steps = nf4 ? 4 : 3;
    // step st (of `steps`) compares T[(2k + 1) * 2^(steps - 1 - st) - 1] for k < 2^st
    uint32_t table[4][8] = {};
    for (int st = 0; st < steps; ++st)
        for (int k = 0; k < (1 << st); ++k)
            table[st][k] = thr[(2 * k + 1) * (1 << (steps - 1 - st)) - 1];
    Tables t{};
    t.s0 = _mm256_set1_ps(fromBits(table[0][0]));
    t.s1 = _mm256_castsi256_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(table[1])));
    t.s2 = _mm256_castsi256_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(table[2])));
    t.s3 = _mm256_castsi256_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(table[3])));
    uint32_t rank[8] = {};
    for (int i = 0; i < 8; ++i)
        rank[i] = bnb::kFp4RankBits[i];
    t.rank = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(rank));
    return t;
}

// One chunk of blocks, specialised on the element types and the format so that the inner loops
// carry no type switches (they cost ~10 % here).
template<DType Src, DType Tgt, bool Nf4>
MST_AVX2 void quantizeChunk4(const QuantInput &in, const Tables &tables, size_t b0, size_t b1, uint8_t *packed,
                             float *absmax, __m256 &special, float *xs)
{
    constexpr size_t es = Src == DType::F32 ? 4 : 2;
    const uint64_t n = in.numel();
    alignas(32) uint8_t padded[kBs * 4];
    const __m256 fltMax = _mm256_set1_ps(FLT_MAX), fltMin = _mm256_set1_ps(FLT_MIN);
    for (size_t b = b0; b < b1; ++b) {
        const uint64_t first = uint64_t(b) * kBs;
        const uint64_t count = n - first < uint64_t(kBs) ? n - first : uint64_t(kBs);
        const uint8_t *src = in.data + first * es;
        if (count < uint64_t(kBs)) { // the partial last block: zero-padded copy
            std::memset(padded, 0, sizeof padded);
            std::memcpy(padded, src, count * es);
            src = padded;
        }
        // The input streams from memory: ask for a later block's lines now (a prefetch never faults).
        const uint8_t *ahead = in.data + (first + uint64_t(kPrefetchBlocks * kBs)) * es;
        for (size_t off = 0; off < size_t(kBs) * es; off += 64)
            _mm_prefetch(reinterpret_cast<const char *>(ahead + off), _MM_HINT_T0);
        __m256 mx = _mm256_set1_ps(-FLT_MAX);
        float *x = xs + (b - b0) * kBs;
        for (int q = 0; q < 8; ++q) {
            const __m256 v = castTo(load8(src + size_t(8 * q) * es, Src), Src, Tgt);
            const __m256 a = absv(v);
            special = _mm256_or_ps(special, _mm256_cmp_ps(a, fltMax, _CMP_NLE_UQ)); // NaN or inf
            // flush subnormals to 0 (NaN kept); max(a, m) = a > m ? a : m: a NaN never wins
            const __m256 keep = _mm256_cmp_ps(a, fltMin, _CMP_NLT_UQ);
            mx = _mm256_max_ps(_mm256_and_ps(keep, a), mx);
            _mm256_store_ps(x + 8 * q, _mm256_and_ps(keep, v));
        }
        absmax[b] = hmax(mx);
    }
    float rs[kChunkBlocks];
    for (size_t b = b0; b < b1; ++b)
        rs[b - b0] = rcpApprox(absmax[b]);
    for (size_t b = b0; b < b1; ++b) {
        const uint64_t first = uint64_t(b) * kBs;
        const uint64_t count = n - first < uint64_t(kBs) ? n - first : uint64_t(kBs);
        const __m256 r = _mm256_set1_ps(rs[b - b0]);
        const float *x = xs + (b - b0) * kBs;
        // Two halves of 32 codes each (fewer live registers): bytes in element order, then the
        // (even, odd) pairs of each 16-bit lane as (even << 4) | odd in its low byte.
        __m256i w[2];
        for (int h = 0; h < 2; ++h) {
            __m256i codes[4];
            for (int q = 0; q < 4; ++q) {
                // y is not flushed: no threshold lies in the subnormal range, so a subnormal y
                // codes like 0, except for FP4's sign, which fp4Codes takes as y <= -FLT_MIN.
                const __m256 y = _mm256_mul_ps(_mm256_load_ps(x + 32 * h + 8 * q), r);
                codes[q] = codes4<Nf4>(y, tables);
            }
            const __m256i c = bytesInOrder(codes[0], codes[1], codes[2], codes[3], false);
            w[h] = _mm256_and_si256(_mm256_or_si256(_mm256_slli_epi16(c, 4), _mm256_srli_epi16(c, 8)),
                                    _mm256_set1_epi16(0xff));
        }
        const __m256i out = _mm256_permute4x64_epi64(_mm256_packus_epi16(w[0], w[1]), 0xd8);
        storeCodes(packed + first / 2, out, count);
    }
}

// bfloat16 in, bfloat16 target (the default), as the AVX-512 kernel's quantizeChunk4Bf16: the
// float pass 1 becomes integer work on the raw 16-bit values (the order of |v| is the order of
// bits & 0x7fff; 0x7f80 and above is inf or NaN, and the chunk is then redone by the float path;
// below 0x0080 zero or subnormal, absmax 0). Pass 3 flushes values whose exponent is 0 and widens
// them to float by unpacking, which takes elements 0-3 / 8-11 (lo) and 4-7 / 12-15 (hi) of each
// 16; the 32-to-16-bit pack puts them back in order.
template<bool Nf4>
MST_AVX2 bool quantizeChunk4Bf16(const QuantInput &in, const Tables &tables, size_t b0, size_t b1, uint8_t *packed,
                                 float *absmax)
{
    const uint64_t n = in.numel();
    alignas(32) uint8_t padded[kBs * 2];
    // the block's 64 raw values, or a zero-padded copy of the partial last block
    auto block = [&](uint64_t first, uint64_t count) MST_AVX2_LAMBDA -> const uint8_t * {
        const uint8_t *p = in.data + 2 * first;
        if (count == uint64_t(kBs))
            return p;
        std::memset(padded, 0, sizeof padded);
        std::memcpy(padded, p, size_t(count) * 2);
        return padded;
    };
    const __m256i magnitude = _mm256_set1_epi16(0x7fff);
    uint32_t worst = 0;
    for (size_t b = b0; b < b1; ++b) {
        const uint64_t first = uint64_t(b) * kBs;
        const uint64_t count = n - first < uint64_t(kBs) ? n - first : uint64_t(kBs);
        const uint8_t *ahead = in.data + 2 * (first + uint64_t(kPrefetchBlocks * kBs));
        _mm_prefetch(reinterpret_cast<const char *>(ahead), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char *>(ahead + 64), _MM_HINT_T0);
        const auto *p = reinterpret_cast<const __m256i *>(block(first, count));
        const __m256i m = _mm256_max_epu16(
            _mm256_max_epu16(_mm256_and_si256(_mm256_loadu_si256(p), magnitude),
                             _mm256_and_si256(_mm256_loadu_si256(p + 1), magnitude)),
            _mm256_max_epu16(_mm256_and_si256(_mm256_loadu_si256(p + 2), magnitude),
                             _mm256_and_si256(_mm256_loadu_si256(p + 3), magnitude)));
        const __m128i m2 = _mm_max_epu16(_mm256_castsi256_si128(m), _mm256_extracti128_si256(m, 1));
        // the largest of 8 as 0xffff minus the smallest of their complements (phminposuw)
        const __m128i smallest = _mm_minpos_epu16(_mm_xor_si128(m2, _mm_set1_epi32(-1)));
        const uint32_t bits = 0xffffu - (uint32_t(_mm_cvtsi128_si32(smallest)) & 0xffffu);
        worst = bits > worst ? bits : worst;
        absmax[b] = bits < 0x0080u ? 0.0f : fromBits(bits << 16);
    }
    if (worst >= 0x7f80u)
        return false;
    float rs[kChunkBlocks];
    for (size_t b = b0; b < b1; ++b)
        rs[b - b0] = rcpApprox(absmax[b]);
    const __m256i exponent = _mm256_set1_epi16(0x7f80);
    const __m256i zero = _mm256_setzero_si256();
    const __m256i weights = _mm256_set1_epi16(0x0110); // bytes (16, 1): c[2j] * 16 + c[2j + 1]
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    for (size_t b = b0; b < b1; ++b) {
        const uint64_t first = uint64_t(b) * kBs;
        const uint64_t count = n - first < uint64_t(kBs) ? n - first : uint64_t(kBs);
        const auto *p = reinterpret_cast<const __m256i *>(block(first, count));
        const __m256 r = _mm256_set1_ps(rs[b - b0]);
        __m256i w[4]; // elements 16q..16q+15 as 16-bit codes, in order
        for (int q = 0; q < 4; ++q) {
            __m256i v = _mm256_loadu_si256(p + q);
            v = _mm256_andnot_si256(_mm256_cmpeq_epi16(_mm256_and_si256(v, exponent), zero), v); // flush
            const __m256i lo = codes4<Nf4>(_mm256_mul_ps(_mm256_castsi256_ps(_mm256_unpacklo_epi16(zero, v)), r), tables);
            const __m256i hi = codes4<Nf4>(_mm256_mul_ps(_mm256_castsi256_ps(_mm256_unpackhi_epi16(zero, v)), r), tables);
            w[q] = _mm256_packus_epi32(lo, hi);
        }
        // bytes, lane 0: elements 0-7 of groups q, q+1; lane 1: elements 8-15; then the pairs
        const __m256i p01 = _mm256_maddubs_epi16(_mm256_packus_epi16(w[0], w[1]), weights);
        const __m256i p23 = _mm256_maddubs_epi16(_mm256_packus_epi16(w[2], w[3]), weights);
        // dwords, lane 0: pairs 0-3 of groups 0..3; lane 1: pairs 4-7 of groups 0..3
        const __m256i out = _mm256_permutevar8x32_epi32(_mm256_packus_epi16(p01, p23), order);
        storeCodes(packed + first / 2, out, count);
    }
    return true;
}

template<DType Src, DType Tgt>
MST_AVX2 void quantize4T(const QuantInput &in, QuantType type, size_t b0, size_t b1, uint8_t *packed, float *absmax,
                         __m256 &special)
{
    alignas(32) float xs[kChunkBlocks * kBs];
    const Tables tables = makeTables(type);
    for (size_t c = b0; c < b1; c += kChunkBlocks) {
        const size_t e = c + kChunkBlocks < b1 ? c + kChunkBlocks : b1;
        if constexpr (Src == DType::BF16 && Tgt == DType::BF16) {
            if (type == QuantType::NF4 ? quantizeChunk4Bf16<true>(in, tables, c, e, packed, absmax)
                                       : quantizeChunk4Bf16<false>(in, tables, c, e, packed, absmax))
                continue;
            // inf or NaN in this chunk: the float path gives the reference's bytes and flags it
        }
        if (type == QuantType::NF4)
            quantizeChunk4<Src, Tgt, true>(in, tables, c, e, packed, absmax, special, xs);
        else
            quantizeChunk4<Src, Tgt, false>(in, tables, c, e, packed, absmax, special, xs);
    }
}

template<DType Src>
MST_AVX2 void quantize4S(const QuantInput &in, QuantType type, size_t b0, size_t b1, uint8_t *packed, float *absmax,
                         __m256 &special)
{
    switch (in.targetDtype) {
    case DType::BF16: quantize4T<Src, DType::BF16>(in, type, b0, b1, packed, absmax, special); break;
    case DType::F16: quantize4T<Src, DType::F16>(in, type, b0, b1, packed, absmax, special); break;
    default: quantize4T<Src, DType::F32>(in, type, b0, b1, packed, absmax, special); break;
    }
}

} // namespace

MST_AVX2 bool quantize4Avx2(const QuantInput &in, QuantType type, size_t b0, size_t b1, uint8_t *packed,
                            float *absmax)
{
    __m256 special = _mm256_setzero_ps();
    switch (in.sourceDtype) {
    case DType::BF16: quantize4S<DType::BF16>(in, type, b0, b1, packed, absmax, special); break;
    case DType::F16: quantize4S<DType::F16>(in, type, b0, b1, packed, absmax, special); break;
    default: quantize4S<DType::F32>(in, type, b0, b1, packed, absmax, special); break;
    }
    return _mm256_movemask_ps(special) == 0;
}

MST_AVX2 bool quantize8Avx2(const QuantInput &in, size_t r0, size_t r1, int8_t *cb, float *scb, float *rowBuffer)
{
    const int64_t cols = in.cols;
    const size_t es = elementSize(in.sourceDtype);
    const int64_t full = cols / 32 * 32;
    int special = 0;
    for (size_t r = r0; r < r1; ++r) {
        const uint64_t base = uint64_t(r) * uint64_t(cols);
        const uint8_t *row = in.data + base * es;
        __m256 mx = _mm256_setzero_ps();
        alignas(32) uint8_t padded[8 * 4];
        for (int64_t c = 0; c < cols; c += 8) {
            const uint8_t *src = row + size_t(c) * es;
            if (cols - c < 8) {
                std::memset(padded, 0, sizeof padded);
                std::memcpy(padded, src, size_t(cols - c) * es);
                src = padded;
            }
            __m256 v = castTo(load8(src, in.sourceDtype), in.sourceDtype, in.targetDtype);
            if (in.targetDtype != DType::F16)
                v = roundHalf(v); // Int8Params always goes through fp16 (docs/quantization.md F11)
            special |= nonFinite(v);
            mx = _mm256_max_ps(absv(v), mx);
            if (cols - c >= 8) {
                _mm256_storeu_ps(rowBuffer + c, v);
            } else {
                alignas(32) float tmp[8];
                _mm256_store_ps(tmp, v);
                std::memcpy(rowBuffer + c, tmp, size_t(cols - c) * 4);
            }
        }
        const float absmaxRow = hmax(mx);
        scb[r] = absmaxRow;
        float scale = 127.0f * rcpApprox(absmaxRow);
        scale = (scale < FLT_MIN && scale > -FLT_MIN) ? 0.0f : scale;
        const __m256 s = _mm256_set1_ps(scale);
        for (int64_t c = 0; c < full; c += 32) {
            __m256i q[4];
            for (int k = 0; k < 4; ++k) {
                const __m256 y = flush(_mm256_mul_ps(_mm256_loadu_ps(rowBuffer + c + 8 * k), s));
                // rint via the default rounding mode (nearest even); NaN (0 * inf) gives 0
                q[k] = _mm256_and_si256(_mm256_cvtps_epi32(y), _mm256_castps_si256(_mm256_cmp_ps(y, y, _CMP_ORD_Q)));
            }
            _mm256_storeu_si256(reinterpret_cast<__m256i *>(cb + base + uint64_t(c)),
                                bytesInOrder(q[0], q[1], q[2], q[3], true));
        }
        for (int64_t c = full; c < cols; ++c) {
            float y = rowBuffer[c] * scale;
            y = (y < FLT_MIN && y > -FLT_MIN) ? 0.0f : y;
            cb[base + uint64_t(c)] = int8_t(y != y ? 0 : int(std::nearbyint(y)));
        }
    }
    return special == 0;
}

namespace {

struct DynTables
{
    __m256 t[6][4];
    __m256 t6[8];
    __m256 t0;
};

MST_AVX2_INLINE void loadDynTables(DynTables &dt)
{
    const DynSteps &d = dynSteps();
    for (int st = 1; st < 6; ++st)
        for (int h = 0; h < 4; ++h)
            dt.t[st][h] = _mm256_loadu_ps(d.table[st] + 8 * h);
    for (int h = 0; h < 8; ++h)
        dt.t6[h] = _mm256_loadu_ps(d.table[6] + 8 * h);
    dt.t0 = _mm256_set1_ps(d.table[0][0]);
}

// The table lookup of search step st at index k (k < 2^st): steps 0-3 look up at most 8 entries
// (one permute), step 4 16 (two and a blend), step 5 32 (four and three blends), step 6 64
// (eight and seven blends); bits 3-5 of k pick the 8-entry table.
MST_AVX2_INLINE __m256 dynLookup(const DynTables &dt, int st, __m256i k)
{
    if (st == 0)
        return dt.t0;
    if (st <= 3)
        return _mm256_permutevar8x32_ps(dt.t[st][0], k);
    if (st >= 6) {
        const __m256 b3 = _mm256_castsi256_ps(_mm256_slli_epi32(k, 28));
        const __m256 b4 = _mm256_castsi256_ps(_mm256_slli_epi32(k, 27));
        const __m256 b5 = _mm256_castsi256_ps(_mm256_slli_epi32(k, 26));
        __m256 q[4];
        for (int h = 0; h < 4; ++h)
            q[h] = _mm256_blendv_ps(_mm256_permutevar8x32_ps(dt.t6[2 * h], k), _mm256_permutevar8x32_ps(dt.t6[2 * h + 1], k), b3);
        return _mm256_blendv_ps(_mm256_blendv_ps(q[0], q[1], b4), _mm256_blendv_ps(q[2], q[3], b4), b5);
    }
    const __m256 bit3 = _mm256_castsi256_ps(_mm256_slli_epi32(k, 28));
    const __m256 lo = _mm256_blendv_ps(_mm256_permutevar8x32_ps(dt.t[st][0], k),
                                       _mm256_permutevar8x32_ps(dt.t[st][1], k), bit3);
    if (st == 5) {
        const __m256 hi = _mm256_blendv_ps(_mm256_permutevar8x32_ps(dt.t[st][2], k),
                                           _mm256_permutevar8x32_ps(dt.t[st][3], k), bit3);
        return _mm256_blendv_ps(lo, hi, _mm256_castsi256_ps(_mm256_slli_epi32(k, 27)));
    }
    return lo;
}

// The dynamic-map codes of 8 values (cpusimd.h: DynSteps), as 8 bytes in the low half.
MST_AVX2_INLINE __m128i dynCodes8(__m256 v, const DynTables &dt)
{
    const float *map = reinterpret_cast<const float *>(bnb::kDynamicMap.data());
    const DynSteps &d = dynSteps();
    __m256i k = _mm256_setzero_si256(), up = _mm256_set1_epi32(255), lo = _mm256_setzero_si256();
    for (int st = 0; st < 7; ++st) {
        const __m256i gt = _mm256_castps_si256(_mm256_cmp_ps(v, dynLookup(dt, st, k), _CMP_GT_OQ));
        const __m256i pivot = _mm256_add_epi32(_mm256_set1_epi32(d.start[st]),
                                               _mm256_sll_epi32(k, _mm_cvtsi32_si128(d.strideShift[st])));
        lo = _mm256_blendv_epi8(lo, pivot, gt);
        up = _mm256_blendv_epi8(pivot, up, gt);
        k = _mm256_sub_epi32(_mm256_slli_epi32(k, 1), gt); // 2k + 1 where greater (gt = -1)
    }
    const __m256i pivot = _mm256_add_epi32(_mm256_set1_epi32(d.start[7]),
                                           _mm256_sll_epi32(k, _mm_cvtsi32_si128(d.strideShift[7])));
    const __m256 val = _mm256_i32gather_ps(map, pivot, 4);
    const __m256 half = _mm256_set1_ps(0.5f);
    const __m256 upMid = _mm256_mul_ps(_mm256_add_ps(_mm256_i32gather_ps(map, up, 4), val), half);
    const __m256 loMid = _mm256_mul_ps(_mm256_add_ps(_mm256_i32gather_ps(map, lo, 4), val), half);
    const __m256i above = _mm256_blendv_epi8(pivot, up, _mm256_castps_si256(_mm256_cmp_ps(v, upMid, _CMP_GT_OQ)));
    const __m256i below = _mm256_blendv_epi8(pivot, lo, _mm256_castps_si256(_mm256_cmp_ps(v, loMid, _CMP_LT_OQ)));
    const __m256i code = _mm256_blendv_epi8(below, above, _mm256_castps_si256(_mm256_cmp_ps(v, val, _CMP_GT_OQ)));
    // 8 x int32 (each < 256) -> 8 bytes in order
    const __m128i w = _mm_packus_epi32(_mm256_castsi256_si128(code), _mm256_extracti128_si256(code, 1));
    return _mm_packus_epi16(w, w);
}

// Flush-to-zero keeping the sign (rcpapprox.h: ftz).
MST_AVX2_INLINE __m256 ftz8(__m256 x)
{
    const __m256i b = _mm256_castps_si256(x);
    const __m256i tiny = _mm256_cmpeq_epi32(_mm256_and_si256(b, _mm256_set1_epi32(0x7f800000)), _mm256_setzero_si256());
    return _mm256_castsi256_ps(_mm256_andnot_si256(_mm256_andnot_si256(_mm256_set1_epi32(int(0x80000000u)), tiny), b));
}

} // namespace

MST_AVX2 void dynamicCodesAvx2(const float *x, size_t n, uint8_t *codes)
{
    DynTables dt;
    loadDynTables(dt);
    const size_t full = n / 8 * 8;
    for (size_t i = 0; i < full; i += 8)
        _mm_storel_epi64(reinterpret_cast<__m128i *>(codes + i), dynCodes8(_mm256_loadu_ps(x + i), dt));
    for (size_t i = full; i < n; ++i)
        codes[i] = dynamicCode(x[i]);
}

// Whole nested blocks as nestedBlockScalar computes them (see nestedBlocksAvx512); a partial last
// block goes to the scalar code.
MST_AVX2 void nestedBlocksAvx2(const float *absmax, size_t n, float offset, size_t b0, size_t b1, float *nested,
                               uint8_t *codes)
{
    constexpr size_t kNb = size_t(bnb::kNestedBlocksize);
    DynTables dt;
    loadDynTables(dt);
    const __m256 off = _mm256_set1_ps(offset);
    for (size_t b = b0; b < b1; ++b) {
        const size_t first = b * kNb;
        if (n - first < kNb) {
            nestedBlockScalar(absmax, n, offset, b, nested, codes);
            continue;
        }
        __m256 v[kNb / 8];
        __m256 mx = _mm256_set1_ps(-FLT_MAX);
        for (size_t q = 0; q < kNb / 8; ++q) {
            v[q] = _mm256_sub_ps(_mm256_loadu_ps(absmax + first + 8 * q), off);
            const __m256 a = absv(v[q]);
            const __m256 keep = _mm256_cmp_ps(a, _mm256_set1_ps(FLT_MIN), _CMP_NLT_UQ);
            mx = _mm256_max_ps(_mm256_and_ps(keep, a), mx); // max(a, m) = a > m ? a : m: NaN never wins
        }
        const float m = hmax(mx);
        nested[b] = m;
        const __m256 r = _mm256_set1_ps(ftz(rcpApprox(m)));
        for (size_t q = 0; q < kNb / 8; ++q)
            _mm_storel_epi64(reinterpret_cast<__m128i *>(codes + first + 8 * q),
                             dynCodes8(ftz8(_mm256_mul_ps(ftz8(v[q]), r)), dt));
    }
}

#else

bool quantize4Avx2(const QuantInput &, QuantType, size_t, size_t, uint8_t *, float *) { return false; }
bool quantize8Avx2(const QuantInput &, size_t, size_t, int8_t *, float *, float *) { return false; }
void dynamicCodesAvx2(const float *, size_t, uint8_t *) {}
void nestedBlocksAvx2(const float *, size_t, float, size_t, size_t, float *, uint8_t *) {}

#endif

} // namespace mistudio::quant::cpu::simd
