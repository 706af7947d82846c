// CUDA kernels: the same arithmetic as bnb's kQuantizeBlockwise / kInt8VectorQuant under
// --use_fast_math, written with explicit PTX for the operations whose rounding matters
// (rcp.approx.ftz, mul.rn.ftz, abs/max.ftz) so that no compiler flag can change them.
#include "cuda/cudakernels.h"

#include "quant/bnbconstants.h"

#include <cfloat>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

namespace mistudio::quant::cudak {

namespace {

__constant__ uint32_t cNf4Thresholds[15];
__constant__ uint32_t cFp4Thresholds[7];
__constant__ uint8_t cFp4RankBits[8];

__device__ __forceinline__ float rcpApprox(float x)
{
    float r;
    asm("rcp.approx.ftz.f32 %0, %1;" : "=f"(r) : "f"(x));
    return r;
}
__device__ __forceinline__ float mulFtz(float a, float b)
{
    float r;
    asm("mul.rn.ftz.f32 %0, %1, %2;" : "=f"(r) : "f"(a), "f"(b));
    return r;
}
__device__ __forceinline__ float absFtz(float a)
{
    float r;
    asm("abs.ftz.f32 %0, %1;" : "=f"(r) : "f"(a));
    return r;
}
__device__ __forceinline__ float maxFtz(float a, float b)
{
    float r;
    asm("max.ftz.f32 %0, %1, %2;" : "=f"(r) : "f"(a), "f"(b));
    return r;
}

// torch's .to(): round to nearest even (bf16 by bits, as on the CPU; fp16 by the intrinsic).
__device__ __forceinline__ float roundTo(float v, int t)
{
    if (t == 2) {
        const uint32_t b = __float_as_uint(v);
        if ((b & 0x7fffffffu) > 0x7f800000u)
            return __uint_as_float((b | 0x00400000u) & 0xffff0000u);
        return __uint_as_float((b + 0x7fffu + ((b >> 16) & 1u)) & 0xffff0000u);
    }
    if (t == 1)
        return __half2float(__float2half_rn(v));
    return v;
}

__device__ __forceinline__ float loadElem(const void *src, int srcType, int targetType, uint64_t rows, uint64_t cols,
                                          bool transposed, uint64_t i)
{
    uint64_t s = i;
    if (transposed)
        s = (i % cols) * rows + i / cols;
    float v;
    if (srcType == 0)
        v = static_cast<const float *>(src)[s];
    else if (srcType == 1)
        v = __half2float(static_cast<const __half *>(src)[s]);
    else
        v = __uint_as_float(uint32_t(static_cast<const uint16_t *>(src)[s]) << 16);
    return srcType == targetType ? v : roundTo(v, targetType);
}

__device__ __forceinline__ uint8_t nf4(float y)
{
    uint8_t c = 0;
#pragma unroll
    for (int k = 0; k < 15; ++k)
        c += y > __uint_as_float(cNf4Thresholds[k]) ? 1 : 0;
    return c;
}

__device__ __forceinline__ uint8_t fp4(float y)
{
    const float a = fabsf(y);
    int rank = 0;
#pragma unroll
    for (int k = 0; k < 7; ++k)
        rank += a > __uint_as_float(cFp4Thresholds[k]) ? 1 : 0;
    return uint8_t(cFp4RankBits[rank] | (y < 0.0f ? 8 : 0));
}

// One warp per 64-element block; lane l owns elements 2l and 2l+1, i.e. output byte l.
__global__ void quantize4bitKernel(const void *src, int srcType, int targetType, uint64_t rows, uint64_t cols,
                                   bool transposed, bool useNf4, uint8_t *packed, float *absmax, unsigned *flag)
{
    const uint64_t n = rows * cols;
    const uint64_t blocks = (n + 63) / 64;
    const unsigned lane = threadIdx.x & 31u;
    const uint64_t warpsTotal = uint64_t(gridDim.x) * (blockDim.x / 32);
    for (uint64_t b = uint64_t(blockIdx.x) * (blockDim.x / 32) + threadIdx.x / 32; b < blocks; b += warpsTotal) {
        const uint64_t i0 = b * 64 + 2 * lane;
        const uint64_t i1 = i0 + 1;
        const float x0 = i0 < n ? loadElem(src, srcType, targetType, rows, cols, transposed, i0) : 0.0f;
        const float x1 = i1 < n ? loadElem(src, srcType, targetType, rows, cols, transposed, i1) : 0.0f;
        if ((i0 < n && !isfinite(x0)) || (i1 < n && !isfinite(x1)))
            atomicOr(flag, 1u);
        float m = maxFtz(-FLT_MAX, maxFtz(absFtz(x0), absFtz(x1)));
#pragma unroll
        for (int off = 16; off > 0; off >>= 1)
            m = maxFtz(m, __shfl_xor_sync(0xffffffffu, m, off));
        const float r = rcpApprox(m);
        const float y0 = mulFtz(x0, r);
        const float y1 = mulFtz(x1, r);
        const uint8_t c0 = useNf4 ? nf4(y0) : fp4(y0);
        const uint8_t c1 = useNf4 ? nf4(y1) : fp4(y1);
        if (i0 < n)
            packed[i0 / 2] = uint8_t((c0 << 4) | c1);
        if (lane == 0)
            absmax[b] = m;
    }
}

// One CTA per row (grid-stride over rows).
__global__ void quantize8bitKernel(const void *src, int srcType, int targetType, uint64_t rows, uint64_t cols,
                                   bool transposed, int8_t *cb, float *scb, unsigned *flag)
{
    __shared__ float partial[32];
    __shared__ float rowScale;
    for (uint64_t r = blockIdx.x; r < rows; r += gridDim.x) {
        float m = 0.0f;
        bool bad = false;
        for (uint64_t c = threadIdx.x; c < cols; c += blockDim.x) {
            // Int8Params always quantizes the fp16 cast of the model-dtype weight.
            const float v = roundTo(loadElem(src, srcType, targetType, rows, cols, transposed, r * cols + c), 1);
            bad |= !isfinite(v);
            m = fmaxf(m, fabsf(v));
        }
        if (bad)
            atomicOr(flag, 1u);
#pragma unroll
        for (int off = 16; off > 0; off >>= 1)
            m = fmaxf(m, __shfl_xor_sync(0xffffffffu, m, off));
        if ((threadIdx.x & 31u) == 0)
            partial[threadIdx.x / 32] = m;
        __syncthreads();
        if (threadIdx.x == 0) {
            float t = 0.0f;
            for (unsigned w = 0; w < blockDim.x / 32; ++w)
                t = fmaxf(t, partial[w]);
            scb[r] = t;
            rowScale = mulFtz(127.0f, rcpApprox(t)); // __fdividef(127, absmax)
        }
        __syncthreads();
        const float scale = rowScale;
        for (uint64_t c = threadIdx.x; c < cols; c += blockDim.x) {
            const float v = roundTo(loadElem(src, srcType, targetType, rows, cols, transposed, r * cols + c), 1);
            cb[r * cols + c] = int8_t(__float2int_rn(mulFtz(v, scale)));
        }
        __syncthreads();
    }
}

bool uploadConstants()
{
    static bool done = false;
    if (done)
        return true;
    done = cudaMemcpyToSymbol(cNf4Thresholds, bnb::kNf4ThresholdBits, sizeof(bnb::kNf4ThresholdBits)) == cudaSuccess
           && cudaMemcpyToSymbol(cFp4Thresholds, bnb::kFp4ThresholdBits, sizeof(bnb::kFp4ThresholdBits)) == cudaSuccess
           && cudaMemcpyToSymbol(cFp4RankBits, bnb::kFp4RankBits, sizeof(bnb::kFp4RankBits)) == cudaSuccess;
    return done;
}

} // namespace

int launchQuantize4bit(const void *src, int srcType, int targetType, uint64_t rows, uint64_t cols, bool transposed,
                       bool nf4, uint8_t *packed, float *absmax, unsigned *flag, void *stream)
{
    if (!uploadConstants())
        return int(cudaGetLastError());
    const uint64_t blocks = (rows * cols + 63) / 64;
    const unsigned threads = 256; // 8 blocks of 64 per CTA
    const uint64_t ctas = (blocks + 7) / 8;
    const unsigned grid = unsigned(ctas < 1u << 20 ? (ctas ? ctas : 1) : 1u << 20);
    quantize4bitKernel<<<grid, threads, 0, static_cast<cudaStream_t>(stream)>>>(
        src, srcType, targetType, rows, cols, transposed, nf4, packed, absmax, flag);
    return int(cudaGetLastError());
}

int launchQuantize8bit(const void *src, int srcType, int targetType, uint64_t rows, uint64_t cols, bool transposed,
                       int8_t *cb, float *scb, unsigned *flag, void *stream)
{
    if (!uploadConstants())
        return int(cudaGetLastError());
    const unsigned grid = unsigned(rows < 65535 ? (rows ? rows : 1) : 65535);
    quantize8bitKernel<<<grid, 256, 0, static_cast<cudaStream_t>(stream)>>>(src, srcType, targetType, rows, cols,
                                                                          transposed, cb, scb, flag);
    return int(cudaGetLastError());
}

} // namespace mistudio::quant::cudak
