// GET /api/models/{id}/revision/{rev}?blobs=true on hostile bytes: the body as HubClient::modelInfo
// parses it (QJsonDocument, then ModelInfo::fromJson), and what the preview builds from it without
// headers: the Hub's parameter count, the config subset (architecture, trust_remote_code), the
// siblings as the file list (selection, sizes) and the preview's JSON. The input is the body.
#include "fuzzcheck.h"
#include "fuzzinput.h"

#include "hub/hubtypes.h"
#include "hub/previewbuilder.h"

using namespace mistudio;
using namespace mistudio::hub;
using namespace Qt::Literals::StringLiterals;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const auto doc = fuzz::inputJson(data, size);
    if (!doc || !doc->isObject() || doc->object().value(u"sha"_s).toString().isEmpty())
        return 0; // HubClient answers invalid_response
    const ModelInfo info = ModelInfo::fromJson(doc->object());
    FUZZ_CHECK(!info.sha.isEmpty());

    // As buildPreview() fills the preview from the model info.
    ModelPreview p;
    p.repoId = u"org/model"_s;
    p.commitSha = info.sha;
    p.gated = info.gated;
    p.isPrivate = info.isPrivate;
    p.requiresAuth = !p.gated.isEmpty() || p.isPrivate;
    p.license = info.license;
    p.modelType = info.config.value(u"model_type"_s).toString();
    p.hubParameterTotal = info.safetensorsTotal;
    completePreview(p, info.config, info.siblings, {}, false);
    FUZZ_CHECK(p.files.files.size() + p.files.skipped.size() == info.siblings.size());
    FUZZ_CHECK(p.totalDownloadBytes >= 0);
    const QJsonObject json = p.toJson();
    FUZZ_CHECK(json.value(u"repo_id"_s).toString() == p.repoId);
    return 0;
}
