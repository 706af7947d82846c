// Reference vs CUDA identity (label gpu). Fails, never skips, when no GPU can be used: it is only
// registered when a GPU was seen at configure time or MISTUDIO_REQUIRE_GPU=ON.
#include "check.h"
#include "identitydata.h"

#include "quant/cudaquantizer.h"

#include <cinttypes>
#include <cstdio>
#include <cstdlib>

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
    uint64_t totalBad = 0;
    for (DType src : {DType::F32, DType::F16, DType::BF16}) {
        for (int f = 0; f < 3; ++f) {
            const bool int8 = f == 2;
            const QuantType type = f == 1 ? QuantType::FP4 : QuantType::NF4;
            uint64_t nCodes = 0, badCodes = 0, nStats = 0, badStats = 0;
            for (const auto &c : identityCases(src, type, int8, scale)) {
                const auto in = c.input();
                if (int8) {
                    Int8Result r, g;
                    CHECK_MSG(reference::quantize8bit(in, r).ok(), c.name);
                    const Status s = gpu.quantize8bit(in, g);
                    CHECK_MSG(s.ok(), c.name + (s.ok() ? "" : s.error().toString()));
                    if (!s.ok()) continue;
                    nCodes += r.cb.size();
                    for (size_t i = 0; i < r.cb.size(); ++i) badCodes += r.cb[i] != g.cb[i];
                    nStats += r.scb.size();
                    for (size_t i = 0; i < r.scb.size(); ++i) badStats += floatToBits(r.scb[i]) != floatToBits(g.scb[i]);
                } else {
                    Quant4Result r, g;
                    CHECK_MSG(reference::quantize4bit(in, type, r).ok(), c.name);
                    const Status s = gpu.quantize4bit(in, type, g);
                    CHECK_MSG(s.ok(), c.name + (s.ok() ? "" : s.error().toString()));
                    if (!s.ok()) continue;
                    nCodes += r.packed.size();
                    for (size_t i = 0; i < r.packed.size(); ++i) badCodes += r.packed[i] != g.packed[i];
                    nStats += r.absmax.size();
                    for (size_t i = 0; i < r.absmax.size(); ++i)
                        badStats += floatToBits(r.absmax[i]) != floatToBits(g.absmax[i]);
                }
            }
            std::printf("%-8s %-6s %12" PRIu64 " %10" PRIu64 " %12" PRIu64 " %10" PRIu64 "\n",
                        int8 ? "int8" : (type == QuantType::NF4 ? "nf4" : "fp4"), std::string(dtypeName(src)).c_str(),
                        nCodes, badCodes, nStats, badStats);
            totalBad += badCodes + badStats;
        }
    }
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
