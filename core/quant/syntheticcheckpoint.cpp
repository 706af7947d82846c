#include "quant/syntheticcheckpoint.h"

#include "quant/safetensors.h"
#include "quant/threadpool.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace mistudio::quant {

namespace fs = std::filesystem;

namespace {

using Shape = std::vector<int64_t>;
using TensorList = std::vector<std::pair<std::string, Shape>>;

void addLinear(TensorList &t, const std::string &name, int64_t out, int64_t in, bool bias = false)
{
    t.push_back({name + ".weight", {out, in}});
    if (bias)
        t.push_back({name + ".bias", {out}});
}

uint64_t mix(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

} // namespace

TensorList syntheticTensors(const SyntheticSpec &s)
{
    TensorList t;
    const int64_t h = s.hidden, f = s.intermediate, v = s.vocab;
    const std::string fam = s.family;
    if (fam == "gpt2") {
        t.push_back({"wte.weight", {v, h}});
        t.push_back({"wpe.weight", {1024, h}});
        for (int i = 0; i < s.layers; ++i) {
            const std::string p = "h." + std::to_string(i) + ".";
            t.push_back({p + "ln_1.weight", {h}});
            t.push_back({p + "ln_1.bias", {h}});
            t.push_back({p + "attn.c_attn.weight", {h, 3 * h}}); // Conv1D: [in, out]
            t.push_back({p + "attn.c_attn.bias", {3 * h}});
            t.push_back({p + "attn.c_proj.weight", {h, h}});
            t.push_back({p + "attn.c_proj.bias", {h}});
            t.push_back({p + "ln_2.weight", {h}});
            t.push_back({p + "ln_2.bias", {h}});
            t.push_back({p + "mlp.c_fc.weight", {h, 4 * h}});
            t.push_back({p + "mlp.c_fc.bias", {4 * h}});
            t.push_back({p + "mlp.c_proj.weight", {4 * h, h}});
            t.push_back({p + "mlp.c_proj.bias", {h}});
        }
        t.push_back({"ln_f.weight", {h}});
        t.push_back({"ln_f.bias", {h}});
        return t;
    }
    if (fam == "gpt_neox") {
        t.push_back({"gpt_neox.embed_in.weight", {v, h}});
        for (int i = 0; i < s.layers; ++i) {
            const std::string p = "gpt_neox.layers." + std::to_string(i) + ".";
            t.push_back({p + "input_layernorm.weight", {h}});
            addLinear(t, p + "attention.query_key_value", 3 * h, h, true);
            addLinear(t, p + "attention.dense", h, h, true);
            addLinear(t, p + "mlp.dense_h_to_4h", f, h, true);
            addLinear(t, p + "mlp.dense_4h_to_h", h, f, true);
        }
        t.push_back({"gpt_neox.final_layer_norm.weight", {h}});
        t.push_back({"embed_out.weight", {v, h}});
        return t;
    }
    // llama-like families (and the MoE / phi3 variants).
    t.push_back({"model.embed_tokens.weight", {v, h}});
    for (int i = 0; i < s.layers; ++i) {
        const std::string p = "model.layers." + std::to_string(i) + ".";
        t.push_back({p + "input_layernorm.weight", {h}});
        t.push_back({p + "post_attention_layernorm.weight", {h}});
        if (fam == "phi3") {
            addLinear(t, p + "self_attn.qkv_proj", 3 * h, h);
            addLinear(t, p + "self_attn.o_proj", h, h);
            addLinear(t, p + "mlp.gate_up_proj", 2 * f, h);
            addLinear(t, p + "mlp.down_proj", h, f);
            continue;
        }
        const bool qkvBias = fam == "qwen2" || fam == "qwen2_moe";
        for (const char *m : {"q_proj", "k_proj", "v_proj"})
            addLinear(t, p + "self_attn." + m, h, h, qkvBias);
        addLinear(t, p + "self_attn.o_proj", h, h);
        if (fam == "qwen3" || fam == "olmo2") {
            t.push_back({p + "self_attn.q_norm.weight", {h}});
            t.push_back({p + "self_attn.k_norm.weight", {h}});
        }
        if (fam == "mixtral") {
            addLinear(t, p + "block_sparse_moe.gate", s.experts, h);
            for (int e = 0; e < s.experts; ++e) {
                const std::string x = p + "block_sparse_moe.experts." + std::to_string(e) + ".";
                addLinear(t, x + "w1", f, h);
                addLinear(t, x + "w2", h, f);
                addLinear(t, x + "w3", f, h);
            }
        } else if (fam == "qwen2_moe") {
            addLinear(t, p + "mlp.gate", s.experts, h);
            for (int e = 0; e < s.experts; ++e) {
                const std::string x = p + "mlp.experts." + std::to_string(e) + ".";
                addLinear(t, x + "gate_proj", f, h);
                addLinear(t, x + "up_proj", f, h);
                addLinear(t, x + "down_proj", h, f);
            }
            addLinear(t, p + "mlp.shared_expert.gate_proj", f, h);
            addLinear(t, p + "mlp.shared_expert.up_proj", f, h);
            addLinear(t, p + "mlp.shared_expert.down_proj", h, f);
            addLinear(t, p + "mlp.shared_expert_gate", 1, h);
        } else {
            addLinear(t, p + "mlp.gate_proj", f, h);
            addLinear(t, p + "mlp.up_proj", f, h);
            addLinear(t, p + "mlp.down_proj", h, f);
        }
    }
    t.push_back({"model.norm.weight", {h}});
    if (!s.tieEmbeddings)
        t.push_back({"lm_head.weight", {v, h}});
    return t;
}

uint64_t syntheticBytes(const SyntheticSpec &spec)
{
    uint64_t total = 0;
    for (const auto &[name, shape] : syntheticTensors(spec)) {
        uint64_t n = 1;
        for (int64_t d : shape)
            n *= uint64_t(d);
        total += n * dtypeSize(spec.dtype);
    }
    return total;
}

SyntheticSpec syntheticSpecForSize(uint64_t bytes, DType dtype)
{
    SyntheticSpec s;
    s.family = "llama";
    s.hidden = 4096;
    s.intermediate = 11008;
    s.vocab = 32000;
    s.dtype = dtype;
    s.layers = 1;
    while (syntheticBytes(s) < bytes)
        ++s.layers;
    if (s.layers > 1 && syntheticBytes(s) - bytes > bytes - [&] { auto t = s; --t.layers; return syntheticBytes(t); }())
        --s.layers;
    return s;
}

Status writeSyntheticCheckpoint(const std::string &dirPath, const SyntheticSpec &spec)
{
    const fs::path dir(dirPath);
    std::error_code ec;
    fs::create_directories(dir, ec);
    const auto tensors = syntheticTensors(spec);
    nlohmann::json config{{"model_type", spec.family},
                          {"hidden_size", spec.hidden},
                          {"intermediate_size", spec.intermediate},
                          {"num_hidden_layers", spec.layers},
                          {"vocab_size", spec.vocab},
                          {"tie_word_embeddings", spec.tieEmbeddings},
                          {"torch_dtype", std::string(torchDtypeName(spec.dtype))},
                          {"rms_norm_eps", 1e-06}};
    if (spec.family == "gpt2")
        config = {{"model_type", "gpt2"}, {"n_embd", spec.hidden}, {"n_layer", spec.layers},
                  {"vocab_size", spec.vocab}, {"torch_dtype", std::string(torchDtypeName(spec.dtype))}};
    {
        std::ofstream(dir / "config.json") << config.dump(2) << "\n";
        std::ofstream(dir / "tokenizer.json") << R"({"version": "1.0", "model": {"type": "BPE"}})" << "\n";
        std::ofstream(dir / "generation_config.json") << R"({"bos_token_id": 1, "eos_token_id": 2})" << "\n";
        std::ofstream(dir / "README.md") << "# synthetic " << spec.family << " checkpoint\n";
        std::ofstream(dir / "LICENSE") << "synthetic test data\n";
    }
    // Shards in file order.
    std::vector<std::vector<PlannedTensor>> shards(1);
    uint64_t shardBytes = 0;
    for (const auto &[name, shape] : tensors) {
        PlannedTensor p{name, spec.dtype, shape};
        if (spec.maxShardBytes && shardBytes > 0 && shardBytes + p.byteSize() > spec.maxShardBytes) {
            shards.emplace_back();
            shardBytes = 0;
        }
        shardBytes += p.byteSize();
        shards.back().push_back(p);
    }
    ThreadPool pool(spec.threads);
    ShardIndex index;
    std::vector<uint8_t> buf;
    uint64_t tensorSeed = spec.seed;
    for (size_t s = 0; s < shards.size(); ++s) {
        char name[64];
        std::snprintf(name, sizeof name, "model-%05zu-of-%05zu.safetensors", s + 1, shards.size());
        const std::string file = shards.size() == 1 ? "model.safetensors" : name;
        auto w = SafetensorsWriter::create((dir / file).string(), shards[s]);
        if (!w)
            return w.error();
        for (const auto &t : shards[s]) {
            index.weightMap[t.name] = file;
            index.totalSize += t.byteSize();
            const bool norm = t.shape.size() == 1 && t.name.find("bias") == std::string::npos;
            const uint64_t n = t.byteSize() / dtypeSize(spec.dtype);
            const uint64_t chunk = 8u << 20;
            ++tensorSeed;
            for (uint64_t first = 0; first < n; first += chunk) {
                const uint64_t cnt = std::min(chunk, n - first);
                buf.resize(size_t(cnt * dtypeSize(spec.dtype)));
                pool.parallelFor(size_t(cnt), 1 << 16, [&](size_t b, size_t e) {
                    for (size_t i = b; i < e; ++i) {
                        float v = 1.0f;
                        if (!norm) {
                            const uint64_t r = mix((tensorSeed << 40) ^ (first + i));
                            // Irwin-Hall(4) of 16-bit uniforms: mean 2, variance 1/3.
                            const float u = float(r & 0xffff) + float((r >> 16) & 0xffff) + float((r >> 32) & 0xffff)
                                            + float(r >> 48);
                            v = (u / 65536.0f - 2.0f) * 1.7320508f * spec.stddev;
                        }
                        switch (spec.dtype) {
                        case DType::F32: std::memcpy(buf.data() + 4 * i, &v, 4); break;
                        case DType::F16: { const uint16_t x = floatToHalf(v); std::memcpy(buf.data() + 2 * i, &x, 2); break; }
                        default: { const uint16_t x = floatToBf16(v); std::memcpy(buf.data() + 2 * i, &x, 2); break; }
                        }
                    }
                });
                if (auto st = (*w)->write(t.name, buf.data(), buf.size()); !st)
                    return st;
            }
        }
        if (auto st = (*w)->finish(); !st)
            return st;
    }
    if (shards.size() > 1)
        return writeShardIndex((dir / "model.safetensors.index.json").string(), index);
    return {};
}

} // namespace mistudio::quant
