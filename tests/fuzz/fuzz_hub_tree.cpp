// GET /api/models/{id}/tree/{rev}?recursive=true on hostile bytes: one page as
// HubClient::listTree parses it (QJsonDocument, then RepoFile::listFromTree), and what the preview
// and the download take from the list: trust_remote_code, the file selection (weights, skipped
// files, sizes) and the preview's JSON. The input is the body of one page.
#include "fuzzcheck.h"
#include "fuzzinput.h"

#include "hub/hubtypes.h"
#include "hub/previewbuilder.h"

#include <algorithm>

using namespace mistudio;
using namespace mistudio::hub;
using namespace Qt::Literals::StringLiterals;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const auto doc = fuzz::inputJson(data, size);
    if (!doc || !doc->isArray())
        return 0; // HubClient answers invalid_response
    const QList<RepoFile> files = RepoFile::listFromTree(doc->array());
    FUZZ_CHECK(files.size() <= doc->array().size());

    const FileSelection sel = selectFiles(files, requiresTrustRemoteCode({}, files));
    FUZZ_CHECK(sel.files.size() + sel.skipped.size() == files.size());
    FUZZ_CHECK(sel.totalBytes >= 0);
    for (const QString &w : sel.weightFiles)
        FUZZ_CHECK(std::any_of(sel.files.cbegin(), sel.files.cend(), [&](const RepoFile &f) { return f.path == w; }));
    (void)sel.toJson();

    ModelPreview p;
    p.repoId = u"org/model"_s;
    completePreview(p, {}, files, {}, false);
    FUZZ_CHECK(p.totalDownloadBytes == sel.totalBytes);
    (void)p.toJson();
    return 0;
}
