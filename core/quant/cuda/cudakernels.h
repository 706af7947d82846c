#pragma once

// Launchers of the CUDA kernels, in plain types so that host code compiled by the C++ compiler
// can call them. Element types: 0 = float32, 1 = float16, 2 = bfloat16.
#include <cstdint>

namespace mistudio::quant::cudak {

// 4-bit NF4/FP4, blocksize 64: packed[(n+1)/2], absmax[ceil(n/64)]. *flag |= 1 when a cast
// element is NaN/Inf. Returns a cudaError_t.
int launchQuantize4bit(const void *src, int srcType, int targetType, uint64_t rows, uint64_t cols, bool transposed,
                       bool nf4, uint8_t *packed, float *absmax, unsigned *flag, void *stream);

// LLM.int8: cb[rows*cols], scb[rows].
int launchQuantize8bit(const void *src, int srcType, int targetType, uint64_t rows, uint64_t cols, bool transposed,
                       int8_t *cb, float *scb, unsigned *flag, void *stream);

} // namespace mistudio::quant::cudak
