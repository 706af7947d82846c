// Real-looking torch.save(model.state_dict()) files (top-level OrderedDict + `_metadata` BUILD,
// Parameter wrappers, tied and offset/strided views of one storage, memo BINGET/LONG_BINGET) convert
// to safetensors with the right names, shapes, dtypes and bytes; the pickle rewriter refuses what it
// does not understand (unsafe globals still refused by LibTorch) and never crashes on damaged input.
#include "check.h"
#include "torchsavewriter.h"

#include "quant/safetensors.h"
#include "quant/torch/picklerewriter.h"
#include "quant/torch/torchreader.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include <unistd.h>

using namespace mistudio::quant;
using namespace quanttest;
namespace fs = std::filesystem;

namespace {

void writeRaw(const fs::path &p, const std::string &bytes)
{
    std::ofstream(p, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}

template <typename T>
std::string rawOf(const std::vector<T> &v)
{
    return std::string(reinterpret_cast<const char *>(v.data()), v.size() * sizeof(T));
}

// Storage contents: distinct values so that a wrong offset/stride shows in the bytes.
const std::vector<float> fused = [] {
    std::vector<float> v(24);
    for (size_t i = 0; i < v.size(); ++i)
        v[i] = float(i) * 0.5f - 3.0f;
    return v;
}();
const std::vector<uint16_t> embed = [] { // bf16 bit patterns
    std::vector<uint16_t> v(32);
    for (size_t i = 0; i < v.size(); ++i)
        v[i] = uint16_t(0x3f80 + i * 3);
    return v;
}();
const std::vector<uint16_t> up = [] { // fp16 bit patterns
    std::vector<uint16_t> v(12);
    for (size_t i = 0; i < v.size(); ++i)
        v[i] = uint16_t(0x3c00 + i * 7);
    return v;
}();
const std::vector<float> scale{2.5f};
const std::vector<float> gate{1, 2, 3, 4, 5, 6};

struct Expected
{
    std::string name;
    DType dtype;
    std::vector<int64_t> shape;
    std::string bytes;
};

std::vector<SavedTensor> allTensors()
{
    using W = SavedTensor::Wrap;
    return {
        {"fused.q.weight", "0", "FloatStorage", 24, 0, {2, 4}, {4, 1}, W::None},
        {"fused.k.weight", "0", "FloatStorage", 24, 8, {4, 2}, {1, 4}, W::None}, // transposed view
        {"fused.v.bias", "0", "FloatStorage", 24, 16, {8}, {1}, W::None},
        {"model.embed_tokens.weight", "1", "BFloat16Storage", 32, 0, {8, 4}, {4, 1}, W::None},
        {"lm_head.weight", "1", "BFloat16Storage", 32, 0, {8, 4}, {4, 1}, W::None}, // tied
        {"model.layers.0.mlp.up_proj.weight", "2", "HalfStorage", 12, 0, {3, 4}, {4, 1}, W::Parameter},
        {"scale", "3", "FloatStorage", 1, 0, {}, {}, W::None},
        {"model.layers.0.mlp.gate_proj.weight", "4", "FloatStorage", 6, 0, {2, 3}, {3, 1}, W::ParameterWithState},
    };
}

std::map<std::string, std::string> allStorages()
{
    return {{"0", rawOf(fused)}, {"1", rawOf(embed)}, {"2", rawOf(up)}, {"3", rawOf(scale)}, {"4", rawOf(gate)}};
}

std::vector<Expected> allExpected()
{
    std::vector<float> k;
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 2; ++j)
            k.push_back(fused[size_t(8 + i + 4 * j)]);
    return {
        {"fused.q.weight", DType::F32, {2, 4}, rawOf(std::vector<float>(fused.begin(), fused.begin() + 8))},
        {"fused.k.weight", DType::F32, {4, 2}, rawOf(k)},
        {"fused.v.bias", DType::F32, {8}, rawOf(std::vector<float>(fused.begin() + 16, fused.end()))},
        {"model.embed_tokens.weight", DType::BF16, {8, 4}, rawOf(embed)},
        {"lm_head.weight", DType::BF16, {8, 4}, rawOf(embed)},
        {"model.layers.0.mlp.up_proj.weight", DType::F16, {3, 4}, rawOf(up)},
        {"scale", DType::F32, {}, rawOf(scale)},
        {"model.layers.0.mlp.gate_proj.weight", DType::F32, {2, 3}, rawOf(gate)},
    };
}

void checkConverted(const fs::path &dir, const std::vector<Expected> &want, const char *row)
{
    auto f = SafetensorsFile::open((dir / "model.safetensors").string());
    CHECK_MSG(f.ok(), row);
    if (!f.ok())
        return;
    CHECK_MSG((*f)->header().tensors.size() == want.size(), row);
    for (const Expected &e : want) {
        const auto *t = (*f)->header().find(e.name);
        CHECK_MSG(t, std::string(row) + ": missing " + e.name);
        if (!t)
            continue;
        CHECK_MSG(t->dtype == e.dtype && t->shape == e.shape, std::string(row) + ": dtype/shape of " + e.name);
        CHECK_MSG(t->byteSize() == e.bytes.size() && std::memcmp((*f)->data(*t), e.bytes.data(), e.bytes.size()) == 0,
                  std::string(row) + ": bytes of " + e.name);
    }
}

Result<TorchConversion> convertPickle(const fs::path &root, const std::string &pickle)
{
    fs::remove_all(root / "in");
    fs::remove_all(root / "out");
    fs::create_directories(root / "in");
    writeRaw(root / "in" / "pytorch_model.bin", torchZip(pickle, allStorages()));
    return convertPytorchBin((root / "in").string(), (root / "out").string());
}

// A byte string literal with its embedded NULs (the length comes from the array).
template <size_t N>
std::string B(const char (&s)[N])
{
    return std::string(s, N - 1);
}

} // namespace

int main()
{
    const fs::path root = fs::temp_directory_path() / ("tst_quant_torchstatedict_" + std::to_string(::getpid()));

    // Data rows: memo with BINGET / LONG_BINGET, with and without `_metadata`, one item (SETITEM).
    struct Row
    {
        const char *name;
        bool longMemo;
        bool metadata;
        bool single;
        bool long1 = false;
    };
    for (const Row &row : {Row{"binget+metadata", false, true, false}, Row{"long_binget+metadata", true, true, false},
                           Row{"no metadata", false, false, false}, Row{"single item", false, true, true},
                           Row{"LONG1 ints", false, true, false, true}}) {
        std::vector<SavedTensor> tensors = allTensors();
        std::vector<Expected> want = allExpected();
        if (row.single) {
            tensors = {tensors[5]};
            want = {want[5]};
        }
        const std::string pickle = stateDictPickle(tensors, row.longMemo, row.metadata, row.long1);
        // The real shape of such a file: starts with the OrderedDict global, ends with BUILD.
        CHECK(pickle.compare(0, 27, B("\x80\x02" "ccollections\nOrderedDict\n")) == 0);
        CHECK(!row.metadata || pickle.substr(pickle.size() - 2) == "b.");
        auto conv = convertPickle(root, pickle);
        CHECK_MSG(conv.ok(), std::string(row.name) + ": " + (conv.ok() ? "" : conv.error().toString()));
        if (conv.ok()) {
            CHECK_MSG(conv->tensors == want.size(), row.name);
            checkConverted(root / "out", want, row.name);
        }
    }

    // The rewrite itself, byte for byte, on the smallest state dict with `_metadata`:
    // class + its PUT dropped, ") R" -> "}", the BUILD state (holding another OrderedDict) cut.
    {
        const std::string in = B("\x80\x02" "ccollections\nOrderedDict\nq\x00)Rq\x01" "}q\x02X\x01\x00\x00\x00" "ah\x00)Rq\x03sb.");
        const std::string out = B("\x80\x02" "}q\x01" ".");
        auto r = rewriteStateDictPickle(in);
        CHECK_MSG(r.ok() && *r == out, r.ok() ? "rewritten bytes differ" : r.error().toString());
    }

    // Refused by the rewriter or by LibTorch's allow-list: nothing is executed, the error is typed.
    struct Bad
    {
        const char *what;
        std::string pickle;
        QuantErrc code;
    };
    const std::string od = B("\x80\x02" "ccollections\nOrderedDict\nq\x00)Rq\x01");
    const std::vector<Bad> bad{
        {"posix.system in _metadata state",
         od + B("}q\x02X\x01\x00\x00\x00" "acposix\nsystem\nX\x04\x00\x00\x00true\x85Rsb."),
         QuantErrc::UnsafeCheckpoint},
        {"builtins.eval as a value",
         od + B("X\x01\x00\x00\x00" "acbuiltins\neval\nX\x03\x00\x00\x00" "1+1\x85Rs."), QuantErrc::UnsafeCheckpoint},
        {"OrderedDict called with arguments",
         B("\x80\x02" "ccollections\nOrderedDict\n]\x85R."), QuantErrc::UnsafeCheckpoint},
        {"OrderedDict class as a value", od + B("X\x01\x00\x00\x00" "ah\x00s."), QuantErrc::UnsafeCheckpoint},
        {"STACK_GLOBAL", B("\x80\x04\x8c\x05posix\x8c\x06system\x93."), QuantErrc::UnsafeCheckpoint},
        {"NEWOBJ", od + B(")\x81."), QuantErrc::UnsafeCheckpoint},
        {"GET of an unset memo", od + B("X\x01\x00\x00\x00" "ah\x07s."), QuantErrc::InvalidCheckpoint},
        {"unknown opcode", od + B("\xff."), QuantErrc::InvalidCheckpoint},
        {"stack underflow", B("\x80\x02s."), QuantErrc::InvalidCheckpoint},
        {"huge length", od + B("X\xff\xff\xff\xff" "a."), QuantErrc::InvalidCheckpoint},
    };
    for (const Bad &b : bad) {
        auto r = convertPickle(root, b.pickle);
        CHECK_MSG(!r.ok() && r.error().code == b.code,
                  std::string(b.what) + ": " + (r.ok() ? "accepted" : r.error().toString()));
        if (!r.ok() && b.code == QuantErrc::UnsafeCheckpoint)
            CHECK_MSG(r.error().message.find("cannot be loaded safely") != std::string::npos, b.what);
    }

    // Views LibTorch would build past the bytes in the file: refused before any data is touched.
    {
        using W = SavedTensor::Wrap;
        const std::vector<std::pair<const char *, SavedTensor>> views{
            {"offset past the end", {"x", "0", "FloatStorage", 24, 20, {8}, {1}, W::None}},
            {"stride past the end", {"x", "0", "FloatStorage", 24, 0, {4, 4}, {8, 1}, W::None}},
            {"numel beyond the record", {"x", "0", "FloatStorage", 1000, 0, {100}, {1}, W::None}},
            {"huge stride", {"x", "0", "FloatStorage", 24, 0, {2, 2}, {int64_t(1) << 62, 1}, W::None}},
        };
        for (const auto &[what, t] : views) {
            auto r = convertPickle(root, stateDictPickle({t}, false, true, true));
            CHECK_MSG(!r.ok() && r.error().code == QuantErrc::InvalidCheckpoint,
                      std::string(what) + ": " + (r.ok() ? "accepted" : r.error().toString()));
        }
    }

    // Every truncation of a real pickle is refused by the rewriter (no STOP), never read past.
    const std::string full = stateDictPickle(allTensors(), false, true);
    int truncatedAccepted = 0;
    for (size_t n = 0; n < full.size(); ++n)
        truncatedAccepted += rewriteStateDictPickle(std::string_view(full).substr(0, n)).ok() ? 1 : 0;
    CHECK(truncatedAccepted == 0);

    // Random byte damage through the whole reader (rewriter + LibTorch): a typed result, no crash.
    std::mt19937 rng(7);
    int accepted = 0, refused = 0, untyped = 0;
    for (int i = 0; i < 300; ++i) {
        std::string damaged = full;
        for (int k = 0; k < 1 + i % 3; ++k)
            damaged[rng() % damaged.size()] = char(rng());
        auto r = convertPickle(root, damaged);
        if (r.ok())
            ++accepted;
        else if (r.error().code == QuantErrc::UnsafeCheckpoint || r.error().code == QuantErrc::InvalidCheckpoint ||
                 r.error().code == QuantErrc::UnsupportedCheckpoint)
            ++refused;
        else
            ++untyped;
    }
    std::printf("  damaged pickles: %d refused, %d still readable\n", refused, accepted);
    CHECK(untyped == 0 && refused > 0);

    fs::remove_all(root);
    return quanttest::finish("tst_quant_torchstatedict");
}
