#include "quant/quanterror.h"

namespace mistudio::quant {

const char *quantErrcName(QuantErrc code)
{
    switch (code) {
    case QuantErrc::Internal: return "internal";
    case QuantErrc::InvalidInput: return "invalid_input";
    case QuantErrc::IoError: return "io_error";
    case QuantErrc::DiskFull: return "disk_full";
    case QuantErrc::Cancelled: return "cancelled";
    case QuantErrc::InvalidCheckpoint: return "invalid_checkpoint";
    case QuantErrc::UnsupportedCheckpoint: return "unsupported_checkpoint";
    case QuantErrc::UnsafeCheckpoint: return "unsafe_checkpoint";
    case QuantErrc::NonFiniteWeight: return "non_finite_weight";
    case QuantErrc::QuantizationFailed: return "quantization_failed";
    case QuantErrc::GpuUnavailable: return "gpu_unavailable";
    case QuantErrc::OutOfMemory: return "out_of_memory";
    case QuantErrc::UnsafePath: return "unsafe_path";
    }
    return "internal";
}

std::string QuantError::toString() const
{
    std::string s = std::string(quantErrcName(code)) + ": " + message;
    if (!tensor.empty())
        s += " (tensor: " + tensor + ")";
    if (!path.empty())
        s += " (file: " + path + ")";
    return s;
}

} // namespace mistudio::quant
