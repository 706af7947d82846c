#include "arch/familyrules.h"

#include <QJsonValue>

#include <vector>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::arch {
namespace {

using R = FamilyRules::Residual;

FamilyRules llamaLike(const QString &family, const QString &mlp = u"mlp"_s)
{
    return FamilyRules{family, u"model.layers"_s, {u"model.layers"_s}, u"self_attn"_s, mlp,
                       u"post_attention_layernorm"_s, u"self_attn"_s, mlp,
                       R::Sequential, QString(), false};
}

// Gemma 2/3 and OLMo 2 normalise each sub-layer's output before it joins the residual, so the
// "out" hooks sit on those norms, and resid_mid is the input of what follows the attention add.
FamilyRules postNormed(const QString &family, const QString &residMid)
{
    return FamilyRules{family, u"model.layers"_s, {u"model.layers"_s}, u"self_attn"_s, u"mlp"_s,
                       residMid, u"post_attention_layernorm"_s, u"post_feedforward_layernorm"_s,
                       R::Sequential, QString(), false};
}

const std::vector<std::pair<QString, FamilyRules>> &table()
{
    static const std::vector<std::pair<QString, FamilyRules>> t = [] {
        std::vector<std::pair<QString, FamilyRules>> v;
        for (const QString &f : {u"llama"_s, u"mistral"_s, u"qwen2"_s, u"qwen3"_s, u"gemma"_s,
                                 u"phi3"_s, u"olmo"_s, u"starcoder2"_s, u"qwen2_moe"_s})
            v.emplace_back(f, llamaLike(f));
        v.emplace_back(u"mixtral"_s, llamaLike(u"mixtral"_s, u"block_sparse_moe"_s));
        v.emplace_back(u"gemma2"_s, postNormed(u"gemma2"_s, u"pre_feedforward_layernorm"_s));
        v.emplace_back(u"gemma3_text"_s, postNormed(u"gemma3_text"_s, u"pre_feedforward_layernorm"_s));
        v.emplace_back(u"olmo2"_s, postNormed(u"olmo2"_s, u"mlp"_s));

        FamilyRules stablelm = llamaLike(u"stablelm"_s);
        stablelm.residual = R::FromConfig;
        stablelm.parallelKey = u"use_parallel_residual"_s;
        stablelm.parallelDefault = false;
        v.emplace_back(u"stablelm"_s, stablelm);

        FamilyRules phi = llamaLike(u"phi"_s);
        phi.residual = R::Parallel;
        v.emplace_back(u"phi"_s, phi);

        v.emplace_back(u"gpt2"_s, FamilyRules{u"gpt2"_s, u"transformer.h"_s, {u"transformer.h"_s, u"h"_s},
                                               u"attn"_s, u"mlp"_s, u"ln_2"_s, u"attn"_s, u"mlp"_s,
                                               R::Sequential, QString(), false});
        v.emplace_back(u"gptj"_s, FamilyRules{u"gptj"_s, u"transformer.h"_s, {u"transformer.h"_s},
                                               u"attn"_s, u"mlp"_s, QString(), u"attn"_s, u"mlp"_s,
                                               R::Parallel, QString(), true});
        v.emplace_back(u"gpt_neox"_s,
                       FamilyRules{u"gpt_neox"_s, u"gpt_neox.layers"_s, {u"gpt_neox.layers"_s},
                                   u"attention"_s, u"mlp"_s, u"post_attention_layernorm"_s,
                                   u"attention"_s, u"mlp"_s, R::FromConfig,
                                   u"use_parallel_residual"_s, true});
        v.emplace_back(u"falcon"_s,
                       FamilyRules{u"falcon"_s, u"transformer.h"_s, {u"transformer.h"_s},
                                   u"self_attention"_s, u"mlp"_s, u"post_attention_layernorm"_s,
                                   u"self_attention"_s, u"mlp"_s, R::FromConfig, u"parallel_attn"_s,
                                   true});
        return v;
    }();
    return t;
}

} // namespace

bool FamilyRules::isParallel(const QJsonObject &config) const
{
    switch (residual) {
    case Residual::Sequential:
        return false;
    case Residual::Parallel:
        return true;
    case Residual::FromConfig:
        break;
    }
    // Falcon-40B style blocks always run attention and MLP side by side.
    if (family == u"falcon"_s && config.value(u"new_decoder_architecture"_s).toBool(false))
        return true;
    return config.value(parallelKey).toBool(parallelDefault);
}

const FamilyRules *familyRulesFor(QStringView modelType)
{
    for (const auto &[name, rules] : table()) {
        if (name == modelType)
            return &rules;
    }
    return nullptr;
}

QStringList knownFamilies()
{
    QStringList names;
    for (const auto &entry : table())
        names << entry.first;
    return names;
}

} // namespace mistudio::arch
