// The fast CPU path: the reference's arithmetic restructured into branch-free loops over whole
// blocks (threshold counting instead of comparison trees, selects instead of FTZ branches) that
// the compiler vectorizes, run on a thread pool. Bytes must equal the reference's.
#include "quant/bnbkernels.h"

#include "quant/bnblayout.h"
#include "quant/cpusimd.h"
#include "quant/rcpapprox.h"
#include "quant/safetensors.h"
#include "quant/threadpool.h"

#include <algorithm>
#include <atomic>
#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string_view>

#if defined(__x86_64__)
#include <cpuid.h>
#endif


// The hot loops are compiled twice, for AVX2 and for the x86-64 baseline, and picked at load
// time (GCC function multiversioning): same arithmetic, twice the vector width where available.
// Not under ThreadSanitizer: its runtime is not up yet when the ifunc resolvers run at load time.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(__SANITIZE_THREAD__)
#define MISTUDIO_SIMD_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define MISTUDIO_SIMD_CLONES
#endif

namespace mistudio::quant::cpu {

namespace simd {

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
                    std::memcpy(&r.table[st][k], &bnb::kDynamicMap[size_t(start + stride * k)], 4);
            if (st < 7)
                start -= 64 >> st;
        }
        return r;
    }();
    return d;
}

} // namespace simd

namespace {

constexpr int kBs = bnb::kBlocksize;

const float *halfTable()
{
    static const std::vector<float> table = [] {
        std::vector<float> t(65536);
        for (uint32_t i = 0; i < 65536; ++i)
            t[i] = halfToFloat(uint16_t(i));
        return t;
    }();
    return table.data();
}

inline float bitsF(uint32_t b) { float f; std::memcpy(&f, &b, 4); return f; }
inline uint32_t fBits(float f) { uint32_t b; std::memcpy(&b, &f, 4); return b; }

// Round float -> bf16 -> float (RNE, NaN kept quiet), branch-free for vectorization.
inline float roundBf16(float f)
{
    const uint32_t b = fBits(f);
    const bool nan = (b & 0x7fffffffu) > 0x7f800000u;
    const uint32_t r = (b + 0x7fffu + ((b >> 16) & 1u)) & 0xffff0000u;
    return bitsF(nan ? ((b | 0x00400000u) & 0xffff0000u) : r);
}

// Loads `count` elements of the matrix starting at `first`, cast to the target dtype, into
// vals[0..count) and zeros after; returns false if one is not finite.
MISTUDIO_SIMD_CLONES bool loadBlock(const QuantInput &in, uint64_t first, int count, float *vals, int width)
{
    const float *half = halfTable();
    if (!in.transposed) {
        switch (in.sourceDtype) {
        case DType::BF16: {
            const auto *p = reinterpret_cast<const uint8_t *>(in.data) + 2 * first;
            for (int j = 0; j < count; ++j) {
                uint16_t h;
                std::memcpy(&h, p + 2 * j, 2);
                vals[j] = bitsF(uint32_t(h) << 16);
            }
            break;
        }
        case DType::F16: {
            const auto *p = in.data + 2 * first;
            for (int j = 0; j < count; ++j) {
                uint16_t h;
                std::memcpy(&h, p + 2 * j, 2);
                vals[j] = half[h];
            }
            break;
        }
        case DType::F32:
            std::memcpy(vals, in.data + 4 * first, size_t(count) * 4);
            break;
        default:
            for (int j = 0; j < count; ++j)
                vals[j] = loadAsFloat(in.data, in.sourceDtype, first + uint64_t(j));
            break;
        }
        if (in.targetDtype == DType::BF16 && in.sourceDtype != DType::BF16) {
            for (int j = 0; j < count; ++j)
                vals[j] = roundBf16(vals[j]);
        } else if (in.targetDtype == DType::F16 && in.sourceDtype != DType::F16) {
            for (int j = 0; j < count; ++j)
                vals[j] = half[floatToHalf(vals[j])];
        }
    } else {
        for (int j = 0; j < count; ++j)
            vals[j] = loadCast(in, first + uint64_t(j));
    }
    for (int j = count; j < width; ++j)
        vals[j] = 0.0f;
    uint32_t special = 0;
    for (int j = 0; j < count; ++j)
        special |= uint32_t((fBits(vals[j]) & 0x7f800000u) == 0x7f800000u);
    return special == 0;
}

// The first non-finite element's index, kept as an atomic minimum over the pool's chunks (the
// caller then searches from there for the exact element).
void lowerTo(std::atomic<uint64_t> &first, uint64_t value)
{
    uint64_t cur = first.load();
    while (value < cur && !first.compare_exchange_weak(cur, value)) {
    }
}

// Elements [first, first + count) of a non-transposed input that names its file, read with pread
// into this thread's buffer, as a 1 x count input of its own in `piece`. False where the input
// has no file, is read transposed, or the read fails: the caller then uses the mapping.
bool readPiece(const QuantInput &in, uint64_t first, uint64_t count, QuantInput &piece)
{
    if (in.fd < 0 || in.transposed || count == 0)
        return false;
    thread_local std::vector<uint8_t> buffer;
    const size_t es = dtypeSize(in.sourceDtype);
    const size_t bytes = size_t(count * es);
    if (buffer.size() < bytes)
        buffer.resize(bytes);
    if (preadFully(in.fd, buffer.data(), bytes, in.fileOffset + first * es) != bytes)
        return false;
    piece.data = buffer.data();
    piece.sourceDtype = in.sourceDtype;
    piece.targetDtype = in.targetDtype;
    piece.rows = 1;
    piece.cols = int64_t(count);
    piece.allowNonFinite = in.allowNonFinite;
    return true;
}

// Subnormal -> 0 (sign irrelevant for every later use), everything else unchanged.
inline float flush(float x) { return std::fabs(x) < FLT_MIN ? 0.0f : x; }

MISTUDIO_SIMD_CLONES void quantizeBlock(const float *vals, int count, QuantType type, uint8_t *packedOut, float *absmaxOut)
{
    float x[kBs];
    float m = -FLT_MAX;
    for (int j = 0; j < kBs; ++j) {
        x[j] = flush(vals[j]);
        const float a = std::fabs(x[j]);
        m = a > m ? a : m; // like fmaxf: a NaN never wins
    }
    *absmaxOut = m;
    const float r = rcpApprox(m);
    float y[kBs];
    for (int j = 0; j < kBs; ++j)
        y[j] = flush(x[j] * r);
    uint8_t codes[kBs];
    if (type == QuantType::NF4) {
        int32_t c[kBs] = {};
        for (int k = 0; k < 15; ++k) {
            const float t = bitsF(bnb::kNf4ThresholdBits[k]);
            for (int j = 0; j < kBs; ++j)
                c[j] += y[j] > t ? 1 : 0;
        }
        for (int j = 0; j < kBs; ++j)
            codes[j] = uint8_t(c[j]);
    } else {
        int32_t c[kBs] = {};
        for (int k = 0; k < 7; ++k) {
            const float t = bitsF(bnb::kFp4ThresholdBits[k]);
            for (int j = 0; j < kBs; ++j)
                c[j] += std::fabs(y[j]) > t ? 1 : 0;
        }
        for (int j = 0; j < kBs; ++j)
            codes[j] = uint8_t(bnb::kFp4RankBits[c[j]] | (y[j] < 0.0f ? 0b1000 : 0));
    }
    // Blocks start at even indices (64 is even), so pairs never straddle blocks.
    const int bytes = (count + 1) / 2;
    for (int j = 0; j < bytes; ++j)
        packedOut[j] = uint8_t((codes[2 * j] << 4) | codes[2 * j + 1]);
}

MISTUDIO_SIMD_CLONES void quantizeRow8(const float *row, int64_t cols, float scale, int8_t *cb)
{
    for (int64_t c = 0; c < cols; ++c) {
        const float y = flush(row[c] * scale);
        // rint (half to even, the default rounding mode); NaN (0 * inf) gives 0 like __float2int_rn
        cb[c] = int8_t(y != y ? 0 : int(std::nearbyint(y)));
    }
}

} // namespace

namespace simd {

Isa detectedIsa()
{
    static const Isa isa = [] {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")
            && __builtin_cpu_supports("avx512dq"))
            return Isa::Avx512;
        // F16C from CPUID itself: clang's __builtin_cpu_supports does not know "f16c".
        unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
        const bool f16c = __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & bit_F16C) != 0;
        if (__builtin_cpu_supports("avx2") && f16c)
            return Isa::Avx2;
#endif
        return Isa::None;
    }();
    return isa;
}

const char *isaName(Isa isa)
{
    switch (isa) {
    case Isa::Avx512: return "avx512";
    case Isa::Avx2: return "avx2";
    case Isa::None: break;
    }
    return "portable";
}

namespace {
// MISTUDIO_QUANT_ISA=avx2|portable lowers the kernel set (benchmarks, bug reports).
std::atomic<int> g_limit{[] {
    const char *e = std::getenv("MISTUDIO_QUANT_ISA");
    const std::string_view v = e ? e : "";
    return int(v == "portable" || v == "none" ? Isa::None : v == "avx2" ? Isa::Avx2 : Isa::Avx512);
}()};
} // namespace

void setIsaLimit(Isa limit) { g_limit.store(int(limit)); }

Isa activeIsa() { return Isa(std::min(int(detectedIsa()), g_limit.load())); }

bool handles(const QuantInput &in)
{
    auto ok = [](DType t) { return t == DType::F32 || t == DType::F16 || t == DType::BF16; };
    return !in.transposed && ok(in.sourceDtype) && ok(in.targetDtype);
}

} // namespace simd

uint8_t dynamicCode(float x)
{
    // The reference's search tracks the bracketing values with the pivots; they are always
    // code(lowerPivot) and code(upperPivot) (a pivot becomes a bracket only when it was compared,
    // and the brackets start at 0 and 255), so only the indices are carried here, with mask
    // arithmetic that the compiler cannot turn back into branches.
    const auto code = [](int i) { return bitsF(bnb::kDynamicMap[size_t(i)]); };
    int pivot = 127, upperPivot = 255, lowerPivot = 0;
    for (int i = 64; i > 0; i >>= 1) {
        const int gt = -int(x > code(pivot)); // all ones or zero
        lowerPivot = (pivot & gt) | (lowerPivot & ~gt);
        upperPivot = (upperPivot & gt) | (pivot & ~gt);
        pivot += (i & gt) - (i & ~gt);
    }
    const float val = code(pivot);
    const int gt = -int(x > val);
    const int up = -int(x > (code(upperPivot) + val) * 0.5f);
    const int down = -int(x < (code(lowerPivot) + val) * 0.5f);
    const int above = (upperPivot & up) | (pivot & ~up);
    const int below = (lowerPivot & down) | (pivot & ~down);
    return uint8_t((above & gt) | (below & ~gt));
}

void dynamicCodes(const float *x, size_t n, uint8_t *codes)
{
    switch (simd::activeIsa()) {
    case simd::Isa::Avx512: simd::dynamicCodesAvx512(x, n, codes); return;
    case simd::Isa::Avx2: simd::dynamicCodesAvx2(x, n, codes); return;
    case simd::Isa::None: break;
    }
    for (size_t i = 0; i < n; ++i)
        codes[i] = dynamicCode(x[i]);
}

void simd::nestedBlockScalar(const float *absmax, size_t n, float offset, size_t b, float *nested, uint8_t *codes)
{
    constexpr size_t kNb = size_t(bnb::kNestedBlocksize);
    const size_t first = b * kNb;
    const size_t count = std::min(kNb, n - first);
    float vals[kNb];
    for (size_t j = 0; j < kNb; ++j)
        vals[j] = j < count ? absmax[first + j] - offset : 0.0f; // torch's subtraction (IEEE)
    // max(m, flushed |v|) over the block as a select: m starts at -FLT_MAX and only ever takes a
    // (flushed, non-negative) a that compares greater, so it is never NaN or subnormal, and
    // "a > m ? a : m" is fmax's result (a NaN a never wins).
    float m = -FLT_MAX;
    for (float v : vals) {
        const float a = ftz(std::fabs(ftz(v)));
        m = a > m ? a : m;
    }
    nested[b] = m;
    const float rc = ftz(rcpApprox(m));
    for (size_t j = 0; j < count; ++j)
        vals[j] = ftz(ftz(vals[j]) * rc);
    for (size_t j = 0; j < count; ++j)
        codes[first + j] = dynamicCode(vals[j]);
}

void nestedBlocks(const float *absmax, size_t n, float offset, size_t b0, size_t b1, float *nested, uint8_t *codes)
{
    switch (simd::activeIsa()) {
    case simd::Isa::Avx512: simd::nestedBlocksAvx512(absmax, n, offset, b0, b1, nested, codes); return;
    case simd::Isa::Avx2: simd::nestedBlocksAvx2(absmax, n, offset, b0, b1, nested, codes); return;
    case simd::Isa::None: break;
    }
    for (size_t b = b0; b < b1; ++b)
        simd::nestedBlockScalar(absmax, n, offset, b, nested, codes);
}

Status quantize4bit(const QuantInput &in, QuantType type, Quant4Result &out, ThreadPool &pool)
{
    const uint64_t n = in.numel();
    out.absmax.resize(bnb::numBlocks(n));
    out.packed.resize(bnb::packedBytes(n));
    return quantize4bit(in, type, out.packed.data(), out.absmax.data(), pool);
}

Status quantize4bit(const QuantInput &in, QuantType type, uint8_t *packed, float *absmax, ThreadPool &pool)
{
    const uint64_t n = in.numel();
    const uint64_t blocks = bnb::numBlocks(n);
    std::atomic<uint64_t> firstBad{UINT64_MAX};
    const simd::Isa isa = simd::handles(in) ? simd::activeIsa() : simd::Isa::None;
    pool.parallelFor(size_t(blocks), 2048, [&](size_t b0, size_t b1) {
        // Blocks [b0, b1) as a tensor of their own (4-bit blocks run over the flattened matrix):
        // read into this thread's buffer where the input allows it, else through the mapping.
        const uint64_t first0 = uint64_t(b0) * kBs, elements = std::min<uint64_t>(uint64_t(b1) * kBs, n) - first0;
        QuantInput piece;
        const QuantInput &src = readPiece(in, first0, elements, piece) ? piece : in;
        const size_t base = &src == &in ? b0 : 0; // block index of b0 in src
        uint8_t *const packedAt = packed + (b0 - base) * (kBs / 2);
        float *const absmaxAt = absmax + (b0 - base);
        if (isa != simd::Isa::None) {
            const bool finite = isa == simd::Isa::Avx512
                                    ? simd::quantize4Avx512(src, type, base, base + (b1 - b0), packedAt, absmaxAt)
                                    : simd::quantize4Avx2(src, type, base, base + (b1 - b0), packedAt, absmaxAt);
            if (!finite && !in.allowNonFinite)
                lowerTo(firstBad, first0); // the search below starts here
            return;
        }
        alignas(64) float vals[kBs];
        const uint64_t srcN = src.numel();
        for (size_t b = base; b < base + (b1 - b0); ++b) {
            const uint64_t first = uint64_t(b) * kBs;
            const int count = int(std::min<uint64_t>(kBs, srcN - first));
            if (!loadBlock(src, first, count, vals, kBs) && !in.allowNonFinite)
                lowerTo(firstBad, first0);
            quantizeBlock(vals, count, type, packedAt + first / 2, absmaxAt + b);
        }
    });
    if (firstBad.load() != UINT64_MAX) {
        uint64_t i = firstBad.load();
        while (std::isfinite(loadCast(in, i)))
            ++i;
        return nonFiniteError(in, i);
    }
    return {};
}

Status quantize8bit(const QuantInput &in, Int8Result &out, ThreadPool &pool)
{
    out.cb.resize(in.numel());
    out.scb.resize(size_t(in.rows));
    return quantize8bit(in, out.cb.data(), out.scb.data(), pool);
}

Status quantize8bit(const QuantInput &in, int8_t *cbOut, float *scbOut, ThreadPool &pool)
{
    const int64_t cols = in.cols;
    std::atomic<uint64_t> firstBad{UINT64_MAX};
    const float *half = halfTable();
    const simd::Isa isa = simd::handles(in) ? simd::activeIsa() : simd::Isa::None;
    pool.parallelFor(size_t(in.rows), std::max<size_t>(1, size_t(65536 / std::max<int64_t>(1, cols))),
                     [&](size_t r0, size_t r1) {
        std::vector<float> row(static_cast<size_t>(cols));
        // Rows [r0, r1) as a matrix of their own, read into this thread's buffer where it can be.
        QuantInput piece;
        const bool own = readPiece(in, uint64_t(r0) * uint64_t(cols), uint64_t(r1 - r0) * uint64_t(cols), piece);
        if (own) {
            piece.rows = int64_t(r1 - r0);
            piece.cols = cols;
        }
        const QuantInput &src = own ? piece : in;
        const size_t s0 = own ? 0 : r0, s1 = s0 + (r1 - r0); // the rows in src
        int8_t *const cbAt = cbOut + (r0 - s0) * size_t(cols);
        float *const scbAt = scbOut + (r0 - s0);
        if (isa != simd::Isa::None) {
            const bool finite = isa == simd::Isa::Avx512 ? simd::quantize8Avx512(src, s0, s1, cbAt, scbAt, row.data())
                                                         : simd::quantize8Avx2(src, s0, s1, cbAt, scbAt, row.data());
            if (!finite && !in.allowNonFinite)
                lowerTo(firstBad, uint64_t(r0) * uint64_t(cols));
            return;
        }
        constexpr int kChunk = 256;
        for (size_t r = s0; r < s1; ++r) {
            const uint64_t base = uint64_t(r) * uint64_t(cols);
            bool finite = true;
            for (int64_t c0 = 0; c0 < cols; c0 += kChunk) {
                const int count = int(std::min<int64_t>(kChunk, cols - c0));
                finite &= loadBlock(src, base + uint64_t(c0), count, row.data() + c0, count);
            }
            // Int8Params always goes through fp16 (docs/quantization.md F11); overflow there is
            // non-finite too.
            if (in.targetDtype != DType::F16)
                for (int64_t c = 0; c < cols; ++c)
                    row[size_t(c)] = half[floatToHalf(row[size_t(c)])];
            float m = 0.0f;
            uint32_t special = 0;
            for (int64_t c = 0; c < cols; ++c) {
                const float a = std::fabs(row[size_t(c)]);
                m = a > m ? a : m;
                special |= uint32_t((fBits(row[size_t(c)]) & 0x7f800000u) == 0x7f800000u);
            }
            if ((!finite || special) && !in.allowNonFinite)
                lowerTo(firstBad, uint64_t(r0) * uint64_t(cols));
            scbAt[r] = m;
            quantizeRow8(row.data(), cols, flush(127.0f * rcpApprox(m)), cbAt + base);
        }
    });
    if (firstBad.load() != UINT64_MAX) {
        uint64_t i = firstBad.load();
        while (std::isfinite(halfToFloat(floatToHalf(loadCast(in, i)))))
            ++i;
        return nonFiniteError(in, i);
    }
    return {};
}

} // namespace mistudio::quant::cpu
