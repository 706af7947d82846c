#pragma once

#include "quant/bnbkernels.h"
#include "quant/quanterror.h"

#include <memory>
#include <string>
#include <vector>

namespace mistudio::quant {

struct GpuDevice
{
    int index = 0;
    std::string name;
    uint64_t totalMemory = 0;
};

// The CUDA path. Built whenever the CUDA toolkit is found (static runtime, so the same binary
// runs on machines without a driver); at run time any cudaGetDeviceCount() error means "no GPU"
// and the caller falls back to the CPU with the reason given here.
class CudaQuantizer final
{
public:
    static bool compiledIn();
    // The devices, or GpuUnavailable with the runtime's reason ("no CUDA-capable device is
    // detected", "CUDA driver version is insufficient", "built without CUDA", ...).
    static Result<std::vector<GpuDevice>> devices();
    static Result<std::unique_ptr<CudaQuantizer>> create(int device);
    ~CudaQuantizer();
    CudaQuantizer(const CudaQuantizer &) = delete;
    CudaQuantizer &operator=(const CudaQuantizer &) = delete;

    Status quantize4bit(const QuantInput &in, QuantType type, Quant4Result &out);
    Status quantize8bit(const QuantInput &in, Int8Result &out);

    // Threads that copy the input into the pinned staging buffers (optional; one thread without).
    void setCopyPool(ThreadPool *pool) { m_copyPool = pool; }

    const GpuDevice &device() const { return m_device; }
    uint64_t peakBufferBytes() const { return m_peakBuffers; } // our allocations
    uint64_t peakUsedBytes() const { return m_peakUsed; }       // device total - free, sampled

private:
    CudaQuantizer() = default;
    Status ensure(void **buf, uint64_t *cap, uint64_t bytes);
    void sampleMemory();
    Status upload(const uint8_t *src, uint64_t bytes, const std::string &tensor);

    GpuDevice m_device;
    void *m_stream = nullptr;
    void *m_src = nullptr;
    void *m_out = nullptr;
    void *m_stats = nullptr;
    unsigned *m_flag = nullptr;
    uint64_t m_srcCap = 0, m_outCap = 0, m_statsCap = 0;
    uint64_t m_peakBuffers = 0;
    uint64_t m_peakUsed = 0;
    // Two pinned staging buffers: the input is copied into one (on the copy pool) while the
    // other's DMA to the device runs. Null where pinned memory could not be had.
    void *m_stage[2] = {nullptr, nullptr};
    void *m_stageDone[2] = {nullptr, nullptr}; // cudaEvent_t
    ThreadPool *m_copyPool = nullptr;
};

} // namespace mistudio::quant
