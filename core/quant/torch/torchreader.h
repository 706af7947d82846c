#pragma once

#include "quant/quanterror.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mistudio::quant {

// PyTorch `.bin` checkpoints (torch.save of a state dict), read with LibTorch's restricted
// unpickler (torch::jit::Unpickler, as torch::pickle_load does) after picklerewriter.h turns the
// state dict's collections.OrderedDict / Parameter wrappers into what LibTorch 1.13 reads: only
// tensors, containers and the few globals torch itself writes are accepted. Anything else is UnsafeCheckpoint ("contains Python objects that cannot
// be loaded safely"), never a crash or code execution. Kept in its own target
// (mistudio_torchreader) so that core/quant does not depend on LibTorch.

struct TorchConversion
{
    std::vector<std::string> files; // safetensors files written (names in the output directory)
    uint64_t tensors = 0;
    uint64_t bytes = 0;
};

// Does the directory hold PyTorch weights (pytorch_model.bin or an index of .bin shards)?
bool hasPytorchBin(const std::string &dir);

// Converts pytorch_model.bin (or the shards named by pytorch_model.bin.index.json) of inputDir
// into model.safetensors (or model-0000i-of-0000N.safetensors + model.safetensors.index.json) in
// outputDir. A whole .bin is held in memory while it is converted (LibTorch reads it at once).
Result<TorchConversion> convertPytorchBin(const std::string &inputDir, const std::string &outputDir);

} // namespace mistudio::quant
