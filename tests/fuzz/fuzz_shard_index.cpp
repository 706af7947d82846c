// model.safetensors.index.json on hostile bytes, as core/quant reads it before quantizing a
// sharded checkpoint (parseShardIndex, the body of readShardIndex), and what the quantizer does
// next with it: list the shard files and write the index back out.
#include "fuzzcheck.h"

#include "quant/safetensors.h"

#include <string>
#include <string_view>

using namespace mistudio::quant;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string_view json(reinterpret_cast<const char *>(data), size);
    const auto idx = parseShardIndex(json, "model.safetensors.index.json");
    if (!idx.ok()) {
        FUZZ_CHECK(idx.error().code == QuantErrc::InvalidCheckpoint
                   || idx.error().code == QuantErrc::UnsafeCheckpoint);
        FUZZ_CHECK(idx.error().path == "model.safetensors.index.json");
        return 0;
    }
    // Every shard it names is one file inside the checkpoint's folder.
    for (const std::string &file : idx->shardFiles()) {
        FUZZ_CHECK(!file.empty());
        FUZZ_CHECK(file.find('/') == std::string::npos);
        FUZZ_CHECK(file != "." && file != "..");
    }
    // Written back (the quantizer's output index) and read again: the same index.
    const std::string out = shardIndexJson(*idx);
    const auto again = parseShardIndex(out);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(again->totalSize == idx->totalSize);
    FUZZ_CHECK(again->weightMap == idx->weightMap);
    return 0;
}
