#pragma once

#include "quant/dtype.h"
#include "quant/quanterror.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mistudio::quant {

// Generated Hugging Face-style checkpoints (config.json, weights, tokenizer/README files) with
// each family's real tensor names and layouts, for tests and the benchmark. Weights are
// approximately normal (Irwin-Hall of 4 uniforms) with the given standard deviation.
struct SyntheticSpec
{
    std::string family = "llama"; // a model_type known to modelrules
    int layers = 2;
    int hidden = 256;
    int intermediate = 704;
    int vocab = 1000;
    int experts = 4;             // MoE families
    DType dtype = DType::BF16;
    bool tieEmbeddings = false;
    uint64_t maxShardBytes = 0;  // 0: one model.safetensors; else shards + index
    float stddev = 0.02f;
    uint32_t seed = 1;
    unsigned threads = 0;        // generation threads, 0 = all cores
};

// The tensors (name, shape) the family's checkpoint holds, in file order.
std::vector<std::pair<std::string, std::vector<int64_t>>> syntheticTensors(const SyntheticSpec &spec);
uint64_t syntheticBytes(const SyntheticSpec &spec);
// A llama-7B-like shape (hidden 4096, intermediate 11008) with as many layers as reach `bytes`.
SyntheticSpec syntheticSpecForSize(uint64_t bytes, DType dtype);

Status writeSyntheticCheckpoint(const std::string &dir, const SyntheticSpec &spec);

} // namespace mistudio::quant
