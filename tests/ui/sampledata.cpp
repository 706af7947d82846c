#include "sampledata.h"

#include "arch/architecture.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui::test {

QJsonObject samplePreview(qint64 freeBytes)
{
    QJsonArray files;
    const std::pair<const char *, qint64> list[] = {
        {"config.json", 818},
        {"generation_config.json", 168},
        {"model-00001-of-00002.safetensors", 4'988'025'760LL},
        {"model-00002-of-00002.safetensors", 240'691'728LL},
        {"model.safetensors.index.json", 24'223},
        {"special_tokens_map.json", 636},
        {"tokenizer.json", 17'525'357},
        {"tokenizer_config.json", 46'405},
        {"README.md", 29'119},
    };
    qint64 total = 0;
    for (const auto &[path, size] : list) {
        files.append(QJsonObject{{u"path"_s, QString::fromLatin1(path)}, {u"size"_s, size}});
        total += size;
    }
    return QJsonObject{
        {u"repo_id"_s, u"google/gemma-2-2b"_s},
        {u"revision"_s, u"main"_s},
        {u"commit_sha"_s, u"c5ebcd40d208330abc697524c919956e692655cf"_s},
        {u"model_type"_s, u"gemma2"_s},
        {u"parameters"_s, u"2.6B"_s},
        {u"parameter_count"_s, 2'614'341'888LL},
        {u"parameters_by_dtype"_s, QJsonObject{{u"F32"_s, 2'614'341'888LL}}},
        {u"hidden_size"_s, 2304},
        {u"intermediate_size"_s, 9216},
        {u"num_layers"_s, 26},
        {u"num_attention_heads"_s, 8},
        {u"num_key_value_heads"_s, 4},
        {u"vocab_size"_s, 256000},
        {u"max_position_embeddings"_s, 8192},
        {u"torch_dtype"_s, u"float32"_s},
        {u"estimated_size_gb"_s, 5.229},
        {u"estimated_quantized_size_gb"_s, 2.175},
        {u"requires_auth"_s, true},
        {u"gated"_s, u"manual"_s},
        {u"can_download"_s, true},
        {u"license"_s, u"gemma"_s},
        {u"requires_trust_remote_code"_s, false},
        // ModelPreview::toJson()'s shapes (core/hub/modelpreview.cpp).
        {u"files"_s, QJsonObject{{u"files"_s, files},
                                 {u"skipped"_s, QJsonArray()},
                                 {u"weight_format"_s, u"safetensors"_s},
                                 {u"total_bytes"_s, total}}},
        {u"total_download_bytes"_s, total},
        {u"sizes"_s,
         QJsonObject{
             {u"none"_s, QJsonObject{{u"output_bytes"_s, 5'228'717'488LL},
                                     {u"memory_bytes"_s, 5'750'000'000LL},
                                     {u"disk_needed_bytes"_s, total}}},
             {u"bnb-4bit"_s, QJsonObject{{u"output_bytes"_s, 2'175'455'232LL},
                                         {u"memory_bytes"_s, 2'400'000'000LL},
                                         {u"disk_needed_bytes"_s, total + 2'175'455'232LL}}},
             {u"bnb-8bit"_s, QJsonObject{{u"output_bytes"_s, 3'176'726'528LL},
                                         {u"memory_bytes"_s, 3'500'000'000LL},
                                         {u"disk_needed_bytes"_s, total + 3'176'726'528LL}}}}},
        {u"free_disk_bytes"_s, freeBytes},
        {u"params_source"_s, u"safetensors_headers"_s},
        {u"shard_count"_s, 2},
    };
}

QJsonObject sampleArchitecture(int layers)
{
    const qint64 H = 2048, I = 8192, V = 128256, KV = 512;
    QList<arch::TensorDesc> t;
    t.append({u"model.embed_tokens.weight"_s, u"BF16"_s, {V, H}});
    for (int i = 0; i < layers; ++i) {
        const QString p = u"model.layers.%1."_s.arg(i);
        t.append({p + u"self_attn.q_proj.weight"_s, u"BF16"_s, {H, H}});
        t.append({p + u"self_attn.k_proj.weight"_s, u"BF16"_s, {KV, H}});
        t.append({p + u"self_attn.v_proj.weight"_s, u"BF16"_s, {KV, H}});
        t.append({p + u"self_attn.o_proj.weight"_s, u"BF16"_s, {H, H}});
        t.append({p + u"mlp.gate_proj.weight"_s, u"BF16"_s, {I, H}});
        t.append({p + u"mlp.up_proj.weight"_s, u"BF16"_s, {I, H}});
        t.append({p + u"mlp.down_proj.weight"_s, u"BF16"_s, {H, I}});
        t.append({p + u"input_layernorm.weight"_s, u"BF16"_s, {H}});
        t.append({p + u"post_attention_layernorm.weight"_s, u"BF16"_s, {H}});
    }
    t.append({u"model.norm.weight"_s, u"BF16"_s, {H}});
    const QJsonObject config{{u"model_type"_s, u"llama"_s},
                             {u"hidden_size"_s, H},
                             {u"intermediate_size"_s, I},
                             {u"num_hidden_layers"_s, layers},
                             {u"num_attention_heads"_s, 32},
                             {u"num_key_value_heads"_s, 8},
                             {u"vocab_size"_s, V},
                             {u"max_position_embeddings"_s, 131072},
                             {u"torch_dtype"_s, u"bfloat16"_s},
                             {u"tie_word_embeddings"_s, true}};
    const auto a = arch::extractArchitecture(config, t);
    if (!a)
        return {};
    QJsonObject o = a->toJson();
    o.insert(u"layer_tree"_s, a->layerTreeJson());
    return o;
}

} // namespace mistudio::ui::test
