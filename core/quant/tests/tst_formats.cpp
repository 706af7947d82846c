// The bitsandbytes formats: the spec's worked facts, reference vs fast CPU identity (bytes of
// codes and first-level absmax), dequantization error, nested statistics within a derived
// tolerance, and NaN/Inf refusal naming the tensor.
#include "check.h"
#include "identitydata.h"

#include "quant/cpusimd.h"
#include "quant/rcpapprox.h"
#include "quant/threadpool.h"

#include <atomic>
#include <cfloat>
#include <cmath>
#include <string>
#include <cinttypes>
#include <cstdio>
#include <iterator>
#include <map>
#include <random>

using namespace mistudio::quant;
using namespace quanttest;

namespace {

QuantInput rowInput(const std::vector<uint8_t> &bytes, DType t, int64_t rows, int64_t cols)
{
    QuantInput in;
    in.data = bytes.data();
    in.sourceDtype = t;
    in.targetDtype = t;
    in.rows = rows;
    in.cols = cols;
    in.name = "test.weight";
    return in;
}

// The branch-free dynamic code (used for the nested absmax) against the reference's search: every
// map value and midpoint +-4 ulp, random values in [-1, 1], and a sweep of all floats in [-1, 1]
// with a stride of 97 ulp.
void testDynamicCodeIdentity()
{
    std::vector<float> probes;
    auto around = [&](float v) {
        uint32_t b = floatToBits(v);
        for (int d = -4; d <= 4; ++d)
            probes.push_back(bitsToFloat(uint32_t(int64_t(b) + d)));
    };
    for (int i = 0; i < 256; ++i) {
        const float v = bitsToFloat(bnb::kDynamicMap[size_t(i)]);
        around(v);
        if (i < 255)
            around((v + bitsToFloat(bnb::kDynamicMap[size_t(i + 1)])) * 0.5f);
    }
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    for (int i = 0; i < 1000000; ++i)
        probes.push_back(u(rng));
    for (uint32_t b = 0; b <= 0x3f800000u; b += 97) {
        probes.push_back(bitsToFloat(b));
        probes.push_back(bitsToFloat(b | 0x80000000u));
    }
    probes.push_back(NAN);
    probes.push_back(INFINITY);
    probes.push_back(-INFINITY);
    std::vector<uint8_t> expect(probes.size());
    uint64_t bad = 0;
    for (size_t i = 0; i < probes.size(); ++i) {
        expect[i] = reference::dynamicCode(probes[i]);
        bad += cpu::dynamicCode(probes[i]) != expect[i];
    }
    std::printf("dynamic code, branch-free vs reference: %zu values, %" PRIu64 " mismatches\n", probes.size(), bad);
    CHECK_EQ(bad, uint64_t(0));
    using cpu::simd::Isa;
    for (Isa isa : {Isa::Avx512, Isa::Avx2, Isa::None}) {
        if (int(isa) > int(cpu::simd::detectedIsa()))
            continue;
        cpu::simd::setIsaLimit(isa);
        std::vector<uint8_t> got(probes.size());
        // odd lengths and offsets so that every tail path runs
        for (size_t i = 0; i < probes.size();) {
            const size_t len = std::min<size_t>(probes.size() - i, 1 + (i * 7919) % 300);
            cpu::dynamicCodes(probes.data() + i, len, got.data() + i);
            i += len;
        }
        uint64_t badSimd = 0;
        for (size_t i = 0; i < probes.size(); ++i)
            badSimd += got[i] != expect[i];
        std::printf("dynamic codes (%s) vs reference: %zu values, %" PRIu64 " mismatches\n", cpu::simd::isaName(isa),
                    probes.size(), badSimd);
        CHECK_EQ(badSimd, uint64_t(0));
    }
    cpu::simd::setIsaLimit(Isa::Avx512);
}

void testWorkedFacts()
{
    // Fn: the numbered Format facts of docs/quantization.md.
    // F5: NF4 of [1, -1, 0.5] packs to f0 c7.
    const auto b = encode({1.0f, -1.0f, 0.5f}, DType::F32);
    Quant4Result q;
    CHECK(reference::quantize4bit(rowInput(b, DType::F32, 1, 3), QuantType::NF4, q).ok());
    CHECK(q.packed.size() == 2 && q.packed[0] == 0xf0 && q.packed[1] == 0xc7);
    CHECK(q.absmax.size() == 1 && q.absmax[0] == 1.0f);
    // F5: the FP4 pad nibble is 0; F6: an all-zero block gives 0x00 and absmax 0.
    Quant4Result z;
    const auto zeros = encode(std::vector<float>(65, 0.0f), DType::BF16);
    CHECK(reference::quantize4bit(rowInput(zeros, DType::BF16, 1, 65), QuantType::NF4, z).ok());
    CHECK(z.absmax[0] == 0.0f && z.absmax[1] == 0.0f);
    bool allZero = true;
    for (uint8_t x : z.packed) allZero &= x == 0;
    CHECK(allZero);
    // F6: an all-NaN block stores -FLT_MAX; an inf element makes finite ones code 7 (NF4).
    auto in = rowInput(encode(std::vector<float>(64, NAN), DType::F32), DType::F32, 1, 64);
    in.allowNonFinite = true;
    Quant4Result nanq;
    const auto nanBytes = encode(std::vector<float>(64, NAN), DType::F32);
    in.data = nanBytes.data();
    CHECK(reference::quantize4bit(in, QuantType::NF4, nanq).ok() && nanq.absmax[0] == -FLT_MAX);
    std::vector<float> withInf(64, 0.5f);
    withInf[1] = INFINITY;
    const auto infBytes = encode(withInf, DType::F32);
    in.data = infBytes.data();
    Quant4Result infq;
    CHECK(reference::quantize4bit(in, QuantType::NF4, infq).ok());
    CHECK(infq.absmax[0] == INFINITY && infq.packed[0] == 0x70 && infq.packed[1] == 0x77);

    // F11: int8 ties with a scale of exactly 1 (absmax 127): rint half to even.
    const auto tie = encode({127.0f, 0.5f, 1.5f, 2.5f, 126.5f, -0.5f, -1.5f, -2.5f}, DType::F16);
    Int8Result t8;
    CHECK(reference::quantize8bit(rowInput(tie, DType::F16, 1, 8), t8).ok());
    const std::vector<int8_t> expect{127, 0, 2, 2, 126, 0, -2, -2};
    CHECK(t8.cb == expect && t8.scb[0] == 127.0f);
    // All-zero row: SCB 0, CB 0.
    Int8Result z8;
    const auto zrow = encode(std::vector<float>(16, 0.0f), DType::BF16);
    CHECK(reference::quantize8bit(rowInput(zrow, DType::BF16, 1, 16), z8).ok());
    CHECK(z8.scb[0] == 0.0f && !std::signbit(z8.scb[0]) && z8.cb == std::vector<int8_t>(16, 0));

    // F4: FP4 quant_map bits; F8: dynamic map bits and symmetry.
    CHECK(bnb::kFp4QuantMapBits[8] == 0 && bnb::kFp4QuantMapBits[1] == 0x3baaaaab && bnb::kFp4QuantMapBits[9] == 0xbbaaaaab);
    CHECK(bnb::kDynamicMap[0] == 0xbf7e3333 && bnb::kDynamicMap[127] == 0 && bnb::kDynamicMap[255] == 0x3f800000);
    bool symmetric = true;
    for (int i = 0; i < 127; ++i)
        symmetric &= bnb::kDynamicMap[size_t(254 - i)] == (bnb::kDynamicMap[size_t(i)] ^ 0x80000000u);
    CHECK(symmetric);
    // F3: the reference's C literals compile to the "CUDA" bits (e.g. k=14 is 3f5c89d9, not ...da).
    CHECK(floatToBits(0.8614784181118011f) == bnb::kNf4ThresholdBits[14]);
    CHECK(floatToBits(-0.8480964004993439f) == bnb::kNf4ThresholdBits[0]);
    CHECK(floatToBits(0.583333f) == bnb::kFp4ThresholdBits[5]);
    // Ties at a threshold go to the lower code.
    CHECK(reference::nf4Code(bitsToFloat(bnb::kNf4ThresholdBits[7])) == 7);
    CHECK(reference::nf4Code(std::nextafter(bitsToFloat(bnb::kNf4ThresholdBits[7]), 1.0f)) == 8);
    CHECK(reference::fp4Code(-0.0f) == 0 && reference::fp4Code(NAN) == 0 && reference::nf4Code(NAN) == 0);

    // F2: the bf16 mantissas where rcp.approx differs from IEEE, from the embedded table.
    const std::map<int, int> bf16Diffs{{4, -1}, {6, 1}, {11, -1}, {13, 1}, {20, -1}, {22, -1}, {37, 1},
                                       {38, 1}, {51, 1}, {61, 1}, {65, 1}, {66, 1}, {81, 1}, {91, 1},
                                       {109, 1}, {115, 1}, {116, 1}, {118, 1}, {121, 1}, {127, -1}};
    int bf16Mismatch = 0;
    for (int m = 0; m < 128; ++m) {
        const auto it = bf16Diffs.find(m);
        bf16Mismatch += rcpCorrection(uint32_t(m) << 16) != (it == bf16Diffs.end() ? 0 : it->second);
    }
    CHECK_EQ(bf16Mismatch, 0);
    int fp16Differ = 0;
    for (uint32_t m = 0; m < 1024; ++m)
        fp16Differ += rcpCorrection(m << 13) != 0;
    CHECK_EQ(fp16Differ, 130);
    CHECK(rcpApprox(0.0f) == INFINITY && rcpApprox(1e-40f) == INFINITY && rcpApprox(INFINITY) == 0.0f);
    CHECK(rcpApprox(0x1p126f) == 0x1p-126f && rcpApprox(0x1p127f) == 0.0f && rcpApprox(2.0f) == 0.5f);

    // F9: an exact midpoint between two dynamic codes goes to the even index.
    int evenOk = 0, pairs = 0;
    for (int j = 1; j < 254; ++j) {
        const float a = bitsToFloat(bnb::kDynamicMap[size_t(j)]), c = bitsToFloat(bnb::kDynamicMap[size_t(j + 1)]);
        const float mid = (a + c) * 0.5f;
        if (mid == a || mid == c)
            continue;
        ++pairs;
        evenOk += reference::dynamicCode(mid) == (j % 2 == 0 ? j : j + 1);
    }
    std::printf("dynamic map midpoints: %d pairs, %d to the even index\n", pairs, evenOk);
    testDynamicCodeIdentity();
    CHECK_EQ(evenOk, pairs);
}

struct Tally
{
    uint64_t compared = 0, mismatches = 0;
};

void compareBytes(const std::string &what, const std::vector<uint8_t> &a, const std::vector<uint8_t> &b, Tally &t)
{
    t.compared += a.size();
    uint64_t bad = a.size() == b.size() ? 0 : std::max(a.size(), b.size());
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
        bad += a[i] != b[i];
    t.mismatches += bad;
    CHECK_MSG(bad == 0, what + ": " + std::to_string(bad) + " mismatching bytes");
}

void testIdentityOnce(ThreadPool &pool);

void compareFloats(const std::string &what, const std::vector<float> &a, const std::vector<float> &b, Tally &t)
{
    t.compared += a.size();
    uint64_t bad = a.size() == b.size() ? 0 : std::max(a.size(), b.size());
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
        bad += floatToBits(a[i]) != floatToBits(b[i]);
    t.mismatches += bad;
    CHECK_MSG(bad == 0, what + ": " + std::to_string(bad) + " mismatching floats");
}

// Every kernel set this processor can run (AVX-512, AVX2, portable loops) against the reference.
// The inputs read from a file instead of memory, over every case and kernel set.
Tally g_preadCodes, g_preadStats;

void testIdentity(ThreadPool &pool)
{
    using cpu::simd::Isa;
    const Isa detected = cpu::simd::detectedIsa();
    for (Isa isa : {Isa::Avx512, Isa::Avx2, Isa::None}) {
        if (int(isa) > int(detected)) {
            std::printf("kernel set %s: not supported by this processor, not compared here\n", cpu::simd::isaName(isa));
            continue;
        }
        cpu::simd::setIsaLimit(isa);
        CHECK(cpu::simd::activeIsa() == isa);
        std::printf("kernel set %s:\n", cpu::simd::isaName(isa));
        testIdentityOnce(pool);
    }
    cpu::simd::setIsaLimit(Isa::Avx512);
    std::printf("read from a file (pread), all cases and kernel sets: %" PRIu64 " codes, %" PRIu64
                " mismatches; %" PRIu64 " absmax/SCB, %" PRIu64 " mismatches\n",
                g_preadCodes.compared, g_preadCodes.mismatches, g_preadStats.compared, g_preadStats.mismatches);
    CHECK(g_preadCodes.compared > 0 && g_preadCodes.mismatches == 0 && g_preadStats.mismatches == 0);
}

void testIdentityOnce(ThreadPool &pool)
{
    std::printf("%-8s %-6s %12s %10s %12s %10s   (reference vs CPU)\n", "format", "dtype", "codes", "mismatch",
                "absmax", "mismatch");
    for (DType src : {DType::F32, DType::F16, DType::BF16}) {
        for (int f = 0; f < 3; ++f) {
            const bool int8 = f == 2;
            const QuantType type = f == 1 ? QuantType::FP4 : QuantType::NF4;
            Tally codes, stats;
            for (const auto &c : identityCases(src, type, int8)) {
                const auto in = c.input();
                // The same input also read from a file (the pread path the quantizer uses), at an
                // odd offset.
                QuantInput fromFile = in;
                FILE *file = std::tmpfile();
                CHECK(file && std::fwrite("abc", 1, 3, file) == 3
                      && std::fwrite(c.bytes.data(), 1, c.bytes.size(), file) == c.bytes.size()
                      && std::fflush(file) == 0);
                fromFile.fd = file ? fileno(file) : -1;
                fromFile.fileOffset = 3;
                if (int8) {
                    Int8Result r, p, pf;
                    CHECK_MSG(reference::quantize8bit(in, r).ok(), c.name);
                    CHECK_MSG(cpu::quantize8bit(in, p, pool).ok(), c.name);
                    CHECK_MSG(cpu::quantize8bit(fromFile, pf, pool).ok(), c.name);
                    std::vector<uint8_t> rb(r.cb.begin(), r.cb.end()), pb(p.cb.begin(), p.cb.end()),
                        fb(pf.cb.begin(), pf.cb.end());
                    compareBytes(c.name + " CB", rb, pb, codes);
                    compareFloats(c.name + " SCB", r.scb, p.scb, stats);
                    compareBytes(c.name + " CB (pread)", rb, fb, g_preadCodes);
                    compareFloats(c.name + " SCB (pread)", r.scb, pf.scb, g_preadStats);
                } else {
                    Quant4Result r, p, pf;
                    CHECK_MSG(reference::quantize4bit(in, type, r).ok(), c.name);
                    CHECK_MSG(cpu::quantize4bit(in, type, p, pool).ok(), c.name);
                    CHECK_MSG(cpu::quantize4bit(fromFile, type, pf, pool).ok(), c.name);
                    compareBytes(c.name + " codes", r.packed, p.packed, codes);
                    compareFloats(c.name + " absmax", r.absmax, p.absmax, stats);
                    compareBytes(c.name + " codes (pread)", r.packed, pf.packed, g_preadCodes);
                    compareFloats(c.name + " absmax (pread)", r.absmax, pf.absmax, g_preadStats);
                }
                if (file)
                    std::fclose(file);
            }
            std::printf("%-8s %-6s %12" PRIu64 " %10" PRIu64 " %12" PRIu64 " %10" PRIu64 "\n",
                        int8 ? "int8" : (type == QuantType::NF4 ? "nf4" : "fp4"), std::string(dtypeName(src)).c_str(),
                        codes.compared, codes.mismatches, stats.compared, stats.mismatches);
        }
    }
}

void testDequantError(ThreadPool &pool)
{
    const auto vals = normalValues(1024 * 1024, 0.02f, 99);
    const auto bytes = encode(vals, DType::F32);
    auto in = rowInput(bytes, DType::F32, 1024, 1024);
    auto relErr = [&](const std::vector<float> &d) {
        double num = 0, den = 0;
        for (size_t i = 0; i < vals.size(); ++i) {
            num += double(d[i] - vals[i]) * double(d[i] - vals[i]);
            den += double(vals[i]) * double(vals[i]);
        }
        return std::sqrt(num / den);
    };
    Quant4Result nf4, fp4;
    Int8Result i8;
    CHECK(cpu::quantize4bit(in, QuantType::NF4, nf4, pool).ok());
    CHECK(cpu::quantize4bit(in, QuantType::FP4, fp4, pool).ok());
    CHECK(cpu::quantize8bit(in, i8, pool).ok());
    const double eNf4 = relErr(dequantize4bit(nf4, QuantType::NF4, vals.size()));
    const double eFp4 = relErr(dequantize4bit(fp4, QuantType::FP4, vals.size()));
    const double eI8 = relErr(dequantize8bit(i8, 1024, 1024));
    // With double quant: absmax rebuilt from the nested statistics.
    Quant4Result dq = nf4;
    dq.absmax = dequantizeAbsmax(doubleQuantize(nf4.absmax));
    const double eNf4Dq = relErr(dequantize4bit(dq, QuantType::NF4, vals.size()));
    std::printf("relative dequantization error on N(0,0.02), 1M values: nf4 %.4f, nf4+dq %.4f, fp4 %.4f, int8 %.5f\n",
                eNf4, eNf4Dq, eFp4, eI8);
    CHECK(eNf4 > 0.05 && eNf4 < 0.15);
    CHECK(eNf4Dq < eNf4 * 1.05);
    CHECK(eFp4 > 0.05 && eFp4 < 0.25);
    CHECK(eI8 < 0.01);
}

void testNestedTolerance(ThreadPool &pool)
{
    // The nested statistics are not bit-reproducible (offset = torch's CUDA mean,
    // docs/quantization.md F10); check them against the tolerance the format itself allows: a
    // rebuilt absmax may be off by half the widest gap of the dynamic map times the block's nested
    // absmax, plus float rounding.
    float maxHalfGap = 0;
    for (int j = 0; j < 255; ++j)
        maxHalfGap = std::max(maxHalfGap, (bitsToFloat(bnb::kDynamicMap[size_t(j + 1)])
                                           - bitsToFloat(bnb::kDynamicMap[size_t(j)])) * 0.5f);
    const auto vals = normalValues(4096 * 1024, 0.02f, 5);
    const auto bytes = encode(vals, DType::BF16);
    Quant4Result q;
    CHECK(cpu::quantize4bit(rowInput(bytes, DType::BF16, 4096, 1024), QuantType::NF4, q, pool).ok());
    const auto nested = doubleQuantize(q.absmax);
    const auto rebuilt = dequantizeAbsmax(nested);
    uint64_t outside = 0;
    double worst = 0;
    for (size_t i = 0; i < rebuilt.size(); ++i) {
        const float na = nested.nestedAbsmax[i / 256];
        const double tol = double(maxHalfGap) * na * (1 + 1e-6) + 4 * double(FLT_EPSILON) * (std::fabs(nested.offset) + na);
        const double err = std::fabs(double(rebuilt[i]) - double(q.absmax[i]));
        worst = std::max(worst, err / tol);
        outside += err > tol;
    }
    // Offset: any float32 summation order differs from ours by at most n*eps*mean (the classic
    // bound for recursive summation), which moves nested_absmax by the same amount.
    float seq = 0;
    for (float a : q.absmax) seq += a;
    const float seqOffset = seq * (1.0f / float(q.absmax.size()));
    const double bound = double(q.absmax.size()) * double(FLT_EPSILON) * double(nested.offset);
    std::printf("nested: %zu absmax, offset %s (sequential float sum gives %s, bound %.3g), worst error %.3f of tolerance\n",
                rebuilt.size(), bnb::pythonFloatRepr(nested.offset).c_str(), bnb::pythonFloatRepr(seqOffset).c_str(),
                bound, worst);
    CHECK_EQ(outside, uint64_t(0));
    CHECK(std::fabs(double(seqOffset) - double(nested.offset)) <= bound);
    CHECK(nested.qabsmax.size() == q.absmax.size() && nested.nestedAbsmax.size() == (q.absmax.size() + 255) / 256);
}

// The AVX-512 kernels find a 4-bit code by bucket (a table lookup and one comparison) instead of
// counting thresholds. The kernels only ever see |y| <= 1 + 2 ulp (y = x * rcp(absmax) with
// |x| <= absmax and the reciprocal within 1 ulp of 1/absmax) or NaN (0 * inf for an all-zero
// block): every float with |y| <= 1.015625 and every NaN, against the count: NF4 #{k: y > T_k};
// FP4 the rank bits of #{k: |y| > T_k} and the sign of flushed y. The count is kept by a sweep
// (values in bit order are monotonic for each sign).
void testBucketCodesExhaustive(ThreadPool &pool)
{
    if (cpu::simd::detectedIsa() != cpu::simd::Isa::Avx512) {
        std::printf("bucket codes: no AVX-512 here, not exercised\n");
        return;
    }
    constexpr uint32_t kLimit = 0x3f820000u; // 1.015625
    constexpr uint64_t kSlice = 1u << 16;
    static_assert(kLimit % kSlice == 0);
    std::vector<uint32_t> starts; // slices of kSlice bit patterns
    for (uint32_t sign : {0u, 0x80000000u}) {
        for (uint64_t b = 0; b < kLimit; b += kSlice)
            starts.push_back(sign | uint32_t(b));
        for (uint64_t b = 0x7f800000u; b < 0x80000000u; b += kSlice) // inf and NaNs (inf skipped below)
            starts.push_back(sign | uint32_t(b));
    }
    for (QuantType type : {QuantType::NF4, QuantType::FP4}) {
        const bool nf4 = type == QuantType::NF4;
        std::vector<float> thr;
        for (int k = 0; k < (nf4 ? 15 : 7); ++k)
            thr.push_back(bitsToFloat(nf4 ? bnb::kNf4ThresholdBits[k] : bnb::kFp4ThresholdBits[k]));
        const int nt = int(thr.size());
        std::atomic<uint64_t> compared{0}, mismatches{0}, firstBad{UINT64_MAX};
        pool.parallelFor(starts.size(), 64, [&](size_t s0, size_t s1) {
            std::vector<float> y(kSlice);
            std::vector<uint8_t> got(kSlice);
            for (size_t s = s0; s < s1; ++s) {
                size_t n = 0;
                for (uint64_t i = 0; i < kSlice; ++i) {
                    const uint32_t bits = starts[s] + uint32_t(i);
                    if ((bits & 0x7fffffffu) != 0x7f800000u) // not +-inf
                        y[n++] = bitsToFloat(bits);
                }
                cpu::simd::codes4Avx512(type, y.data(), n, got.data());
                // the count at the slice's first value, then kept up as the values move one way
                auto value = [&](size_t i) {
                    const float v = std::fabs(y[i]) < FLT_MIN ? 0.0f : y[i]; // flushed
                    return nf4 ? v : std::fabs(v);
                };
                int c = 0;
                for (float t : thr)
                    c += value(0) > t;
                uint64_t bad = 0;
                for (size_t i = 0; i < n; ++i) {
                    const float v = value(i);
                    if (v != v) {
                        c = 0;
                    } else {
                        while (c < nt && v > thr[size_t(c)])
                            ++c;
                        while (c > 0 && !(v > thr[size_t(c - 1)]))
                            --c;
                    }
                    const int want = nf4 ? c : bnb::kFp4RankBits[c] | (!(y[i] != y[i]) && y[i] <= -FLT_MIN ? 8 : 0);
                    if (got[i] != want) {
                        ++bad;
                        const uint64_t b = floatToBits(y[i]);
                        uint64_t cur = firstBad.load();
                        while (b < cur && !firstBad.compare_exchange_weak(cur, b)) {
                        }
                    }
                }
                compared += n;
                mismatches += bad;
            }
        });
        std::printf("bucket codes (%s) vs threshold count: %" PRIu64 " floats (|y| <= 1.015625, NaN), %" PRIu64
                    " mismatches%s\n",
                    nf4 ? "nf4" : "fp4", compared.load(), mismatches.load(),
                    firstBad.load() == UINT64_MAX ? "" : (" (first at bits " + std::to_string(firstBad.load()) + ")").c_str());
        CHECK_EQ(mismatches.load(), uint64_t(0));
        CHECK(compared.load() > (uint64_t(2) * kLimit));
    }
}

// The kernels' vector reciprocal against rcpApprox: every mantissa (the correction table's
// index) at the exponents of 1.x, of the largest and smallest normals and two between, both
// signs; and zero, subnormal, inf and NaN inputs. Compared as bits.
void testVectorReciprocal(ThreadPool &pool)
{
    if (cpu::simd::detectedIsa() != cpu::simd::Isa::Avx512) {
        std::printf("vector reciprocal: no AVX-512 here, not exercised\n");
        return;
    }
    const uint32_t exponents[] = {0, 1, 2, 64, 126, 127, 128, 200, 252, 253, 254, 255};
    std::atomic<uint64_t> compared{0}, mismatches{0};
    pool.parallelFor(std::size(exponents) * 2, 1, [&](size_t k0, size_t k1) {
        std::vector<float> x(1u << 23), got(1u << 23);
        for (size_t k = k0; k < k1; ++k) {
            const uint32_t sign = k % 2 ? 0x80000000u : 0u, e = exponents[k / 2];
            for (uint32_t m = 0; m < (1u << 23); ++m)
                x[m] = bitsToFloat(sign | (e << 23) | m);
            cpu::simd::rcpAvx512(x.data(), x.size(), got.data());
            uint64_t bad = 0;
            for (size_t i = 0; i < x.size(); ++i)
                bad += floatToBits(got[i]) != floatToBits(rcpApprox(x[i]));
            compared += x.size();
            mismatches += bad;
        }
    });
    std::printf("vector reciprocal vs rcpApprox: %" PRIu64 " values, %" PRIu64 " mismatches\n", compared.load(),
                mismatches.load());
    CHECK_EQ(mismatches.load(), uint64_t(0));
}

void testNonFinite(ThreadPool &pool)
{
    std::vector<float> v(640, 0.01f);
    v[333] = NAN;
    const auto b = encode(v, DType::F32);
    auto in = rowInput(b, DType::F32, 10, 64);
    in.name = "model.layers.3.mlp.up_proj.weight";
    Quant4Result q;
    Int8Result i8;
    for (const Status &s : {reference::quantize4bit(in, QuantType::NF4, q), cpu::quantize4bit(in, QuantType::NF4, q, pool),
                            reference::quantize8bit(in, i8), cpu::quantize8bit(in, i8, pool)}) {
        CHECK(!s.ok() && s.error().code == QuantErrc::NonFiniteWeight && s.error().tensor == in.name);
        CHECK(!s.ok() && s.error().message.find("element 333") != std::string::npos);
    }
    // A finite float32 weight that overflows float16 is non-finite for int8 (it goes through fp16).
    std::vector<float> big(64, 1.0f);
    big[7] = 70000.0f;
    const auto bb = encode(big, DType::F32);
    auto bin = rowInput(bb, DType::F32, 1, 64);
    const Status s8 = cpu::quantize8bit(bin, i8, pool);
    CHECK(!s8.ok() && s8.error().code == QuantErrc::NonFiniteWeight);
    CHECK(cpu::quantize4bit(bin, QuantType::NF4, q, pool).ok());
}

} // namespace

// The double quantization's nested blocks, every kernel set against the portable code
// (simd::nestedBlockScalar, checked against the worked facts and the tolerance below): random
// absmax, blocks whose values all equal the offset (maximum 0: codes of 0 * inf), values that are
// subnormal after the subtraction, tiny and huge values, NaN in an absmax (allowNonFinite inputs),
// and lengths that end in a partial block or exactly on a block.
void testNestedKernels(ThreadPool &pool)
{
    std::mt19937 rng(11);
    std::normal_distribution<float> nd(0.05f, 0.01f);
    std::vector<std::vector<float>> inputs;
    for (size_t len : {size_t(1), size_t(255), size_t(256), size_t(257), size_t(256 * 37), size_t(100000 + 77)}) {
        std::vector<float> a(len);
        for (auto &x : a)
            x = std::fabs(nd(rng));
        inputs.push_back(a);
    }
    {
        std::vector<float> a(256 * 8, 0.25f); // all equal: v = 0 everywhere
        for (size_t i = 256; i < 512; ++i) // values within a subnormal of each other
            a[i] = bitsToFloat(0x00800000u + uint32_t(i % 3));
        for (size_t i = 512; i < 768; ++i)
            a[i] = bitsToFloat(uint32_t(i)); // subnormal
        for (size_t i = 768; i < 1024; ++i)
            a[i] = i % 2 ? 3.0e38f : 1.0e-30f;
        a[1100] = NAN;
        a[1400] = INFINITY;
        inputs.push_back(a);
        // every value within an ulp of FLT_MIN, so that v = absmax - offset is subnormal
        std::vector<float> b(256 * 3 + 5);
        for (size_t i = 0; i < b.size(); ++i)
            b[i] = bitsToFloat(0x00800000u + uint32_t(i % 3));
        inputs.push_back(b);
    }
    using cpu::simd::Isa;
    uint64_t compared = 0, bad = 0;
    for (const auto &a : inputs) {
        cpu::simd::setIsaLimit(Isa::None);
        const NestedResult want = doubleQuantize(a, &pool);
        for (Isa isa : {Isa::Avx512, Isa::Avx2}) {
            if (int(isa) > int(cpu::simd::detectedIsa()))
                continue;
            cpu::simd::setIsaLimit(isa);
            const NestedResult got = doubleQuantize(a, &pool);
            compared += want.qabsmax.size() + want.nestedAbsmax.size();
            bad += floatToBits(got.offset) != floatToBits(want.offset);
            for (size_t i = 0; i < want.qabsmax.size(); ++i)
                bad += got.qabsmax[i] != want.qabsmax[i];
            for (size_t i = 0; i < want.nestedAbsmax.size(); ++i)
                bad += floatToBits(got.nestedAbsmax[i]) != floatToBits(want.nestedAbsmax[i]);
        }
    }
    cpu::simd::setIsaLimit(Isa::Avx512);
    std::printf("nested blocks, vector kernels vs portable: %" PRIu64 " codes and nested absmax, %" PRIu64
                " mismatches\n", compared, bad);
    CHECK(compared > 0 || cpu::simd::detectedIsa() == Isa::None);
    CHECK_EQ(bad, uint64_t(0));
}

int main()
{
    ThreadPool pool(2);
    testWorkedFacts();
    testIdentity(pool);
    testBucketCodesExhaustive(pool);
    testVectorReciprocal(pool);
    testDequantError(pool);
    testNestedTolerance(pool);
    testNestedKernels(pool);
    testNonFinite(pool);
    return quanttest::finish("tst_quant_formats");
}
