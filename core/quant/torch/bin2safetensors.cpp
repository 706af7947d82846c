// mistudio-bin2safetensors IN_DIR OUT_DIR: converts pytorch_model*.bin to safetensors. A separate
// executable so that the `mistudio` binary never loads LibTorch; `mistudio models quantize` runs it
// when a checkpoint has only .bin weights. Errors: one JSON line on stderr, exit 7 for unsafe or
// unsupported checkpoints, 1 otherwise.
#include "quant/torch/torchreader.h"

#include <nlohmann/json.hpp>

#include <cstdio>

int main(int argc, char **argv)
{
    using namespace mistudio::quant;
    if (argc != 3) {
        std::fprintf(stderr, "usage: mistudio-bin2safetensors IN_DIR OUT_DIR\n");
        return 2;
    }
    auto r = convertPytorchBin(argv[1], argv[2]);
    if (!r) {
        const auto &e = r.error();
        std::fprintf(stderr, "%s\n",
                     nlohmann::json{{"code", quantErrcName(e.code)}, {"message", e.message}, {"tensor", e.tensor},
                                    {"path", e.path}}
                         .dump()
                         .c_str());
        const bool integrity = e.code == QuantErrc::UnsafeCheckpoint || e.code == QuantErrc::UnsupportedCheckpoint
                               || e.code == QuantErrc::InvalidCheckpoint;
        return integrity ? 7 : 1;
    }
    std::printf("%s\n", nlohmann::json{{"files", r->files}, {"tensors", r->tensors}, {"bytes", r->bytes}}.dump().c_str());
    return 0;
}
