// Architecture extraction per family from hand-built tensor lists: the base fields, the
// layer tree, and the hook points (module path, input/output, TransformerLens name, width).
#include "arch/architecture.h"
#include "arch/familyrules.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;
using namespace mistudio::arch;

namespace {

constexpr qint64 H = 8;  // hidden
constexpr qint64 I = 16; // intermediate
constexpr qint64 V = 32; // vocab
constexpr int L = 2;     // layers

struct Spec
{
    QList<QPair<QString, QList<qint64>>> perBlock; // names with "{i}" for the layer number
    QList<QPair<QString, QList<qint64>>> top;
};

QList<TensorDesc> build(const Spec &s, const QString &dtype = u"BF16"_s)
{
    QList<TensorDesc> out;
    for (const auto &[name, shape] : s.top)
        out.append(TensorDesc{name, dtype, shape});
    for (int i = 0; i < L; ++i) {
        for (const auto &[name, shape] : s.perBlock)
            out.append(TensorDesc{QString(name).replace(u"{i}"_s, QString::number(i)), dtype, shape});
    }
    return out;
}

QJsonObject config(const QString &type, QJsonObject extra = {})
{
    QJsonObject c{{u"model_type"_s, type},     {u"hidden_size"_s, H},           {u"intermediate_size"_s, I},
                  {u"num_hidden_layers"_s, L}, {u"num_attention_heads"_s, 2},   {u"num_key_value_heads"_s, 1},
                  {u"vocab_size"_s, V},        {u"max_position_embeddings"_s, 64}, {u"torch_dtype"_s, u"bfloat16"_s}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        c.insert(it.key(), it.value());
    return c;
}

Spec llamaSpec(bool lmHead = true)
{
    const QString p = u"model.layers.{i}."_s;
    Spec s;
    s.perBlock = {{p + u"self_attn.q_proj.weight"_s, {H, H}},  {p + u"self_attn.k_proj.weight"_s, {H / 2, H}},
                  {p + u"self_attn.v_proj.weight"_s, {H / 2, H}}, {p + u"self_attn.o_proj.weight"_s, {H, H}},
                  {p + u"mlp.gate_proj.weight"_s, {I, H}},     {p + u"mlp.up_proj.weight"_s, {I, H}},
                  {p + u"mlp.down_proj.weight"_s, {H, I}},     {p + u"input_layernorm.weight"_s, {H}},
                  {p + u"post_attention_layernorm.weight"_s, {H}}};
    s.top = {{u"model.embed_tokens.weight"_s, {V, H}}, {u"model.norm.weight"_s, {H}}};
    if (lmHead)
        s.top.append({u"lm_head.weight"_s, {V, H}});
    return s;
}

Spec withBlock(Spec s, const QList<QPair<QString, QList<qint64>>> &more)
{
    s.perBlock += more;
    return s;
}

Spec gpt2Spec(const QString &prefix)
{
    const QString p = prefix + u"h.{i}."_s;
    Spec s;
    s.perBlock = {{p + u"ln_1.weight"_s, {H}},         {p + u"ln_1.bias"_s, {H}},
                  {p + u"attn.c_attn.weight"_s, {H, 3 * H}}, {p + u"attn.c_attn.bias"_s, {3 * H}},
                  {p + u"attn.c_proj.weight"_s, {H, H}},   {p + u"attn.c_proj.bias"_s, {H}},
                  {p + u"ln_2.weight"_s, {H}},         {p + u"ln_2.bias"_s, {H}},
                  {p + u"mlp.c_fc.weight"_s, {H, 4 * H}},  {p + u"mlp.c_fc.bias"_s, {4 * H}},
                  {p + u"mlp.c_proj.weight"_s, {4 * H, H}}, {p + u"mlp.c_proj.bias"_s, {H}}};
    s.top = {{prefix + u"wte.weight"_s, {V, H}}, {prefix + u"wpe.weight"_s, {64, H}},
             {prefix + u"ln_f.weight"_s, {H}},   {prefix + u"ln_f.bias"_s, {H}}};
    return s;
}

Spec neoxSpec()
{
    const QString p = u"gpt_neox.layers.{i}."_s;
    Spec s;
    s.perBlock = {{p + u"input_layernorm.weight"_s, {H}},           {p + u"post_attention_layernorm.weight"_s, {H}},
                  {p + u"attention.query_key_value.weight"_s, {3 * H, H}}, {p + u"attention.dense.weight"_s, {H, H}},
                  {p + u"mlp.dense_h_to_4h.weight"_s, {I, H}},          {p + u"mlp.dense_4h_to_h.weight"_s, {H, I}}};
    s.top = {{u"gpt_neox.embed_in.weight"_s, {V, H}}, {u"gpt_neox.final_layer_norm.weight"_s, {H}},
             {u"embed_out.weight"_s, {V, H}}};
    return s;
}

Spec gptjSpec()
{
    const QString p = u"transformer.h.{i}."_s;
    Spec s;
    s.perBlock = {{p + u"ln_1.weight"_s, {H}},          {p + u"attn.q_proj.weight"_s, {H, H}},
                  {p + u"attn.k_proj.weight"_s, {H, H}}, {p + u"attn.v_proj.weight"_s, {H, H}},
                  {p + u"attn.out_proj.weight"_s, {H, H}}, {p + u"mlp.fc_in.weight"_s, {I, H}},
                  {p + u"mlp.fc_out.weight"_s, {H, I}}};
    s.top = {{u"transformer.wte.weight"_s, {V, H}}, {u"transformer.ln_f.weight"_s, {H}},
             {u"lm_head.weight"_s, {V, H}}};
    return s;
}

Spec falconSpec()
{
    const QString p = u"transformer.h.{i}."_s;
    Spec s;
    s.perBlock = {{p + u"input_layernorm.weight"_s, {H}},
                  {p + u"self_attention.query_key_value.weight"_s, {H + 2 * (H / 2), H}},
                  {p + u"self_attention.dense.weight"_s, {H, H}},
                  {p + u"mlp.dense_h_to_4h.weight"_s, {4 * H, H}},
                  {p + u"mlp.dense_4h_to_h.weight"_s, {H, 4 * H}}};
    s.top = {{u"transformer.word_embeddings.weight"_s, {V, H}}, {u"transformer.ln_f.weight"_s, {H}}};
    return s;
}

Spec phiSpec()
{
    const QString p = u"model.layers.{i}."_s;
    Spec s;
    s.perBlock = {{p + u"input_layernorm.weight"_s, {H}},      {p + u"self_attn.q_proj.weight"_s, {H, H}},
                  {p + u"self_attn.k_proj.weight"_s, {H, H}},  {p + u"self_attn.v_proj.weight"_s, {H, H}},
                  {p + u"self_attn.dense.weight"_s, {H, H}},   {p + u"mlp.fc1.weight"_s, {I, H}},
                  {p + u"mlp.fc2.weight"_s, {H, I}}};
    s.top = {{u"model.embed_tokens.weight"_s, {V, H}}, {u"model.final_layernorm.weight"_s, {H}},
             {u"lm_head.weight"_s, {V, H}}, {u"lm_head.bias"_s, {V}}};
    return s;
}

Spec phi3Spec()
{
    const QString p = u"model.layers.{i}."_s;
    Spec s;
    s.perBlock = {{p + u"self_attn.qkv_proj.weight"_s, {3 * H, H}}, {p + u"self_attn.o_proj.weight"_s, {H, H}},
                  {p + u"mlp.gate_up_proj.weight"_s, {2 * I, H}},   {p + u"mlp.down_proj.weight"_s, {H, I}},
                  {p + u"input_layernorm.weight"_s, {H}},         {p + u"post_attention_layernorm.weight"_s, {H}}};
    s.top = llamaSpec().top;
    return s;
}

Spec mixtralSpec()
{
    const QString p = u"model.layers.{i}."_s;
    Spec s = llamaSpec();
    s.perBlock.erase(std::remove_if(s.perBlock.begin(), s.perBlock.end(),
                                    [](const auto &e) { return e.first.contains(u".mlp."_s); }),
                     s.perBlock.end());
    s.perBlock.append({p + u"block_sparse_moe.gate.weight"_s, {4, H}});
    for (int e = 0; e < 4; ++e) {
        const QString x = p + u"block_sparse_moe.experts."_s + QString::number(e);
        s.perBlock += {{x + u".w1.weight"_s, {I, H}}, {x + u".w2.weight"_s, {H, I}}, {x + u".w3.weight"_s, {I, H}}};
    }
    return s;
}

Spec qwenMoeSpec()
{
    const QString p = u"model.layers.{i}."_s;
    Spec s = llamaSpec();
    s.perBlock.erase(std::remove_if(s.perBlock.begin(), s.perBlock.end(),
                                    [](const auto &e) { return e.first.contains(u".mlp."_s); }),
                     s.perBlock.end());
    s.perBlock += {{p + u"mlp.gate.weight"_s, {4, H}}, {p + u"mlp.shared_expert_gate.weight"_s, {1, H}},
                   {p + u"mlp.shared_expert.gate_proj.weight"_s, {I, H}},
                   {p + u"mlp.shared_expert.up_proj.weight"_s, {I, H}},
                   {p + u"mlp.shared_expert.down_proj.weight"_s, {H, I}}};
    for (int e = 0; e < 4; ++e) {
        const QString x = p + u"mlp.experts."_s + QString::number(e);
        s.perBlock += {{x + u".gate_proj.weight"_s, {I / 2, H}}, {x + u".up_proj.weight"_s, {I / 2, H}},
                       {x + u".down_proj.weight"_s, {H, I / 2}}};
    }
    return s;
}

qint64 sumParams(const QList<TensorDesc> &tensors)
{
    qint64 n = 0;
    for (const TensorDesc &t : tensors)
        n += elementCount(t.shape);
    return n;
}

const QString P = u"model.layers.{i}."_s;

} // namespace

class TestArchitecture final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void family_data();
    void family();
    void layerTree();
    void genericFallbackOnInventedArchitecture();
    void knownTypeWithUnexpectedNamesFallsBack();
    void unknownShapesAreReportedNotFatal();
    void configOnlyGivesHookPoints();
    void layerCountMismatchIsReported();
    void inferredFieldsFromShapes();
    void hugeConfigNumbersAreMissing();
    void nothingToWorkWithIsAnError();
    void everyListedFamilyHasRules();
};

void TestArchitecture::family_data()
{
    QTest::addColumn<QJsonObject>("cfg");
    QTest::addColumn<QList<TensorDesc>>("tensors");
    QTest::addColumn<QString>("container");
    QTest::addColumn<QString>("attnOut");  // module (relative to block) whose output is attn_out
    QTest::addColumn<QString>("residMid"); // module whose input is resid_mid, "" when parallel
    QTest::addColumn<QString>("mlpOut");
    QTest::addColumn<bool>("tied");

    const QList<QPair<QString, QList<qint64>>> qkvBias{{P + u"self_attn.q_proj.bias"_s, {H}},
                                                      {P + u"self_attn.k_proj.bias"_s, {H / 2}},
                                                      {P + u"self_attn.v_proj.bias"_s, {H / 2}}};
    const QList<QPair<QString, QList<qint64>>> qkNorm{{P + u"self_attn.q_norm.weight"_s, {4}},
                                                     {P + u"self_attn.k_norm.weight"_s, {4}}};
    const QList<QPair<QString, QList<qint64>>> sandwich{{P + u"pre_feedforward_layernorm.weight"_s, {H}},
                                                       {P + u"post_feedforward_layernorm.weight"_s, {H}}};

    QTest::newRow("llama") << config(u"llama"_s) << build(llamaSpec()) << u"model.layers"_s << u"self_attn"_s
                           << u"post_attention_layernorm"_s << u"mlp"_s << false;
    QTest::newRow("mistral") << config(u"mistral"_s) << build(llamaSpec()) << u"model.layers"_s << u"self_attn"_s
                             << u"post_attention_layernorm"_s << u"mlp"_s << false;
    QTest::newRow("mixtral") << config(u"mixtral"_s) << build(mixtralSpec()) << u"model.layers"_s
                             << u"self_attn"_s << u"post_attention_layernorm"_s << u"block_sparse_moe"_s << false;
    QTest::newRow("qwen2") << config(u"qwen2"_s) << build(withBlock(llamaSpec(), qkvBias)) << u"model.layers"_s
                           << u"self_attn"_s << u"post_attention_layernorm"_s << u"mlp"_s << false;
    QTest::newRow("qwen2_moe") << config(u"qwen2_moe"_s) << build(qwenMoeSpec()) << u"model.layers"_s
                               << u"self_attn"_s << u"post_attention_layernorm"_s << u"mlp"_s << false;
    QTest::newRow("qwen3") << config(u"qwen3"_s) << build(withBlock(llamaSpec(), qkNorm)) << u"model.layers"_s
                           << u"self_attn"_s << u"post_attention_layernorm"_s << u"mlp"_s << false;
    QTest::newRow("gemma") << config(u"gemma"_s) << build(llamaSpec(false)) << u"model.layers"_s << u"self_attn"_s
                           << u"post_attention_layernorm"_s << u"mlp"_s << true;
    QTest::newRow("gemma2") << config(u"gemma2"_s) << build(withBlock(llamaSpec(false), sandwich))
                            << u"model.layers"_s << u"post_attention_layernorm"_s << u"pre_feedforward_layernorm"_s
                            << u"post_feedforward_layernorm"_s << true;
    QTest::newRow("gemma3_text") << config(u"gemma3_text"_s)
                                 << build(withBlock(withBlock(llamaSpec(false), sandwich), qkNorm))
                                 << u"model.layers"_s << u"post_attention_layernorm"_s
                                 << u"pre_feedforward_layernorm"_s << u"post_feedforward_layernorm"_s << true;
    QTest::newRow("phi") << config(u"phi"_s) << build(phiSpec()) << u"model.layers"_s << u"self_attn"_s
                         << QString() << u"mlp"_s << false;
    QTest::newRow("phi3") << config(u"phi3"_s) << build(phi3Spec()) << u"model.layers"_s << u"self_attn"_s
                          << u"post_attention_layernorm"_s << u"mlp"_s << false;
    QTest::newRow("gpt2") << QJsonObject{{u"model_type"_s, u"gpt2"_s}, {u"n_embd"_s, H}, {u"n_layer"_s, L},
                                         {u"n_head"_s, 2}, {u"n_positions"_s, 64}, {u"vocab_size"_s, V}}
                          << build(gpt2Spec(u"transformer."_s), u"F32"_s) << u"transformer.h"_s << u"attn"_s
                          << u"ln_2"_s << u"mlp"_s << true;
    QTest::newRow("gpt2-unprefixed") << QJsonObject{{u"model_type"_s, u"gpt2"_s}, {u"n_embd"_s, H}, {u"n_layer"_s, L},
                                                    {u"n_head"_s, 2}, {u"vocab_size"_s, V}}
                                     << build(gpt2Spec(QString()), u"F32"_s) << u"transformer.h"_s << u"attn"_s
                                     << u"ln_2"_s << u"mlp"_s << true;
    QTest::newRow("gpt_neox-parallel") << config(u"gpt_neox"_s) << build(neoxSpec()) << u"gpt_neox.layers"_s
                                       << u"attention"_s << QString() << u"mlp"_s << false;
    QTest::newRow("gpt_neox-sequential") << config(u"gpt_neox"_s, {{u"use_parallel_residual"_s, false}})
                                         << build(neoxSpec()) << u"gpt_neox.layers"_s << u"attention"_s
                                         << u"post_attention_layernorm"_s << u"mlp"_s << false;
    QTest::newRow("gptj") << QJsonObject{{u"model_type"_s, u"gptj"_s}, {u"n_embd"_s, H}, {u"n_layer"_s, L},
                                         {u"n_head"_s, 2}, {u"vocab_size"_s, V}}
                          << build(gptjSpec()) << u"transformer.h"_s << u"attn"_s << QString() << u"mlp"_s << false;
    QTest::newRow("falcon") << config(u"falcon"_s) << build(falconSpec()) << u"transformer.h"_s
                            << u"self_attention"_s << QString() << u"mlp"_s << true;
    QTest::newRow("falcon-sequential") << config(u"falcon"_s, {{u"parallel_attn"_s, false}}) << build(falconSpec())
                                       << u"transformer.h"_s << u"self_attention"_s
                                       << u"post_attention_layernorm"_s << u"mlp"_s << true;
    Spec olmo = llamaSpec();
    olmo.perBlock.erase(std::remove_if(olmo.perBlock.begin(), olmo.perBlock.end(),
                                       [](const auto &e) { return e.first.contains(u"layernorm"_s); }),
                        olmo.perBlock.end());
    QTest::newRow("olmo") << config(u"olmo"_s) << build(olmo) << u"model.layers"_s << u"self_attn"_s
                          << u"post_attention_layernorm"_s << u"mlp"_s << false;
    Spec olmo2 = withBlock(llamaSpec(), {{P + u"post_feedforward_layernorm.weight"_s, {H}}});
    olmo2.perBlock.removeIf([](const auto &e) { return e.first.contains(u"input_layernorm"_s); });
    QTest::newRow("olmo2") << config(u"olmo2"_s) << build(olmo2) << u"model.layers"_s
                           << u"post_attention_layernorm"_s << u"mlp"_s << u"post_feedforward_layernorm"_s << false;
    QTest::newRow("stablelm") << config(u"stablelm"_s)
                              << build(withBlock(llamaSpec(), {{P + u"input_layernorm.bias"_s, {H}}}))
                              << u"model.layers"_s << u"self_attn"_s << u"post_attention_layernorm"_s << u"mlp"_s
                              << false;
    QTest::newRow("stablelm-parallel") << config(u"stablelm"_s, {{u"use_parallel_residual"_s, true}})
                                       << build(llamaSpec()) << u"model.layers"_s << u"self_attn"_s << QString()
                                       << u"mlp"_s << false;
    QTest::newRow("starcoder2") << config(u"starcoder2"_s) << build(withBlock(llamaSpec(false), qkvBias))
                                << u"model.layers"_s << u"self_attn"_s << u"post_attention_layernorm"_s
                                << u"mlp"_s << true;
}

void TestArchitecture::family()
{
    QFETCH(QJsonObject, cfg);
    QFETCH(QList<TensorDesc>, tensors);
    QFETCH(QString, container);
    QFETCH(QString, attnOut);
    QFETCH(QString, residMid);
    QFETCH(QString, mlpOut);
    QFETCH(bool, tied);

    const auto r = extractArchitecture(cfg, tensors);
    QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
    const Architecture &a = *r;
    QCOMPARE(a.family, cfg.value(u"model_type"_s).toString());
    QVERIFY(!a.generic);
    QVERIFY2(a.warnings.isEmpty(), qPrintable(a.warnings.join(u"; "_s)));
    QCOMPARE(a.layerContainer, container);
    QCOMPARE(a.hiddenSize, H);
    QCOMPARE(a.numHiddenLayers, qint64(L));
    QCOMPARE(a.vocabSize, V);
    QCOMPARE(a.blocks.size(), L);
    QCOMPARE(a.totalParams, sumParams(tensors));
    QCOMPARE(a.tiedEmbeddings, tied);
    QCOMPARE(a.parallelResidual, residMid.isEmpty());
    QVERIFY(a.intermediateSize > 0);

    const int perLayer = residMid.isEmpty() ? 4 : 5;
    QCOMPARE(a.hookPoints.size(), perLayer * L);
    // Layer 1's hook points, in forward order.
    const QString block = container + u".1"_s;
    QList<HookPoint> layer1;
    for (const HookPoint &h : a.hookPoints) {
        if (h.layer == 1)
            layer1.append(h);
    }
    QCOMPARE(layer1.size(), perLayer);
    qsizetype k = 0;
    auto expectHook = [&](const QString &kind, const QString &module, HookSide side) {
        const HookPoint &h = layer1.at(k++);
        QCOMPARE(hookKindName(h.kind), kind);
        QCOMPARE(h.name, block + u".hook_"_s + kind);
        QCOMPARE(h.tlName, u"blocks.1.hook_"_s + kind);
        QCOMPARE(h.modulePath, module);
        QCOMPARE(h.side, side);
        QCOMPARE(h.width, H);
    };
    expectHook(u"resid_pre"_s, block, HookSide::Input);
    expectHook(u"attn_out"_s, block + u'.' + attnOut, HookSide::Output);
    if (!residMid.isEmpty())
        expectHook(u"resid_mid"_s, block + u'.' + residMid, HookSide::Input);
    expectHook(u"mlp_out"_s, block + u'.' + mlpOut, HookSide::Output);
    expectHook(u"resid_post"_s, block, HookSide::Output);

    const QJsonObject j = a.toJson();
    for (const char *key : {"model_type", "hidden_size", "intermediate_size", "num_hidden_layers",
                            "num_attention_heads", "num_key_value_heads", "vocab_size",
                            "max_position_embeddings", "torch_dtype", "hook_points"})
        QVERIFY2(j.contains(QLatin1StringView(key)), key);
    QCOMPARE(j.value(u"hook_points"_s).toArray().size(), perLayer * L);
    QCOMPARE(j.value(u"hook_points"_s).toArray().last().toString(), container + u".1.hook_resid_post"_s);
}

void TestArchitecture::layerTree()
{
    const QList<TensorDesc> tensors = build(withBlock(llamaSpec(), {{P + u"self_attn.q_proj.bias"_s, {H}}}));
    const auto r = extractArchitecture(config(u"qwen2"_s), tensors);
    QVERIFY(r.ok());
    const BlockNode &b0 = r->blocks.first();
    QCOMPARE(b0.path, u"model.layers.0"_s);
    const auto q = std::find_if(b0.modules.cbegin(), b0.modules.cend(),
                                [](const ModuleNode &m) { return m.path == u"self_attn.q_proj"_s; });
    QVERIFY(q != b0.modules.cend());
    QCOMPARE(q->role, u"attention"_s);
    QCOMPARE(q->tensors.size(), 2);
    QCOMPARE(q->params, H * H + H);
    QCOMPARE(q->tensors.first().dtype, u"BF16"_s);
    QCOMPARE(q->tensors.first().shape, (QList<qint64>{H, H}));
    const auto norm = std::find_if(b0.modules.cbegin(), b0.modules.cend(),
                                   [](const ModuleNode &m) { return m.path == u"input_layernorm"_s; });
    QVERIFY(norm != b0.modules.cend());
    QCOMPARE(norm->role, u"norm"_s);
    QStringList topRoles;
    for (const ModuleNode &m : r->topLevel)
        topRoles << m.path + u'=' + m.role;
    QCOMPARE(topRoles, (QStringList{u"model.embed_tokens=embedding"_s, u"model.norm=norm"_s, u"lm_head=lm_head"_s}));
    const QJsonObject tree = r->layerTreeJson();
    QCOMPARE(tree.value(u"blocks"_s).toArray().size(), L);
    const QJsonObject firstModule = tree.value(u"blocks"_s).toArray().first().toObject()
                                        .value(u"modules"_s).toArray().first().toObject();
    QCOMPARE(firstModule.value(u"path"_s).toString(), u"self_attn.q_proj"_s);
    QCOMPARE(firstModule.value(u"tensors"_s).toArray().first().toObject().value(u"params"_s).toInteger(), H * H);
}

void TestArchitecture::genericFallbackOnInventedArchitecture()
{
    Spec s;
    const QString p = u"backbone.stack.{i}."_s;
    s.perBlock = {{p + u"pre_norm.weight"_s, {H}},           {p + u"mixer_attention.wq.weight"_s, {H, H}},
                  {p + u"mixer_attention.wo.weight"_s, {H, H}}, {p + u"ffn.w_in.weight"_s, {24, H}},
                  {p + u"ffn.w_out.weight"_s, {H, 24}},     {p + u"post_norm.weight"_s, {H}}};
    s.top = {{u"backbone.tok.embed.weight"_s, {V, H}}, {u"backbone.final_norm.weight"_s, {H}}};
    const QList<TensorDesc> tensors = build(s);
    const auto r = extractArchitecture(QJsonObject{{u"model_type"_s, u"zebra"_s}, {u"num_attention_heads"_s, 2}},
                                       tensors);
    QVERIFY(r.ok());
    const Architecture &a = *r;
    QVERIFY(a.generic);
    QCOMPARE(a.family, u"generic"_s);
    QCOMPARE(a.layerContainer, u"backbone.stack"_s);
    QCOMPARE(a.attentionModule, u"mixer_attention"_s);
    QCOMPARE(a.mlpModule, u"ffn"_s);
    QVERIFY2(a.detection.startsWith(u"generic:"_s), qPrintable(a.detection));
    QVERIFY(a.detection.contains(u"backbone.stack"_s));
    // Sizes come from the shapes when config.json lacks them, and say so.
    QCOMPARE(a.hiddenSize, H);
    QCOMPARE(a.vocabSize, V);
    QCOMPARE(a.intermediateSize, qint64(24));
    QCOMPARE(a.numHiddenLayers, qint64(L));
    QVERIFY(a.inferredFields.contains(u"hidden_size"_s));
    QVERIFY(a.inferredFields.contains(u"num_hidden_layers"_s));
    QCOMPARE(a.torchDtype, u"bfloat16"_s);
    // No resid_mid: the residual order is unknown without the family's forward().
    QCOMPARE(a.hookPoints.size(), 4 * L);
    QCOMPARE(a.hookPoints.at(1).modulePath, u"backbone.stack.0.mixer_attention"_s);
    QCOMPARE(a.hookPoints.at(2).modulePath, u"backbone.stack.0.ffn"_s);
    QCOMPARE(a.hookPoints.at(3).name, u"backbone.stack.0.hook_resid_post"_s);
    QCOMPARE(a.totalParams, sumParams(tensors));
    QCOMPARE(a.toJson().value(u"generic"_s).toBool(), true);
}

void TestArchitecture::knownTypeWithUnexpectedNamesFallsBack()
{
    Spec s = llamaSpec();
    for (auto &e : s.perBlock)
        e.first.replace(u"model.layers"_s, u"decoder.blocks"_s);
    const auto r = extractArchitecture(config(u"llama"_s), build(s));
    QVERIFY(r.ok());
    QVERIFY(r->generic);
    QCOMPARE(r->layerContainer, u"decoder.blocks"_s);
    QVERIFY(!r->warnings.isEmpty());
    QVERIFY(r->warnings.first().contains(u"model.layers"_s));
}

void TestArchitecture::unknownShapesAreReportedNotFatal()
{
    QList<TensorDesc> tensors = build(llamaSpec());
    tensors.append(TensorDesc{u"model.layers.0.self_attn.rotary.inv_freq"_s, u"F32"_s, {-4}});
    tensors.append(TensorDesc{u"model.layers.0.mlp.scale"_s, u"F32"_s, {}});
    tensors.append(TensorDesc{u"model.layers.7.mlp.up_proj.weight"_s, u"BF16"_s, {I, H}}); // a gap
    const auto r = extractArchitecture(config(u"llama"_s), tensors);
    QVERIFY(r.ok());
    const QString w = r->warnings.join(u'\n');
    QVERIFY2(w.contains(u"rotary.inv_freq has an invalid shape [-4]"_s), qPrintable(w));
    QVERIFY2(w.contains(u"not contiguous"_s), qPrintable(w));
    QVERIFY2(w.contains(u"config.json says 2 layers but the checkpoint has 3"_s), qPrintable(w));
    QCOMPARE(r->totalParams, sumParams(build(llamaSpec())) + 1 + I * H); // scalar counts 1, bad shape 0
}

void TestArchitecture::configOnlyGivesHookPoints()
{
    // A .bin-only repo previews from config.json alone.
    const auto r = extractArchitecture(config(u"llama"_s, {{u"num_hidden_layers"_s, 3}}), {});
    QVERIFY(r.ok());
    QCOMPARE(r->hookPoints.size(), 15);
    QCOMPARE(r->hookPoints.last().name, u"model.layers.2.hook_resid_post"_s);
    QVERIFY(r->blocks.isEmpty());
}

void TestArchitecture::layerCountMismatchIsReported()
{
    const auto r = extractArchitecture(config(u"llama"_s, {{u"num_hidden_layers"_s, 4}}), build(llamaSpec()));
    QVERIFY(r.ok());
    QVERIFY(r->warnings.join(u'\n').contains(u"config.json says 4 layers but the checkpoint has 2"_s));
    QCOMPARE(r->hookPoints.size(), 5 * L); // hooks follow the layers that exist
}

void TestArchitecture::hugeConfigNumbersAreMissing()
{
    // A config.json from the Hub with dimensions no qint64 holds (found by fuzz_hub_modelinfo:
    // the conversion was undefined behaviour): read as missing, then inferred from the shapes.
    const auto r = extractArchitecture(config(u"llama"_s, {{u"hidden_size"_s, 4.294967e105},
                                                           {u"vocab_size"_s, 1e300}}),
                                       build(llamaSpec()));
    QVERIFY(r.ok());
    QCOMPARE(r->hiddenSize, H);
    QCOMPARE(r->vocabSize, V);
}

void TestArchitecture::inferredFieldsFromShapes()
{
    QJsonObject cfg{{u"model_type"_s, u"llama"_s}, {u"num_attention_heads"_s, 2}};
    const auto r = extractArchitecture(cfg, build(llamaSpec()));
    QVERIFY(r.ok());
    QCOMPARE(r->hiddenSize, H);
    QCOMPARE(r->intermediateSize, I);
    QCOMPARE(r->vocabSize, V);
    QCOMPARE(r->numKeyValueHeads, qint64(2)); // defaults to the attention heads
    QCOMPARE(r->inferredFields,
             (QStringList{u"hidden_size"_s, u"vocab_size"_s, u"intermediate_size"_s, u"num_hidden_layers"_s,
                          u"torch_dtype"_s}));
}

void TestArchitecture::nothingToWorkWithIsAnError()
{
    const auto r = extractArchitecture({}, {});
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::InvalidCheckpoint);
}

void TestArchitecture::everyListedFamilyHasRules()
{
    for (const QString &f : {u"llama"_s, u"mistral"_s, u"mixtral"_s, u"qwen2"_s, u"qwen2_moe"_s, u"qwen3"_s,
                             u"gemma"_s, u"gemma2"_s, u"gemma3_text"_s, u"phi"_s, u"phi3"_s, u"gpt2"_s,
                             u"gpt_neox"_s, u"gptj"_s, u"falcon"_s, u"olmo"_s, u"olmo2"_s, u"stablelm"_s,
                             u"starcoder2"_s})
        QVERIFY2(familyRulesFor(f) != nullptr, qPrintable(f));
    QCOMPARE(familyRulesFor(u"zebra"), nullptr);
}

QTEST_GUILESS_MAIN(TestArchitecture)
#include "tst_architecture.moc"
