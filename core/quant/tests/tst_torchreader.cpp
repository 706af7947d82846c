// PyTorch .bin -> safetensors with LibTorch's restricted unpickler: tensors round-trip, shards,
// and anything that is not plain tensor data is a clear UnsafeCheckpoint error, never a crash.
#include "check.h"

#include "quant/safetensors.h"
#include "quant/torch/torchreader.h"

#include <ATen/ATen.h>
#include <torch/csrc/jit/serialization/pickle.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include <unistd.h>

using namespace mistudio::quant;
namespace fs = std::filesystem;

namespace {

void saveBin(const fs::path &p, const std::vector<std::pair<std::string, at::Tensor>> &tensors)
{
    c10::impl::GenericDict d(c10::StringType::get(), c10::TensorType::get());
    for (const auto &[n, t] : tensors)
        d.insert(n, t);
    const std::vector<char> bytes = torch::jit::pickle_save(d);
    std::ofstream(p, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}

std::string bytesOf(const char *p, size_t n)
{
    return std::string(p, n);
}

void writeRaw(const fs::path &p, const std::string &bytes)
{
    std::ofstream(p, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}

} // namespace

int main()
{
    const fs::path root = fs::temp_directory_path() / ("tst_quant_torchreader_" + std::to_string(::getpid()));
    fs::create_directories(root / "one");
    at::manual_seed(1);
    const at::Tensor w = at::randn({64, 32});
    const at::Tensor norm = at::ones({32}, at::kBFloat16);
    const at::Tensor ids = at::arange(10, at::kLong);
    const at::Tensor half = at::randn({8, 8}).to(at::kHalf);
    saveBin(root / "one" / "pytorch_model.bin",
            {{"model.layers.0.mlp.up_proj.weight", w}, {"model.norm.weight", norm}, {"ids", ids}, {"h", half}});
    CHECK(hasPytorchBin((root / "one").string()));
    auto conv = convertPytorchBin((root / "one").string(), (root / "one-st").string());
    CHECK_MSG(conv.ok(), conv.ok() ? "" : conv.error().toString());
    if (conv.ok()) {
        CHECK(conv->tensors == 4 && conv->files == std::vector<std::string>{"model.safetensors"});
        auto f = SafetensorsFile::open((root / "one-st" / "model.safetensors").string());
        CHECK(f.ok());
        if (f.ok()) {
            const auto *e = (*f)->header().find("model.layers.0.mlp.up_proj.weight");
            CHECK(e && e->dtype == DType::F32 && e->shape == (std::vector<int64_t>{64, 32}));
            CHECK(e && std::memcmp((*f)->data(*e), w.data_ptr(), 64 * 32 * 4) == 0);
            const auto *n = (*f)->header().find("model.norm.weight");
            CHECK(n && n->dtype == DType::BF16 && std::memcmp((*f)->data(*n), norm.data_ptr(), 64) == 0);
            const auto *i = (*f)->header().find("ids");
            CHECK(i && i->dtype == DType::I64 && std::memcmp((*f)->data(*i), ids.data_ptr(), 80) == 0);
            const auto *h = (*f)->header().find("h");
            CHECK(h && h->dtype == DType::F16 && std::memcmp((*f)->data(*h), half.data_ptr(), 128) == 0);
        }
    }

    // Shards named by pytorch_model.bin.index.json.
    fs::create_directories(root / "sharded");
    saveBin(root / "sharded" / "pytorch_model-00001-of-00002.bin", {{"a.weight", w}});
    saveBin(root / "sharded" / "pytorch_model-00002-of-00002.bin", {{"b.weight", half}});
    writeRaw(root / "sharded" / "pytorch_model.bin.index.json",
             R"({"metadata": {"total_size": 8320}, "weight_map": {"a.weight": "pytorch_model-00001-of-00002.bin", "b.weight": "pytorch_model-00002-of-00002.bin"}})");
    auto sh = convertPytorchBin((root / "sharded").string(), (root / "sharded-st").string());
    CHECK_MSG(sh.ok(), sh.ok() ? "" : sh.error().toString());
    auto idx = readShardIndex((root / "sharded-st" / "model.safetensors.index.json").string());
    CHECK(idx.ok() && idx->weightMap.at("b.weight") == "model-00002-of-00002.safetensors" && idx->totalSize == 8192 + 128);

    // A pickle that would call os.system: refused by the restricted unpickler.
    struct Bad
    {
        const char *what;
        std::string bytes;
    };
    const std::vector<Bad> bad{
        {"os.system global", bytesOf("\x50\x4b\x03\x04\x14\x00\x00\x00\x00\x00\x27\x64\x7c\x5d\x28\xff\xf5\x3e\x24\x00\x00\x00\x24\x00\x00\x00\x10\x00\x00\x00\x61\x72\x63\x68\x69\x76\x65\x2f\x64\x61\x74\x61\x2e\x70\x6b\x6c\x80\x02\x63\x70\x6f\x73\x69\x78\x0a\x73\x79\x73\x74\x65\x6d\x0a\x71\x00\x58\x04\x00\x00\x00\x74\x72\x75\x65\x71\x01\x85\x71\x02\x52\x71\x03\x2e\x50\x4b\x03\x04\x14\x00\x00\x00\x00\x00\x27\x64\x7c\x5d\xd1\x9e\x67\x55\x02\x00\x00\x00\x02\x00\x00\x00\x0f\x00\x00\x00\x61\x72\x63\x68\x69\x76\x65\x2f\x76\x65\x72\x73\x69\x6f\x6e\x33\x0a\x50\x4b\x01\x02\x14\x03\x14\x00\x00\x00\x00\x00\x27\x64\x7c\x5d\x28\xff\xf5\x3e\x24\x00\x00\x00\x24\x00\x00\x00\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x01\x00\x00\x00\x00\x61\x72\x63\x68\x69\x76\x65\x2f\x64\x61\x74\x61\x2e\x70\x6b\x6c\x50\x4b\x01\x02\x14\x03\x14\x00\x00\x00\x00\x00\x27\x64\x7c\x5d\xd1\x9e\x67\x55\x02\x00\x00\x00\x02\x00\x00\x00\x0f\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x01\x52\x00\x00\x00\x61\x72\x63\x68\x69\x76\x65\x2f\x76\x65\x72\x73\x69\x6f\x6e\x50\x4b\x05\x06\x00\x00\x00\x00\x02\x00\x02\x00\x7b\x00\x00\x00\x81\x00\x00\x00\x00\x00", 274)},
        {"builtins.eval", bytesOf("\x50\x4b\x03\x04\x14\x00\x00\x00\x00\x00\x27\x64\x7c\x5d\xfe\xc5\xdd\x71\x1c\x00\x00\x00\x1c\x00\x00\x00\x10\x00\x00\x00\x61\x72\x63\x68\x69\x76\x65\x2f\x64\x61\x74\x61\x2e\x70\x6b\x6c\x80\x02\x63\x62\x75\x69\x6c\x74\x69\x6e\x73\x0a\x65\x76\x61\x6c\x0a\x58\x03\x00\x00\x00\x31\x2b\x31\x85\x52\x2e\x50\x4b\x03\x04\x14\x00\x00\x00\x00\x00\x27\x64\x7c\x5d\xd1\x9e\x67\x55\x02\x00\x00\x00\x02\x00\x00\x00\x0f\x00\x00\x00\x61\x72\x63\x68\x69\x76\x65\x2f\x76\x65\x72\x73\x69\x6f\x6e\x33\x0a\x50\x4b\x01\x02\x14\x03\x14\x00\x00\x00\x00\x00\x27\x64\x7c\x5d\xfe\xc5\xdd\x71\x1c\x00\x00\x00\x1c\x00\x00\x00\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x01\x00\x00\x00\x00\x61\x72\x63\x68\x69\x76\x65\x2f\x64\x61\x74\x61\x2e\x70\x6b\x6c\x50\x4b\x01\x02\x14\x03\x14\x00\x00\x00\x00\x00\x27\x64\x7c\x5d\xd1\x9e\x67\x55\x02\x00\x00\x00\x02\x00\x00\x00\x0f\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x01\x4a\x00\x00\x00\x61\x72\x63\x68\x69\x76\x65\x2f\x76\x65\x72\x73\x69\x6f\x6e\x50\x4b\x05\x06\x00\x00\x00\x00\x02\x00\x02\x00\x7b\x00\x00\x00\x79\x00\x00\x00\x00\x00", 266)},
    };
    // Not a zip-format torch.save file at all: unsupported, not unsafe.
    for (const std::string &junk : {std::string("this is not a pickle at all"), bytesOf("PK\x03\x04\x14\x00\x00\x00", 8),
                                     std::string()}) {
        fs::create_directories(root / "junk");
        writeRaw(root / "junk" / "pytorch_model.bin", junk);
        auto r = convertPytorchBin((root / "junk").string(), (root / "junk-st").string());
        CHECK(!r.ok() && r.error().code == QuantErrc::UnsupportedCheckpoint);
    }
    for (const auto &b : bad) {
        fs::create_directories(root / "bad");
        writeRaw(root / "bad" / "pytorch_model.bin", b.bytes);
        auto r = convertPytorchBin((root / "bad").string(), (root / "bad-st").string());
        CHECK_MSG(!r.ok() && r.error().code == QuantErrc::UnsafeCheckpoint, b.what);
        if (!r.ok()) {
            CHECK(r.error().message.find("cannot be loaded safely") != std::string::npos);
            std::printf("  refused (%s): %s\n", b.what, r.error().message.c_str());
        }
    }
    // A dict holding something other than tensors.
    {
        c10::impl::GenericDict d(c10::StringType::get(), c10::AnyType::get());
        d.insert("step", int64_t(3));
        const std::vector<char> bytes = torch::jit::pickle_save(d);
        writeRaw(root / "bad" / "pytorch_model.bin", std::string(bytes.begin(), bytes.end()));
        auto r = convertPytorchBin((root / "bad").string(), (root / "bad-st").string());
        CHECK(!r.ok() && r.error().code == QuantErrc::UnsafeCheckpoint);
    }
    fs::remove_all(root);
    return quanttest::finish("tst_quant_torchreader");
}
