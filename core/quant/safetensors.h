#pragma once

#include "quant/dtype.h"
#include "quant/quanterror.h"

#include <cstdint>
#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mistudio::quant {

// The safetensors format: 8-byte little-endian header length N, N bytes of UTF-8 JSON
// ({"name": {"dtype", "shape", "data_offsets": [begin, end]}, ..., "__metadata__": {str: str}}),
// then the data. Offsets are relative to the start of the data.

// Same bound as the reference implementation (safetensors' MAX_HEADER_SIZE).
inline constexpr uint64_t kMaxHeaderLength = 100'000'000;

struct TensorEntry
{
    std::string name;
    DType dtype = DType::F32;
    std::vector<int64_t> shape;
    uint64_t begin = 0; // relative to the start of the data section
    uint64_t end = 0;

    uint64_t numel() const;
    uint64_t byteSize() const { return end - begin; }
};

struct SafetensorsHeader
{
    uint64_t headerLength = 0;               // N, the JSON's length in bytes (padding included)
    std::vector<TensorEntry> tensors;        // sorted by offset
    std::map<std::string, std::string> metadata; // "__metadata__"
    uint64_t dataSize = 0;                   // bytes of tensor data (end of the last tensor)

    uint64_t dataOffset() const { return 8 + headerLength; }
    const TensorEntry *find(std::string_view name) const;
};

// Validates the 8-byte prefix: N <= kMaxHeaderLength and, when the file size is known,
// 8 + N <= fileSize. The hub's preview uses it to learn how many bytes to fetch.
Result<uint64_t> readHeaderLength(const uint8_t *prefix, size_t size,
                                  std::optional<uint64_t> fileSize = std::nullopt);

// Strict parse of the JSON header bytes alone (without the prefix). Checks: valid UTF-8, a JSON
// object without duplicate keys, known dtypes, non-negative shapes whose element count times the
// dtype size equals the byte range, ranges sorted, contiguous from 0 and non-overlapping, and when
// fileSize is given, the data ending exactly at the end of the file (inside it, no trailing
// garbage). Every violation is an InvalidCheckpoint (UnsupportedCheckpoint for an unknown dtype)
// whose `tensor` names the offending entry.
Result<SafetensorsHeader> parseHeaderJson(const uint8_t *json, size_t size,
                                          std::optional<uint64_t> fileSize = std::nullopt);

// Parse from a buffer that starts at the file's first byte and holds at least 8 + N bytes
// (a Range fetch of the head of the file, or a whole file in memory).
Result<SafetensorsHeader> parseHeader(const uint8_t *bytes, size_t size,
                                      std::optional<uint64_t> fileSize = std::nullopt);

// Read-only memory-mapped safetensors file, validated on open.
class SafetensorsFile final
{
public:
    static Result<std::unique_ptr<SafetensorsFile>> open(const std::string &path);
    ~SafetensorsFile();
    SafetensorsFile(const SafetensorsFile &) = delete;
    SafetensorsFile &operator=(const SafetensorsFile &) = delete;

    const SafetensorsHeader &header() const { return m_header; }
    const std::string &path() const { return m_path; }
    uint64_t fileSize() const { return m_size; }
    const uint8_t *data(const TensorEntry &entry) const;
    // Drops the pages of a tensor that has been consumed, so that resident memory does not
    // grow with the file size while streaming.
    void release(const TensorEntry &entry) const;
    // Maps a tensor's pages ahead of use (MADV_POPULATE_READ, else MADV_WILLNEED), so that the
    // compute threads do not stall on page faults; run it on another thread to overlap.
    void prefetch(const TensorEntry &entry) const;
    // The open file (read-only) and where a tensor's bytes are in it, for in-kernel copies.
    int fd() const { return m_fd; }
    uint64_t fileOffset(const TensorEntry &entry) const;

private:
    SafetensorsFile() = default;
    std::string m_path;
    SafetensorsHeader m_header;
    const uint8_t *m_map = nullptr;
    uint64_t m_size = 0;
    int m_fd = -1;
};

// A tensor the writer will write: its bytes are given later, in order.
struct PlannedTensor
{
    std::string name;
    DType dtype = DType::F32;
    std::vector<int64_t> shape;
    // > 0: a 1-D U8 tensor whose length is only known later (bnb's quant_state JSON), at most
    // this many bytes. Such tensors go after all others; the header is written with room for
    // their largest size and rewritten, space-padded to the same length, by finish().
    uint64_t deferredMaxBytes = 0;

    uint64_t byteSize() const;
};

// Sorts like safetensors' own serializer: larger dtypes first (its Dtype enum, descending),
// then by name. transformers' files come out in this order.
void sortForSafetensors(std::vector<PlannedTensor> &tensors);

// Streaming writer: the header is computed from the planned tensors, so every tensor's place in the
// file is known from the start. Bytes arrive either in plan order through write() (in as many
// chunks as the caller likes; nothing larger than a write buffer is held), or at their place through
// writeAt()/copyFromFile(), which may be called from several threads at once and in any order
// (not concurrently with write() or finish()). finish() checks that every byte was written.
class SafetensorsWriter final
{
public:
    static Result<std::unique_ptr<SafetensorsWriter>> create(
        const std::string &path, std::vector<PlannedTensor> tensors,
        const std::map<std::string, std::string> &metadata = {{"format", "pt"}});
    ~SafetensorsWriter();
    SafetensorsWriter(const SafetensorsWriter &) = delete;
    SafetensorsWriter &operator=(const SafetensorsWriter &) = delete;

    // Appends bytes of tensor `name`, which must be the current one in plan order.
    Status write(std::string_view name, const void *data, size_t size);
    // Writes bytes [offsetInTensor, +size) of a planned (not deferred) tensor. Thread-safe.
    Status writeAt(std::string_view name, uint64_t offsetInTensor, const void *data, size_t size);
    // The same bytes taken from another file (copy_file_range; pread/pwrite where unsupported).
    Status copyFromFile(std::string_view name, uint64_t offsetInTensor, int srcFd, uint64_t srcOffset, size_t size);
    // Gives the whole content of a deferred tensor (any time before finish()).
    Status writeDeferred(std::string_view name, std::string bytes);
    // Checks that every tensor was written completely, flushes, fsyncs and closes.
    Status finish();

    const std::vector<PlannedTensor> &tensors() const { return m_tensors; }
    uint64_t fileSize() const { return m_fileSize; }

    // The header JSON (space-padded to a multiple of 8) and the resulting file size.
    static std::string headerJson(const std::vector<PlannedTensor> &tensors,
                                  const std::map<std::string, std::string> &metadata);
    static uint64_t computeFileSize(const std::vector<PlannedTensor> &tensors,
                                    const std::map<std::string, std::string> &metadata);

private:
    SafetensorsWriter() = default;
    Status flushBuffer();
    Status writeAllAt(const uint8_t *data, size_t size, uint64_t offset);
    void wroteBytes(uint64_t n);
    Status ioError(const char *what) const;
    Result<size_t> checkRange(std::string_view name, uint64_t offsetInTensor, uint64_t size) const;

    std::string m_path;
    std::vector<PlannedTensor> m_tensors; // fixed ones first, then deferred ones
    std::vector<uint64_t> m_offsets;      // file offset of each tensor's data
    std::map<std::string, size_t> m_index;
    std::unique_ptr<std::atomic<uint64_t>[]> m_written; // bytes written per tensor
    std::atomic<uint64_t> m_bytesSinceWriteback{0};
    std::map<std::string, std::string> m_metadata;
    std::map<std::string, std::string> m_deferred;
    size_t m_fixedCount = 0;
    uint64_t m_reservedHeader = 0;
    size_t m_current = 0;
    uint64_t m_writtenInCurrent = 0;
    uint64_t m_appendOffset = 0; // where the buffer's first byte goes
    uint64_t m_fileSize = 0;
    int m_fd = -1;
    std::vector<uint8_t> m_buffer;
    bool m_finished = false;
};

// model.safetensors.index.json
struct ShardIndex
{
    uint64_t totalSize = 0;                       // metadata.total_size
    std::map<std::string, std::string> weightMap; // tensor -> shard file name

    std::vector<std::string> shardFiles() const; // distinct, sorted
};

Result<ShardIndex> readShardIndex(const std::string &path);
// Written like transformers: json.dumps(index, indent=2, sort_keys=True) + "\n".
Status writeShardIndex(const std::string &path, const ShardIndex &index);
std::string shardIndexJson(const ShardIndex &index);

} // namespace mistudio::quant
