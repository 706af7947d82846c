#include "server/compat/compatmodel.h"

#include "server/compat/compatvocabulary.h"

#include <QJsonArray>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::compat {
namespace {

QJsonValue textOrNull(const QString &s)
{
    return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}

QJsonValue intOrNull(const std::optional<qint64> &v)
{
    return v ? QJsonValue(*v) : QJsonValue(QJsonValue::Null);
}

QString isoTime(const QDateTime &t)
{
    return t.toUTC().toString(Qt::ISODateWithMs);
}

qint64 archInt(const QJsonObject &arch, const QString &key)
{
    return arch.value(key).toInteger();
}

// Blocks of the layer tree (after a download) or, before it, the block paths the layer
// container and layer count imply.
QJsonArray layers(const QJsonObject &arch)
{
    QJsonArray out;
    const QJsonArray blocks = arch.value(u"layer_tree"_s).toObject().value(u"blocks"_s).toArray();
    for (const QJsonValue &b : blocks) {
        const QJsonObject o = b.toObject();
        out.append(QJsonObject{{u"index"_s, o.value(u"index"_s).toInt()},
                               {u"name"_s, o.value(u"path"_s).toString()},
                               {u"type"_s, u"TransformerBlock"_s}});
    }
    if (!out.isEmpty())
        return out;
    const QString container = arch.value(u"layer_container"_s).toString();
    const qint64 n = archInt(arch, u"num_hidden_layers"_s);
    for (qint64 i = 0; !container.isEmpty() && i < n; ++i)
        out.append(QJsonObject{{u"index"_s, i},
                               {u"name"_s, QString(container + u'.' + QString::number(i))},
                               {u"type"_s, u"TransformerBlock"_s}});
    return out;
}

} // namespace

QJsonValue CompatModel::architectureConfig(const ModelRecord &record)
{
    const QJsonObject &a = record.architecture;
    if (a.isEmpty())
        return QJsonValue(QJsonValue::Null);
    QJsonObject c{{u"model_type"_s, a.value(u"model_type"_s).toString()}};
    // Only what is known: the original's config carries the fields its config.json had.
    for (const QString &key : {u"num_hidden_layers"_s, u"hidden_size"_s, u"num_attention_heads"_s,
                              u"intermediate_size"_s, u"vocab_size"_s,
                              u"max_position_embeddings"_s, u"num_key_value_heads"_s}) {
        if (const qint64 v = archInt(a, key); v > 0)
            c.insert(key, v);
    }
    if (const QString dtype = a.value(u"torch_dtype"_s).toString(); !dtype.isEmpty())
        c.insert(u"torch_dtype"_s, dtype);
    if (a.contains(u"tied_embeddings"_s))
        c.insert(u"tie_word_embeddings"_s, a.value(u"tied_embeddings"_s).toBool());
    return c;
}

QJsonValue CompatModel::memoryRequiredBytes(const ModelRecord &record)
{
    if (!record.paramsCount)
        return QJsonValue(QJsonValue::Null);
    const double bytes = double(*record.paramsCount) * bytesPerParameter(quantizationOf(record));
    return qint64(std::llround(bytes * 1.2));
}

QJsonObject CompatModel::model(const ModelRecord &record, const std::optional<JobView> &job)
{
    const Status status = statusOf(record);
    double progress = record.progress;
    if (status == Status::Ready)
        progress = 100.0;
    else if (job)
        progress = job->progress;
    const QString error = errorMessageOf(record, job);
    return QJsonObject{
        {u"id"_s, record.id.toString(QUuid::WithoutBraces)},
        {u"name"_s, record.name},
        {u"repo_id"_s, textOrNull(record.repoId)},
        {u"architecture"_s, record.architecture.value(u"model_type"_s).toString()},
        {u"params_count"_s, record.paramsCount.value_or(0)},
        {u"quantization"_s, quantizationName(quantizationOf(record))},
        {u"status"_s, statusName(status)},
        {u"progress"_s, progress},
        {u"error_message"_s, textOrNull(error)},
        {u"file_path"_s, textOrNull(record.filePath)},
        {u"quantized_path"_s, textOrNull(record.quantizedPath)},
        {u"architecture_config"_s, architectureConfig(record)},
        {u"memory_required_bytes"_s, memoryRequiredBytes(record)},
        {u"disk_size_bytes"_s, intOrNull(record.sizeBytes)},
        // Activation extraction is not served here (docs/remote-frontends.md).
        {u"has_completed_extractions"_s, false},
        {u"created_at"_s, isoTime(record.createdAt)},
        {u"updated_at"_s, isoTime(record.updatedAt)},
    };
}

QJsonObject CompatModel::architecture(const ModelRecord &record)
{
    const QJsonObject &a = record.architecture;
    return QJsonObject{
        {u"model_id"_s, record.id.toString(QUuid::WithoutBraces)},
        {u"name"_s, record.name},
        {u"architecture"_s, a.value(u"model_type"_s).toString()},
        {u"params_count"_s, record.paramsCount.value_or(0)},
        {u"quantization"_s, quantizationName(quantizationOf(record))},
        {u"architecture_config"_s, architectureConfig(record)},
        {u"memory_required_bytes"_s, memoryRequiredBytes(record)},
        {u"disk_size_bytes"_s, intOrNull(record.sizeBytes)},
        {u"hidden_size"_s, archInt(a, u"hidden_size"_s)},
        {u"num_layers"_s, archInt(a, u"num_hidden_layers"_s)},
        {u"num_attention_heads"_s, archInt(a, u"num_attention_heads"_s)},
        {u"intermediate_size"_s, archInt(a, u"intermediate_size"_s)},
        {u"vocab_size"_s, archInt(a, u"vocab_size"_s)},
        {u"layers"_s, layers(a)},
    };
}

} // namespace mistudio::compat
