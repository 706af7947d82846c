#include "hub/modelpreview.h"

#include "common/saturating.h"

#include <QJsonArray>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::hub {
namespace {

double gb(qint64 bytes) { return std::round(double(bytes) / 1e9 * 1000.0) / 1000.0; }

} // namespace

qint64 ModelPreview::diskNeeded(Quantization mode) const
{
    qint64 need = totalDownloadBytes;
    if (mode != Quantization::None) {
        for (const SizeEstimate &s : sizes) {
            if (s.mode == mode)
                need = saturatingAdd(need, s.outputBytes);
        }
    }
    return need;
}

bool ModelPreview::fits(Quantization mode) const
{
    return freeDiskBytes >= 0 && freeDiskBytes >= diskNeeded(mode);
}

QJsonObject ModelPreview::toJson() const
{
    QJsonObject byDtype;
    for (auto it = parametersByDtype.cbegin(); it != parametersByDtype.cend(); ++it)
        byDtype.insert(it.key(), it.value());
    QJsonObject sizeObj;
    for (const SizeEstimate &s : sizes) {
        sizeObj.insert(quantizationName(s.mode),
                       QJsonObject{{u"output_bytes"_s, s.outputBytes},
                                   {u"size_gb"_s, gb(s.outputBytes)},
                                   {u"disk_needed_bytes"_s, diskNeeded(s.mode)},
                                   {u"memory_bytes"_s, s.memoryBytes},
                                   {u"memory_gb"_s, gb(s.memoryBytes)},
                                   {u"quantized_tensors"_s, s.quantizedTensors},
                                   {u"dropped_tensors"_s, s.droppedTensors},
                                   {u"fits"_s, fits(s.mode)}});
    }
    QJsonObject o{
        {u"repo_id"_s, repoId},
        {u"model_type"_s, modelType},
        {u"parameters"_s, parameters},
        {u"hidden_size"_s, hiddenSize},
        {u"num_layers"_s, numLayers},
        {u"estimated_size_gb"_s, estimatedSizeGb},
        {u"estimated_quantized_size_gb"_s,
         estimatedQuantizedSizeGb ? QJsonValue(*estimatedQuantizedSizeGb) : QJsonValue()},
        {u"requires_auth"_s, requiresAuth},
        {u"license"_s, license.isEmpty() ? QJsonValue() : QJsonValue(license)},
        {u"revision"_s, revision},
        {u"commit_sha"_s, commitSha},
        {u"parameter_count"_s, parameterCount},
        {u"params_estimated"_s, paramsEstimated},
        {u"params_source"_s, paramsSource},
        {u"parameters_by_dtype"_s, byDtype},
        {u"hub_parameter_total"_s, hubParameterTotal >= 0 ? QJsonValue(hubParameterTotal) : QJsonValue()},
        {u"params_match_hub"_s, paramsMatchHub ? QJsonValue(*paramsMatchHub) : QJsonValue()},
        {u"gated"_s, gated.isEmpty() ? QJsonValue(false) : QJsonValue(gated)},
        {u"private"_s, isPrivate},
        {u"can_download"_s, canDownload ? QJsonValue(*canDownload) : QJsonValue()},
        {u"access_error"_s, accessError ? QJsonValue(accessError->toJson()) : QJsonValue()},
        {u"token_source"_s, tokenSource.isEmpty() ? QJsonValue() : QJsonValue(tokenSource)},
        {u"files"_s, files.toJson()},
        {u"total_download_bytes"_s, totalDownloadBytes},
        {u"requires_trust_remote_code"_s, requiresTrustRemoteCode},
        {u"sizes"_s, sizeObj},
        {u"sizes_estimated"_s, sizesEstimated},
        {u"free_disk_bytes"_s, freeDiskBytes},
        {u"data_dir"_s, dataDir},
        {u"fits"_s, fits(Quantization::None)},
        {u"shard_count"_s, shardCount},
        {u"header_bytes_fetched"_s, headerBytesFetched},
        {u"warnings"_s, QJsonArray::fromStringList(warnings)},
    };
    if (architecture)
        o.insert(u"architecture"_s, architecture->toJson());
    return o;
}

} // namespace mistudio::hub
