#pragma once

#include "quant/cudaquantizer.h"
#include "quant/modelrules.h"
#include "quant/quanterror.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mistudio::quant {

enum class DeviceKind { Auto, Cpu, Cuda };

struct QuantizeRequest
{
    std::string inputDir;  // a Hugging Face checkpoint: config.json + model.safetensors or shards + index
    std::string outputDir; // created complete or not at all (written in a sibling temp dir, then renamed)
    QuantOptions options;
    DeviceKind device = DeviceKind::Auto; // Auto: CUDA device `cudaDevice` if usable, else CPU
    int cudaDevice = 0;
    // The GPU takes a moment to open (0.35 s on the H200); meanwhile the first weights go to the
    // CPU path, which writes the same bytes. False: wait for the GPU (tests of the GPU path).
    bool cpuWhileGpuOpens = true;
    unsigned threads = 0;                     // CPU threads, 0 = all cores
    uint64_t maxShardBytes = 5'000'000'000;   // transformers' "5GB"
    bool overwrite = false;                   // replace an existing outputDir
};

struct QuantizeProgress
{
    int tensorIndex = 0; // 1-based, of tensorCount
    int tensorCount = 0;
    uint64_t bytesIn = 0;  // source bytes consumed so far
    uint64_t bytesOut = 0; // output bytes written so far
    uint64_t totalBytesIn = 0;
    std::string tensorName;
};

// Called after each tensor; return false to cancel (the temp dir is removed, nothing is left).
using QuantizeProgressFn = std::function<bool(const QuantizeProgress &)>;

struct QuantizeReport
{
    std::string device;         // "cpu (2 threads)" or "cuda:0 (NVIDIA H200)"
    std::string fallbackReason; // why Auto did not use the GPU
    QuantPlan plan;
    uint64_t bytesIn = 0;
    uint64_t bytesOut = 0;      // all files written, config and copies included
    std::vector<std::string> files; // relative names in outputDir
    // Companion files left out because they are symbolic links (never followed: a link to
    // /etc/passwd named tokenizer.json must not end up in the output).
    std::vector<std::string> skippedFiles;
    double seconds = 0;
    uint64_t peakGpuBytes = 0;
    // Where the time went: reading and quantizing the weights (on the pool or the GPU), their
    // double quantization, the loop waiting for the writer's budget (the disk), the wait for the
    // last writes and the fsync at the end of each file; on the GPU, opening the device (CUDA
    // context, pinned buffers) and the parts of quantizing.
    double gpuSetupSeconds = 0;
    double quantizeSeconds = 0;
    double doubleQuantSeconds = 0;
    double writerWaitSeconds = 0;
    double flushSeconds = 0;
    GpuTimes gpuTimes;
};

// The streaming quantizer: reads tensors one at a time (mmap), casts, quantizes per modelrules,
// writes model.safetensors (or <= maxShardBytes shards with an index; a weight and its companion
// tensors always share a shard), config.json with quantization_config, and copies the tokenizer,
// generation config, README and license files.
Result<QuantizeReport> quantizeCheckpoint(const QuantizeRequest &request, const QuantizeProgressFn &progress = {});

// Files copied next to the weights (tokenizer, generation config, README, licence...).
bool isCompanionFile(const std::string &fileName);

} // namespace mistudio::quant
