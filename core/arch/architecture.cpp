#include "arch/architecture.h"

#include "arch/familyrules.h"
#include "arch/layerdiscovery.h"
#include "common/saturating.h"

#include <QJsonArray>
#include <QMap>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::arch {
namespace {

// The first key with a positive number that fits a qint64 (config.json comes from the Hub: a
// dimension of 1e100 is read as missing, not converted, which would be undefined behaviour).
qint64 configInt(const QJsonObject &config, std::initializer_list<QString> keys)
{
    for (const QString &k : keys) {
        const QJsonValue v = config.value(k);
        if (v.isDouble() && v.toDouble() > 0 && v.toDouble() < 0x1p63)
            return static_cast<qint64>(v.toDouble());
    }
    return 0;
}

QString torchDtypeName(const QString &safetensorsDtype)
{
    static const QMap<QString, QString> names{
        {u"BF16"_s, u"bfloat16"_s}, {u"F16"_s, u"float16"_s}, {u"F32"_s, u"float32"_s},
        {u"F64"_s, u"float64"_s},   {u"I8"_s, u"int8"_s},     {u"U8"_s, u"uint8"_s}};
    return names.value(safetensorsDtype);
}

QJsonArray shapeJson(const QList<qint64> &shape)
{
    QJsonArray a;
    for (qint64 d : shape)
        a.append(d);
    return a;
}

QJsonObject moduleJson(const ModuleNode &m)
{
    QJsonArray tensors;
    for (const TensorNode &t : m.tensors)
        tensors.append(QJsonObject{{u"name"_s, t.name}, {u"dtype"_s, t.dtype},
                                   {u"shape"_s, shapeJson(t.shape)}, {u"params"_s, t.params}});
    return QJsonObject{{u"path"_s, m.path}, {u"role"_s, m.role}, {u"params"_s, m.params},
                       {u"tensors"_s, tensors}};
}

// Reads the base numbers from config.json under each family's own key names.
void readConfig(const QJsonObject &config, Architecture &a)
{
    a.hiddenSize = configInt(config, {u"hidden_size"_s, u"n_embd"_s, u"d_model"_s});
    a.intermediateSize = configInt(config, {u"intermediate_size"_s, u"n_inner"_s,
                                            u"ffn_hidden_size"_s, u"ffn_dim"_s});
    a.numHiddenLayers = configInt(config, {u"num_hidden_layers"_s, u"n_layer"_s, u"num_layers"_s});
    a.numAttentionHeads = configInt(config, {u"num_attention_heads"_s, u"n_head"_s, u"num_heads"_s});
    a.numKeyValueHeads = configInt(config, {u"num_key_value_heads"_s, u"num_kv_heads"_s, u"n_head_kv"_s});
    if (a.numKeyValueHeads == 0 && a.modelType == u"falcon"_s
        && !config.value(u"new_decoder_architecture"_s).toBool(false)
        && config.value(u"multi_query"_s).toBool(true))
        a.numKeyValueHeads = 1; // Falcon-7B style multi-query attention
    if (a.numKeyValueHeads == 0)
        a.numKeyValueHeads = a.numAttentionHeads;
    a.vocabSize = configInt(config, {u"vocab_size"_s, u"padded_vocab_size"_s});
    a.maxPositionEmbeddings = configInt(config, {u"max_position_embeddings"_s, u"n_positions"_s,
                                                 u"n_ctx"_s, u"seq_length"_s});
    a.torchDtype = config.value(u"torch_dtype"_s).toString(config.value(u"dtype"_s).toString());
}

void inferFromTensors(Architecture &a, const QList<TensorDesc> &tensors)
{
    // The input embedding is the first 2-D embedding-role tensor that is not positional:
    // [vocab, hidden].
    const TensorNode *embedding = nullptr;
    for (const ModuleNode &m : std::as_const(a.topLevel)) {
        for (const TensorNode &t : m.tensors) {
            if (!embedding && m.role == u"embedding"_s && t.shape.size() == 2
                && !t.name.contains(u"position"_s) && !t.name.contains(u"wpe"_s))
                embedding = &t;
        }
    }
    if (embedding) {
        if (a.hiddenSize == 0) {
            a.hiddenSize = embedding->shape[1];
            a.inferredFields << u"hidden_size"_s;
        } else if (embedding->shape[1] != a.hiddenSize) {
            a.warnings << QString(u"embedding "_s + embedding->name + u" has width "_s
                                  + QString::number(embedding->shape[1]) + u" but hidden_size is "_s
                                  + QString::number(a.hiddenSize));
        }
        if (a.vocabSize == 0) {
            a.vocabSize = embedding->shape[0];
            a.inferredFields << u"vocab_size"_s;
        }
    }
    if (a.intermediateSize == 0 && !a.blocks.isEmpty() && a.hiddenSize > 0) {
        qint64 best = 0;
        for (const ModuleNode &m : std::as_const(a.blocks.first().modules)) {
            if (m.role != u"mlp"_s)
                continue;
            for (const TensorNode &t : m.tensors) {
                if (t.shape.size() != 2)
                    continue;
                for (qint64 d : t.shape) {
                    if (d != a.hiddenSize)
                        best = std::max(best, d);
                }
            }
        }
        if (best > 0) {
            a.intermediateSize = best;
            a.inferredFields << u"intermediate_size"_s;
        }
    }
    if (a.numHiddenLayers == 0 && !a.blocks.isEmpty()) {
        a.numHiddenLayers = a.blocks.size();
        a.inferredFields << u"num_hidden_layers"_s;
    } else if (!a.blocks.isEmpty() && a.numHiddenLayers != a.blocks.size()) {
        a.warnings << QString(u"config.json says "_s + QString::number(a.numHiddenLayers)
                              + u" layers but the checkpoint has "_s + QString::number(a.blocks.size()));
    }
    if (a.torchDtype.isEmpty() && !tensors.isEmpty()) {
        QMap<QString, qint64> byDtype;
        for (const TensorDesc &t : tensors)
            byDtype[t.dtype] = saturatingAdd(byDtype.value(t.dtype), elementCount(t.shape));
        const auto top = std::max_element(byDtype.cbegin(), byDtype.cend());
        a.torchDtype = torchDtypeName(top.key());
        if (!a.torchDtype.isEmpty())
            a.inferredFields << u"torch_dtype"_s;
    }
    if (a.numAttentionHeads == 0)
        a.warnings << u"num_attention_heads is missing from config.json and cannot be read from shapes"_s;
}

void addHookPoints(Architecture &a, const QString &residMidModule, const QString &attnOut,
                   const QString &mlpOut)
{
    const qint64 layers = a.blocks.isEmpty() ? a.numHiddenLayers : a.blocks.size();
    for (qint64 n = 0; n < layers; ++n) {
        const int i = a.blocks.isEmpty() ? int(n) : a.blocks.at(n).index;
        const QString block = a.layerContainer + u'.' + QString::number(i);
        auto add = [&](HookKind kind, const QString &module, HookSide side) {
            const QString hook = u"hook_"_s + hookKindName(kind);
            a.hookPoints.append(HookPoint{block + u'.' + hook, i, kind, module, side,
                                          u"blocks."_s + QString::number(i) + u'.' + hook, a.hiddenSize});
        };
        add(HookKind::ResidPre, block, HookSide::Input);
        if (!attnOut.isEmpty())
            add(HookKind::AttnOut, block + u'.' + attnOut, HookSide::Output);
        if (!a.parallelResidual && !residMidModule.isEmpty())
            add(HookKind::ResidMid, block + u'.' + residMidModule, HookSide::Input);
        if (!mlpOut.isEmpty())
            add(HookKind::MlpOut, block + u'.' + mlpOut, HookSide::Output);
        add(HookKind::ResidPost, block, HookSide::Output);
    }
}

} // namespace

qint64 elementCount(const QList<qint64> &shape)
{
    qint64 n = 1;
    for (qint64 d : shape) {
        if (d < 0)
            return 0;
        n = saturatingMul(n, d); // shapes come from checkpoint headers
    }
    return n;
}

QString hookKindName(HookKind kind)
{
    switch (kind) {
    case HookKind::ResidPre:
        return u"resid_pre"_s;
    case HookKind::AttnOut:
        return u"attn_out"_s;
    case HookKind::ResidMid:
        return u"resid_mid"_s;
    case HookKind::MlpOut:
        return u"mlp_out"_s;
    case HookKind::ResidPost:
        return u"resid_post"_s;
    }
    return QString();
}

QJsonObject HookPoint::toJson() const
{
    return QJsonObject{{u"name"_s, name},
                       {u"layer"_s, layer},
                       {u"kind"_s, hookKindName(kind)},
                       {u"module"_s, modulePath},
                       {u"io"_s, side == HookSide::Input ? u"input"_s : u"output"_s},
                       {u"transformer_lens"_s, tlName},
                       {u"width"_s, width}};
}

QJsonObject Architecture::toJson() const
{
    QJsonArray names;
    QJsonArray details;
    for (const HookPoint &h : hookPoints) {
        names.append(h.name);
        details.append(h.toJson());
    }
    QJsonObject o{{u"model_type"_s, modelType},
                  {u"hidden_size"_s, hiddenSize},
                  {u"intermediate_size"_s, intermediateSize},
                  {u"num_hidden_layers"_s, numHiddenLayers},
                  {u"num_attention_heads"_s, numAttentionHeads},
                  {u"num_key_value_heads"_s, numKeyValueHeads},
                  {u"vocab_size"_s, vocabSize},
                  {u"max_position_embeddings"_s, maxPositionEmbeddings},
                  {u"torch_dtype"_s, torchDtype},
                  {u"hook_points"_s, names},
                  {u"hook_point_details"_s, details},
                  {u"family"_s, family},
                  {u"generic"_s, generic},
                  {u"detection"_s, detection},
                  {u"parallel_residual"_s, parallelResidual},
                  {u"tied_embeddings"_s, tiedEmbeddings},
                  {u"layer_container"_s, layerContainer},
                  {u"attention_module"_s, attentionModule},
                  {u"mlp_module"_s, mlpModule},
                  {u"inferred_fields"_s, QJsonArray::fromStringList(inferredFields)},
                  {u"warnings"_s, QJsonArray::fromStringList(warnings)},
                  {u"total_params"_s, totalParams}};
    return o;
}

QJsonObject Architecture::layerTreeJson() const
{
    QJsonArray blockArray;
    for (const BlockNode &b : blocks) {
        QJsonArray modules;
        for (const ModuleNode &m : b.modules)
            modules.append(moduleJson(m));
        blockArray.append(QJsonObject{{u"index"_s, b.index}, {u"path"_s, b.path},
                                      {u"params"_s, b.params}, {u"modules"_s, modules}});
    }
    QJsonArray top;
    for (const ModuleNode &m : topLevel)
        top.append(moduleJson(m));
    return QJsonObject{{u"blocks"_s, blockArray}, {u"top_level"_s, top}};
}

Result<Architecture> extractArchitecture(const QJsonObject &config, const QList<TensorDesc> &tensors)
{
    Architecture a;
    a.modelType = config.value(u"model_type"_s).toString();
    if (tensors.isEmpty() && config.isEmpty())
        return Error::make(ErrorCode::InvalidCheckpoint,
                           u"neither config.json nor any tensor is available"_s);
    readConfig(config, a);

    const FamilyRules *rules = familyRulesFor(a.modelType);
    LayerLayout layout;
    if (rules) {
        layout = layoutFromRules(*rules, tensors);
        a.family = rules->family;
        a.parallelResidual = rules->isParallel(config);
        a.detection = u"known family '"_s + rules->family + u"'"_s;
        if (!tensors.isEmpty() && layout.blockCount() == 0) {
            a.warnings << QString(u"no tensor sits under "_s + rules->container
                                  + u"; layer structure discovered from tensor names instead"_s);
            rules = nullptr;
        }
    }
    QString residMid;
    QString attnOut;
    QString mlpOut;
    if (rules) {
        residMid = rules->residMidModule;
        attnOut = rules->attnOutModule;
        mlpOut = rules->mlpOutModule;
    } else {
        layout = discoverLayout(tensors);
        a.generic = true;
        a.family = u"generic"_s;
        attnOut = layout.attention;
        mlpOut = layout.mlp;
        // Without the family's forward() we cannot tell sequential from parallel residuals, so
        // resid_mid (which only exists for sequential blocks) is not offered.
        a.detection = layout.container.isEmpty()
            ? u"generic: no numbered layer container found in the tensor names"_s
            : QString(u"generic: model_type '"_s + a.modelType + u"' is not a known family; layer container '"_s
                      + layout.container + u"' with "_s + QString::number(layout.blockCount())
                      + u" blocks discovered from tensor names; attention child '"_s
                      + (layout.attention.isEmpty() ? u"?"_s : layout.attention) + u"', MLP child '"_s
                      + (layout.mlp.isEmpty() ? u"?"_s : layout.mlp)
                      + u"'; residual order unknown, so no resid_mid hook"_s);
        if (layout.attention.isEmpty())
            a.warnings << u"no attention child found in the blocks; attn_out hooks omitted"_s;
        if (layout.mlp.isEmpty())
            a.warnings << u"no MLP child found in the blocks; mlp_out hooks omitted"_s;
    }
    a.layerContainer = layout.container;
    a.attentionModule = layout.attention;
    a.mlpModule = layout.mlp;
    a.blocks = layout.blocks;
    a.topLevel = layout.topLevel;
    a.warnings << layout.warnings;
    for (const BlockNode &b : std::as_const(a.blocks))
        a.totalParams = saturatingAdd(a.totalParams, b.params);
    for (const ModuleNode &m : std::as_const(a.topLevel))
        a.totalParams = saturatingAdd(a.totalParams, m.params);

    bool hasEmbedding = false;
    bool hasLmHead = false;
    for (const ModuleNode &m : std::as_const(a.topLevel)) {
        hasEmbedding = hasEmbedding || m.role == u"embedding"_s;
        hasLmHead = hasLmHead || m.role == u"lm_head"_s;
    }
    a.tiedEmbeddings = hasEmbedding && !hasLmHead;

    inferFromTensors(a, tensors);
    if (!a.layerContainer.isEmpty())
        addHookPoints(a, residMid, attnOut, mlpOut);
    return a;
}

} // namespace mistudio::arch
