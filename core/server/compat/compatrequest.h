#pragma once

#include "server/compat/compatvocabulary.h"
#include "server/compat/fastapireply.h"
#include "service/modelqueries.h"

#include <QByteArray>
#include <QUrlQuery>

#include <variant>

namespace mistudio::compat {

// GET /models query parameters, read as the original's FastAPI signature reads them: page
// (≥ 1, default 1), limit (1..100, default 50), skip (≥ 0; when given, the offset, which the
// original's client sends), search, architecture, quantization and status (its vocabularies),
// sort_by (any name; unknown names sort by created_at, as the original falls back), order
// (asc|desc). Unknown parameters are ignored, as FastAPI ignores them.
struct ListParams
{
    ModelSelection selection; // filters, order, offset and limit for ModelQueries
    int page = 1;             // reported back: the page the offset falls in
};

// POST /models/download body: {repo_id, quantization = FP16, access_token?, trust_remote_code}.
// Unknown keys are ignored (pydantic's default). trust_remote_code is accepted and has no
// effect: this server never runs code from a repository.
struct DownloadParams
{
    QString repoId;
    Quantization quantization = Quantization::FP16;
    QString accessToken;
    bool trustRemoteCode = false;
};

// Request validation in FastAPI's terms: every problem found, as its 422 array reports them.
class CompatRequest final
{
public:
    static std::variant<ListParams, QList<ValidationIssue>> parseList(const QUrlQuery &query);
    static std::variant<DownloadParams, QList<ValidationIssue>> parseDownload(const QByteArray &body);
};

} // namespace mistudio::compat
