// The compat face's request validation (core/server/compat/compatrequest) on hostile bytes: the
// same input as GET /models's query string (CompatRequest::parseList, as the HTTP layer builds
// the QUrlQuery from the request target) and as POST /models/download's body
// (CompatRequest::parseDownload). Either the parameters come back inside the bounds the original
// backend's FastAPI signature sets, or a non-empty list of 422 issues, each naming where
// ("query" or "body") and what.
#include "fuzzcheck.h"
#include "fuzzinput.h"

#include "server/compat/compatrequest.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace mistudio;
using namespace mistudio::compat;
using namespace Qt::Literals::StringLiterals;

namespace {

void checkIssues(const QList<ValidationIssue> &issues, const QString &where)
{
    FUZZ_CHECK(!issues.isEmpty());
    for (const ValidationIssue &i : issues) {
        FUZZ_CHECK(!i.type.isEmpty() && !i.msg.isEmpty());
        FUZZ_CHECK(!i.loc.isEmpty() && i.loc.first().toString() == where);
        (void)i.toJson();
    }
}

void checkList(const QByteArray &bytes)
{
    const QUrlQuery query(QString::fromLatin1(bytes));
    const auto parsed = CompatRequest::parseList(query);
    if (const auto *issues = std::get_if<QList<ValidationIssue>>(&parsed)) {
        checkIssues(*issues, u"query"_s);
        return;
    }
    const ListParams &p = std::get<ListParams>(parsed);
    FUZZ_CHECK(p.selection.limit >= 1 && p.selection.limit <= 100);
    FUZZ_CHECK(p.selection.offset >= 0);
    FUZZ_CHECK(p.page >= 1);
    FUZZ_CHECK(p.selection.search.size() <= 200);
}

void checkDownload(const QByteArray &body)
{
    const auto parsed = CompatRequest::parseDownload(body);
    if (const auto *issues = std::get_if<QList<ValidationIssue>>(&parsed)) {
        checkIssues(*issues, u"body"_s);
        return;
    }
    const DownloadParams &p = std::get<DownloadParams>(parsed);
    FUZZ_CHECK(!p.repoId.isEmpty() && p.repoId.size() <= 200 && p.repoId.contains(u'/'));
    FUZZ_CHECK(p.accessToken.size() <= 4096);
    // Only a JSON object gets this far, and what it names is what came back.
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    FUZZ_CHECK(o.value(u"repo_id"_s).toString() == p.repoId);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes = fuzz::inputBytes(data, size);
    checkList(bytes);
    checkDownload(bytes);
    return 0;
}
