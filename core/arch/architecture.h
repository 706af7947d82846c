#pragma once

#include "common/result.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace mistudio::arch {

// One tensor as a checkpoint header describes it (safetensors dtype names: "BF16", "F32", ...).
struct TensorDesc
{
    QString name;
    QString dtype;
    QList<qint64> shape;
};

// Elements of a shape; 0 when a dimension is negative (reported by the extractor, never a crash),
// INT64_MAX when the product does not fit.
qint64 elementCount(const QList<qint64> &shape);

enum class HookKind { ResidPre, AttnOut, ResidMid, MlpOut, ResidPost };
QString hookKindName(HookKind kind); // "resid_pre", "attn_out", ...

// Where a PyTorch hook attaches: a forward pre-hook reads the module's first input, a forward
// hook reads its output (the first element when the module returns a tuple).
enum class HookSide { Input, Output };

struct HookPoint
{
    QString name;       // "model.layers.12.hook_resid_post" (base hook_points name)
    int layer = 0;
    HookKind kind = HookKind::ResidPost;
    QString modulePath; // transformers module to hook, e.g. "model.layers.12.self_attn"
    HookSide side = HookSide::Output;
    QString tlName;     // TransformerLens name, e.g. "blocks.12.hook_resid_post"
    qint64 width = 0;   // features at that point (the residual width)

    QJsonObject toJson() const;
};

struct TensorNode
{
    QString name;  // full checkpoint name
    QString dtype;
    QList<qint64> shape;
    qint64 params = 0;
};

// A leaf module inside a block ("self_attn.q_proj") or at the top level ("model.embed_tokens").
struct ModuleNode
{
    QString path;  // relative to the block for block modules, full path for top-level ones
    QString role;  // "attention", "mlp", "norm", "embedding", "lm_head", "other"
    QList<TensorNode> tensors;
    qint64 params = 0;
};

struct BlockNode
{
    int index = 0;
    QString path; // "model.layers.3"
    QList<ModuleNode> modules;
    qint64 params = 0;
};

// The base architecture keys (docs/api.md, "Base contract") plus the layer tree and detailed
// hook points.
struct Architecture
{
    QString modelType;
    QString family;               // the rule set used: "llama", ..., or "generic"
    bool generic = false;         // true when the layer structure was discovered from tensor names
    QString detection;            // one sentence on how the structure was found (always set)
    qint64 hiddenSize = 0;
    qint64 intermediateSize = 0;
    qint64 numHiddenLayers = 0;
    qint64 numAttentionHeads = 0;
    qint64 numKeyValueHeads = 0;
    qint64 vocabSize = 0;
    qint64 maxPositionEmbeddings = 0;
    QString torchDtype;
    bool parallelResidual = false; // attention and MLP read the same input (gpt_neox, gptj, phi, falcon)
    bool tiedEmbeddings = false;
    QString layerContainer;        // transformers module path of the block list, "model.layers"
    QString attentionModule;       // child name inside a block, "self_attn"
    QString mlpModule;             // "mlp", "block_sparse_moe", ...
    QStringList inferredFields;    // base fields taken from tensor shapes, not config.json
    QStringList warnings;          // unknown shapes, mismatches: reported, never fatal

    QList<BlockNode> blocks;
    QList<ModuleNode> topLevel;    // embeddings, final norm, lm_head, anything outside blocks
    QList<HookPoint> hookPoints;
    qint64 totalParams = 0;

    // The base keys (hook_points as names) plus "family", "generic", "detection",
    // "parallel_residual", "tied_embeddings", "layer_container", "inferred_fields", "warnings",
    // "total_params" and "hook_point_details" (every HookPoint::toJson()).
    QJsonObject toJson() const;
    // {"blocks":[{"index","path","params","modules":[{"path","role","params","tensors":[...]}]}],
    //  "top_level":[...]}
    QJsonObject layerTreeJson() const;
};

// Reads config.json (as parsed JSON) and the tensor list of all shards. Fails only when there is
// nothing to work with (no tensors and no usable config); everything odd becomes a warning.
Result<Architecture> extractArchitecture(const QJsonObject &config, const QList<TensorDesc> &tensors);

} // namespace mistudio::arch
