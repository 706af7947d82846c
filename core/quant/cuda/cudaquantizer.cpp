#include "quant/cudaquantizer.h"

#include "cuda/cudakernels.h"
#include "quant/threadpool.h"

#include <cuda_runtime_api.h>

#include <cmath>
#include <cstring>

namespace mistudio::quant {

namespace {

int typeCode(DType t)
{
    switch (t) {
    case DType::F32: return 0;
    case DType::F16: return 1;
    case DType::BF16: return 2;
    default: return -1;
    }
}

QuantError cudaError(cudaError_t e, const std::string &what, const std::string &tensor = {})
{
    const QuantErrc code = e == cudaErrorMemoryAllocation ? QuantErrc::OutOfMemory : QuantErrc::QuantizationFailed;
    return makeError(code, what + ": " + cudaGetErrorString(e), tensor);
}

constexpr uint64_t kStageBytes = 16u << 20;

} // namespace

bool CudaQuantizer::compiledIn() { return true; }

Result<std::vector<GpuDevice>> CudaQuantizer::devices()
{
    int count = 0;
    const cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess)
        return makeError(QuantErrc::GpuUnavailable, std::string("no usable GPU: ") + cudaGetErrorString(e));
    if (count == 0)
        return makeError(QuantErrc::GpuUnavailable, "no CUDA device found");
    std::vector<GpuDevice> out;
    for (int i = 0; i < count; ++i) {
        cudaDeviceProp p{};
        if (cudaGetDeviceProperties(&p, i) != cudaSuccess)
            continue;
        out.push_back(GpuDevice{i, p.name, uint64_t(p.totalGlobalMem)});
    }
    return out;
}

Result<std::unique_ptr<CudaQuantizer>> CudaQuantizer::create(int device)
{
    auto devs = devices();
    if (!devs)
        return devs.error();
    if (device < 0 || device >= int(devs->size()))
        return makeError(QuantErrc::GpuUnavailable, "no CUDA device " + std::to_string(device) + " (found "
                                                        + std::to_string(devs->size()) + ")");
    if (const cudaError_t e = cudaSetDevice(device); e != cudaSuccess)
        return makeError(QuantErrc::GpuUnavailable, std::string("cannot use device: ") + cudaGetErrorString(e));
    std::unique_ptr<CudaQuantizer> q(new CudaQuantizer());
    q->m_device = (*devs)[size_t(device)];
    cudaStream_t s = nullptr;
    if (const cudaError_t e = cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking); e != cudaSuccess)
        return makeError(QuantErrc::GpuUnavailable, std::string("cannot create a stream: ") + cudaGetErrorString(e));
    q->m_stream = s;
    if (const cudaError_t e = cudaMalloc(reinterpret_cast<void **>(&q->m_flag), sizeof(unsigned)); e != cudaSuccess)
        return cudaError(e, "cannot allocate");
    // Pinned staging for uploads; without it (pinned memory refused) copies take the pageable path.
    for (int i = 0; i < 2; ++i) {
        cudaEvent_t ev = nullptr;
        if (cudaHostAlloc(&q->m_stage[i], kStageBytes, cudaHostAllocDefault) != cudaSuccess
            || cudaEventCreateWithFlags(&ev, cudaEventDisableTiming) != cudaSuccess) {
            (void)cudaGetLastError();
            for (int j = 0; j <= i; ++j) {
                cudaFreeHost(q->m_stage[j]);
                q->m_stage[j] = nullptr;
            }
            break;
        }
        q->m_stageDone[i] = ev;
    }
    return q;
}

CudaQuantizer::~CudaQuantizer()
{
    cudaFree(m_src);
    cudaFree(m_out);
    cudaFree(m_stats);
    cudaFree(m_flag);
    for (int i = 0; i < 2; ++i) {
        if (m_stageDone[i])
            cudaEventDestroy(static_cast<cudaEvent_t>(m_stageDone[i]));
        if (m_stage[i])
            cudaFreeHost(m_stage[i]);
    }
    if (m_stream)
        cudaStreamDestroy(static_cast<cudaStream_t>(m_stream));
}

Status CudaQuantizer::ensure(void **buf, uint64_t *cap, uint64_t bytes)
{
    if (bytes <= *cap)
        return {};
    cudaFree(*buf);
    *buf = nullptr;
    *cap = 0;
    const uint64_t want = std::max<uint64_t>(bytes, 1);
    if (const cudaError_t e = cudaMalloc(buf, want); e != cudaSuccess)
        return cudaError(e, "cannot allocate " + std::to_string(want) + " bytes on the GPU");
    *cap = want;
    m_peakBuffers = std::max(m_peakBuffers, m_srcCap + m_outCap + m_statsCap + sizeof(unsigned));
    sampleMemory();
    return {};
}

// The input goes to m_src through the two pinned buffers: a driver copy from pageable memory (the
// input's mapping) is staged by one thread; here the staging copy is spread over the copy pool
// and overlaps the DMA of the previous piece.
Status CudaQuantizer::upload(const uint8_t *src, uint64_t bytes, const std::string &tensor)
{
    auto *stream = static_cast<cudaStream_t>(m_stream);
    if (!m_stage[0]) {
        if (cudaError_t e = cudaMemcpyAsync(m_src, src, bytes, cudaMemcpyHostToDevice, stream); e != cudaSuccess)
            return cudaError(e, "upload failed", tensor);
        return {};
    }
    uint64_t off = 0;
    for (int i = 0; off < bytes; ++i) {
        const int slot = i & 1;
        auto *done = static_cast<cudaEvent_t>(m_stageDone[slot]);
        if (i >= 2)
            if (cudaError_t e = cudaEventSynchronize(done); e != cudaSuccess) // its previous DMA
                return cudaError(e, "upload failed", tensor);
        const uint64_t len = std::min(kStageBytes, bytes - off);
        auto *stage = static_cast<uint8_t *>(m_stage[slot]);
        const uint8_t *from = src + off;
        if (m_copyPool)
            m_copyPool->parallelFor(size_t((len + (1u << 20) - 1) >> 20), 1, [&](size_t a, size_t b) {
                const uint64_t lo = uint64_t(a) << 20, hi = std::min(len, uint64_t(b) << 20);
                std::memcpy(stage + lo, from + lo, size_t(hi - lo));
            });
        else
            std::memcpy(stage, from, size_t(len));
        if (cudaError_t e = cudaMemcpyAsync(static_cast<uint8_t *>(m_src) + off, stage, len, cudaMemcpyHostToDevice,
                                            stream);
            e != cudaSuccess)
            return cudaError(e, "upload failed", tensor);
        if (cudaError_t e = cudaEventRecord(done, stream); e != cudaSuccess)
            return cudaError(e, "upload failed", tensor);
        off += len;
    }
    return {};
}

void CudaQuantizer::sampleMemory()
{
    size_t freeB = 0, totalB = 0;
    if (cudaMemGetInfo(&freeB, &totalB) == cudaSuccess)
        m_peakUsed = std::max<uint64_t>(m_peakUsed, uint64_t(totalB - freeB));
}

Status CudaQuantizer::quantize4bit(const QuantInput &in, QuantType type, Quant4Result &out)
{
    if (typeCode(in.sourceDtype) < 0 || typeCode(in.targetDtype) < 0)
        return makeError(QuantErrc::UnsupportedCheckpoint, "the GPU path quantizes float32/float16/bfloat16 only",
                         in.name);
    const uint64_t n = in.numel();
    const uint64_t srcBytes = n * dtypeSize(in.sourceDtype);
    const uint64_t packedBytes = (n + 1) / 2, blocks = (n + 63) / 64;
    if (auto s = ensure(&m_src, &m_srcCap, srcBytes); !s)
        return s;
    if (auto s = ensure(&m_out, &m_outCap, packedBytes); !s)
        return s;
    if (auto s = ensure(&m_stats, &m_statsCap, blocks * 4); !s)
        return s;
    auto *stream = static_cast<cudaStream_t>(m_stream);
    cudaMemsetAsync(m_flag, 0, sizeof(unsigned), stream);
    if (auto s = upload(in.data, srcBytes, in.name); !s)
        return s;
    if (int e = cudak::launchQuantize4bit(m_src, typeCode(in.sourceDtype), typeCode(in.targetDtype), uint64_t(in.rows),
                                          uint64_t(in.cols), in.transposed, type == QuantType::NF4,
                                          static_cast<uint8_t *>(m_out), static_cast<float *>(m_stats), m_flag,
                                          m_stream);
        e != 0)
        return cudaError(cudaError_t(e), "kernel launch failed", in.name);
    out.packed.resize(packedBytes);
    out.absmax.resize(blocks);
    unsigned flag = 0;
    cudaMemcpyAsync(out.packed.data(), m_out, packedBytes, cudaMemcpyDeviceToHost, stream);
    cudaMemcpyAsync(out.absmax.data(), m_stats, blocks * 4, cudaMemcpyDeviceToHost, stream);
    cudaMemcpyAsync(&flag, m_flag, sizeof flag, cudaMemcpyDeviceToHost, stream);
    if (cudaError_t e = cudaStreamSynchronize(stream); e != cudaSuccess)
        return cudaError(e, "quantization failed on the GPU", in.name);
    if (flag && !in.allowNonFinite) {
        uint64_t i = 0;
        while (i < n && std::isfinite(loadCast(in, i)))
            ++i;
        return nonFiniteError(in, i);
    }
    return {};
}

Status CudaQuantizer::quantize8bit(const QuantInput &in, Int8Result &out)
{
    if (typeCode(in.sourceDtype) < 0 || typeCode(in.targetDtype) < 0)
        return makeError(QuantErrc::UnsupportedCheckpoint, "the GPU path quantizes float32/float16/bfloat16 only",
                         in.name);
    const uint64_t n = in.numel();
    const uint64_t srcBytes = n * dtypeSize(in.sourceDtype);
    if (auto s = ensure(&m_src, &m_srcCap, srcBytes); !s)
        return s;
    if (auto s = ensure(&m_out, &m_outCap, n); !s)
        return s;
    if (auto s = ensure(&m_stats, &m_statsCap, uint64_t(in.rows) * 4); !s)
        return s;
    auto *stream = static_cast<cudaStream_t>(m_stream);
    cudaMemsetAsync(m_flag, 0, sizeof(unsigned), stream);
    if (auto s = upload(in.data, srcBytes, in.name); !s)
        return s;
    if (int e = cudak::launchQuantize8bit(m_src, typeCode(in.sourceDtype), typeCode(in.targetDtype), uint64_t(in.rows),
                                          uint64_t(in.cols), in.transposed, static_cast<int8_t *>(m_out),
                                          static_cast<float *>(m_stats), m_flag, m_stream);
        e != 0)
        return cudaError(cudaError_t(e), "kernel launch failed", in.name);
    out.cb.resize(n);
    out.scb.resize(size_t(in.rows));
    unsigned flag = 0;
    cudaMemcpyAsync(out.cb.data(), m_out, n, cudaMemcpyDeviceToHost, stream);
    cudaMemcpyAsync(out.scb.data(), m_stats, uint64_t(in.rows) * 4, cudaMemcpyDeviceToHost, stream);
    cudaMemcpyAsync(&flag, m_flag, sizeof flag, cudaMemcpyDeviceToHost, stream);
    if (cudaError_t e = cudaStreamSynchronize(stream); e != cudaSuccess)
        return cudaError(e, "quantization failed on the GPU", in.name);
    if (flag && !in.allowNonFinite) {
        uint64_t i = 0;
        while (i < n && std::isfinite(halfToFloat(floatToHalf(loadCast(in, i)))))
            ++i;
        return nonFiniteError(in, i);
    }
    return {};
}

} // namespace mistudio::quant
