#pragma once

#include "quant/dtype.h"
#include "quant/quanterror.h"
#include "safefs/guardedroot.h"

#include <cstdint>
#include <atomic>
#include <functional>
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

// The largest header accepted: huggingface_hub's SAFETENSORS_MAX_HEADER_LENGTH (25 MB; the
// safetensors library itself allows 100 MB). The Hub preview uses the same value
// (core/hub/safetensorsheader.h), so a checkpoint it previews is one the quantizer reads. Real
// headers are far smaller: tens of kB per shard.
inline constexpr uint64_t kMaxHeaderLength = 25'000'000;

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
// dtype size equals the byte range, ranges sorted, contiguous from 0 and non-overlapping, a file no
// larger than INT64_MAX bytes, and when fileSize is given, the data ending exactly at the end of
// the file (inside it, no trailing garbage). Every violation is an InvalidCheckpoint (UnsupportedCheckpoint for an unknown dtype)
// whose `tensor` names the offending entry.
Result<SafetensorsHeader> parseHeaderJson(const uint8_t *json, size_t size,
                                          std::optional<uint64_t> fileSize = std::nullopt);

// Parse from a buffer that starts at the file's first byte and holds at least 8 + N bytes
// (a Range fetch of the head of the file, or a whole file in memory).
Result<SafetensorsHeader> parseHeader(const uint8_t *bytes, size_t size,
                                      std::optional<uint64_t> fileSize = std::nullopt);

// n bytes of fd at `offset` (pread, retried after interruptions and short reads). Returns how many
// were read: n, or fewer at the end of the file (errno 0) or on an error (errno set).
size_t preadFully(int fd, void *buf, size_t n, uint64_t offset);

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

// How a SafetensorsWriter puts bytes on disk.
enum class WriteMode {
    // Through the page cache (write/pwrite, in-kernel copies): the file stays cached for a reader
    // that follows (the converter's output, generated fixtures).
    Buffered,
    // O_DIRECT for every whole 4 KB block of a positional write or copy, the page cache only for
    // the partial blocks at either end and the header. The file is preallocated (no room is found
    // at create(), not after minutes of work), which also lets ext4 take several direct writes at
    // once. Falls back to Buffered where the file system refuses O_DIRECT.
    // MISTUDIO_QUANT_DIRECT=0 in the environment turns it into Buffered.
    Direct,
};

// Streaming writer: the header is computed from the planned tensors, so every tensor's place in the
// file is known from the start. Bytes arrive either in plan order through write() (in as many
// chunks as the caller likes; nothing larger than a write buffer is held), or at their place through
// writeAt()/copyFromFile(), which may be called from several threads at once and in any order
// (not concurrently with write() or finish()). finish() checks that every byte was written.
class SafetensorsWriter final
{
public:
    // Creates `name` in `dir` through the guarded root (never through a link, nor outside it).
    static Result<std::unique_ptr<SafetensorsWriter>> create(
        const safefs::GuardedRoot &dir, const std::string &name, std::vector<PlannedTensor> tensors,
        const std::map<std::string, std::string> &metadata = {{"format", "pt"}}, WriteMode mode = WriteMode::Buffered);
    // The same with the file's folder as the root.
    static Result<std::unique_ptr<SafetensorsWriter>> create(
        const std::string &path, std::vector<PlannedTensor> tensors,
        const std::map<std::string, std::string> &metadata = {{"format", "pt"}}, WriteMode mode = WriteMode::Buffered);
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
    // Where tensor `name`'s data starts in the file (UINT64_MAX if it is not planned here). A
    // caller whose buffer has the same address modulo 4096 as its place in the file is written
    // from that buffer directly in Direct mode, without a copy.
    uint64_t fileOffset(std::string_view name) const;
    // Whether whole blocks currently go to the disk directly (Direct mode, and the file system
    // took it).
    bool direct() const { return m_directFd >= 0 && m_directOk.load(std::memory_order_relaxed); }
    // The directory's file system takes O_DIRECT writes (a probe file is created and removed).
    static bool directIoAvailable(const safefs::GuardedRoot &dir);
    static bool directIoAvailable(const std::string &dir);

    // The header JSON (space-padded to a multiple of 8) and the resulting file size.
    static std::string headerJson(const std::vector<PlannedTensor> &tensors,
                                  const std::map<std::string, std::string> &metadata);
    static uint64_t computeFileSize(const std::vector<PlannedTensor> &tensors,
                                    const std::map<std::string, std::string> &metadata);

private:
    SafetensorsWriter() = default;
    Status flushBuffer();
    Status writeAllAt(const uint8_t *data, size_t size, uint64_t offset);
    Status writeBufferedAt(const uint8_t *data, size_t size, uint64_t offset);
    Status copyBuffered(std::string_view name, int srcFd, uint64_t srcOffset, uint64_t dst, size_t size);
    // Exactly n bytes of the source file at srcOffset (pread; an early end is an error).
    Status readSource(std::string_view name, int srcFd, uint64_t srcOffset, uint8_t *to, size_t n) const;
    // fill(dst, fileOffset, n): puts the n bytes that belong at fileOffset into dst.
    using DirectFill = std::function<Status(uint8_t *, uint64_t, size_t)>;
    // Whole aligned blocks [offset, +size) with O_DIRECT: straight from `src` when it is aligned,
    // otherwise through a bounce buffer that `fill` fills. Returns how many bytes went out
    // directly (less than size only if the file system refused O_DIRECT).
    Result<uint64_t> writeDirect(uint64_t offset, uint64_t size, const uint8_t *src, const DirectFill &fill);
    // Bytes [dst, dst + size) of the file: the whole blocks in Direct mode (src: the bytes for
    // dst, or null to use fill), the partial blocks at both ends, what could not go directly and
    // everything in Buffered mode through buffered(fileOffset, n).
    Status writeSplit(uint64_t dst, size_t size, const uint8_t *src, const DirectFill &fill,
                      const std::function<Status(uint64_t, size_t)> &buffered);
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
    int m_directFd = -1;                // O_DIRECT descriptor of the same file (Direct mode)
    std::atomic<bool> m_directOk{false}; // cleared if the file system refuses a direct write
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

// Every weight_map file must be one safe name in the index's folder (safefs/pathrules.h:
// componentProblem), else UnsafeCheckpoint naming the tensor.
Result<ShardIndex> readShardIndex(const std::string &path);
// The same checks on the file's bytes; `path` only names the file in errors.
Result<ShardIndex> parseShardIndex(std::string_view json, const std::string &path = {});
// Written like transformers: json.dumps(index, indent=2, sort_keys=True) + "\n", through the
// guarded root (the path form: the file's folder as the root).
Status writeShardIndex(const safefs::GuardedRoot &dir, const std::string &name, const ShardIndex &index);
Status writeShardIndex(const std::string &path, const ShardIndex &index);
// `text` as the whole new content of `name` in `dir` (created or truncated, never through a link);
// no room is DiskFull.
Status writeTextFile(const safefs::GuardedRoot &dir, const std::string &name, const std::string &text);
// QuantError for a safefs error (safefs::kUnsafePath → UnsafePath, no room → DiskFull, else IoError).
QuantError fileSystemError(int err, const std::string &what, const std::string &path);
std::string shardIndexJson(const ShardIndex &index);

} // namespace mistudio::quant
