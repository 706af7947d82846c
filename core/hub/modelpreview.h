#pragma once

#include "arch/architecture.h"
#include "common/error.h"
#include "hub/fileselection.h"
#include "hub/sizeestimate.h"

#include <QJsonObject>
#include <QMap>

#include <optional>

namespace mistudio::hub {

// "What exactly am I about to download?" — the base ModelPreview (docs/api.md, "Base contract")
// plus the extensions of docs/hub.md.
// Plain data: built by buildPreview() (previewbuilder.h), read by every face.
struct ModelPreview
{
    // the base ModelPreview fields
    QString repoId;
    QString modelType;
    QString parameters;            // "2.6B", from the exact count
    qint64 hiddenSize = 0;
    qint64 numLayers = 0;
    double estimatedSizeGb = 0;    // download size (decimal GB)
    std::optional<double> estimatedQuantizedSizeGb; // bnb-4bit variant
    bool requiresAuth = false;     // gated or private
    QString license;

    // extensions
    QString revision;
    QString commitSha;
    qint64 parameterCount = 0;
    bool paramsEstimated = false;  // true for .bin-only repos (from file sizes), or when headers were unreadable
    QString paramsSource;          // "safetensors_headers", "hub_safetensors" or "file_sizes"
    QMap<QString, qint64> parametersByDtype;
    qint64 hubParameterTotal = -1; // the Hub's safetensors.total, -1 when absent
    std::optional<bool> paramsMatchHub;
    QString gated;                 // "", "auto" or "manual"
    bool isPrivate = false;
    std::optional<bool> canDownload; // auth-check with the current token
    std::optional<Error> accessError;
    QString tokenSource;           // where the token came from, never the token
    FileSelection files;
    qint64 totalDownloadBytes = 0;
    bool requiresTrustRemoteCode = false;
    QList<SizeEstimate> sizes;     // none, bnb-4bit, bnb-8bit
    bool sizesEstimated = false;   // true when computed without tensor shapes
    qint64 freeDiskBytes = -1;
    QString dataDir;
    std::optional<arch::Architecture> architecture;
    qint64 headerBytesFetched = 0; // body bytes of the safetensors header requests
    int shardCount = 0;
    QStringList warnings;

    // The on-disk total for a mode: download + the quantized variant (none: download only).
    qint64 diskNeeded(Quantization mode) const;
    bool fits(Quantization mode) const;

    // snake_case JSON: the base keys exactly (repo_id, model_type, parameters, hidden_size,
    // num_layers, estimated_size_gb, estimated_quantized_size_gb, requires_auth, license) plus
    // the extensions documented in docs/hub.md.
    QJsonObject toJson() const;
};

} // namespace mistudio::hub
