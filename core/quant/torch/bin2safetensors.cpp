// mistudio-bin2safetensors IN_DIR OUT_DIR: converts pytorch_model*.bin to safetensors. A separate
// executable so that the `mistudio` binary never loads LibTorch; `mistudio models quantize` runs it
// when a checkpoint has only .bin weights. Errors: one JSON line on stderr, exit 7 for unsafe or
// unsupported checkpoints, 1 otherwise.
#include "quant/torch/torchreader.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstring>

int main(int argc, char **argv)
{
    using namespace mistudio::quant;
    // --help and --version as GNU tools have them: the package's man page is generated from them.
    if (argc == 2 && std::strcmp(argv[1], "--help") == 0) {
        std::printf("Usage: mistudio-bin2safetensors IN_DIR OUT_DIR\n"
                    "Convert the PyTorch weights of a checkpoint (pytorch_model*.bin) to safetensors.\n\n"
                    "Reads IN_DIR/pytorch_model.bin, or every shard listed by\n"
                    "IN_DIR/pytorch_model.bin.index.json, with LibTorch's restricted unpickler and writes\n"
                    "the same tensors as safetensors files (and their index) into OUT_DIR.\n"
                    "`mistudio models quantize` runs it for checkpoints that have only .bin weights.\n\n"
                    "Prints one JSON line {\"files\", \"tensors\", \"bytes\"} on success. On failure it\n"
                    "prints one JSON line {\"code\", \"message\", \"tensor\", \"path\"} on stderr.\n\n"
                    "Exit status: 0 converted, 2 usage, 7 unsafe, unsupported or invalid checkpoint,\n"
                    "1 any other error.\n");
        return 0;
    }
    if (argc == 2 && std::strcmp(argv[1], "--version") == 0) {
        std::printf("mistudio-bin2safetensors %s\n", MISTUDIO_VERSION);
        return 0;
    }
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
