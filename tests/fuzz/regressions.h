#pragma once

// Inputs that once broke a fuzz target, one per bug fixed (the fix's commit adds its entry). The
// seed writer adds each to its target's seed corpus, so every fuzz run (the short ones in CI
// included) replays them first; the unit tests of the fixed code assert the behaviour itself.
#include <QByteArray>
#include <QList>
#include <QtEndian>

namespace mistudio::fuzz {

struct Regression
{
    const char *target; // the fuzz target, e.g. "fuzz_shard_index"
    const char *name;   // what broke
    QByteArray input;
};

// A safetensors file's head: the 8-byte little-endian length, then the header.
inline QByteArray safetensorsHead(const QByteArray &json)
{
    QByteArray out(8, '\0');
    qToLittleEndian<quint64>(quint64(json.size()), out.data());
    return out + json;
}

inline QList<Regression> regressions()
{
    return {
        // DUP before a single SETITEM: accepted, and the MARK put in front of it broke the output.
        {"fuzz_pickle_rewriter", "dup-before-setitem",
         QByteArray("\x80\x04}]\x86\x80\x04" "2\x95\x00\x00\x00\x00\x00\x00\x00}K\x86\x8c\x01n\x86s.\x8c\x01.", 28)},
        // metadata.total_size beyond uint64 converted from double: undefined behaviour.
        {"fuzz_shard_index", "total-size-float",
         R"({"metadata": {"total_size": 1239223372036854775808456}, "weight_map": {"a": "model.safetensors"}})"},
        // 2^63 bytes of data: accepted without the file size, a negative byte count in the preview.
        {"fuzz_hub_safetensors", "data-past-int64",
         safetensorsHead(R"({"w":{"dtype":"U8","shape":[4294967296,2147483648],"data_offsets":[0,9223372036854775808]}})")},
        // Sizes, counts and dimensions from the Hub summed and multiplied past INT64_MAX.
        {"fuzz_hub_tree", "file-sizes-overflow",
         R"([{"type":"file","path":"a.safetensors","size":9223372036854775807},)"
         R"({"type":"file","path":"b.safetensors","size":9223372036854775807}])"},
        {"fuzz_hub_modelinfo", "parameter-total-overflow",
         R"({"sha":"x","safetensors":{"total":9223372036854775807},"siblings":[{"rfilename":"model.safetensors"}]})"},
        {"fuzz_hub_modelinfo", "config-dimensions-overflow",
         R"({"sha":"x","config":{"model_type":"llama","vocab_size":4294967296,"hidden_size":4294967296},)"
         R"("siblings":[{"rfilename":"model.safetensors","size":10}]})"},
        // A config dimension of 4.3e102 converted from double to qint64: undefined behaviour.
        {"fuzz_hub_modelinfo", "config-dimension-double",
         R"({"sha":"x","config":{"model_type":"llama","vocab_size":4294967296,"hidden_size":4294967e96},)"
         R"("siblings":[{"rfi,ename":"model.safetensors","size":10}]})"},
        // 2^63 - 1 read through a double (2^63) and converted to qint64: undefined behaviour.
        {"fuzz_jsonbody", "integer-int64-max", R"({"n": 9223372036854775807})"},
        // GET /models?page=2^63-1&limit=100: (page - 1) * limit overflowed qint64.
        {"fuzz_compatrequest", "page-times-limit-overflow", "page=9223372036854775807&limit=100"},
    };
}

} // namespace mistudio::fuzz
