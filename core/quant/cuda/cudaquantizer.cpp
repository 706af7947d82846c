#include "quant/cudaquantizer.h"

#include "cuda/cudakernels.h"
#include "quant/safetensors.h"
#include "quant/threadpool.h"
#include "quant/timed.h"

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
    cudaSetDevice(m_device.index); // this thread's current device may be another (see quantize4bit)
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

// piece(lo, n) over [0, len) in 1 MB pieces, spread over the copy pool where there is one.
void CudaQuantizer::inPieces(uint64_t len, const std::function<void(uint64_t, uint64_t)> &piece)
{
    constexpr uint64_t kPiece = 1u << 20;
    auto run = [&](size_t a, size_t b) {
        for (size_t p = a; p < b; ++p) {
            const uint64_t lo = uint64_t(p) * kPiece;
            piece(lo, std::min(kPiece, len - lo));
        }
    };
    const size_t pieces = size_t((len + kPiece - 1) / kPiece);
    if (m_copyPool)
        m_copyPool->parallelFor(pieces, 1, run);
    else
        run(0, pieces);
}

// Input bytes [off, off + len) into `stage`. Where the input names its file, each piece is read
// with pread: one copy out of the page cache, with none of the page faults (and unmapping) that
// copying from the mapping costs; what cannot be read so is copied from the mapping, as the CPU
// path does.
void CudaQuantizer::stageIn(const QuantInput &in, uint64_t off, uint64_t len, uint8_t *stage)
{
    inPieces(len, [&](uint64_t lo, uint64_t n) {
        const uint64_t got = in.fd >= 0 ? preadFully(in.fd, stage + lo, size_t(n), in.fileOffset + off + lo) : 0;
        if (got < n)
            std::memcpy(stage + lo + got, in.data + off + lo + got, size_t(n - got));
    });
}

// The input goes to m_src through the two pinned buffers: one is filled (stageIn) while the
// other's DMA to the device runs. Without pinned memory the driver copies from the mapping.
Status CudaQuantizer::upload(const QuantInput &in, uint64_t bytes)
{
    auto *stream = static_cast<cudaStream_t>(m_stream);
    if (!m_stage[0]) {
        if (cudaError_t e = cudaMemcpyAsync(m_src, in.data, bytes, cudaMemcpyHostToDevice, stream); e != cudaSuccess)
            return cudaError(e, "upload failed", in.name);
        return {};
    }
    uint64_t off = 0;
    for (int i = 0; off < bytes; ++i) {
        const int slot = i & 1;
        auto *done = static_cast<cudaEvent_t>(m_stageDone[slot]);
        if (i >= 2) {
            Timed t(m_times.uploadWait);
            if (cudaError_t e = cudaEventSynchronize(done); e != cudaSuccess) // its previous DMA
                return cudaError(e, "upload failed", in.name);
        }
        const uint64_t len = std::min(kStageBytes, bytes - off);
        auto *stage = static_cast<uint8_t *>(m_stage[slot]);
        {
            Timed t(m_times.stage);
            stageIn(in, off, len, stage);
        }
        if (cudaError_t e = cudaMemcpyAsync(static_cast<uint8_t *>(m_src) + off, stage, len, cudaMemcpyHostToDevice,
                                            stream);
            e != cudaSuccess)
            return cudaError(e, "upload failed", in.name);
        if (cudaError_t e = cudaEventRecord(done, stream); e != cudaSuccess)
            return cudaError(e, "upload failed", in.name);
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

// Device bytes to host memory through the two pinned buffers: the DMA of one piece runs while the
// previous piece is copied out on the copy pool. A download straight into pageable memory is
// staged by the driver on one thread at a fraction of the bus's speed, and our outputs then come
// back in buffers placed for direct writes (see the quantizer). Returns after the last piece.
Status CudaQuantizer::download(void *dst, const void *dev, uint64_t bytes, const std::string &tensor)
{
    Timed timed(m_times.download);
    auto *stream = static_cast<cudaStream_t>(m_stream);
    if (!m_stage[0]) {
        if (cudaError_t e = cudaMemcpyAsync(dst, dev, bytes, cudaMemcpyDeviceToHost, stream); e != cudaSuccess)
            return cudaError(e, "download failed", tensor);
        if (cudaError_t e = cudaStreamSynchronize(stream); e != cudaSuccess)
            return cudaError(e, "quantization failed on the GPU", tensor);
        return {};
    }
    const uint64_t pieces = (bytes + kStageBytes - 1) / kStageBytes;
    auto issue = [&](uint64_t i) -> Status {
        const uint64_t off = i * kStageBytes, len = std::min(kStageBytes, bytes - off);
        if (cudaError_t e = cudaMemcpyAsync(m_stage[i & 1], static_cast<const uint8_t *>(dev) + off, len,
                                            cudaMemcpyDeviceToHost, stream);
            e != cudaSuccess)
            return cudaError(e, "download failed", tensor);
        if (cudaError_t e = cudaEventRecord(static_cast<cudaEvent_t>(m_stageDone[i & 1]), stream); e != cudaSuccess)
            return cudaError(e, "download failed", tensor);
        return {};
    };
    if (pieces > 0)
        if (auto s = issue(0); !s)
            return s;
    for (uint64_t i = 0; i < pieces; ++i) {
        if (i + 1 < pieces) // into the other buffer, whose piece was copied out last round
            if (auto s = issue(i + 1); !s)
                return s;
        if (cudaError_t e = cudaEventSynchronize(static_cast<cudaEvent_t>(m_stageDone[i & 1])); e != cudaSuccess)
            return cudaError(e, "quantization failed on the GPU", tensor);
        const uint64_t off = i * kStageBytes, len = std::min(kStageBytes, bytes - off);
        const auto *from = static_cast<const uint8_t *>(m_stage[i & 1]);
        auto *to = static_cast<uint8_t *>(dst) + off;
        inPieces(len, [&](uint64_t lo, uint64_t n) { std::memcpy(to + lo, from + lo, size_t(n)); });
    }
    return {};
}

Status CudaQuantizer::checkFinite(const QuantInput &in, bool int8)
{
    unsigned flag = 0;
    auto *stream = static_cast<cudaStream_t>(m_stream);
    {
        Timed t(m_times.kernel); // the last uploads and the kernel
        if (cudaError_t e = cudaMemcpyAsync(&flag, m_flag, sizeof flag, cudaMemcpyDeviceToHost, stream); e != cudaSuccess)
            return cudaError(e, "download failed", in.name);
        if (cudaError_t e = cudaStreamSynchronize(stream); e != cudaSuccess)
            return cudaError(e, "quantization failed on the GPU", in.name);
    }
    if (!flag || in.allowNonFinite)
        return {};
    // Find the first offending element on the host (rare, so simple); int8 sees it through fp16.
    const uint64_t n = in.numel();
    uint64_t i = 0;
    while (i < n && std::isfinite(int8 ? halfToFloat(floatToHalf(loadCast(in, i))) : loadCast(in, i)))
        ++i;
    return nonFiniteError(in, i);
}

Status CudaQuantizer::quantize4bit(const QuantInput &in, QuantType type, uint8_t *packed, float *absmax)
{
    // The CUDA runtime's current device is per thread, and we may have been created on another.
    if (cudaError_t e = cudaSetDevice(m_device.index); e != cudaSuccess)
        return cudaError(e, "cannot use the GPU", in.name);
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
    if (auto s = upload(in, srcBytes); !s)
        return s;
    if (int e = cudak::launchQuantize4bit(m_src, typeCode(in.sourceDtype), typeCode(in.targetDtype), uint64_t(in.rows),
                                          uint64_t(in.cols), in.transposed, type == QuantType::NF4,
                                          static_cast<uint8_t *>(m_out), static_cast<float *>(m_stats), m_flag,
                                          m_stream);
        e != 0)
        return cudaError(cudaError_t(e), "kernel launch failed", in.name);
    if (auto s = checkFinite(in, false); !s)
        return s;
    if (auto s = download(packed, m_out, packedBytes, in.name); !s)
        return s;
    return download(absmax, m_stats, blocks * 4, in.name);
}

Status CudaQuantizer::quantize8bit(const QuantInput &in, int8_t *cb, float *scb)
{
    // The CUDA runtime's current device is per thread, and we may have been created on another.
    if (cudaError_t e = cudaSetDevice(m_device.index); e != cudaSuccess)
        return cudaError(e, "cannot use the GPU", in.name);
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
    if (auto s = upload(in, srcBytes); !s)
        return s;
    if (int e = cudak::launchQuantize8bit(m_src, typeCode(in.sourceDtype), typeCode(in.targetDtype), uint64_t(in.rows),
                                          uint64_t(in.cols), in.transposed, static_cast<int8_t *>(m_out),
                                          static_cast<float *>(m_stats), m_flag, m_stream);
        e != 0)
        return cudaError(cudaError_t(e), "kernel launch failed", in.name);
    if (auto s = checkFinite(in, true); !s)
        return s;
    if (auto s = download(cb, m_out, n, in.name); !s)
        return s;
    return download(scb, m_stats, uint64_t(in.rows) * 4, in.name);
}

} // namespace mistudio::quant
