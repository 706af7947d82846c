// The preview's safetensors path on hostile bytes: the first bytes of a file as a Hub (or a
// mirror) serves them to a Range request, through core/hub's adapter over core/quant's parser
// (what HubClient::safetensorsHeader does), and the tensors it accepts on into completePreview()
// (parameter counts, architecture, size estimates) and the preview's JSON, once without a config
// and once with a small Llama config.json; each with the file size unknown and with the input as
// the whole file (the size the tree listing gives). The input is the head of a .safetensors file.
#include "fuzzcheck.h"
#include "fuzzinput.h"

#include "hub/previewbuilder.h"
#include "hub/safetensorsheader.h"

#include <QJsonDocument>

using namespace mistudio;
using namespace mistudio::hub;
using namespace Qt::Literals::StringLiterals;

namespace {

QJsonObject llamaConfig()
{
    return QJsonDocument::fromJson(R"({"model_type": "llama", "architectures": ["LlamaForCausalLM"],
        "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4,
        "num_key_value_heads": 2, "vocab_size": 256, "tie_word_embeddings": false,
        "torch_dtype": "bfloat16"})").object();
}

void preview(const SafetensorsHeader &h, const QJsonObject &config)
{
    ModelPreview p;
    p.repoId = u"org/model"_s;
    const QList<RepoFile> files{RepoFile{u"config.json"_s, 600, u"a"_s, {}, {}},
                                RepoFile{u"model.safetensors"_s, qint64(h.headerLength) + 8 + h.dataBytes,
                                         u"b"_s, u"c"_s, {}}};
    completePreview(p, config, files, h.tensors, true);
    FUZZ_CHECK(p.paramsSource == u"safetensors_headers"_s);
    const QJsonObject json = p.toJson();
    FUZZ_CHECK(json.value(u"repo_id"_s).toString() == p.repoId);
}

} // namespace

namespace {

// One header through the adapter as HubClient::safetensorsHeader runs it: the file's size from
// the tree listing when the Hub gave one (fileSize), else -1.
void parseAndPreview(const QByteArray &body, qint64 fileSize)
{
    const auto n = safetensorsHeaderLength(body, fileSize);
    if (!n.ok()) {
        FUZZ_CHECK(n.error().code == ErrorCode::InvalidCheckpoint);
        return;
    }
    FUZZ_CHECK(*n >= 2 && *n <= quint64(kMaxSafetensorsHeader));
    if (quint64(body.size()) < *n + 8)
        return; // the client would fetch the rest with a second Range
    const auto h = parseSafetensorsHeaderJson(u"model.safetensors"_s, body.mid(8, qsizetype(*n)), fileSize);
    if (!h.ok()) {
        FUZZ_CHECK(h.error().code == ErrorCode::InvalidCheckpoint
                   || h.error().code == ErrorCode::UnsupportedCheckpoint);
        FUZZ_CHECK(h.error().details.value(u"file"_s).toString() == u"model.safetensors"_s);
        return;
    }
    FUZZ_CHECK(h->headerLength == *n);
    FUZZ_CHECK(h->dataBytes >= 0);
    if (fileSize >= 0)
        FUZZ_CHECK(qint64(8 + h->headerLength) + h->dataBytes == fileSize);
    for (const arch::TensorDesc &t : h->tensors) {
        FUZZ_CHECK(!t.dtype.isEmpty());
        for (qint64 d : t.shape)
            FUZZ_CHECK(d >= 0);
    }
    static const QJsonObject config = llamaConfig();
    preview(*h, QJsonObject());
    preview(*h, config);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body = fuzz::inputBytes(data, size);
    parseAndPreview(body, -1);           // size unknown: the header alone
    parseAndPreview(body, qint64(size)); // the input is the whole file
    return 0;
}
