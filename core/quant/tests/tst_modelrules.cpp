// Which tensors are quantized per family, what they become, and the JSON bytes bnb writes.
#include "check.h"

#include "quant/bnblayout.h"
#include "quant/modelrules.h"

#include <map>

using namespace mistudio::quant;
using nlohmann::json;

namespace {

std::vector<TensorInfo> llamaLike(const std::string &prefix, int layers, int h, int inter, int vocab, bool lmHead)
{
    std::vector<TensorInfo> t{{prefix + "embed_tokens.weight", DType::BF16, {vocab, h}},
                              {prefix + "norm.weight", DType::BF16, {h}}};
    for (int i = 0; i < layers; ++i) {
        const std::string l = prefix + "layers." + std::to_string(i) + ".";
        for (const char *p : {"q_proj", "k_proj", "v_proj", "o_proj"})
            t.push_back({l + "self_attn." + p + ".weight", DType::BF16, {h, h}});
        t.push_back({l + "mlp.gate_proj.weight", DType::BF16, {inter, h}});
        t.push_back({l + "mlp.up_proj.weight", DType::BF16, {inter, h}});
        t.push_back({l + "mlp.down_proj.weight", DType::BF16, {h, inter}});
        t.push_back({l + "input_layernorm.weight", DType::BF16, {h}});
        t.push_back({l + "post_attention_layernorm.weight", DType::BF16, {h}});
    }
    if (lmHead)
        t.push_back({"lm_head.weight", DType::BF16, {vocab, h}});
    return t;
}

const TensorPlan *find(const QuantPlan &p, const std::string &name)
{
    for (const auto &t : p.tensors)
        if (t.name == name)
            return &t;
    return nullptr;
}

void testLlama()
{
    const auto tensors = llamaLike("model.", 2, 256, 704, 1000, true);
    const json config = {{"model_type", "llama"}, {"tie_word_embeddings", false}, {"torch_dtype", "float32"}};
    QuantOptions o; // bnb-4bit nf4 double quant bf16
    const auto plan = planQuantization(tensors, config, o);
    CHECK(plan.knownFamily);
    CHECK_EQ(plan.quantizedCount, 14);
    CHECK(plan.dtype == DType::BF16);
    const auto *q = find(plan, "model.layers.0.self_attn.q_proj.weight");
    CHECK(q && q->action == TensorAction::Quantize4bit && !q->transposed);
    if (q) {
        std::map<std::string, std::pair<DType, std::vector<int64_t>>> outs;
        for (const auto &o2 : q->outputs)
            outs[o2.name] = {o2.dtype, o2.shape};
        const std::string w = "model.layers.0.self_attn.q_proj.weight";
        CHECK(outs[w].first == DType::U8 && outs[w].second == (std::vector<int64_t>{32768, 1}));
        CHECK(outs[w + ".absmax"].first == DType::U8 && outs[w + ".absmax"].second == (std::vector<int64_t>{1024}));
        CHECK(outs[w + ".nested_absmax"].second == (std::vector<int64_t>{4}));
        CHECK(outs[w + ".nested_quant_map"].second == (std::vector<int64_t>{256}));
        CHECK(outs[w + ".quant_map"].second == (std::vector<int64_t>{16}));
        CHECK(outs.count(w + ".quant_state.bitsandbytes__nf4") == 1);
        CHECK_EQ(q->outputs.size(), size_t(6));
    }
    // The spec's example: down_proj of a 256x704 MLP -> (90112,1) weight, (2816,) absmax, (11,) nested.
    const auto *down = find(plan, "model.layers.1.mlp.down_proj.weight");
    CHECK(down && down->outputs[0].shape == (std::vector<int64_t>{90112, 1}));
    CHECK(down && down->outputs[1].shape == (std::vector<int64_t>{2816}));
    CHECK(down && down->outputs[2].shape == (std::vector<int64_t>{11}));
    const auto *head = find(plan, "lm_head.weight");
    CHECK(head && head->action == TensorAction::Cast && head->outputs[0].dtype == DType::BF16);
    const auto *norm = find(plan, "model.layers.0.input_layernorm.weight");
    CHECK(norm && norm->action == TensorAction::Cast);
    const auto *emb = find(plan, "model.embed_tokens.weight");
    CHECK(emb && emb->action == TensorAction::Cast);

    // auto dtype = the config's; 8-bit outputs; FP4 without double quant.
    QuantOptions o8;
    o8.mode = QuantMode::Bnb8bit;
    o8.dtype.reset();
    const auto p8 = planQuantization(tensors, config, o8);
    CHECK(p8.dtype == DType::F32);
    const auto *q8 = find(p8, "model.layers.0.self_attn.q_proj.weight");
    CHECK(q8 && q8->outputs.size() == 3 && q8->outputs[0].dtype == DType::I8
          && q8->outputs[1].name == "model.layers.0.self_attn.q_proj.SCB"
          && q8->outputs[2].name == "model.layers.0.self_attn.q_proj.weight_format"
          && q8->outputs[2].shape.empty() && q8->outputBytes == 256u * 256u + 256u * 4u + 1u);
    QuantOptions ofp4;
    ofp4.quantType = QuantType::FP4;
    ofp4.doubleQuant = false;
    const auto pf = planQuantization(tensors, config, ofp4);
    const auto *qf = find(pf, "model.layers.0.mlp.up_proj.weight");
    CHECK(qf && qf->outputs.size() == 4 && qf->outputs[1].dtype == DType::F32);
    CHECK(qf && qf->outputs.back().name == "model.layers.0.mlp.up_proj.weight.quant_state.bitsandbytes__fp4");
    // The FP4 JSON has no variable part: its planned size is exact.
    CHECK(qf && qf->outputs.back().bytes
                    == std::string(R"({"quant_type": "fp4", "blocksize": 64, "dtype": "bfloat16", "shape": [704, 256]})")
                           .size());

    // Skip list given by the user replaces the defaults; _keep_in_fp32_modules stay float32.
    QuantOptions os;
    os.skipModules = {"lm_head", "mlp.down_proj"};
    os.keepInFp32Modules = {"model.layers.1.self_attn.o_proj"};
    const auto ps = planQuantization(tensors, config, os);
    CHECK_EQ(ps.quantizedCount, 14 - 2 - 1);
    const auto *o1 = find(ps, "model.layers.1.self_attn.o_proj.weight");
    CHECK(o1 && o1->action == TensorAction::Cast && o1->targetDtype == DType::F32);
}

void testGpt2()
{
    std::vector<TensorInfo> t{{"wte.weight", DType::F32, {1000, 100}}, {"wpe.weight", DType::F32, {64, 100}},
                              {"h.0.ln_1.weight", DType::F32, {100}},  {"h.0.attn.c_attn.weight", DType::F32, {100, 300}},
                              {"h.0.attn.c_attn.bias", DType::F32, {300}}, {"h.0.attn.bias", DType::F32, {1, 1, 64, 64}},
                              {"h.0.mlp.c_fc.weight", DType::F32, {100, 400}}, {"lm_head.weight", DType::F32, {1000, 100}}};
    const json config = {{"model_type", "gpt2"}};
    QuantOptions o;
    const auto plan = planQuantization(t, config, o);
    const auto *c = find(plan, "h.0.attn.c_attn.weight");
    CHECK(c && c->transposed && c->quantShape == (std::vector<int64_t>{300, 100}));
    CHECK(c && c->outputs[0].shape == (std::vector<int64_t>{15000, 1}));
    const auto *head = find(plan, "lm_head.weight");
    CHECK(head && head->dropped() && head->outputs.empty()); // tied by default for gpt2
    CHECK_EQ(plan.quantizedCount, 2);
    const auto *buf = find(plan, "h.0.attn.bias");
    CHECK(buf && buf->action == TensorAction::Cast);
}

void testFamilies()
{
    // Every known family quantizes its own block Linear names and nothing else.
    struct Row
    {
        const char *family;
        std::vector<std::string> linear;
        std::vector<std::string> notLinear;
    };
    const std::vector<Row> rows{
        {"mixtral", {"model.layers.0.block_sparse_moe.experts.3.w2.weight", "model.layers.0.block_sparse_moe.gate.weight"},
         {"model.embed_tokens.weight"}},
        {"qwen2_moe", {"model.layers.1.mlp.experts.59.down_proj.weight", "model.layers.1.mlp.shared_expert_gate.weight"},
         {"model.layers.1.post_attention_layernorm.weight"}},
        {"qwen3", {"model.layers.0.self_attn.k_proj.weight"}, {"model.layers.0.self_attn.k_norm.weight"}},
        {"phi", {"model.layers.0.self_attn.dense.weight", "model.layers.0.mlp.fc2.weight"}, {"model.final_layernorm.weight"}},
        {"phi3", {"model.layers.0.self_attn.qkv_proj.weight", "model.layers.0.mlp.gate_up_proj.weight"}, {}},
        {"gpt_neox", {"gpt_neox.layers.0.attention.query_key_value.weight", "gpt_neox.layers.0.mlp.dense_4h_to_h.weight"},
         {"embed_out.weight", "gpt_neox.embed_in.weight"}},
        {"gptj", {"transformer.h.0.attn.out_proj.weight", "transformer.h.0.mlp.fc_in.weight"}, {"transformer.wte.weight"}},
        {"falcon", {"transformer.h.0.self_attention.query_key_value.weight"}, {"transformer.word_embeddings.weight"}},
        {"starcoder2", {"model.layers.0.mlp.c_fc.weight"}, {}},
        {"gemma2", {"model.layers.0.mlp.down_proj.weight"}, {"model.layers.0.pre_feedforward_layernorm.weight"}},
        {"gemma3_text", {"model.layers.0.self_attn.o_proj.weight"}, {}},
        {"olmo2", {"model.layers.0.self_attn.q_proj.weight"}, {"model.layers.0.self_attn.q_norm.weight"}},
        {"stablelm", {"model.layers.0.mlp.up_proj.weight"}, {}},
        {"mistral", {"model.layers.0.mlp.up_proj.weight"}, {}},
        {"olmo", {"model.layers.0.mlp.up_proj.weight"}, {}},
        {"gemma", {"model.layers.0.mlp.up_proj.weight"}, {}},
        {"qwen2", {"model.layers.0.mlp.up_proj.weight"}, {}},
        {"llama", {"model.layers.0.mlp.up_proj.weight"}, {"model.layers.0.mlp.up_proj.bias"}},
        {"somethingnew", {"model.layers.0.mixer.in_proj.weight"}, {"model.layers.0.norm.weight", "model.embed.weight"}},
    };
    for (const auto &r : rows) {
        std::vector<TensorInfo> t;
        for (const auto &n : r.linear)
            t.push_back({n, DType::BF16, {128, 64}});
        for (const auto &n : r.notLinear)
            t.push_back({n, DType::BF16, {128, 64}});
        const auto plan = planQuantization(t, json{{"model_type", r.family}}, QuantOptions{});
        for (const auto &n : r.linear)
            CHECK_MSG(find(plan, n)->quantized(), std::string(r.family) + " " + n);
        for (const auto &n : r.notLinear)
            CHECK_MSG(!find(plan, n)->quantized(), std::string(r.family) + " " + n);
    }
    CHECK_EQ(knownFamilies().size(), size_t(19));
}

void testSkipMatching()
{
    CHECK(matchesSkipPattern("lm_head", {"lm_head"}));
    CHECK(matchesSkipPattern("model.layers.0.mlp.down_proj", {"mlp.down_proj"}));     // endswith
    CHECK(matchesSkipPattern("transformer.wte", {"transformer"}));                      // prefix
    CHECK(matchesSkipPattern("model.layers.10.mlp", {R"(model\.layers\.1\d)"}));        // re.match
    CHECK(!matchesSkipPattern("model.layers.0.self_attn.q_proj", {"lm_head", "k_proj"}));
}

void testJson()
{
    CHECK_EQ(bnb::pythonFloatRepr(1e-05), std::string("1e-05"));
    CHECK_EQ(bnb::pythonFloatRepr(0.0001), std::string("0.0001"));
    CHECK_EQ(bnb::pythonFloatRepr(1e16), std::string("1e+16"));
    CHECK_EQ(bnb::pythonFloatRepr(1e15), std::string("1000000000000000.0"));
    CHECK_EQ(bnb::pythonFloatRepr(123.0), std::string("123.0"));
    CHECK_EQ(bnb::pythonFloatRepr(-2.5e-7), std::string("-2.5e-07"));
    CHECK_EQ(bnb::pythonFloatRepr(6.0), std::string("6.0"));
    CHECK_EQ(bnb::pythonFloatRepr(double(0.05793282389640808f)), std::string("0.05793282389640808"));
    CHECK_EQ(bnb::quantStateJson(QuantType::NF4, DType::BF16, {256, 256}, true, 0.05188000202178955f),
             std::string(R"({"quant_type": "nf4", "blocksize": 64, "dtype": "bfloat16", "shape": [256, 256], )"
                         R"("nested_blocksize": 256, "nested_dtype": "float32", "nested_offset": 0.05188000202178955})"));
    CHECK_EQ(bnb::quantStateJson(QuantType::FP4, DType::F16, {256, 704}, false, 0.0f),
             std::string(R"({"quant_type": "fp4", "blocksize": 64, "dtype": "float16", "shape": [256, 704]})"));
    // docs/quantization.md F14: the block transformers writes (sorted keys, indent 2).
    json cfg;
    cfg["quantization_config"] = bnb::quantizationConfig(QuantOptions{}, DType::BF16);
    const std::string expected = R"({
  "quantization_config": {
    "_load_in_4bit": true,
    "_load_in_8bit": false,
    "bnb_4bit_compute_dtype": "bfloat16",
    "bnb_4bit_quant_storage": "uint8",
    "bnb_4bit_quant_type": "nf4",
    "bnb_4bit_use_double_quant": true,
    "llm_int8_enable_fp32_cpu_offload": false,
    "llm_int8_has_fp16_weight": false,
    "llm_int8_skip_modules": null,
    "llm_int8_threshold": 6.0,
    "load_in_4bit": true,
    "load_in_8bit": false,
    "quant_method": "bitsandbytes"
  }
})";
    CHECK_EQ(cfg.dump(2), expected);
}

} // namespace

int main()
{
    testLlama();
    testGpt2();
    testFamilies();
    testSkipMatching();
    testJson();
    return quanttest::finish("tst_quant_modelrules");
}
