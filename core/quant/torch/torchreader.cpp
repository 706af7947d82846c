// The only translation unit that includes LibTorch (its headers compile slowly).
#include "quant/torch/torchreader.h"

#include "quant/safetensors.h"
#include "quant/torch/picklerewriter.h"

#include <caffe2/serialize/in_memory_adapter.h>
#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/serialization/unpickler.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>

namespace mistudio::quant {

namespace fs = std::filesystem;

namespace {

std::optional<DType> fromTorch(c10::ScalarType t)
{
    switch (t) {
    case c10::ScalarType::Float: return DType::F32;
    case c10::ScalarType::Half: return DType::F16;
    case c10::ScalarType::BFloat16: return DType::BF16;
    case c10::ScalarType::Double: return DType::F64;
    case c10::ScalarType::Long: return DType::I64;
    case c10::ScalarType::Int: return DType::I32;
    case c10::ScalarType::Short: return DType::I16;
    case c10::ScalarType::Char: return DType::I8;
    case c10::ScalarType::Byte: return DType::U8;
    case c10::ScalarType::Bool: return DType::BOOL;
    default: return std::nullopt;
    }
}

bool validUtf8(const std::string &s)
{
    size_t i = 0;
    while (i < s.size()) {
        const auto c = uint8_t(s[i]);
        const size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
        if (n == 0 || i + n > s.size())
            return false;
        for (size_t k = 1; k < n; ++k)
            if ((uint8_t(s[i + k]) & 0xc0) != 0x80)
                return false;
        i += n;
    }
    return true;
}

// Whether every element the view addresses lies in its storage, and the storage in its record.
bool withinStorage(const at::Tensor &t, const std::map<const void *, size_t> &recordBytes)
{
    if (t.numel() == 0)
        return true;
    const auto &storage = t.storage();
    auto it = recordBytes.find(storage.data());
    if (it == recordBytes.end() || storage.nbytes() > it->second)
        return false;
    if (t.storage_offset() < 0)
        return false;
    // Largest element index addressed (overflow-checked: sizes and strides come from the pickle).
    int64_t last = t.storage_offset();
    for (int64_t d = 0; d < t.dim(); ++d) {
        int64_t span = 0;
        if (t.stride(d) < 0 || __builtin_mul_overflow(t.size(d) - 1, t.stride(d), &span) ||
            __builtin_add_overflow(last, span, &last))
            return false;
    }
    int64_t end = 0;
    if (__builtin_add_overflow(last, int64_t(1), &end) || __builtin_mul_overflow(end, int64_t(t.element_size()), &end))
        return false;
    return uint64_t(end) <= storage.nbytes();
}

QuantError unsafe(const std::string &file, const std::string &why)
{
    return makeError(QuantErrc::UnsafeCheckpoint,
                     "this checkpoint contains Python objects that cannot be loaded safely (" + why + ")", {}, file);
}

// Loads one .bin into name -> contiguous CPU tensor.
Result<std::vector<std::pair<std::string, at::Tensor>>> loadBin(const fs::path &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return makeError(QuantErrc::IoError, "cannot open", {}, path.string());
    std::vector<char> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    c10::IValue value;
    std::unique_ptr<caffe2::serialize::PyTorchStreamReader> zip;
    std::map<const void *, size_t> recordBytes; // storage data -> bytes actually in the file
    try {
        zip = std::make_unique<caffe2::serialize::PyTorchStreamReader>(
            std::make_shared<caffe2::serialize::MemoryReadAdapter>(data.data(), off_t(data.size())));
    } catch (const std::exception &e) {
        std::string what = e.what();
        return makeError(QuantErrc::UnsupportedCheckpoint,
                         "not a zip-format PyTorch checkpoint (saved before torch 1.6, or not a checkpoint): " +
                             what.substr(0, what.find('\n')),
                         {}, path.string());
    }
    try {
        // What torch::pickle_load does (readArchiveAndTensors), with the pickle rewritten first:
        // LibTorch 1.13 reads a top-level collections.OrderedDict (every torch.save(state_dict))
        // as None. See picklerewriter.h.
        auto [pickle, size] = zip->getRecord("data.pkl");
        auto rewritten = rewriteStateDictPickle(std::string_view(static_cast<const char *>(pickle.get()), size));
        if (!rewritten) {
            QuantError err = rewritten.error();
            if (err.code == QuantErrc::UnsafeCheckpoint)
                return unsafe(path.string(), err.message);
            err.path = path.string();
            return err;
        }
        size_t readPos = 0;
        const std::string &bytes = *rewritten;
        auto reader = [&bytes, &readPos](char *buffer, size_t len) -> size_t {
            len = std::min(len, bytes.size() - readPos);
            std::memcpy(buffer, bytes.data() + readPos, len);
            readPos += len;
            return len;
        };
        auto readRecord = [&zip, &recordBytes](const std::string &name) {
            auto [ptr, n] = zip->getRecord("data/" + name);
            recordBytes[ptr.get()] = n;
            return std::move(ptr);
        };
        torch::jit::Unpickler unpickler(reader, nullptr, nullptr, readRecord, c10::nullopt);
        unpickler.set_version(zip->version());
        value = unpickler.parse_ivalue();
    } catch (const std::exception &e) {
        std::string what = e.what();
        return unsafe(path.string(), what.substr(0, what.find('\n')));
    }
    if (!value.isGenericDict())
        return unsafe(path.string(), "the top-level object is not a dict of tensors");
    std::vector<std::pair<std::string, at::Tensor>> out;
    for (const auto &item : value.toGenericDict()) {
        if (!item.key().isString())
            return unsafe(path.string(), "a key is not a string");
        const std::string name = item.key().toStringRef();
        if (name.empty() || !validUtf8(name))
            return makeError(QuantErrc::InvalidCheckpoint, "a tensor name is empty or not UTF-8", {}, path.string());
        if (!item.value().isTensor())
            return unsafe(path.string(), "entry " + name + " is not a tensor");
        // LibTorch trusts the pickle's numel, offset, sizes and strides: check them against the
        // bytes really read before anything touches the data.
        const at::Tensor &view = item.value().toTensor();
        if (!withinStorage(view, recordBytes))
            return makeError(QuantErrc::InvalidCheckpoint, "tensor view lies outside its storage", name, path.string());
        at::Tensor t = view.contiguous().cpu();
        if (!fromTorch(t.scalar_type()))
            return makeError(QuantErrc::UnsupportedCheckpoint,
                             std::string("unsupported tensor type ") + c10::toString(t.scalar_type()), name,
                             path.string());
        out.emplace_back(name, std::move(t));
    }
    return out;
}

Status writeSafetensors(const fs::path &path, const std::vector<std::pair<std::string, at::Tensor>> &tensors)
{
    std::vector<PlannedTensor> plan;
    std::map<std::string, const at::Tensor *> byName;
    for (const auto &[name, t] : tensors) {
        plan.push_back(PlannedTensor{name, *fromTorch(t.scalar_type()), std::vector<int64_t>(t.sizes().begin(), t.sizes().end())});
        byName[name] = &t;
    }
    sortForSafetensors(plan);
    auto w = SafetensorsWriter::create(path.string(), plan);
    if (!w)
        return w.error();
    for (const auto &p : plan) {
        const at::Tensor &t = *byName.at(p.name);
        if (auto s = (*w)->write(p.name, t.data_ptr(), size_t(t.numel()) * t.element_size()); !s)
            return s;
    }
    return (*w)->finish();
}

} // namespace

bool hasPytorchBin(const std::string &dir)
{
    return fs::exists(fs::path(dir) / "pytorch_model.bin") || fs::exists(fs::path(dir) / "pytorch_model.bin.index.json");
}

Result<TorchConversion> convertPytorchBin(const std::string &inputDir, const std::string &outputDir)
{
    const fs::path in(inputDir), out(outputDir);
    std::vector<std::string> bins;
    if (fs::exists(in / "pytorch_model.bin.index.json")) {
        // Same shape as the safetensors index; reuse its strict reader (no paths outside the dir).
        auto idx = readShardIndex((in / "pytorch_model.bin.index.json").string());
        if (!idx)
            return idx.error();
        bins = idx->shardFiles();
    } else if (fs::exists(in / "pytorch_model.bin")) {
        bins = {"pytorch_model.bin"};
    } else {
        return makeError(QuantErrc::InvalidCheckpoint, "no pytorch_model.bin or pytorch_model.bin.index.json", {},
                         in.string());
    }
    std::error_code ec;
    fs::create_directories(out, ec);
    TorchConversion conv;
    ShardIndex index;
    for (size_t i = 0; i < bins.size(); ++i) {
        auto tensors = loadBin(in / bins[i]);
        if (!tensors)
            return tensors.error();
        char name[64];
        std::snprintf(name, sizeof name, "model-%05zu-of-%05zu.safetensors", i + 1, bins.size());
        const std::string file = bins.size() == 1 ? "model.safetensors" : name;
        if (auto s = writeSafetensors(out / file, *tensors); !s)
            return s.error();
        conv.files.push_back(file);
        for (const auto &[n, t] : *tensors) {
            index.weightMap[n] = file;
            index.totalSize += uint64_t(t.numel()) * t.element_size();
            ++conv.tensors;
        }
    }
    conv.bytes = index.totalSize;
    if (bins.size() > 1)
        if (auto s = writeShardIndex((out / "model.safetensors.index.json").string(), index); !s)
            return s.error();
    return conv;
}

} // namespace mistudio::quant
