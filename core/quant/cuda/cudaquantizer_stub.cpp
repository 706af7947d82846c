// Built when the CUDA toolkit is absent: the GPU path reports why it cannot run.
#include "quant/cudaquantizer.h"

namespace mistudio::quant {

bool CudaQuantizer::compiledIn() { return false; }

Result<std::vector<GpuDevice>> CudaQuantizer::devices()
{
    return makeError(QuantErrc::GpuUnavailable, "built without CUDA (no CUDA toolkit at configure time)");
}

Result<std::unique_ptr<CudaQuantizer>> CudaQuantizer::create(int)
{
    return devices().error();
}

CudaQuantizer::~CudaQuantizer() = default;

Status CudaQuantizer::quantize4bit(const QuantInput &, QuantType, uint8_t *, float *)
{
    return devices().error();
}

Status CudaQuantizer::quantize8bit(const QuantInput &, int8_t *, float *)
{
    return devices().error();
}

} // namespace mistudio::quant
