#pragma once

#include "service/servicetypes.h"
#include "store/modelrecord.h"

#include <QJsonObject>

#include <optional>

namespace mistudio::compat {

// The original frontend's objects, written from our records: the one place their field names
// and types are decided (docs/remote-frontends.md has the table).
class CompatModel final
{
public:
    // Its `Model` (the backend's ModelResponse): id, name, repo_id, architecture (the model
    // type, "" until known), params_count (an integer, 0 until known), quantization, status,
    // progress, error_message, file_path, quantized_path, architecture_config,
    // memory_required_bytes, disk_size_bytes, has_completed_extractions, created_at, updated_at.
    static QJsonObject model(const ModelRecord &record, const std::optional<JobView> &job);
    // The config-like part of our architecture: what its viewer reads (num_hidden_layers,
    // hidden_size, num_attention_heads, intermediate_size, vocab_size, ...). Null until known.
    static QJsonValue architectureConfig(const ModelRecord &record);
    // GET /models/{id}/architecture: the backend's keys (model_id, name, architecture,
    // params_count, quantization, architecture_config, memory_required_bytes, disk_size_bytes)
    // and the frontend type's (hidden_size, num_layers, num_attention_heads, intermediate_size,
    // vocab_size, layers [{index, name, type}]).
    static QJsonObject architecture(const ModelRecord &record);
    // The original's estimate: params × bytes per parameter of the format × 1.2. Null without a
    // parameter count.
    static QJsonValue memoryRequiredBytes(const ModelRecord &record);
};

} // namespace mistudio::compat
