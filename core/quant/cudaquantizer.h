#pragma once

#include "quant/bnbkernels.h"
#include "quant/bnblayout.h"
#include "quant/quanterror.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mistudio::quant {

// Where the GPU path's time went, summed over calls (seconds on the calling thread).
struct GpuTimes
{
    double stage = 0;      // reading the input into the pinned buffers
    double uploadWait = 0; // waiting for a buffer's previous upload
    double kernel = 0;     // waiting for the kernels (after the last upload)
    double download = 0;   // results back into host memory
};

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

    // Into caller storage: packed ceil(n/2) bytes and one absmax per 64-element block; cb n
    // bytes and one SCB per row. Returns when the results are in host memory.
    Status quantize4bit(const QuantInput &in, QuantType type, uint8_t *packed, float *absmax);
    Status quantize8bit(const QuantInput &in, int8_t *cb, float *scb);
    Status quantize4bit(const QuantInput &in, QuantType type, Quant4Result &out)
    {
        out.packed.resize(size_t(bnb::packedBytes(in.numel())));
        out.absmax.resize(size_t(bnb::numBlocks(in.numel())));
        return quantize4bit(in, type, out.packed.data(), out.absmax.data());
    }
    Status quantize8bit(const QuantInput &in, Int8Result &out)
    {
        out.cb.resize(size_t(in.numel()));
        out.scb.resize(size_t(in.rows));
        return quantize8bit(in, out.cb.data(), out.scb.data());
    }

    // Threads that read the input into the pinned staging buffers (optional; one thread without).
    void setCopyPool(ThreadPool *pool) { m_copyPool = pool; }

    const GpuDevice &device() const { return m_device; }
    uint64_t peakBufferBytes() const { return m_peakBuffers; } // our allocations
    uint64_t peakUsedBytes() const { return m_peakUsed; }       // device total - free, sampled
    const GpuTimes &times() const { return m_times; }

private:
    CudaQuantizer() = default;
    Status ensure(void **buf, uint64_t *cap, uint64_t bytes);
    void sampleMemory();
    void inPieces(uint64_t len, const std::function<void(uint64_t, uint64_t)> &piece);
    void stageIn(const QuantInput &in, uint64_t off, uint64_t len, uint8_t *stage);
    Status upload(const QuantInput &in, uint64_t bytes);
    Status download(void *dst, const void *dev, uint64_t bytes, const std::string &tensor);
    Status checkFinite(const QuantInput &in, bool int8);

    GpuDevice m_device;
    void *m_stream = nullptr;
    void *m_src = nullptr;
    void *m_out = nullptr;
    void *m_stats = nullptr;
    unsigned *m_flag = nullptr;
    uint64_t m_srcCap = 0, m_outCap = 0, m_statsCap = 0;
    uint64_t m_peakBuffers = 0;
    uint64_t m_peakUsed = 0;
    // Two pinned staging buffers: the input is read into one (on the copy pool, with pread where
    // QuantInput names its file) while the other's DMA to the device runs; results come back
    // through them the same way. Null where pinned memory could not be had.
    void *m_stage[2] = {nullptr, nullptr};
    void *m_stageDone[2] = {nullptr, nullptr}; // cudaEvent_t
    ThreadPool *m_copyPool = nullptr;
    GpuTimes m_times;
};

} // namespace mistudio::quant
