#pragma once

#include "quant/dtype.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mistudio::quant {

// The one place that decides which tensors of a checkpoint are quantized and what each becomes
// (names, dtypes, shapes, bytes). The Hub preview's size estimate and the quantizer both call
// planQuantization(), so the estimate is the real output's tensor bytes plus the headers.

struct TensorInfo
{
    std::string name;
    DType dtype = DType::F32;
    std::vector<int64_t> shape;
};

enum class QuantMode { None, Bnb4bit, Bnb8bit };
enum class QuantType { NF4, FP4 };

struct QuantOptions
{
    QuantMode mode = QuantMode::Bnb4bit;
    QuantType quantType = QuantType::NF4;
    bool doubleQuant = true;
    // The dtype weights are cast to before quantizing, and that unquantized tensors are written in.
    // nullopt = "auto": the checkpoint's dtype (config "dtype"/"torch_dtype", else the first
    // floating tensor's).
    std::optional<DType> dtype = DType::BF16;
    // bnb_4bit_compute_dtype written to the config (the base bnb-4bit mode uses bfloat16).
    DType computeDtype = DType::BF16;
    // llm_int8_skip_modules: when non-empty it replaces the default skip list (output embeddings
    // and tied weights), like transformers.
    std::vector<std::string> skipModules;
    // Always skipped and kept in float32 (the model class's _keep_in_fp32_modules).
    std::vector<std::string> keepInFp32Modules;
};

enum class TensorAction {
    Quantize4bit, // weight -> packed nibbles + absmax (+ nested stats) + quant_map + quant_state
    Quantize8bit, // weight -> int8 + SCB + weight_format
    Cast,         // floating tensor written in the target dtype
    Copy,         // written unchanged (integer tensors, buffers)
    Drop,         // not written (tied output embedding)
};

struct OutputTensor
{
    std::string name;
    DType dtype = DType::U8;
    std::vector<int64_t> shape;
    uint64_t bytes = 0;
    // The quant_state JSON's length depends on nested_offset, known only after quantizing; its
    // planned size is the typical one and maxBytes bounds it.
    bool variableSize = false;
    uint64_t maxBytes = 0;
};

struct TensorPlan
{
    std::string name;         // the source tensor
    TensorAction action = TensorAction::Copy;
    std::string reason;       // why it is (not) quantized, for previews and logs
    bool transposed = false;  // Conv1D: [in, out] in the file, quantized as [out, in]
    DType sourceDtype = DType::F32;
    DType targetDtype = DType::F32; // what it is cast to (before quantizing, for quantized ones)
    std::vector<int64_t> sourceShape;
    std::vector<int64_t> quantShape; // [out, in] for quantized weights
    std::vector<OutputTensor> outputs;
    uint64_t inputBytes = 0;
    uint64_t outputBytes = 0;

    bool quantized() const { return action == TensorAction::Quantize4bit || action == TensorAction::Quantize8bit; }
    bool dropped() const { return action == TensorAction::Drop; }
    // Written byte for byte as the source has it (no quantization, no dtype change).
    bool passesThrough() const
    {
        return action == TensorAction::Copy || (action == TensorAction::Cast && sourceDtype == targetDtype);
    }
};

struct QuantPlan
{
    std::string family;       // model_type, or "generic"
    bool knownFamily = false;
    DType dtype = DType::BF16; // resolved target dtype
    bool tiedEmbeddings = false;
    std::vector<std::string> skipPatterns; // effective skip list (defaults or user's, + fp32 modules)
    std::vector<TensorPlan> tensors;       // in input order
    uint64_t inputBytes = 0;
    uint64_t outputTensorBytes = 0;        // sum of all output tensors' bytes
    uint64_t estimatedOutputBytes = 0;     // + safetensors headers, index and config (estimate)
    int quantizedCount = 0;
};

// Families with explicit rules (see modelrules.cpp); others use the generic rule.
std::vector<std::string> knownFamilies();

QuantPlan planQuantization(const std::vector<TensorInfo> &tensors, const nlohmann::json &config,
                           const QuantOptions &options);

// transformers' should_convert_module(): is module `name` matched by one of the patterns?
bool matchesSkipPattern(const std::string &moduleName, const std::vector<std::string> &patterns);

// The names of the tensors a quantized weight becomes (e.g. for an index or a preview).
std::string quantStateKey(const std::string &weightName, QuantType type);

} // namespace mistudio::quant
