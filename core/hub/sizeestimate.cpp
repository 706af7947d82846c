#include "hub/sizeestimate.h"

#include "quant/modelrules.h"

#include <QJsonDocument>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::hub {

QString quantizationName(Quantization q)
{
    switch (q) {
    case Quantization::None:
        return u"none"_s;
    case Quantization::Bnb4bit:
        return u"bnb-4bit"_s;
    case Quantization::Bnb8bit:
        return u"bnb-8bit"_s;
    }
    return QString();
}

Result<SizeEstimate> estimateSize(const QList<arch::TensorDesc> &tensors, const QJsonObject &config,
                                  Quantization mode, qint64 weightBytes)
{
    std::vector<quant::TensorInfo> infos;
    infos.reserve(size_t(tensors.size()));
    for (const arch::TensorDesc &t : tensors) {
        const auto dtype = quant::dtypeFromName(t.dtype.toStdString());
        if (!dtype)
            return Error::make(ErrorCode::UnsupportedCheckpoint,
                               u"tensor "_s + t.name + u" has dtype "_s + t.dtype + u", which cannot be quantized"_s);
        infos.push_back(quant::TensorInfo{t.name.toStdString(), *dtype,
                                          std::vector<int64_t>(t.shape.cbegin(), t.shape.cend())});
    }
    nlohmann::json cfg = nlohmann::json::parse(QJsonDocument(config).toJson(QJsonDocument::Compact).toStdString(),
                                               nullptr, false);
    if (cfg.is_discarded())
        cfg = nlohmann::json::object();
    quant::QuantOptions options; // the quantizer's defaults: NF4, double quant, bf16
    options.mode = mode == Quantization::Bnb4bit   ? quant::QuantMode::Bnb4bit
                   : mode == Quantization::Bnb8bit ? quant::QuantMode::Bnb8bit
                                                   : quant::QuantMode::None;
    const quant::QuantPlan plan = quant::planQuantization(infos, cfg, options);
    SizeEstimate e;
    e.mode = mode;
    const auto clamp = [](uint64_t v) { return qint64(std::min<uint64_t>(v, uint64_t(INT64_MAX))); };
    e.outputBytes = mode == Quantization::None ? weightBytes : clamp(plan.estimatedOutputBytes);
    e.memoryBytes = clamp(plan.outputTensorBytes);
    e.quantizedTensors = plan.quantizedCount;
    for (const quant::TensorPlan &t : plan.tensors)
        e.droppedTensors += t.dropped() ? 1 : 0;
    return e;
}

} // namespace mistudio::hub
