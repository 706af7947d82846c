// The streaming quantizer end to end on generated checkpoints of each family: files, config.json,
// tensor layout, bytes against the reference, size estimate, shards, cancel, errors.
#include "check.h"

#include "quant/bnbkernels.h"
#include "quant/bnblayout.h"
#include "quant/cudaquantizer.h"
#include "quant/quantizer.h"
#include "quant/safetensors.h"
#include "quant/syntheticcheckpoint.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <csignal>

#include <sys/resource.h>
#include <unistd.h>

using namespace mistudio::quant;
namespace fs = std::filesystem;

namespace {

fs::path g_root;

std::string readText(const fs::path &p)
{
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// A llama-like checkpoint larger than the family fixtures (MLP weights of 384 KB of codes) in
// g_root/name.
fs::path writeMidSizeSource(const std::string &name, int layers)
{
    SyntheticSpec spec;
    spec.layers = layers;
    spec.hidden = 512;
    spec.intermediate = 1536;
    spec.vocab = 4000;
    spec.threads = 2;
    const fs::path src = g_root / name;
    CHECK(writeSyntheticCheckpoint(src.string(), spec).ok());
    return src;
}

uint64_t weightBytes(const fs::path &dir)
{
    uint64_t total = 0;
    for (const auto &e : fs::directory_iterator(dir))
        if (e.path().extension() == ".safetensors")
            total += e.file_size();
    return total;
}

bool noLeftovers(const fs::path &parent)
{
    for (const auto &e : fs::directory_iterator(parent))
        if (e.path().filename().string().find(".partial-") != std::string::npos)
            return false;
    return true;
}

// Checks every quantized weight of `out` against the reference on the source tensor.
void verifyAgainstReference(const fs::path &src, const fs::path &out, const QuantizeRequest &req, const QuantPlan &plan)
{
    auto in = SafetensorsFile::open((src / "model.safetensors").string());
    auto q = SafetensorsFile::open((out / "model.safetensors").string());
    CHECK(in.ok() && q.ok());
    if (!in.ok() || !q.ok())
        return;
    int checked = 0;
    for (const auto &tp : plan.tensors) {
        const auto *o = (*q)->header().find(tp.outputs.empty() ? tp.name : tp.outputs[0].name);
        if (tp.dropped()) {
            CHECK_MSG((*q)->header().find(tp.name) == nullptr, tp.name);
            continue;
        }
        CHECK_MSG(o != nullptr, tp.name);
        if (!o)
            continue;
        for (const auto &po : tp.outputs) {
            const auto *e = (*q)->header().find(po.name);
            CHECK_MSG(e && e->dtype == po.dtype, po.name);
            if (e && !po.variableSize)
                CHECK_MSG(e->shape == po.shape, po.name);
        }
        if (!tp.quantized()) {
            // Written unchanged (embeddings, norms, lm_head...) or cast to the target dtype: the
            // source's bytes or their conversion, wherever in the file they were written from.
            const auto *se = (*in)->header().find(tp.name);
            CHECK_MSG(se != nullptr, tp.name);
            if (!se)
                continue;
            std::vector<uint8_t> want(size_t(o->byteSize()));
            if (tp.passesThrough() && se->byteSize() == o->byteSize())
                std::memcpy(want.data(), (*in)->data(*se), want.size());
            else if (tp.action == TensorAction::Cast && se->numel() == o->numel())
                convertFloats((*in)->data(*se), tp.sourceDtype, want.data(), tp.targetDtype, size_t(se->numel()));
            else
                CHECK_MSG(false, tp.name + ": unexpected size or action");
            CHECK_MSG(std::memcmp((*q)->data(*o), want.data(), want.size()) == 0, tp.name + " (not quantized)");
            continue;
        }
        const auto *se = (*in)->header().find(tp.name);
        QuantInput qi;
        qi.data = (*in)->data(*se);
        qi.sourceDtype = tp.sourceDtype;
        qi.targetDtype = tp.targetDtype;
        qi.rows = tp.quantShape[0];
        qi.cols = tp.quantShape[1];
        qi.transposed = tp.transposed;
        qi.name = tp.name;
        if (tp.action == TensorAction::Quantize4bit) {
            Quant4Result r;
            CHECK(reference::quantize4bit(qi, req.options.quantType, r).ok());
            CHECK_MSG(std::memcmp((*q)->data(*o), r.packed.data(), r.packed.size()) == 0, tp.name);
            const auto *qs = (*q)->header().find(quantStateKey(tp.name, req.options.quantType));
            CHECK_MSG(qs != nullptr, tp.name);
            if (!qs)
                continue;
            const std::string json(reinterpret_cast<const char *>((*q)->data(*qs)), qs->byteSize());
            const auto *am = (*q)->header().find(tp.name + ".absmax");
            if (req.options.doubleQuant) {
                const auto nested = doubleQuantize(r.absmax);
                CHECK_MSG(json == bnb::quantStateJson(req.options.quantType, tp.targetDtype, tp.quantShape, true,
                                                      nested.offset), json);
                CHECK(am && std::memcmp((*q)->data(*am), nested.qabsmax.data(), nested.qabsmax.size()) == 0);
                const auto *na = (*q)->header().find(tp.name + ".nested_absmax");
                CHECK_MSG(na && na->byteSize() == nested.nestedAbsmax.size() * 4
                              && std::memcmp((*q)->data(*na), nested.nestedAbsmax.data(), na->byteSize()) == 0,
                          tp.name);
            } else {
                CHECK(am && std::memcmp((*q)->data(*am), r.absmax.data(), r.absmax.size() * 4) == 0);
                CHECK_MSG(json == bnb::quantStateJson(req.options.quantType, tp.targetDtype, tp.quantShape, false, 0),
                          json);
            }
        } else {
            Int8Result r;
            CHECK(reference::quantize8bit(qi, r).ok());
            CHECK_MSG(std::memcmp((*q)->data(*o), r.cb.data(), r.cb.size()) == 0, tp.name);
            const auto *scb = (*q)->header().find(tp.name.substr(0, tp.name.size() - 7) + ".SCB");
            CHECK_MSG(scb && scb->byteSize() == r.scb.size() * 4
                          && std::memcmp((*q)->data(*scb), r.scb.data(), scb->byteSize()) == 0,
                      tp.name);
        }
        ++checked;
    }
    CHECK(checked == plan.quantizedCount);
}

void testFamily(const std::string &family, DType dtype, QuantMode mode, QuantType type, bool dq)
{
    SyntheticSpec spec;
    spec.family = family;
    spec.dtype = dtype;
    spec.hidden = family == "gpt2" ? 100 : 128; // gpt2: 64-blocks straddle rows, partial last block
    spec.intermediate = 352;
    spec.vocab = 500;
    spec.tieEmbeddings = family == "gpt2";
    spec.threads = 2;
    const fs::path src = g_root / (family + "-src");
    fs::remove_all(src);
    CHECK(writeSyntheticCheckpoint(src.string(), spec).ok());
    QuantizeRequest req;
    req.inputDir = src.string();
    req.outputDir = (g_root / (family + "-q")).string();
    req.options.mode = mode;
    req.options.quantType = type;
    req.options.doubleQuant = dq;
    req.device = DeviceKind::Cpu;
    req.threads = 2;
    req.overwrite = true;
    auto r = quantizeCheckpoint(req);
    CHECK_MSG(r.ok(), r.ok() ? "" : r.error().toString());
    if (!r.ok())
        return;
    const fs::path out(req.outputDir);
    const std::vector<std::string> expectFiles{"LICENSE", "README.md", "config.json", "generation_config.json",
                                               "model.safetensors", "tokenizer.json"};
    CHECK(r->files == expectFiles);
    CHECK(noLeftovers(g_root));
    // config.json: the source's keys plus quantization_config, sorted, indent 2.
    const std::string cfgText = readText(out / "config.json");
    const auto cfg = nlohmann::json::parse(cfgText);
    CHECK(cfgText == cfg.dump(2, ' ', true) + "\n");
    CHECK(cfg["quantization_config"] == bnb::quantizationConfig(req.options, DType::BF16));
    CHECK(cfg["torch_dtype"] == "bfloat16" && cfg["model_type"] == family);
    // The preview's estimate vs the real bytes.
    const uint64_t actual = weightBytes(out);
    const double off = std::fabs(double(r->plan.estimatedOutputBytes) - double(actual)) / double(actual);
    CHECK_MSG(off < 0.01, std::to_string(off));
    verifyAgainstReference(src, out, req, r->plan);
    std::printf("== %s (%s, %s%s%s): %d of %zu tensors quantized, %llu -> %llu bytes, estimate off by %.4f%%\n",
                family.c_str(), std::string(dtypeName(dtype)).c_str(), mode == QuantMode::Bnb8bit ? "int8" : (type == QuantType::NF4 ? "nf4" : "fp4"),
                dq && mode == QuantMode::Bnb4bit ? "+dq" : "", "", r->plan.quantizedCount, r->plan.tensors.size(),
                (unsigned long long)r->bytesIn, (unsigned long long)actual, off * 100);
    if (family == "llama" || family == "gpt2") {
        std::printf("files:");
        for (const auto &f : r->files)
            std::printf(" %s", f.c_str());
        std::printf("\nconfig.json:\n%s", cfgText.c_str());
        auto q = SafetensorsFile::open((out / "model.safetensors").string());
        int shown = 0;
        for (const auto &t : (*q)->header().tensors)
            if ((t.name.find("layers.0.self_attn.q_proj") != std::string::npos || t.name.find("h.0.attn.c_attn") != std::string::npos)
                && shown++ < 8)
                std::printf("  %-70s %-4s %s\n", t.name.c_str(), std::string(dtypeName(t.dtype)).c_str(),
                            nlohmann::json(t.shape).dump().c_str());
    }
}

void testShardsCancelErrors()
{
    SyntheticSpec spec;
    spec.layers = 4;
    spec.hidden = 256;
    spec.intermediate = 512;
    spec.vocab = 1000;
    spec.maxShardBytes = 1'500'000; // sharded input
    spec.threads = 2;
    const fs::path src = g_root / "sharded-src";
    CHECK(writeSyntheticCheckpoint(src.string(), spec).ok());
    CHECK(fs::exists(src / "model.safetensors.index.json"));
    QuantizeRequest req;
    req.inputDir = src.string();
    req.outputDir = (g_root / "sharded-q").string();
    req.maxShardBytes = 300'000; // sharded output
    req.threads = 2;
    req.device = DeviceKind::Cpu;
    int calls = 0;
    uint64_t lastOut = 0;
    auto r = quantizeCheckpoint(req, [&](const QuantizeProgress &p) {
        ++calls;
        CHECK(p.tensorIndex == calls && p.tensorCount > 0 && p.bytesOut >= lastOut && !p.tensorName.empty());
        lastOut = p.bytesOut;
        return true;
    });
    CHECK_MSG(r.ok(), r.ok() ? "" : r.error().toString());
    if (r.ok()) {
        CHECK(calls == int(r->plan.tensors.size()) - 0);
        auto idx = readShardIndex((fs::path(req.outputDir) / "model.safetensors.index.json").string());
        CHECK(idx.ok() && idx->shardFiles().size() > 2);
        // A weight's companions live in its shard.
        for (const auto &tp : r->plan.tensors)
            for (const auto &o : tp.outputs)
                CHECK_MSG(idx->weightMap.at(o.name) == idx->weightMap.at(tp.outputs[0].name), o.name);
        uint64_t sum = 0;
        for (const auto &f : idx->shardFiles()) {
            auto sf = SafetensorsFile::open((fs::path(req.outputDir) / f).string());
            CHECK(sf.ok());
            for (const auto &t : (*sf)->header().tensors) {
                CHECK_MSG(idx->weightMap.at(t.name) == f, t.name);
                sum += t.byteSize();
            }
        }
        CHECK(idx->totalSize == sum);
        const double off = std::fabs(double(r->plan.estimatedOutputBytes) - double(weightBytes(req.outputDir)))
                           / double(weightBytes(req.outputDir));
        std::printf("sharded: %zu shards, estimate off by %.4f%%\n", idx->shardFiles().size(), off * 100);
        CHECK(off < 0.01);
        CHECK(r->device.rfind("cpu", 0) == 0);
    }

    // Cancel after 3 tensors: an error, nothing published, nothing left behind.
    req.outputDir = (g_root / "cancelled-q").string();
    auto c = quantizeCheckpoint(req, [](const QuantizeProgress &p) { return p.tensorIndex < 3; });
    CHECK(!c.ok() && c.error().code == QuantErrc::Cancelled);
    CHECK(!fs::exists(req.outputDir) && noLeftovers(g_root));

    // The output exists: refused unless overwrite.
    req.outputDir = (g_root / "sharded-q").string();
    auto again = quantizeCheckpoint(req);
    CHECK(!again.ok() && again.error().code == QuantErrc::InvalidInput);

    // Auto device on a machine without a usable GPU: CPU, with the reason.
    req.device = DeviceKind::Auto;
    req.overwrite = true;
    auto autoDev = quantizeCheckpoint(req);
    CHECK(autoDev.ok());
    if (autoDev.ok() && !CudaQuantizer::devices().ok())
        CHECK(autoDev->device.rfind("cpu", 0) == 0 && !autoDev->fallbackReason.empty());
}

// No room for the output (RLIMIT_FSIZE stands in for a full disk): with direct writes the
// preallocation of the file fails at once; through the page cache (the _buffered variant) a write
// or kernel copy fails with EFBIG part-way. Either way a DiskFull error naming the file, nothing
// published, no temporary directory left; then the same request succeeds with room again.
void testNoRoom()
{
    const fs::path src = writeMidSizeSource("noroom-src", 4);
    QuantizeRequest req;
    req.inputDir = src.string();
    req.outputDir = (g_root / "noroom-q").string();
    req.threads = 2;
    req.device = DeviceKind::Cpu;
    struct rlimit old{};
    CHECK(::getrlimit(RLIMIT_FSIZE, &old) == 0);
    const auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit small = old;
    small.rlim_cur = 3u << 20; // 3 MB: the output is ~10 MB
    CHECK(::setrlimit(RLIMIT_FSIZE, &small) == 0);
    auto r = quantizeCheckpoint(req);
    ::setrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, oldHandler);
    CHECK(!r.ok() && r.error().code == QuantErrc::DiskFull);
    if (!r.ok())
        std::printf("no room: %s\n", r.error().toString().c_str());
    CHECK(!fs::exists(req.outputDir) && noLeftovers(g_root));
    auto again = quantizeCheckpoint(req);
    CHECK_MSG(again.ok(), again.ok() ? "" : again.error().toString());
    CHECK(again.ok() && weightBytes(req.outputDir) > (3u << 20));
    // A larger model than the family fixtures (MLP weights of 384 KB of codes): every quantized
    // weight against the reference, byte for byte.
    if (again.ok())
        verifyAgainstReference(src, req.outputDir, req, again->plan);
}

// Links in and around the checkpoint (docs/security.md, row 8): a companion file that is a link is never
// followed (left out and reported), a link where the output goes is replaced, never written
// through, and index entries that are not plain names are refused.
void testLinks()
{
    SyntheticSpec spec;
    spec.layers = 1;
    spec.hidden = 128;
    spec.intermediate = 256;
    spec.vocab = 300;
    const fs::path src = g_root / "links-src";
    CHECK(writeSyntheticCheckpoint(src.string(), spec).ok());
    const fs::path secret = g_root / "secret.txt";
    std::ofstream(secret) << "top secret\n";
    fs::remove(src / "tokenizer.json");
    fs::create_symlink(secret, src / "tokenizer.json");
    const fs::path elsewhere = g_root / "elsewhere";
    fs::create_directories(elsewhere);
    std::ofstream(elsewhere / "keep.txt") << "keep\n";
    fs::create_directory_symlink(elsewhere, src / "quantized");

    QuantizeRequest req;
    req.inputDir = src.string();
    req.outputDir = (src / "quantized").string();
    req.threads = 2;
    req.device = DeviceKind::Cpu;
    req.overwrite = true;
    auto r = quantizeCheckpoint(req);
    CHECK_MSG(r.ok(), r.ok() ? "" : r.error().toString());
    if (r.ok()) {
        CHECK(r->skippedFiles == std::vector<std::string>{"tokenizer.json"});
        CHECK(!fs::exists(src / "quantized" / "tokenizer.json"));
        CHECK(fs::exists(src / "quantized" / "README.md")); // regular companions still come along
        CHECK(!fs::is_symlink(src / "quantized") && fs::is_directory(src / "quantized"));
    }
    CHECK(readText(secret) == "top secret\n");
    CHECK(readText(elsewhere / "keep.txt") == "keep\n"); // the old link was replaced, its target left alone
    CHECK(fs::directory_iterator(elsewhere) != fs::directory_iterator() && noLeftovers(src));

    for (const std::string bad : {"..\\x.safetensors", "a\nb.safetensors", "../x.safetensors", "sub/x.safetensors"}) {
        const fs::path idx = g_root / "bad-index.json";
        std::ofstream(idx) << nlohmann::json{{"weight_map", {{"w", bad}}}}.dump();
        auto parsed = readShardIndex(idx.string());
        CHECK_MSG(!parsed.ok() && parsed.error().code == QuantErrc::UnsafeCheckpoint, bad);
    }
}

void testNonFiniteWeight()
{
    SyntheticSpec spec;
    spec.layers = 1;
    spec.dtype = DType::F32;
    spec.threads = 2;
    const fs::path src = g_root / "nan-src";
    CHECK(writeSyntheticCheckpoint(src.string(), spec).ok());
    // Poke a NaN into layer 0's up_proj.
    {
        auto f = SafetensorsFile::open((src / "model.safetensors").string());
        const auto *e = (*f)->header().find("model.layers.0.mlp.up_proj.weight");
        const uint64_t at = (*f)->header().dataOffset() + e->begin + 4 * 1234;
        std::fstream io(src / "model.safetensors", std::ios::in | std::ios::out | std::ios::binary);
        io.seekp(std::streamoff(at));
        const float nan = NAN;
        io.write(reinterpret_cast<const char *>(&nan), 4);
    }
    QuantizeRequest req;
    req.inputDir = src.string();
    req.outputDir = (g_root / "nan-q").string();
    req.device = DeviceKind::Cpu;
    req.threads = 2;
    auto r = quantizeCheckpoint(req);
    CHECK(!r.ok() && r.error().code == QuantErrc::NonFiniteWeight
          && r.error().tensor == "model.layers.0.mlp.up_proj.weight");
    if (!r.ok())
        std::printf("NaN weight: %s\n", r.error().toString().c_str());
    CHECK(!fs::exists(req.outputDir) && noLeftovers(g_root));
}

} // namespace

// An explicit CUDA request. Without a usable GPU: GpuUnavailable, nothing published, no temporary
// directory left (the GPU is opened on a thread of its own while the first weights go to the CPU,
// so the answer can come mid-way). With one: every output file byte-identical to the CPU path's,
// 4-bit with double quant and int8, with the first weights done on the CPU while the GPU opened
// (the default) and with every weight on the GPU (cpuWhileGpuOpens = false).
void testExplicitCuda()
{
    const fs::path src = writeMidSizeSource("cuda-src", 6);
    const bool haveGpu = CudaQuantizer::devices().ok();
    for (int k = 0; k < 4; ++k) {
        const QuantMode mode = k % 2 ? QuantMode::Bnb8bit : QuantMode::Bnb4bit;
        QuantizeRequest req;
        req.cpuWhileGpuOpens = k < 2;
        req.inputDir = src.string();
        req.options.mode = mode;
        req.options.doubleQuant = true;
        req.threads = 2;
        req.device = DeviceKind::Cuda;
        req.outputDir = (g_root / "cuda-q").string();
        auto gpu = quantizeCheckpoint(req);
        if (!haveGpu) {
            CHECK(!gpu.ok() && gpu.error().code == QuantErrc::GpuUnavailable);
            CHECK(!fs::exists(req.outputDir) && noLeftovers(g_root));
            continue;
        }
        CHECK_MSG(gpu.ok(), gpu.ok() ? "" : gpu.error().toString());
        if (!gpu.ok())
            continue;
        std::printf("explicit cuda (%s): %s\n", mode == QuantMode::Bnb8bit ? "int8" : "nf4+dq", gpu->device.c_str());
        CHECK(gpu->device.rfind("cuda:0", 0) == 0);
        if (!req.cpuWhileGpuOpens)
            CHECK(gpu->device.find("on the CPU") == std::string::npos);
        req.device = DeviceKind::Cpu;
        req.outputDir = (g_root / "cpu-q").string();
        auto cpu = quantizeCheckpoint(req);
        CHECK(cpu.ok() && cpu->files == gpu->files);
        if (!cpu.ok())
            continue;
        for (const auto &f : cpu->files)
            CHECK_MSG(readText(g_root / "cpu-q" / f) == readText(g_root / "cuda-q" / f), f);
        fs::remove_all(g_root / "cpu-q");
        fs::remove_all(g_root / "cuda-q");
    }
}

int main()
{
    g_root = fs::temp_directory_path() / ("tst_quant_quantizer_" + std::to_string(::getpid()));
    fs::create_directories(g_root);
    for (const char *family : {"llama", "gpt2", "mixtral", "qwen2_moe", "phi3", "gpt_neox", "qwen3"})
        testFamily(family, DType::F32, QuantMode::Bnb4bit, QuantType::NF4, true);
    testFamily("llama", DType::BF16, QuantMode::Bnb4bit, QuantType::FP4, false);
    testFamily("gpt2", DType::F32, QuantMode::Bnb8bit, QuantType::NF4, false);
    testFamily("mistral", DType::F16, QuantMode::Bnb8bit, QuantType::NF4, false);
    testShardsCancelErrors();
    testNoRoom();
    testLinks();
    testNonFiniteWeight();
    testExplicitCuda();
    quanttest::checkDirectFaultsInjected(SafetensorsWriter::directIoAvailable(g_root.string()));
    fs::remove_all(g_root);
    return quanttest::finish("tst_quant_quantizer");
}
