#pragma once

#include "arch/architecture.h"
#include "common/result.h"

#include <QJsonObject>

namespace mistudio::hub {

enum class Quantization { None, Bnb4bit, Bnb8bit };
QString quantizationName(Quantization q); // "none", "bnb-4bit", "bnb-8bit"

// Size of a model after quantization, from the tensor shapes alone, through core/quant's
// planQuantization() — the very rules the quantizer runs — so estimate and output agree.
struct SizeEstimate
{
    Quantization mode = Quantization::None;
    qint64 outputBytes = 0;   // the quantized variant's files (tensors + headers); for none: the weights as published
    qint64 memoryBytes = 0;   // weights resident after loading (bf16 compute dtype, quantized tensors packed)
    int quantizedTensors = 0;
    int droppedTensors = 0;   // tied output embeddings, not written
};

// weightBytes: bytes of the published weight files (the none-mode size on disk).
Result<SizeEstimate> estimateSize(const QList<arch::TensorDesc> &tensors, const QJsonObject &config,
                                  Quantization mode, qint64 weightBytes);

} // namespace mistudio::hub
