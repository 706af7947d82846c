#include "quant/modelrules.h"

#include "quant/bnblayout.h"
#include "quant/safetensors.h"

#include <algorithm>
#include <regex>
#include <set>

namespace mistudio::quant {

namespace {

// Per family: the module paths (relative to a block, "*" = an expert index) that are nn.Linear
// (or transformers Conv1D) in the modeling code, the output-embedding module, and whether the
// config ties it to the input embedding by default (the config class's default for
// tie_word_embeddings).
struct FamilyRule
{
    const char *modelType;
    std::vector<std::string> linear;
    bool conv1d = false;
    std::vector<std::string> outputEmbedding;
    bool tiedByDefault = false;
};

const std::vector<std::string> kLlamaLinear{"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
                                            "self_attn.o_proj", "mlp.gate_proj",    "mlp.up_proj",
                                            "mlp.down_proj"};

std::vector<std::string> plus(std::vector<std::string> a, const std::vector<std::string> &b)
{
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

const std::vector<FamilyRule> &familyRules()
{
    static const std::vector<FamilyRule> rules{
        {"llama", kLlamaLinear, false, {"lm_head"}, false},
        {"mistral", kLlamaLinear, false, {"lm_head"}, false},
        // Experts as checkpoints store them (experts.N.w1); transformers 4.x converts each to a
        // Linear4bit. The router is an nn.Linear too.
        {"mixtral",
         {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "block_sparse_moe.gate",
          "block_sparse_moe.experts.*.w1", "block_sparse_moe.experts.*.w2", "block_sparse_moe.experts.*.w3"},
         false,
         {"lm_head"},
         false},
        {"qwen2", kLlamaLinear, false, {"lm_head"}, false},
        {"qwen2_moe",
         plus(kLlamaLinear, {"mlp.gate", "mlp.experts.*.gate_proj", "mlp.experts.*.up_proj", "mlp.experts.*.down_proj",
                             "mlp.shared_expert.gate_proj", "mlp.shared_expert.up_proj",
                             "mlp.shared_expert.down_proj", "mlp.shared_expert_gate"}),
         false,
         {"lm_head"},
         false},
        {"qwen3", kLlamaLinear, false, {"lm_head"}, true},
        {"gemma", kLlamaLinear, false, {"lm_head"}, true},
        {"gemma2", kLlamaLinear, false, {"lm_head"}, true},
        {"gemma3_text", kLlamaLinear, false, {"lm_head"}, true},
        {"phi",
         {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.dense", "mlp.fc1", "mlp.fc2"},
         false,
         {"lm_head"},
         false},
        {"phi3", {"self_attn.qkv_proj", "self_attn.o_proj", "mlp.gate_up_proj", "mlp.down_proj"}, false, {"lm_head"},
         false},
        {"gpt2", {"attn.c_attn", "attn.c_proj", "attn.q_attn", "crossattention.c_attn", "crossattention.q_attn",
                  "crossattention.c_proj", "mlp.c_fc", "mlp.c_proj"},
         true, {"lm_head"}, true},
        {"gpt_neox",
         {"attention.query_key_value", "attention.dense", "mlp.dense_h_to_4h", "mlp.dense_4h_to_h"},
         false,
         {"embed_out"},
         false},
        {"gptj", {"attn.q_proj", "attn.k_proj", "attn.v_proj", "attn.out_proj", "mlp.fc_in", "mlp.fc_out"}, false,
         {"lm_head"}, false},
        {"falcon",
         {"self_attention.query_key_value", "self_attention.dense", "mlp.dense_h_to_4h", "mlp.dense_4h_to_h"},
         false,
         {"lm_head"},
         true},
        {"olmo", kLlamaLinear, false, {"lm_head"}, false},
        {"olmo2", kLlamaLinear, false, {"lm_head"}, false},
        {"stablelm", kLlamaLinear, false, {"lm_head"}, false},
        {"starcoder2",
         {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.c_fc", "mlp.c_proj"},
         false,
         {"lm_head"},
         true},
    };
    return rules;
}

std::vector<std::string> splitDots(const std::string &s)
{
    std::vector<std::string> parts;
    size_t start = 0;
    while (true) {
        const size_t dot = s.find('.', start);
        parts.push_back(s.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
        if (dot == std::string::npos)
            break;
        start = dot + 1;
    }
    return parts;
}

bool isIndex(const std::string &s)
{
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Does module path `module` (e.g. model.layers.3.mlp.experts.7.w1) end with pattern
// (mlp.experts.*.w1) right after a block index (".3.")?
bool matchesLinearPattern(const std::vector<std::string> &module, const std::string &pattern)
{
    const auto pat = splitDots(pattern);
    if (module.size() < pat.size() + 1)
        return false;
    const size_t base = module.size() - pat.size();
    for (size_t i = 0; i < pat.size(); ++i) {
        const auto &m = module[base + i];
        if (pat[i] == "*" ? !isIndex(m) : m != pat[i])
            return false;
    }
    return isIndex(module[base - 1]); // the block index: layers.N / h.N / blocks.N
}

bool insideBlock(const std::vector<std::string> &module)
{
    for (size_t i = 1; i + 1 < module.size(); ++i)
        if (isIndex(module[i]))
            return true;
    return false;
}

// Generic rule: a 2-D weight of a module inside a numbered block that is not a norm or
// embedding. Used for families without explicit rules.
bool genericLinear(const std::vector<std::string> &module)
{
    if (!insideBlock(module))
        return false;
    const std::string &leaf = module.back();
    for (const char *word : {"norm", "ln", "embed", "wte", "wpe", "emb", "conv", "rotary"})
        if (leaf.find(word) != std::string::npos)
            return false;
    return true;
}

std::optional<DType> configDtype(const nlohmann::json &config)
{
    for (const char *key : {"dtype", "torch_dtype"})
        if (config.is_object() && config.contains(key) && config[key].is_string())
            if (auto d = dtypeFromTorchName(config[key].get<std::string>()))
                return d;
    return std::nullopt;
}

OutputTensor out(std::string name, DType dtype, std::vector<int64_t> shape)
{
    OutputTensor o;
    o.name = std::move(name);
    o.dtype = dtype;
    o.shape = std::move(shape);
    uint64_t n = 1;
    for (int64_t d : o.shape)
        n *= uint64_t(d);
    o.bytes = n * dtypeSize(dtype);
    o.maxBytes = o.bytes;
    return o;
}

} // namespace

std::vector<std::string> knownFamilies()
{
    std::vector<std::string> names;
    for (const auto &r : familyRules())
        names.emplace_back(r.modelType);
    return names;
}

std::string quantStateKey(const std::string &weightName, QuantType type)
{
    return weightName + ".quant_state.bitsandbytes__" + (type == QuantType::NF4 ? "nf4" : "fp4");
}

bool matchesSkipPattern(const std::string &name, const std::vector<std::string> &patterns)
{
    for (const auto &p : patterns) {
        if (p.empty())
            continue;
        if (name.size() >= p.size() && name.compare(name.size() - p.size(), p.size(), p) == 0)
            return true; // name.endswith(p)
        if (name.rfind(p + ".", 0) == 0 || name.rfind(p, 0) == 0)
            return true; // literal prefix, the common case of re.match
        try {
            const std::regex re(p);
            if (std::regex_search(name, re, std::regex_constants::match_continuous))
                return true; // re.match(p, name) / re.match(p + r"\.", name)
        } catch (const std::regex_error &) {
            // a pattern that is no valid regex can only match literally (checked above)
        }
    }
    return false;
}

QuantPlan planQuantization(const std::vector<TensorInfo> &tensors, const nlohmann::json &config,
                           const QuantOptions &options)
{
    QuantPlan plan;
    const FamilyRule *rule = nullptr;
    const std::string modelType = config.is_object() && config.contains("model_type") && config["model_type"].is_string()
                                      ? config["model_type"].get<std::string>()
                                      : std::string();
    for (const auto &r : familyRules())
        if (modelType == r.modelType)
            rule = &r;
    plan.family = rule ? modelType : std::string("generic");
    plan.knownFamily = rule != nullptr;

    // Target dtype: the option, else the config's, else the first floating tensor's.
    if (options.dtype) {
        plan.dtype = *options.dtype;
    } else if (auto d = configDtype(config)) {
        plan.dtype = *d;
    } else {
        plan.dtype = DType::F32;
        for (const auto &t : tensors)
            if (isFloating(t.dtype)) {
                plan.dtype = t.dtype == DType::F64 ? DType::F32 : t.dtype;
                break;
            }
    }

    bool tied = rule ? rule->tiedByDefault : true; // PretrainedConfig's default is True
    if (config.is_object() && config.contains("tie_word_embeddings") && config["tie_word_embeddings"].is_boolean())
        tied = config["tie_word_embeddings"].get<bool>();
    plan.tiedEmbeddings = tied;

    const std::vector<std::string> outputEmb = rule ? rule->outputEmbedding : std::vector<std::string>{"lm_head"};
    if (options.skipModules.empty()) {
        plan.skipPatterns = outputEmb;
    } else {
        plan.skipPatterns = options.skipModules;
    }
    for (const auto &m : options.keepInFp32Modules)
        plan.skipPatterns.push_back(m);

    std::set<std::string> names;
    for (const auto &t : tensors)
        names.insert(t.name);

    for (const auto &t : tensors) {
        TensorPlan tp;
        tp.name = t.name;
        tp.sourceDtype = t.dtype;
        tp.sourceShape = t.shape;
        uint64_t n = 1;
        for (int64_t d : t.shape)
            n *= uint64_t(d);
        tp.inputBytes = n * dtypeSize(t.dtype);
        tp.targetDtype = isFloating(t.dtype) ? plan.dtype : t.dtype;

        const bool isWeight = t.name.size() > 7 && t.name.compare(t.name.size() - 7, 7, ".weight") == 0;
        const std::string module = isWeight ? t.name.substr(0, t.name.size() - 7) : std::string();
        const auto parts = splitDots(isWeight ? module : t.name);
        const bool fp32Module = !options.keepInFp32Modules.empty()
                                && matchesSkipPattern(isWeight ? module : t.name, options.keepInFp32Modules);
        if (fp32Module && isFloating(t.dtype))
            tp.targetDtype = DType::F32;

        // Tied output embedding: not written (transformers re-ties it on load).
        bool isOutputEmbedding = false;
        for (const auto &o : outputEmb)
            if (t.name == o + ".weight")
                isOutputEmbedding = true;
        if (isOutputEmbedding && tied) {
            tp.action = TensorAction::Drop;
            tp.reason = "tied to the input embedding";
            plan.tensors.push_back(std::move(tp));
            plan.inputBytes += plan.tensors.back().inputBytes;
            continue;
        }

        bool linear = false;
        if (isWeight && t.shape.size() == 2) {
            if (rule) {
                for (const auto &p : rule->linear)
                    if (matchesLinearPattern(parts, p))
                        linear = true;
            } else {
                linear = genericLinear(parts);
            }
        }
        const bool skipped = linear && matchesSkipPattern(module, plan.skipPatterns);
        if (linear && !skipped && isFloating(t.dtype) && options.mode != QuantMode::None && n > 0) {
            const bool conv1d = rule && rule->conv1d;
            tp.transposed = conv1d;
            tp.quantShape = conv1d ? std::vector<int64_t>{t.shape[1], t.shape[0]} : t.shape;
            if (options.mode == QuantMode::Bnb4bit) {
                tp.action = TensorAction::Quantize4bit;
                tp.reason = conv1d ? "Conv1D weight (transposed)" : "Linear weight";
                const uint64_t nb = bnb::numBlocks(n);
                tp.outputs.push_back(out(t.name, DType::U8, {int64_t(bnb::packedBytes(n)), 1}));
                if (options.doubleQuant) {
                    tp.outputs.push_back(out(t.name + ".absmax", DType::U8, {int64_t(nb)}));
                    tp.outputs.push_back(out(t.name + ".nested_absmax", DType::F32,
                                             {int64_t(bnb::numBlocks(nb, bnb::kNestedBlocksize))}));
                    tp.outputs.push_back(out(t.name + ".nested_quant_map", DType::F32, {256}));
                } else {
                    tp.outputs.push_back(out(t.name + ".absmax", DType::F32, {int64_t(nb)}));
                }
                tp.outputs.push_back(out(t.name + ".quant_map", DType::F32, {16}));
                // Typical nested_offset repr is 19-20 characters; bounded by kMaxFloatReprLength.
                const std::string json = bnb::quantStateJson(options.quantType, tp.targetDtype, tp.quantShape,
                                                             options.doubleQuant, 0.0123456789f);
                auto qs = out(quantStateKey(t.name, options.quantType), DType::U8, {int64_t(json.size())});
                if (options.doubleQuant) {
                    const std::string shortest = bnb::quantStateJson(options.quantType, tp.targetDtype,
                                                                     tp.quantShape, true, 0.0f);
                    qs.variableSize = true;
                    qs.maxBytes = shortest.size() - 3 + bnb::kMaxFloatReprLength; // "0.0" replaced
                }
                tp.outputs.push_back(qs);
            } else {
                tp.action = TensorAction::Quantize8bit;
                tp.reason = conv1d ? "Conv1D weight (transposed)" : "Linear weight";
                tp.outputs.push_back(out(t.name, DType::I8, tp.quantShape));
                tp.outputs.push_back(out(module + ".SCB", DType::F32, {tp.quantShape[0]}));
                tp.outputs.push_back(out(module + ".weight_format", DType::U8, {}));
            }
            ++plan.quantizedCount;
        } else {
            tp.action = isFloating(t.dtype) ? TensorAction::Cast : TensorAction::Copy;
            if (skipped)
                tp.reason = "in the skip list";
            else if (linear && !isFloating(t.dtype))
                tp.reason = "not a floating tensor";
            else if (isWeight && t.shape.size() == 2)
                tp.reason = "not a Linear/Conv1D weight of a block";
            else
                tp.reason = t.shape.size() == 1 ? "1-D (bias or norm)" : "not a weight";
            tp.outputs.push_back(out(t.name, tp.targetDtype, t.shape));
        }
        for (const auto &o : tp.outputs)
            tp.outputBytes += o.bytes;
        plan.inputBytes += tp.inputBytes;
        plan.outputTensorBytes += tp.outputBytes;
        plan.tensors.push_back(std::move(tp));
    }

    // Headers: one safetensors header listing every output (shards add a few hundred bytes each).
    std::vector<PlannedTensor> all;
    for (const auto &tp : plan.tensors)
        for (const auto &o : tp.outputs)
            all.push_back(PlannedTensor{o.name, o.dtype, o.shape});
    plan.estimatedOutputBytes = plan.outputTensorBytes + 8
                                + SafetensorsWriter::headerJson(all, {{"format", "pt"}}).size();
    return plan;
}

} // namespace mistudio::quant
