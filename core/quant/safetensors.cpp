#include "quant/safetensors.h"

#include "quant/hugepages.h"
#include "safefs/pathrules.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mistudio::quant {

namespace {

QuantError invalid(std::string message, std::string tensor = {})
{
    return makeError(QuantErrc::InvalidCheckpoint, std::move(message), std::move(tensor));
}

bool mulOverflow(uint64_t a, uint64_t b, uint64_t *out)
{
    return __builtin_mul_overflow(a, b, out);
}

// Strict UTF-8 (no overlongs, no surrogates, <= U+10FFFF). Returns the offset of the first bad
// byte, or size when the buffer is valid.
size_t firstInvalidUtf8(const uint8_t *s, size_t size)
{
    size_t i = 0;
    while (i < size) {
        const uint8_t c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        size_t len = 0;
        uint32_t cp = 0;
        if ((c & 0xe0) == 0xc0) { len = 2; cp = c & 0x1f; }
        else if ((c & 0xf0) == 0xe0) { len = 3; cp = c & 0x0f; }
        else if ((c & 0xf8) == 0xf0) { len = 4; cp = c & 0x07; }
        else return i;
        if (i + len > size)
            return i;
        for (size_t k = 1; k < len; ++k) {
            if ((s[i + k] & 0xc0) != 0x80)
                return i;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)
            || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return i;
        i += len;
    }
    return size;
}

uint64_t numelOf(const std::vector<int64_t> &shape, bool *overflow)
{
    uint64_t n = 1;
    *overflow = false;
    for (int64_t d : shape)
        if (mulOverflow(n, uint64_t(d), &n))
            *overflow = true;
    return n;
}

} // namespace

uint64_t TensorEntry::numel() const
{
    bool overflow = false;
    return numelOf(shape, &overflow);
}

const TensorEntry *SafetensorsHeader::find(std::string_view name) const
{
    for (const auto &t : tensors)
        if (t.name == name)
            return &t;
    return nullptr;
}

Result<uint64_t> readHeaderLength(const uint8_t *prefix, size_t size, std::optional<uint64_t> fileSize)
{
    if (size < 8 || (fileSize && *fileSize < 8))
        return invalid("file is shorter than the 8-byte header length");
    uint64_t n = 0;
    for (int i = 7; i >= 0; --i)
        n = (n << 8) | prefix[i];
    if (n > kMaxHeaderLength)
        return invalid("header length " + std::to_string(n) + " exceeds the limit of "
                       + std::to_string(kMaxHeaderLength) + " bytes");
    if (n < 2)
        return invalid("header length " + std::to_string(n) + " is too small for a JSON object");
    if (fileSize && n > *fileSize - 8)
        return invalid("header length " + std::to_string(n) + " runs past the end of the "
                       + std::to_string(*fileSize) + "-byte file");
    return n;
}

Result<SafetensorsHeader> parseHeaderJson(const uint8_t *bytes, size_t size, std::optional<uint64_t> fileSize)
{
    using nlohmann::json;
    const size_t bad = firstInvalidUtf8(bytes, size);
    if (bad != size)
        return invalid("header is not valid UTF-8 (byte " + std::to_string(bad) + ")");

    // Detect duplicate top-level keys, which nlohmann would silently collapse.
    std::set<std::string> seen;
    std::string duplicate;
    json::parser_callback_t cb = [&](int depth, json::parse_event_t event, json &parsed) {
        if (event == json::parse_event_t::key && depth == 1) {
            const auto key = parsed.get<std::string>();
            if (!seen.insert(key).second && duplicate.empty())
                duplicate = key;
        }
        return true;
    };
    const json doc = json::parse(bytes, bytes + size, cb, /*allow_exceptions=*/false);
    if (doc.is_discarded())
        return invalid("header is not valid JSON");
    if (!doc.is_object())
        return invalid("header is not a JSON object");
    if (!duplicate.empty())
        return invalid("duplicate entry in header", duplicate);

    SafetensorsHeader h;
    h.headerLength = size;
    for (auto it = doc.begin(); it != doc.end(); ++it) {
        const std::string &name = it.key();
        const json &v = it.value();
        if (name == "__metadata__") {
            if (!v.is_object())
                return invalid("__metadata__ is not an object", name);
            for (auto m = v.begin(); m != v.end(); ++m) {
                if (!m.value().is_string())
                    return invalid("__metadata__ value of \"" + m.key() + "\" is not a string", name);
                h.metadata[m.key()] = m.value().get<std::string>();
            }
            continue;
        }
        if (!v.is_object())
            return invalid("entry is not an object", name);
        for (auto f = v.begin(); f != v.end(); ++f)
            if (f.key() != "dtype" && f.key() != "shape" && f.key() != "data_offsets")
                return invalid("unknown field \"" + f.key() + "\"", name);
        if (!v.contains("dtype") || !v["dtype"].is_string())
            return invalid("missing or non-string dtype", name);
        const auto dtype = dtypeFromName(v["dtype"].get<std::string>());
        if (!dtype)
            return makeError(QuantErrc::UnsupportedCheckpoint,
                             "unknown dtype \"" + v["dtype"].get<std::string>() + "\"", name);
        TensorEntry e;
        e.name = name;
        e.dtype = *dtype;
        if (!v.contains("shape") || !v["shape"].is_array())
            return invalid("missing or non-array shape", name);
        for (const auto &d : v["shape"]) {
            if (!d.is_number_integer() || (d.is_number_integer() && !d.is_number_unsigned() && d.get<int64_t>() < 0))
                return invalid("shape holds something other than a non-negative integer", name);
            const uint64_t u = d.get<uint64_t>();
            if (u > uint64_t(INT64_MAX))
                return invalid("shape dimension too large", name);
            e.shape.push_back(int64_t(u));
        }
        if (!v.contains("data_offsets") || !v["data_offsets"].is_array() || v["data_offsets"].size() != 2
            || !v["data_offsets"][0].is_number_unsigned() || !v["data_offsets"][1].is_number_unsigned())
            return invalid("data_offsets is not a pair of non-negative integers", name);
        e.begin = v["data_offsets"][0].get<uint64_t>();
        e.end = v["data_offsets"][1].get<uint64_t>();
        if (e.end < e.begin)
            return invalid("data_offsets end before they begin", name);
        bool overflow = false;
        const uint64_t n = numelOf(e.shape, &overflow);
        uint64_t nbytes = 0;
        if (overflow || mulOverflow(n, dtypeSize(e.dtype), &nbytes))
            return invalid("shape is too large", name);
        if (nbytes != e.end - e.begin)
            return invalid("shape " + nlohmann::json(e.shape).dump() + " x " + std::string(dtypeName(e.dtype))
                               + " needs " + std::to_string(nbytes) + " bytes but data_offsets span "
                               + std::to_string(e.end - e.begin),
                           name);
        h.tensors.push_back(std::move(e));
    }
    std::stable_sort(h.tensors.begin(), h.tensors.end(), [](const TensorEntry &a, const TensorEntry &b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    uint64_t expected = 0;
    for (const auto &t : h.tensors) {
        if (t.begin < expected)
            return invalid("data range overlaps the previous tensor's", t.name);
        if (t.begin > expected)
            return invalid("gap of " + std::to_string(t.begin - expected) + " bytes before this tensor's data",
                           t.name);
        expected = t.end;
    }
    h.dataSize = expected;
    // No file is larger than INT64_MAX bytes (off_t): data that would end past that describes no
    // file, even where the file size is not known (the preview), and would turn negative in a
    // signed byte count.
    if (h.dataSize > uint64_t(INT64_MAX) - 8 - size)
        return invalid("data section of " + std::to_string(h.dataSize) + " bytes is larger than any file",
                       h.tensors.empty() ? std::string() : h.tensors.back().name);
    if (fileSize) {
        const uint64_t available = *fileSize - 8 - size;
        if (*fileSize < 8 + size)
            return invalid("header runs past the end of the file");
        if (h.dataSize > available)
            return invalid("data runs past the end of the file",
                           h.tensors.empty() ? std::string() : h.tensors.back().name);
        if (h.dataSize < available)
            return invalid(std::to_string(available - h.dataSize) + " bytes of trailing data after the last tensor",
                           h.tensors.empty() ? std::string() : h.tensors.back().name);
    }
    return h;
}

Result<SafetensorsHeader> parseHeader(const uint8_t *bytes, size_t size, std::optional<uint64_t> fileSize)
{
    auto n = readHeaderLength(bytes, size, fileSize);
    if (!n)
        return n.error();
    if (size - 8 < *n)
        return invalid("buffer holds " + std::to_string(size - 8) + " header bytes, the header needs "
                       + std::to_string(*n));
    return parseHeaderJson(bytes + 8, size_t(*n), fileSize);
}

// ---- SafetensorsFile ----

Result<std::unique_ptr<SafetensorsFile>> SafetensorsFile::open(const std::string &path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return makeError(QuantErrc::IoError, std::string("cannot open: ") + std::strerror(errno), {}, path);
    struct stat st{};
    if (::fstat(fd, &st) != 0) {
        ::close(fd);
        return makeError(QuantErrc::IoError, std::string("cannot stat: ") + std::strerror(errno), {}, path);
    }
    const uint64_t size = uint64_t(st.st_size);
    if (size < 8) {
        ::close(fd);
        auto e = invalid("file is shorter than the 8-byte header length");
        e.path = path;
        return e;
    }
    void *map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) {
        const int e = errno;
        ::close(fd);
        return makeError(QuantErrc::IoError, std::string("cannot map: ") + std::strerror(e), {}, path);
    }
    ::madvise(map, size, MADV_SEQUENTIAL);
    std::unique_ptr<SafetensorsFile> f(new SafetensorsFile());
    f->m_fd = fd;
    f->m_path = path;
    f->m_map = static_cast<const uint8_t *>(map);
    f->m_size = size;
    auto h = parseHeader(f->m_map, size_t(std::min<uint64_t>(size, 8 + kMaxHeaderLength)), size);
    if (!h) {
        auto e = h.error();
        e.path = path;
        return e;
    }
    f->m_header = std::move(*h);
    return f;
}

SafetensorsFile::~SafetensorsFile()
{
    if (m_map)
        ::munmap(const_cast<uint8_t *>(m_map), m_size);
    if (m_fd >= 0)
        ::close(m_fd);
}

size_t preadFully(int fd, void *buf, size_t n, uint64_t offset)
{
    size_t got = 0;
    while (got < n) {
        const ssize_t r = ::pread(fd, static_cast<uint8_t *>(buf) + got, n - got, off_t(offset + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            if (r == 0)
                errno = 0;
            break;
        }
        got += size_t(r);
    }
    return got;
}

uint64_t SafetensorsFile::fileOffset(const TensorEntry &entry) const
{
    return m_header.dataOffset() + entry.begin;
}

const uint8_t *SafetensorsFile::data(const TensorEntry &entry) const
{
    return m_map + m_header.dataOffset() + entry.begin;
}

void SafetensorsFile::release(const TensorEntry &entry) const
{
    const uint64_t page = uint64_t(::sysconf(_SC_PAGESIZE));
    uint64_t from = m_header.dataOffset() + entry.begin;
    uint64_t to = m_header.dataOffset() + entry.end;
    from = (from + page - 1) / page * page; // whole pages only: neighbours may still be in use
    to = to / page * page;
    if (to > from)
        ::madvise(const_cast<uint8_t *>(m_map) + from, to - from, MADV_DONTNEED);
}

// ---- writer ----

uint64_t PlannedTensor::byteSize() const
{
    if (deferredMaxBytes > 0)
        return deferredMaxBytes;
    uint64_t n = 1;
    for (int64_t d : shape)
        n *= uint64_t(d);
    return n * dtypeSize(dtype);
}

void sortForSafetensors(std::vector<PlannedTensor> &tensors)
{
    std::stable_sort(tensors.begin(), tensors.end(), [](const PlannedTensor &a, const PlannedTensor &b) {
        const int ra = dtypeSortRank(a.dtype), rb = dtypeSortRank(b.dtype);
        return ra != rb ? ra > rb : a.name < b.name;
    });
}

std::string SafetensorsWriter::headerJson(const std::vector<PlannedTensor> &tensors,
                                          const std::map<std::string, std::string> &metadata)
{
    // Built by hand: nlohmann sorts object keys, but the header lists tensors in data order.
    std::string s = "{";
    bool first = true;
    if (!metadata.empty()) {
        s += "\"__metadata__\":" + nlohmann::json(metadata).dump(-1, ' ', true);
        first = false;
    }
    uint64_t offset = 0;
    for (const auto &t : tensors) {
        if (!first)
            s += ',';
        first = false;
        const uint64_t end = offset + t.byteSize();
        s += nlohmann::json(t.name).dump(-1, ' ', true);
        s += ":{\"dtype\":\"" + std::string(dtypeName(t.dtype)) + "\",\"shape\":" + nlohmann::json(t.shape).dump()
             + ",\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(end) + "]}";
        offset = end;
    }
    s += '}';
    s.append((8 - s.size() % 8) % 8, ' ');
    return s;
}

uint64_t SafetensorsWriter::computeFileSize(const std::vector<PlannedTensor> &tensors,
                                            const std::map<std::string, std::string> &metadata)
{
    uint64_t total = 8 + headerJson(tensors, metadata).size();
    for (const auto &t : tensors)
        total += t.byteSize();
    return total;
}

namespace {

constexpr uint64_t kDirectAlign = 4096;        // file offsets, lengths and addresses of direct writes
constexpr uint64_t kMinDirect = 64u << 10;     // smaller pieces go through the page cache
constexpr size_t kBounceBytes = 4u << 20;      // one per writing thread

bool directAllowed()
{
    static const bool allowed = [] {
        const char *e = std::getenv("MISTUDIO_QUANT_DIRECT");
        return !(e && std::string_view(e) == "0");
    }();
    return allowed;
}

// This thread's aligned bounce buffer (null if it cannot be had: the caller writes buffered), on
// huge pages (see hugepages.h).
uint8_t *bounceBuffer()
{
    struct Free
    {
        void operator()(uint8_t *p) const { std::free(p); }
    };
    thread_local std::unique_ptr<uint8_t, Free> buffer([] {
        auto *p = static_cast<uint8_t *>(std::aligned_alloc(kHugePage, kBounceBytes));
        if (p)
            adviseHugePages(p, kBounceBytes);
        return p;
    }());
    return buffer.get();
}

uint64_t alignUp(uint64_t v) { return (v + kDirectAlign - 1) / kDirectAlign * kDirectAlign; }
uint64_t alignDown(uint64_t v) { return v / kDirectAlign * kDirectAlign; }

bool isNoRoomErrno(int e) { return e == ENOSPC || e == EDQUOT || e == EFBIG; }

} // namespace

bool SafetensorsWriter::directIoAvailable(const std::string &dir)
{
    return directIoAvailable(safefs::GuardedRoot(dir));
}

bool SafetensorsWriter::directIoAvailable(const safefs::GuardedRoot &dir)
{
#ifdef O_DIRECT
    if (!directAllowed())
        return false;
    const std::string probe = ".direct-io-probe-" + std::to_string(::getpid());
    const safefs::Opened f = dir.open(probe, O_WRONLY | O_CREAT | O_TRUNC | O_DIRECT, 0600);
    if (!f.ok())
        return false;
    ::close(f.fd);
    dir.remove(probe);
    return true;
#else
    (void)dir;
    return false;
#endif
}

QuantError fileSystemError(int err, const std::string &what, const std::string &path)
{
    if (err == safefs::kUnsafePath)
        return makeError(QuantErrc::UnsafePath, what + " refused: the name " + safefs::describeError(err), {}, path);
    return makeError(isNoRoomErrno(err) ? QuantErrc::DiskFull : QuantErrc::IoError,
                     what + " failed: " + std::strerror(err), {}, path);
}

Status writeTextFile(const safefs::GuardedRoot &dir, const std::string &name, const std::string &text)
{
    const std::string path = dir.pathOf(name);
    const safefs::Opened f = dir.open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (!f.ok())
        return fileSystemError(f.error, "creating", path);
    size_t done = 0;
    int err = 0;
    while (done < text.size()) {
        const ssize_t r = ::write(f.fd, text.data() + done, text.size() - done);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            err = errno;
            break;
        }
        done += size_t(r);
    }
    if (::close(f.fd) != 0 && err == 0)
        err = errno;
    if (err != 0)
        return fileSystemError(err, "writing", path);
    return {};
}

uint64_t SafetensorsWriter::fileOffset(std::string_view name) const
{
    const auto it = m_index.find(std::string(name));
    return it == m_index.end() ? UINT64_MAX : m_offsets[it->second];
}

Result<std::unique_ptr<SafetensorsWriter>> SafetensorsWriter::create(
    const std::string &path, std::vector<PlannedTensor> tensors, const std::map<std::string, std::string> &metadata,
    WriteMode mode)
{
    const size_t slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? std::string(".") : slash == 0 ? std::string("/") : path.substr(0, slash);
    return create(safefs::GuardedRoot(dir), slash == std::string::npos ? path : path.substr(slash + 1), std::move(tensors),
                  metadata, mode);
}

Result<std::unique_ptr<SafetensorsWriter>> SafetensorsWriter::create(
    const safefs::GuardedRoot &dir, const std::string &name, std::vector<PlannedTensor> tensors,
    const std::map<std::string, std::string> &metadata, WriteMode mode)
{
    const std::string path = dir.pathOf(name);
    std::set<std::string> names;
    for (const auto &t : tensors) {
        if (!names.insert(t.name).second)
            return makeError(QuantErrc::InvalidInput, "tensor planned twice", t.name, path);
        if (t.deferredMaxBytes > 0 && (t.dtype != DType::U8 || t.shape.size() != 1))
            return makeError(QuantErrc::InvalidInput, "only 1-D U8 tensors can be deferred", t.name, path);
    }
    // Deferred tensors go last (stable, so the caller's order is kept otherwise).
    std::stable_partition(tensors.begin(), tensors.end(), [](const PlannedTensor &t) { return t.deferredMaxBytes == 0; });
    const std::string header = headerJson(tensors, metadata);
    const safefs::Opened opened = dir.open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (!opened.ok())
        return fileSystemError(opened.error, "creating", path);
    const int fd = opened.fd;
    std::unique_ptr<SafetensorsWriter> w(new SafetensorsWriter());
    w->m_path = path;
    w->m_fd = fd;
    w->m_fileSize = computeFileSize(tensors, metadata);
    w->m_metadata = metadata;
    w->m_reservedHeader = header.size();
    w->m_fixedCount = size_t(std::count_if(tensors.begin(), tensors.end(),
                                           [](const PlannedTensor &t) { return t.deferredMaxBytes == 0; }));
    w->m_tensors = std::move(tensors);
    w->m_written.reset(new std::atomic<uint64_t>[w->m_tensors.size()]);
    w->m_offsets.resize(w->m_tensors.size());
    uint64_t offset = 8 + header.size();
    for (size_t i = 0; i < w->m_tensors.size(); ++i) {
        w->m_written[i] = 0;
        w->m_offsets[i] = offset;
        w->m_index[w->m_tensors[i].name] = i;
        offset += w->m_tensors[i].byteSize();
    }
#if defined(O_DIRECT) && defined(__linux__)
    if (mode == WriteMode::Direct && directAllowed() && w->m_fileSize > 0) {
        // Preallocated: no room shows now, and ext4 lets direct writes into allocated blocks run
        // side by side (into holes it takes them one at a time).
        if (::fallocate(fd, 0, 0, off_t(w->m_fileSize)) != 0) {
            const int e = errno;
            if (isNoRoomErrno(e)) {
                w.reset();
                dir.remove(name);
                return makeError(QuantErrc::DiskFull, std::string("no room for the output: ") + std::strerror(e), {},
                                 path);
            }
            // not supported here: direct writes still work, one at a time
        }
        w->m_directFd = dir.open(name, O_WRONLY | O_DIRECT).fd;
        w->m_directOk = w->m_directFd >= 0;
    }
#else
    (void)mode;
#endif
    w->m_buffer.reserve(8u << 20);
    uint64_t n = header.size();
    for (int i = 0; i < 8; ++i)
        w->m_buffer.push_back(uint8_t(n >> (8 * i)));
    w->m_buffer.insert(w->m_buffer.end(), header.begin(), header.end());
    // Skip tensors with no bytes so that the "current" one is always writable.
    while (w->m_current < w->m_fixedCount && w->m_tensors[w->m_current].byteSize() == 0)
        ++w->m_current;
    return w;
}

Status SafetensorsWriter::writeDeferred(std::string_view name, std::string bytes)
{
    for (size_t i = m_fixedCount; i < m_tensors.size(); ++i) {
        if (m_tensors[i].name != name)
            continue;
        if (bytes.size() > m_tensors[i].deferredMaxBytes || bytes.empty())
            return makeError(QuantErrc::Internal, "deferred tensor larger than planned", std::string(name), m_path);
        m_deferred[std::string(name)] = std::move(bytes);
        return {};
    }
    return makeError(QuantErrc::Internal, "not a deferred tensor of this file", std::string(name), m_path);
}

SafetensorsWriter::~SafetensorsWriter()
{
    if (m_directFd >= 0)
        ::close(m_directFd);
    if (m_fd >= 0)
        ::close(m_fd);
}

Status SafetensorsWriter::ioError(const char *what) const
{
    const int e = errno;
    // Like the download engine: no room for the output, whatever the cause, is disk_full.
    const QuantErrc code = isNoRoomErrno(e) ? QuantErrc::DiskFull : QuantErrc::IoError;
    return makeError(code, std::string(what) + " failed: " + std::strerror(e), {}, m_path);
}

Result<uint64_t> SafetensorsWriter::writeDirect(uint64_t offset, uint64_t size, const uint8_t *src,
                                                const DirectFill &fill)
{
    const bool inPlace = src && reinterpret_cast<uintptr_t>(src) % kDirectAlign == 0;
    uint8_t *bounce = inPlace ? nullptr : bounceBuffer();
    if (!inPlace && !bounce)
        return uint64_t(0);
    uint64_t done = 0;
    while (done < size && m_directOk.load(std::memory_order_relaxed)) {
        const size_t n = size_t(std::min<uint64_t>(size - done, inPlace ? (1u << 30) : kBounceBytes));
        const uint8_t *from = inPlace ? src + done : bounce;
        if (!inPlace)
            if (auto s = fill(bounce, offset + done, n); !s)
                return s.error();
        size_t sent = 0;
        while (sent < n) {
            const ssize_t r = ::pwrite(m_directFd, from + sent, n - sent, off_t(offset + done + sent));
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0 && errno == EINVAL) {
                // The file system takes O_DIRECT at open but not these writes: page cache from now on.
                m_directOk = false;
                break;
            }
            if (r < 0)
                return ioError("write").error();
            if (r == 0 || size_t(r) % kDirectAlign != 0) {
                // A short write that leaves an unaligned rest: the rest goes buffered.
                sent += size_t(r);
                m_directOk = false;
                break;
            }
            sent += size_t(r);
        }
        done += sent;
        if (sent < n)
            break;
    }
    return done;
}

Status SafetensorsWriter::writeSplit(uint64_t dst, size_t size, const uint8_t *src, const DirectFill &fill,
                                     const std::function<Status(uint64_t, size_t)> &buffered)
{
    const uint64_t a = alignUp(dst), b = alignDown(dst + size);
    if (!direct() || b <= a || b - a < kMinDirect)
        return buffered(dst, size);
    auto sent = writeDirect(a, b - a, src ? src + (a - dst) : nullptr, fill);
    if (!sent)
        return sent.error();
    // the partial blocks at both ends, and whatever could not go directly
    if (auto s = buffered(dst, size_t(a - dst)); !s)
        return s;
    const uint64_t rest = a + *sent;
    return buffered(rest, size_t(dst + size - rest));
}

Status SafetensorsWriter::writeAllAt(const uint8_t *data, size_t size, uint64_t offset)
{
    return writeSplit(
        offset, size, data,
        [&](uint8_t *to, uint64_t at, size_t n) {
            std::memcpy(to, data + (at - offset), n);
            return Status{};
        },
        [&](uint64_t at, size_t n) { return writeBufferedAt(data + (at - offset), n, at); });
}

Status SafetensorsWriter::writeBufferedAt(const uint8_t *data, size_t size, uint64_t offset)
{
    size_t done = 0;
    while (done < size) {
        const ssize_t r = ::pwrite(m_fd, data + done, size - done, off_t(offset + done));
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return ioError("write");
        }
        done += size_t(r);
    }
    wroteBytes(size);
    return {};
}

void SafetensorsWriter::wroteBytes(uint64_t n)
{
#ifdef SYNC_FILE_RANGE_WRITE
    // Start writing back every 64 MB as we go, so that the final fsync has little left to wait
    // for (it overlaps the compute of later tensors instead of following it).
    constexpr uint64_t kWritebackStep = 64u << 20;
    const uint64_t before = m_bytesSinceWriteback.fetch_add(n);
    if ((before + n) / kWritebackStep != before / kWritebackStep)
        ::sync_file_range(m_fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
    (void)n;
#endif
}

Status SafetensorsWriter::flushBuffer()
{
    if (auto s = writeAllAt(m_buffer.data(), m_buffer.size(), m_appendOffset); !s)
        return s;
    m_appendOffset += m_buffer.size();
    m_buffer.clear();
    return {};
}

Status SafetensorsWriter::write(std::string_view name, const void *data, size_t size)
{
    if (m_finished || m_current >= m_fixedCount)
        return makeError(QuantErrc::Internal, "write after the last planned tensor", std::string(name), m_path);
    const PlannedTensor &t = m_tensors[m_current];
    if (t.name != name)
        return makeError(QuantErrc::Internal, "written out of plan order (expected " + t.name + ")",
                         std::string(name), m_path);
    if (m_writtenInCurrent + size > t.byteSize())
        return makeError(QuantErrc::Internal, "more bytes than planned", std::string(name), m_path);
    const auto *p = static_cast<const uint8_t *>(data);
    if (size >= m_buffer.capacity()) {
        // Large pieces go to the file straight from the caller's memory (often the input's
        // mapping): copying them through the buffer would cost a memcpy and fresh pages.
        if (auto s = flushBuffer(); !s)
            return s;
        if (auto s = writeAllAt(p, size, m_appendOffset); !s)
            return s;
        m_appendOffset += size;
    } else {
        if (m_buffer.size() + size > m_buffer.capacity())
            if (auto s = flushBuffer(); !s)
                return s;
        m_buffer.insert(m_buffer.end(), p, p + size);
    }
    m_written[m_current] += size;
    m_writtenInCurrent += size;
    if (m_writtenInCurrent == t.byteSize()) {
        ++m_current;
        m_writtenInCurrent = 0;
        while (m_current < m_fixedCount && m_tensors[m_current].byteSize() == 0)
            ++m_current;
    }
    return {};
}

Result<size_t> SafetensorsWriter::checkRange(std::string_view name, uint64_t offsetInTensor, uint64_t size) const
{
    const auto it = m_index.find(std::string(name));
    if (it == m_index.end() || it->second >= m_fixedCount)
        return makeError(QuantErrc::Internal, "not a planned tensor of this file", std::string(name), m_path);
    if (m_finished)
        return makeError(QuantErrc::Internal, "write after finish", std::string(name), m_path);
    if (offsetInTensor + size > m_tensors[it->second].byteSize())
        return makeError(QuantErrc::Internal, "more bytes than planned", std::string(name), m_path);
    return it->second;
}

Status SafetensorsWriter::writeAt(std::string_view name, uint64_t offsetInTensor, const void *data, size_t size)
{
    auto i = checkRange(name, offsetInTensor, size);
    if (!i)
        return i.error();
    if (auto s = writeAllAt(static_cast<const uint8_t *>(data), size, m_offsets[*i] + offsetInTensor); !s)
        return s;
    m_written[*i] += size;
    return {};
}

Status SafetensorsWriter::copyFromFile(std::string_view name, uint64_t offsetInTensor, int srcFd, uint64_t srcOffset,
                                       size_t size)
{
    auto i = checkRange(name, offsetInTensor, size);
    if (!i)
        return i.error();
    const uint64_t dst = m_offsets[*i] + offsetInTensor;
    // Whole blocks read into the bounce buffer (from the source's page cache) and written
    // directly; the rest copied through the page cache.
    const Status st = writeSplit(
        dst, size, nullptr,
        [&](uint8_t *to, uint64_t at, size_t n) { return readSource(name, srcFd, srcOffset + (at - dst), to, n); },
        [&](uint64_t at, size_t n) { return copyBuffered(name, srcFd, srcOffset + (at - dst), at, n); });
    if (!st.ok())
        return st;
    m_written[*i] += size;
    return {};
}

Status SafetensorsWriter::readSource(std::string_view name, int srcFd, uint64_t srcOffset, uint8_t *to, size_t n) const
{
    if (preadFully(srcFd, to, n, srcOffset) == n)
        return {};
    if (errno != 0)
        return ioError("read");
    return makeError(QuantErrc::IoError, "the source file ended early", std::string(name), m_path);
}

Status SafetensorsWriter::copyBuffered(std::string_view name, int srcFd, uint64_t srcOffset, uint64_t dst, size_t size)
{
    size_t done = 0;
#ifdef __linux__
    // In-kernel copy: no user-space pass over the bytes and no mapping of the source (a reflink
    // where the file system can). Falls back below where the kernel or file system cannot;
    // MISTUDIO_QUANT_COPY=pread forces the fallback (tests; file systems that misbehave).
    static const bool inKernel = [] {
        const char *e = std::getenv("MISTUDIO_QUANT_COPY");
        return !(e && std::string_view(e) == "pread");
    }();
    while (inKernel && done < size) {
        off_t in = off_t(srcOffset + done), out = off_t(dst + done);
        const ssize_t r = ::copy_file_range(srcFd, &in, m_fd, &out, size - done, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP || errno == EBADF))
            break;
        if (r < 0)
            return ioError("copy");
        if (r == 0)
            return makeError(QuantErrc::IoError, "the source file ended early", std::string(name), m_path);
        done += size_t(r);
        wroteBytes(uint64_t(r));
    }
#endif
    if (done < size) {
        std::vector<uint8_t> buf(std::min<size_t>(size - done, 8u << 20));
        while (done < size) {
            const size_t n = std::min(buf.size(), size - done);
            if (auto s = readSource(name, srcFd, srcOffset + done, buf.data(), n); !s)
                return s;
            if (auto s = writeBufferedAt(buf.data(), n, dst + done); !s)
                return s;
            done += n;
        }
    }
    return {};
}

Status SafetensorsWriter::finish()
{
    if (m_finished)
        return {};
    for (size_t i = 0; i < m_fixedCount; ++i)
        if (m_written[i].load() != m_tensors[i].byteSize())
            return makeError(QuantErrc::Internal, "tensor not written completely", m_tensors[i].name, m_path);
    if (auto s = flushBuffer(); !s) // the header and whatever was appended in order
        return s;
    if (m_fixedCount < m_tensors.size()) {
        // Deferred tensors: their data now, after all fixed ones, then the header with their real
        // sizes, padded to the length reserved for it.
        m_appendOffset = m_fixedCount < m_offsets.size() ? m_offsets[m_fixedCount] : m_appendOffset;
        for (size_t i = m_fixedCount; i < m_tensors.size(); ++i) {
            auto &t = m_tensors[i];
            const auto it = m_deferred.find(t.name);
            if (it == m_deferred.end())
                return makeError(QuantErrc::Internal, "deferred tensor never written", t.name, m_path);
            if (m_buffer.size() + it->second.size() > m_buffer.capacity())
                if (auto s = flushBuffer(); !s)
                    return s;
            m_buffer.insert(m_buffer.end(), it->second.begin(), it->second.end());
            t.shape = {int64_t(it->second.size())};
            t.deferredMaxBytes = 0;
        }
        if (auto s = flushBuffer(); !s)
            return s;
        std::string header = headerJson(m_tensors, m_metadata);
        while (header.size() < m_reservedHeader && header.back() == ' ')
            header.pop_back();
        if (header.size() > m_reservedHeader)
            return makeError(QuantErrc::Internal, "header outgrew its reserved space", {}, m_path);
        header.append(m_reservedHeader - header.size(), ' ');
        if (::pwrite(m_fd, header.data(), header.size(), 8) != ssize_t(header.size()))
            return makeError(QuantErrc::IoError, std::string("header rewrite failed: ") + std::strerror(errno), {},
                             m_path);
        m_fileSize = computeFileSize(m_tensors, m_metadata) - headerJson(m_tensors, m_metadata).size()
                     + m_reservedHeader;
        // The file is shorter than planned by the unused deferred room.
        if (::ftruncate(m_fd, off_t(m_fileSize)) != 0)
            return ioError("truncate");
    }
    if (::fsync(m_fd) != 0)
        return ioError("fsync");
    if (::close(m_fd) != 0) {
        m_fd = -1;
        return ioError("close");
    }
    m_fd = -1;
    m_finished = true;
    return {};
}

// ---- index ----

std::vector<std::string> ShardIndex::shardFiles() const
{
    std::set<std::string> s;
    for (const auto &[k, v] : weightMap)
        s.insert(v);
    return {s.begin(), s.end()};
}

Result<ShardIndex> readShardIndex(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return makeError(QuantErrc::IoError, "cannot open index", {}, path);
    std::stringstream ss;
    ss << in.rdbuf();
    return parseShardIndex(ss.str(), path);
}

Result<ShardIndex> parseShardIndex(std::string_view json, const std::string &path)
{
    const auto doc = nlohmann::json::parse(json, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("weight_map") || !doc["weight_map"].is_object())
        return makeError(QuantErrc::InvalidCheckpoint, "index is not JSON with a weight_map object", {}, path);
    ShardIndex idx;
    // Informational only; a value that is no uint64 (a float such as 1e300 would not convert) is
    // ignored like a missing one.
    if (doc.contains("metadata") && doc["metadata"].is_object() && doc["metadata"].contains("total_size")
        && doc["metadata"]["total_size"].is_number_unsigned())
        idx.totalSize = doc["metadata"]["total_size"].get<uint64_t>();
    for (auto it = doc["weight_map"].begin(); it != doc["weight_map"].end(); ++it) {
        if (!it.value().is_string())
            return makeError(QuantErrc::InvalidCheckpoint, "weight_map value is not a file name", it.key(), path);
        const auto file = it.value().get<std::string>();
        if (const char *why = safefs::componentProblem(file))
            return makeError(QuantErrc::UnsafeCheckpoint,
                             "weight_map names a file that is not a plain name in the directory (it " + std::string(why)
                                 + "): " + file,
                             it.key(), path);
        idx.weightMap[it.key()] = file;
    }
    return idx;
}

std::string shardIndexJson(const ShardIndex &index)
{
    nlohmann::json doc;
    doc["metadata"] = {{"total_size", index.totalSize}};
    doc["weight_map"] = nlohmann::json::object();
    for (const auto &[k, v] : index.weightMap)
        doc["weight_map"][k] = v;
    return doc.dump(2, ' ', true) + "\n";
}

Status writeShardIndex(const safefs::GuardedRoot &dir, const std::string &name, const ShardIndex &index)
{
    return writeTextFile(dir, name, shardIndexJson(index));
}

Status writeShardIndex(const std::string &path, const ShardIndex &index)
{
    const size_t slash = path.rfind('/');
    if (slash == std::string::npos)
        return writeShardIndex(safefs::GuardedRoot("."), path, index);
    return writeShardIndex(safefs::GuardedRoot(slash == 0 ? std::string("/") : path.substr(0, slash)),
                           path.substr(slash + 1), index);
}

} // namespace mistudio::quant
