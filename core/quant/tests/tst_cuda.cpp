// Reference vs CUDA identity (label gpu). Fails, never skips, when no GPU can be used: it is only
// registered when a GPU was seen at configure time or MISTUDIO_REQUIRE_GPU=ON.
#include "check.h"
#include "identitydata.h"

#include "quant/cudaquantizer.h"
#include "quant/threadpool.h"

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <functional>

using namespace mistudio::quant;
using namespace quanttest;

int main()
{
    auto devs = CudaQuantizer::devices();
    if (!devs) {
        std::fprintf(stderr, "no GPU: %s\n", devs.error().toString().c_str());
        return 1;
    }
    auto q = CudaQuantizer::create(0);
    if (!q) {
        std::fprintf(stderr, "cannot use GPU 0: %s\n", q.error().toString().c_str());
        return 1;
    }
    CudaQuantizer &gpu = **q;
    std::printf("device: %s (%.1f GiB)\n", gpu.device().name.c_str(), double(gpu.device().totalMemory) / (1 << 30));
    const char *scaleEnv = std::getenv("MISTUDIO_IDENTITY_SCALE");
    const int scale = scaleEnv ? std::max(1, std::atoi(scaleEnv)) : 16; // 16: 16.7M random values per dtype
    std::printf("%-8s %-6s %12s %10s %12s %10s   (reference vs CUDA)\n", "format", "dtype", "codes", "mismatch",
                "absmax", "mismatch");
    // Every case twice: from memory (the driver path, no copy pool) and from a file at an odd
    // offset, read with pread on a copy pool (the quantizer's path).
    ThreadPool copyPool(4);
    uint64_t totalBad = 0, fileCompared = 0;
    auto viaFile = [&](const IdentityCase &c, const std::function<void(const QuantInput &)> &run) {
        FILE *file = std::tmpfile();
        CHECK(file && std::fwrite("abc", 1, 3, file) == 3
              && std::fwrite(c.bytes.data(), 1, c.bytes.size(), file) == c.bytes.size() && std::fflush(file) == 0);
        QuantInput in = c.input();
        in.fd = file ? fileno(file) : -1;
        in.fileOffset = 3;
        gpu.setCopyPool(&copyPool);
        run(in);
        gpu.setCopyPool(nullptr);
        if (file)
            std::fclose(file);
    };
    auto compareCase = [&](const IdentityCase &c, bool int8, QuantType type, uint64_t &nCodes, uint64_t &badCodes,
                           uint64_t &nStats, uint64_t &badStats) {
        const auto in = c.input();
        if (int8) {
            Int8Result r, g, gf;
            CHECK_MSG(reference::quantize8bit(in, r).ok(), c.name);
            const Status s = gpu.quantize8bit(in, g);
            CHECK_MSG(s.ok(), c.name + (s.ok() ? "" : s.error().toString()));
            Status sf;
            viaFile(c, [&](const QuantInput &fin) { sf = gpu.quantize8bit(fin, gf); });
            CHECK_MSG(sf.ok(), c.name + " (file)" + (sf.ok() ? "" : sf.error().toString()));
            if (!s.ok() || !sf.ok())
                return;
            for (const Int8Result *x : {&g, &gf}) {
                nCodes += r.cb.size();
                for (size_t i = 0; i < r.cb.size(); ++i) badCodes += r.cb[i] != x->cb[i];
                nStats += r.scb.size();
                for (size_t i = 0; i < r.scb.size(); ++i) badStats += floatToBits(r.scb[i]) != floatToBits(x->scb[i]);
            }
            fileCompared += r.cb.size();
        } else {
            Quant4Result r, g, gf;
            CHECK_MSG(reference::quantize4bit(in, type, r).ok(), c.name);
            const Status s = gpu.quantize4bit(in, type, g);
            CHECK_MSG(s.ok(), c.name + (s.ok() ? "" : s.error().toString()));
            Status sf;
            viaFile(c, [&](const QuantInput &fin) { sf = gpu.quantize4bit(fin, type, gf); });
            CHECK_MSG(sf.ok(), c.name + " (file)" + (sf.ok() ? "" : sf.error().toString()));
            if (!s.ok() || !sf.ok())
                return;
            for (const Quant4Result *x : {&g, &gf}) {
                nCodes += r.packed.size();
                for (size_t i = 0; i < r.packed.size(); ++i) badCodes += r.packed[i] != x->packed[i];
                nStats += r.absmax.size();
                for (size_t i = 0; i < r.absmax.size(); ++i)
                    badStats += floatToBits(r.absmax[i]) != floatToBits(x->absmax[i]);
            }
            fileCompared += r.packed.size();
        }
    };
    for (DType src : {DType::F32, DType::F16, DType::BF16}) {
        for (int f = 0; f < 3; ++f) {
            const bool int8 = f == 2;
            const QuantType type = f == 1 ? QuantType::FP4 : QuantType::NF4;
            uint64_t nCodes = 0, badCodes = 0, nStats = 0, badStats = 0;
            for (const auto &c : identityCases(src, type, int8, scale))
                compareCase(c, int8, type, nCodes, badCodes, nStats, badStats);
            std::printf("%-8s %-6s %12" PRIu64 " %10" PRIu64 " %12" PRIu64 " %10" PRIu64 "\n",
                        int8 ? "int8" : (type == QuantType::NF4 ? "nf4" : "fp4"), std::string(dtypeName(src)).c_str(),
                        nCodes, badCodes, nStats, badStats);
            totalBad += badCodes + badStats;
        }
    }
    // Outputs larger than two staging buffers (16 MB each), so that both go round more than once
    // on the way back: 40 MB of 4-bit codes, 40 MB of int8.
    {
        uint64_t nCodes = 0, badCodes = 0, nStats = 0, badStats = 0;
        IdentityCase big;
        big.name = "big/bf16";
        big.source = big.target = DType::BF16;
        big.cols = 4096;
        big.rows = 20000;
        big.bytes = encode(normalValues(size_t(big.rows * big.cols), 0.02f, 77), DType::BF16);
        compareCase(big, false, QuantType::NF4, nCodes, badCodes, nStats, badStats);
        big.rows = 10000;
        big.bytes.resize(size_t(big.rows * big.cols) * 2);
        compareCase(big, true, QuantType::NF4, nCodes, badCodes, nStats, badStats);
        std::printf("%-15s %12" PRIu64 " %10" PRIu64 " %12" PRIu64 " %10" PRIu64 "\n", "big nf4+int8", nCodes, badCodes,
                    nStats, badStats);
        totalBad += badCodes + badStats;
    }
    std::printf("of which read from a file (pread on a copy pool): %" PRIu64 " codes\n", fileCompared);
    CHECK(fileCompared > 0);
    CHECK_EQ(totalBad, uint64_t(0));
    // NaN in a weight: typed error naming the tensor, from the GPU path too.
    std::vector<float> v(640, 0.01f);
    v[100] = NAN;
    IdentityCase c;
    c.name = "model.layers.0.mlp.down_proj.weight";
    c.bytes = encode(v, DType::BF16);
    c.source = c.target = DType::BF16;
    c.rows = 10;
    c.cols = 64;
    Quant4Result r;
    const Status s = gpu.quantize4bit(c.input(), QuantType::NF4, r);
    CHECK(!s.ok() && s.error().code == QuantErrc::NonFiniteWeight && s.error().tensor == c.name);
    std::printf("peak GPU buffers %.1f MiB, device memory in use at peak %.1f MiB\n",
                double(gpu.peakBufferBytes()) / (1 << 20), double(gpu.peakUsedBytes()) / (1 << 20));
    return quanttest::finish("tst_quant_cuda");
}
