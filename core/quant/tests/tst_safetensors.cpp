// Strict safetensors parsing, the mmap reader, the streaming writer and the shard index.
#include "check.h"

#include "quant/safetensors.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <fcntl.h>
#include <thread>
#include <string>
#include <vector>

#include <unistd.h>

using namespace mistudio::quant;
namespace fs = std::filesystem;

namespace {

std::vector<uint8_t> fileBytes(const std::string &json, size_t dataBytes, size_t extra = 0)
{
    std::vector<uint8_t> b(8 + json.size() + dataBytes + extra, 0x5a);
    const uint64_t n = json.size();
    for (size_t i = 0; i < 8; ++i)
        b[i] = uint8_t(n >> (8 * i));
    std::memcpy(b.data() + 8, json.data(), json.size());
    return b;
}

Result<SafetensorsHeader> parseWhole(const std::vector<uint8_t> &b)
{
    return parseHeader(b.data(), b.size(), b.size());
}

struct BadCase
{
    const char *what;
    std::string json;
    size_t data;
    size_t extra;
    QuantErrc code;
    const char *tensor; // the tensor the error must name ("" = none)
};

void testRejections()
{
    const std::vector<BadCase> cases{
        {"not json", "{\"a\": ", 0, 0, QuantErrc::InvalidCheckpoint, ""},
        {"not an object", "[1,2,3]   ", 0, 0, QuantErrc::InvalidCheckpoint, ""},
        {"invalid utf-8", std::string("{\"a\xff\":{}}"), 0, 0, QuantErrc::InvalidCheckpoint, ""},
        {"unknown dtype", R"({"w":{"dtype":"Q4","shape":[2],"data_offsets":[0,2]}})", 2, 0,
         QuantErrc::UnsupportedCheckpoint, "w"},
        {"shape/bytes mismatch", R"({"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}})", 20, 0,
         QuantErrc::InvalidCheckpoint, "w"},
        {"negative dim", R"({"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}})", 0, 0,
         QuantErrc::InvalidCheckpoint, "w"},
        {"end before begin", R"({"w":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}})", 4, 0,
         QuantErrc::InvalidCheckpoint, "w"},
        {"overlap",
         R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}})",
         6, 0, QuantErrc::InvalidCheckpoint, "b"},
        {"gap",
         R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[4],"data_offsets":[6,10]}})",
         10, 0, QuantErrc::InvalidCheckpoint, "b"},
        {"data past end", R"({"w":{"dtype":"U8","shape":[8],"data_offsets":[0,8]}})", 4, 0,
         QuantErrc::InvalidCheckpoint, "w"},
        {"trailing garbage", R"({"w":{"dtype":"U8","shape":[8],"data_offsets":[0,8]}})", 8, 3,
         QuantErrc::InvalidCheckpoint, "w"},
        {"duplicate key",
         R"({"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}})",
         1, 0, QuantErrc::InvalidCheckpoint, "w"},
        {"unknown field", R"({"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"x":1}})", 1, 0,
         QuantErrc::InvalidCheckpoint, "w"},
        {"metadata not strings", R"({"__metadata__":{"format":1}})", 0, 0, QuantErrc::InvalidCheckpoint,
         "__metadata__"},
        {"offsets not a pair", R"({"w":{"dtype":"U8","shape":[1],"data_offsets":[0]}})", 1, 0,
         QuantErrc::InvalidCheckpoint, "w"},
        {"shape overflow", R"({"w":{"dtype":"F64","shape":[4294967296,4294967296,16],"data_offsets":[0,8]}})", 8, 0,
         QuantErrc::InvalidCheckpoint, "w"},
    };
    for (const auto &c : cases) {
        const auto r = parseWhole(fileBytes(c.json, c.data, c.extra));
        CHECK_MSG(!r.ok(), c.what);
        if (r.ok())
            continue;
        CHECK_MSG(r.error().code == c.code, std::string(c.what) + " -> " + r.error().toString());
        CHECK_MSG(r.error().tensor == c.tensor, std::string(c.what) + " -> " + r.error().toString());
        std::printf("  rejected (%s): %s\n", c.what, r.error().toString().c_str());
    }
    // Header length bound and a header that runs past the file.
    std::vector<uint8_t> big(16, 0);
    const uint64_t tooLong = kMaxHeaderLength + 1;
    for (int i = 0; i < 8; ++i)
        big[size_t(i)] = uint8_t(tooLong >> (8 * i));
    CHECK(!readHeaderLength(big.data(), big.size()).ok());
    auto truncated = fileBytes(R"({"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}})", 1);
    CHECK(!parseHeader(truncated.data(), 20, 20).ok());
    CHECK(!parseHeader(truncated.data(), 4).ok());
    // Data no file can hold (2^63 bytes, past INT64_MAX), refused without the file size too: the
    // preview's qint64 byte count turned negative.
    auto huge = fileBytes(R"({"w":{"dtype":"U8","shape":[4294967296,2147483648],"data_offsets":[0,9223372036854775808]}})",
                          0);
    const auto hugeHead = parseHeader(huge.data(), huge.size());
    CHECK(!hugeHead.ok() && hugeHead.error().tensor == "w");
    auto largest = fileBytes(R"({"w":{"dtype":"U8","shape":[1099511627776],"data_offsets":[0,1099511627776]}})", 0);
    CHECK(parseHeader(largest.data(), largest.size()).ok()); // 1 TiB of data is fine
}

void testAccepts()
{
    // Padded header (spaces), metadata, zero-size tensor, keys in any order.
    const std::string json = R"({"b":{"dtype":"BF16","shape":[2,2],"data_offsets":[4,12]},)"
                             R"("__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                             R"("e":{"dtype":"I64","shape":[0,3],"data_offsets":[12,12]}}    )";
    const auto b = fileBytes(json, 12);
    const auto r = parseWhole(b);
    CHECK_MSG(r.ok(), r.ok() ? "" : r.error().toString());
    if (!r.ok())
        return;
    CHECK_EQ(r->tensors.size(), size_t(3));
    CHECK_EQ(r->tensors[0].name, std::string("a"));
    CHECK_EQ(r->tensors[1].name, std::string("b"));
    CHECK_EQ(r->metadata.at("format"), std::string("pt"));
    CHECK_EQ(r->dataSize, uint64_t(12));
    CHECK(r->find("b") && r->find("b")->dtype == DType::BF16);
    // Header-only parse (as the Hub preview does with a Range fetch): no file size known.
    const auto head = parseHeader(b.data(), 8 + json.size());
    CHECK(head.ok());
}

void testWriterAndReader(const fs::path &dir)
{
    std::vector<PlannedTensor> plan{
        {"z.weight", DType::BF16, {3, 5}},
        {"a.bias", DType::F32, {5}},
        {"m.count", DType::I64, {}},
        {"empty", DType::U8, {0}},
    };
    sortForSafetensors(plan);
    CHECK_EQ(plan[0].name, std::string("m.count")); // I64 ranks above F32 in safetensors' order
    CHECK_EQ(plan[1].name, std::string("a.bias"));
    const std::string path = (dir / "w.safetensors").string();
    auto w = SafetensorsWriter::create(path, plan);
    CHECK(w.ok());
    if (!w.ok())
        return;
    SafetensorsWriter &writer = **w;
    int64_t count = 42;
    CHECK(writer.write("m.count", &count, 8).ok());
    CHECK(!writer.write("z.weight", "xx", 2).ok()); // out of plan order
    std::vector<float> bias{1, 2, 3, 4, 5};
    CHECK(writer.write("a.bias", bias.data(), 8).ok()); // in two chunks
    CHECK(writer.write("a.bias", bias.data() + 2, 12).ok());
    std::vector<uint8_t> z(30);
    for (size_t i = 0; i < z.size(); ++i)
        z[i] = uint8_t(i);
    CHECK(!writer.finish().ok()); // z.weight missing
    CHECK(!writer.write("z.weight", z.data(), 31).ok()); // too many bytes
    CHECK(writer.write("z.weight", z.data(), 30).ok());
    CHECK(writer.finish().ok());
    CHECK_EQ(uint64_t(fs::file_size(path)), writer.fileSize());

    auto f = SafetensorsFile::open(path);
    CHECK_MSG(f.ok(), f.ok() ? "" : f.error().toString());
    if (!f.ok())
        return;
    const auto &h = (*f)->header();
    CHECK_EQ(h.metadata.at("format"), std::string("pt"));
    CHECK_EQ(h.headerLength % 8, uint64_t(0));
    const auto *zb = h.find("z.weight");
    CHECK(zb && std::memcmp((*f)->data(*zb), z.data(), 30) == 0);
    const auto *bb = h.find("a.bias");
    CHECK(bb && std::memcmp((*f)->data(*bb), bias.data(), 20) == 0);
    const auto *cb = h.find("m.count");
    CHECK(cb && cb->shape.empty() && cb->byteSize() == 8);
    (*f)->release(*zb);

    // A file with trailing garbage is refused on open, naming the file.
    {
        std::ofstream app(path, std::ios::app | std::ios::binary);
        app << "junk";
    }
    auto bad = SafetensorsFile::open(path);
    CHECK(!bad.ok() && bad.error().path == path);
    CHECK(!SafetensorsFile::open((dir / "missing.safetensors").string()).ok());
}

// Positional writes: out of order, from several threads, part copied from another file in the
// kernel; finish() refuses a file with a missing byte range; out-of-range writes are refused.
// In both write modes: Direct sends whole blocks with O_DIRECT (through the bounce buffer, or
// straight from a buffer placed at the file offset's address modulo 4 KB) and the partial blocks
// at both ends through the page cache; where the file system refuses O_DIRECT (or
// MISTUDIO_QUANT_DIRECT=0, the _buffered variant of this test) it writes everything through the
// page cache.
void testPositionalWriter(const fs::path &dir, WriteMode mode)
{
    std::printf("positional writer, %s mode in %s (direct I/O %s there)\n",
                mode == WriteMode::Direct ? "direct" : "buffered", dir.string().c_str(),
                SafetensorsWriter::directIoAvailable(dir.string()) ? "available" : "not available");
    // A source file to copy from: 3 MB + 5 bytes of a pattern, at an odd offset.
    const std::string srcPath = (dir / "src.bin").string();
    std::vector<uint8_t> pattern((3u << 20) + 5);
    for (size_t i = 0; i < pattern.size(); ++i)
        pattern[i] = uint8_t(i * 7 + 3);
    {
        std::ofstream o(srcPath, std::ios::binary);
        o << "xyz";
        o.write(reinterpret_cast<const char *>(pattern.data()), std::streamsize(pattern.size()));
    }
    const int srcFd = ::open(srcPath.c_str(), O_RDONLY);
    CHECK(srcFd >= 0);
    std::vector<PlannedTensor> plan{
        {"copied", DType::U8, {int64_t(pattern.size())}},
        {"big", DType::F32, {1024, 1024}},
        {"small", DType::F16, {3}},
        {"placed", DType::U8, {(1 << 20) + 4099}},
        {"state", DType::U8, {1}, 64},
    };
    const std::string path = (dir / "positional.safetensors").string();
    auto w = SafetensorsWriter::create(path, plan, {{"format", "pt"}}, mode);
    CHECK(w.ok());
    if (!w.ok())
        return;
    SafetensorsWriter &writer = **w;
    CHECK(writer.direct() == (mode == WriteMode::Direct && SafetensorsWriter::directIoAvailable(dir.string())));
    // 'placed' from a buffer at the same address modulo 4 KB as its place in the file
    const uint64_t placedAt = writer.fileOffset("placed");
    CHECK(placedAt != UINT64_MAX && writer.fileOffset("nope") == UINT64_MAX);
    std::vector<uint8_t> placedBuf((1 << 20) + 4099 + 4096);
    const size_t shift = size_t((placedAt - reinterpret_cast<uintptr_t>(placedBuf.data())) % 4096);
    uint8_t *placed = placedBuf.data() + shift;
    for (size_t i = 0; i < (1u << 20) + 4099; ++i)
        placed[i] = uint8_t(i * 13 + 1);
    CHECK(writer.writeAt("placed", 0, placed, (1u << 20) + 4099).ok());
    std::vector<float> big(1024 * 1024);
    for (size_t i = 0; i < big.size(); ++i)
        big[i] = float(i);
    const uint16_t small[3] = {1, 2, 3};
    CHECK(writer.writeAt("small", 0, small, 6).ok());
    CHECK(!writer.writeAt("small", 2, small, 6).ok()); // past the tensor's end
    CHECK(!writer.writeAt("nope", 0, small, 2).ok());
    CHECK(!writer.writeAt("state", 0, small, 2).ok()); // deferred tensors are not positional
    // 'big' in 8 pieces from 4 threads, last piece first
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int k = 7 - t; k >= 0; k -= 4) {
                const uint64_t off = uint64_t(k) * (big.size() / 8) * 4;
                CHECK(writer.writeAt("big", off, reinterpret_cast<const uint8_t *>(big.data()) + off, big.size() / 8 * 4).ok());
            }
        });
    for (auto &t : threads)
        t.join();
    CHECK(writer.writeDeferred("state", std::string("{\"a\": 1}")).ok());
    // The copy in two pieces; finish() refuses the file while the second is missing.
    const size_t half = pattern.size() / 2;
    CHECK(writer.copyFromFile("copied", 0, srcFd, 3, half).ok());
    const Status early = writer.finish();
    CHECK(!early.ok() && early.error().tensor == "copied");
    CHECK(!writer.copyFromFile("copied", half, srcFd, 3 + half, pattern.size()).ok()); // too long
    CHECK(writer.copyFromFile("copied", half, srcFd, 3 + half, pattern.size() - half).ok());
    CHECK(writer.finish().ok());
    ::close(srcFd);
    CHECK_EQ(uint64_t(fs::file_size(path)), writer.fileSize());

    auto f = SafetensorsFile::open(path);
    CHECK_MSG(f.ok(), f.ok() ? "" : f.error().toString());
    if (!f.ok())
        return;
    const auto &h = (*f)->header();
    const auto *c = h.find("copied");
    CHECK(c && c->byteSize() == pattern.size() && std::memcmp((*f)->data(*c), pattern.data(), pattern.size()) == 0);
    const auto *b = h.find("big");
    CHECK(b && std::memcmp((*f)->data(*b), big.data(), big.size() * 4) == 0);
    const auto *sm = h.find("small");
    CHECK(sm && std::memcmp((*f)->data(*sm), small, 6) == 0);
    const auto *pl = h.find("placed");
    CHECK(pl && std::memcmp((*f)->data(*pl), placed, (1u << 20) + 4099) == 0);
    const auto *st = h.find("state");
    CHECK(st && st->byteSize() == 8 && std::memcmp((*f)->data(*st), "{\"a\": 1}", 8) == 0);
}

void testIndex(const fs::path &dir)
{
    ShardIndex idx;
    idx.totalSize = 123;
    idx.weightMap["b.weight"] = "model-00002-of-00002.safetensors";
    idx.weightMap["a.weight"] = "model-00001-of-00002.safetensors";
    const std::string path = (dir / "model.safetensors.index.json").string();
    CHECK(writeShardIndex(path, idx).ok());
    const std::string expected = "{\n  \"metadata\": {\n    \"total_size\": 123\n  },\n  \"weight_map\": {\n"
                                 "    \"a.weight\": \"model-00001-of-00002.safetensors\",\n"
                                 "    \"b.weight\": \"model-00002-of-00002.safetensors\"\n  }\n}\n";
    CHECK_EQ(shardIndexJson(idx), expected);
    auto back = readShardIndex(path);
    CHECK(back.ok() && back->totalSize == 123 && back->weightMap == idx.weightMap);
    CHECK(back.ok() && back->shardFiles().size() == 2);
    {
        std::ofstream o(path, std::ios::trunc);
        o << R"({"weight_map":{"a":"../etc/passwd"}})";
    }
    auto evil = readShardIndex(path);
    CHECK(!evil.ok() && evil.error().code == QuantErrc::UnsafeCheckpoint && evil.error().tensor == "a");

    // total_size that is no uint64 is ignored (1e300 used to be converted to an integer: undefined
    // behaviour, found by fuzz_shard_index).
    for (const char *size : {"1.2e24", "-5", "12.5", "\"123\""}) {
        const auto odd = parseShardIndex(std::string(R"({"metadata": {"total_size": )") + size
                                         + R"(}, "weight_map": {"a": "model.safetensors"}})");
        CHECK(odd.ok() && odd->totalSize == 0 && odd->weightMap.size() == 1);
    }
    const auto big = parseShardIndex(R"({"metadata": {"total_size": 18446744073709551615}, "weight_map": {}})");
    CHECK(big.ok() && big->totalSize == UINT64_MAX);
}

} // namespace

int main()
{
    const fs::path dir = fs::temp_directory_path() / ("tst_quant_safetensors_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    testRejections();
    testAccepts();
    testWriterAndReader(dir);
    testPositionalWriter(dir, WriteMode::Buffered);
    testPositionalWriter(dir, WriteMode::Direct);
    // Another file system where there is one (tmpfs: O_DIRECT only since Linux 6.6, so either way).
    if (fs::is_directory("/dev/shm")) {
        const fs::path shm = fs::path("/dev/shm") / ("tst_quant_safetensors_" + std::to_string(::getpid()));
        std::error_code ec;
        if (fs::create_directories(shm, ec)) {
            testPositionalWriter(shm, WriteMode::Direct);
            fs::remove_all(shm, ec);
        }
    }
    testIndex(dir);
    quanttest::checkDirectFaultsInjected(SafetensorsWriter::directIoAvailable(dir.string()));
    fs::remove_all(dir);
    return quanttest::finish("tst_quant_safetensors");
}
