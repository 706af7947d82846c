#include "sampledata.h"

#include "arch/architecture.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui::test {

hub::ModelPreview samplePreview(qint64 freeBytes)
{
    hub::ModelPreview p;
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
        p.files.files.append(
            hub::RepoFile{QString::fromLatin1(path), size, QString(), QString(), QString()});
        total += size;
    }
    p.files.weightFormat = u"safetensors"_s;
    p.files.weightFiles = {u"model-00001-of-00002.safetensors"_s,
                           u"model-00002-of-00002.safetensors"_s};
    p.files.totalBytes = total;
    p.files.skipped.append({u"pytorch_model.bin"_s, 10'457'000'000LL, u"another weight format"_s});
    p.repoId = u"google/gemma-2-2b"_s;
    p.revision = u"main"_s;
    p.commitSha = u"c5ebcd40d208330abc697524c919956e692655cf"_s;
    p.modelType = u"gemma2"_s;
    p.parameterCount = 2'614'341'888LL;
    p.parameters = u"2.6B"_s;
    p.parametersByDtype.insert(u"F32"_s, 2'614'341'888LL);
    p.paramsSource = u"safetensors_headers"_s;
    p.hiddenSize = 2304;
    p.numLayers = 26;
    const QJsonObject config{{u"model_type"_s, u"gemma2"_s},  {u"hidden_size"_s, 2304},
                             {u"intermediate_size"_s, 9216},  {u"num_hidden_layers"_s, 26},
                             {u"num_attention_heads"_s, 8},   {u"num_key_value_heads"_s, 4},
                             {u"vocab_size"_s, 256000},       {u"max_position_embeddings"_s, 8192},
                             {u"torch_dtype"_s, u"float32"_s}};
    if (auto a = arch::extractArchitecture(config, {}); a)
        p.architecture = *a;
    p.estimatedSizeGb = 5.229;
    p.estimatedQuantizedSizeGb = 2.175;
    p.requiresAuth = true;
    p.gated = u"manual"_s;
    p.canDownload = true;
    p.tokenSource = u"stored"_s;
    p.license = u"gemma"_s;
    p.totalDownloadBytes = total;
    p.sizes = {
        hub::SizeEstimate{hub::Quantization::None, 5'228'717'488LL, 5'750'000'000LL, 0, 0},
        hub::SizeEstimate{hub::Quantization::Bnb4bit, 2'175'455'232LL, 2'400'000'000LL, 180, 0},
        hub::SizeEstimate{hub::Quantization::Bnb8bit, 3'176'726'528LL, 3'500'000'000LL, 180, 0}};
    p.freeDiskBytes = freeBytes;
    p.dataDir = u"/home/user/.local/share/mistudio"_s;
    p.shardCount = 2;
    return p;
}

hub::ModelPreview sampleGatedPreview()
{
    // What buildPreview gives for a gated repo without a token: the Hub's metadata only (no
    // config, no headers), sizes guessed from the parameter count, no access.
    hub::ModelPreview p;
    p.repoId = u"meta-llama/Llama-3.2-1B"_s;
    p.revision = u"main"_s;
    p.commitSha = u"4e20de362430cd3b72f300e6b0f18e50e7166e08"_s;
    p.modelType = u"llama"_s;
    p.requiresAuth = true;
    p.gated = u"manual"_s;
    p.canDownload = false;
    p.accessError = Error::make(ErrorCode::GatedAuthRequired, u"gated"_s);
    p.hubParameterTotal = 1'235'814'400LL;
    p.parameterCount = 1'235'814'400LL;
    p.parameters = u"1.2B"_s;
    p.paramsSource = u"hub_safetensors"_s;
    p.license = u"llama3.2"_s;
    p.files.files = {hub::RepoFile{u"config.json"_s, 843, {}, {}, {}},
                     hub::RepoFile{u"model.safetensors"_s, 2'471'645'608LL, {}, {}, {}}};
    p.totalDownloadBytes = 2'471'646'451LL;
    p.sizes = {
        hub::SizeEstimate{hub::Quantization::None, 2'471'645'608LL, 2'471'628'800LL, 0, 0},
        hub::SizeEstimate{hub::Quantization::Bnb4bit, 643'000'000LL, 643'000'000LL, 0, 0},
        hub::SizeEstimate{hub::Quantization::Bnb8bit, 1'235'814'400LL, 1'235'814'400LL, 0, 0}};
    p.sizesEstimated = true;
    p.freeDiskBytes = 200'000'000'000LL;
    return p;
}

QPalette darkPalette()
{
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x2b, 0x2d, 0x31));
    dark.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
    dark.setColor(QPalette::Base, QColor(0x1f, 0x20, 0x23));
    dark.setColor(QPalette::AlternateBase, QColor(0x26, 0x28, 0x2b));
    dark.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
    dark.setColor(QPalette::Button, QColor(0x35, 0x37, 0x3b));
    dark.setColor(QPalette::ButtonText, QColor(0xe6, 0xe6, 0xe6));
    dark.setColor(QPalette::Highlight, QColor(0x3d, 0x7a, 0xd6));
    dark.setColor(QPalette::HighlightedText, Qt::white);
    dark.setColor(QPalette::PlaceholderText, QColor(0x90, 0x90, 0x90));
    dark.setColor(QPalette::ToolTipBase, QColor(0x35, 0x37, 0x3b));
    dark.setColor(QPalette::ToolTipText, QColor(0xe6, 0xe6, 0xe6));
    dark.setColor(QPalette::Light, QColor(0x4a, 0x4c, 0x50));
    dark.setColor(QPalette::Midlight, QColor(0x40, 0x42, 0x46));
    dark.setColor(QPalette::Mid, QColor(0x30, 0x32, 0x36));
    dark.setColor(QPalette::Dark, QColor(0x20, 0x21, 0x24));
    dark.setColor(QPalette::Shadow, QColor(0x10, 0x10, 0x12));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        dark.setColor(QPalette::Disabled, role, QColor(0x7a, 0x7a, 0x7a));
    return dark;
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
