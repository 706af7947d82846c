#include "quant/quantizer.h"

#include "quant/asyncwriter.h"
#include "quant/bnbkernels.h"
#include "quant/bnblayout.h"
#include "quant/cudaquantizer.h"
#include "quant/hugepages.h"
#include "quant/timed.h"
#include "quant/safetensors.h"
#include "quant/threadpool.h"
#include "safefs/guardedroot.h"
#include "safefs/pathrules.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mistudio::quant {

namespace fs = std::filesystem;

namespace {

struct SourceTensor
{
    const SafetensorsFile *file = nullptr;
    const TensorEntry *entry = nullptr;
};

Result<nlohmann::json> readJsonFile(const fs::path &p)
{
    std::ifstream in(p, std::ios::binary);
    if (!in)
        return makeError(QuantErrc::InvalidCheckpoint, "missing " + p.filename().string(), {}, p.string());
    std::stringstream ss;
    ss << in.rdbuf();
    auto j = nlohmann::json::parse(ss.str(), nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return makeError(QuantErrc::InvalidCheckpoint, p.filename().string() + " is not a JSON object", {}, p.string());
    return j;
}

// A companion file copied into the output: a regular file read without following a link (a
// link is skipped by the caller; one swapped in meanwhile fails here as unsafe_path), written
// through the output's guarded root.
Status copyCompanion(const safefs::GuardedRoot &from, const safefs::GuardedRoot &to, const std::string &name)
{
    const safefs::Opened in = from.open(name, O_RDONLY);
    if (!in.ok())
        return fileSystemError(in.error, "reading " + name, from.pathOf(name));
    struct stat st {};
    if (::fstat(in.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(in.fd);
        return makeError(QuantErrc::IoError, "not a regular file: " + name, {}, from.pathOf(name));
    }
    const safefs::Opened out = to.open(name, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (!out.ok()) {
        ::close(in.fd);
        return fileSystemError(out.error, "creating " + name, to.pathOf(name));
    }
    std::vector<char> buf(1 << 20);
    int err = 0;
    for (;;) {
        const ssize_t n = ::read(in.fd, buf.data(), buf.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            err = n < 0 ? errno : 0;
            break;
        }
        for (ssize_t done = 0; done < n && err == 0;) {
            const ssize_t w = ::write(out.fd, buf.data() + done, size_t(n - done));
            if (w < 0 && errno != EINTR)
                err = errno;
            else if (w > 0)
                done += w;
        }
        if (err != 0)
            break;
    }
    ::close(in.fd);
    if (::close(out.fd) != 0 && err == 0)
        err = errno;
    if (err != 0)
        return fileSystemError(err, "copying " + name, to.pathOf(name));
    return {};
}

// One output file: the source tensors whose outputs it holds, in order.
struct Shard
{
    std::string fileName;
    std::vector<size_t> planIndices;
    uint64_t bytes = 0;
};

// Output buffers go back here once written, so that later tensors reuse them: a fresh large
// allocation costs a page fault and a cleared page per 4 KB (perf: 9 % of a 2-core run when only
// two were kept, as more are in flight to the direct writes). Whoever takes one writes every
// element it uses. take(n) hands out the smallest kept buffer that holds n elements, else the
// largest one (empty when none is kept).
template<typename T>
class BufferPool
{
public:
    std::vector<T> take(size_t elements)
    {
        std::lock_guard lock(m_mutex);
        if (m_free.empty())
            return {};
        size_t pick = 0;
        for (size_t i = 1; i < m_free.size(); ++i) {
            const size_t c = m_free[i].capacity(), best = m_free[pick].capacity();
            const bool fits = c >= elements, bestFits = best >= elements;
            if ((fits && (!bestFits || c < best)) || (!fits && !bestFits && c > best))
                pick = i;
        }
        std::vector<T> v = std::move(m_free[pick]);
        m_free.erase(m_free.begin() + std::ptrdiff_t(pick));
        return v;
    }
    void give(std::vector<T> &&v)
    {
        std::lock_guard lock(m_mutex);
        if (m_free.size() < kKept)
            m_free.push_back(std::move(v));
    }

private:
    static constexpr size_t kKept = 6; // the writer's budget holds at most a few in flight
    std::mutex m_mutex;
    std::vector<std::vector<T>> m_free;
};

// A buffer on its way to the file; returns to its pool when the write task is done with it.
template<typename T>
struct Recycled
{
    std::vector<T> v;
    BufferPool<T> *pool = nullptr;
    Recycled(std::vector<T> &&buf, BufferPool<T> &p) : v(std::move(buf)), pool(&p) {}
    Recycled(Recycled &&o) noexcept : v(std::move(o.v)), pool(o.pool) { o.pool = nullptr; }
    Recycled(const Recycled &) = delete;
    ~Recycled()
    {
        if (pool)
            pool->give(std::move(v));
    }
    const T *data() const { return v.data(); }
};

// A recycled buffer whose content starts `at` bytes in.
template<typename T>
struct Placed
{
    Recycled<T> buffer;
    size_t at = 0;
    const T *data() const { return buffer.data() + at; }
};
constexpr size_t kPlaceAlign = 4096;

// A pooled buffer with room for n elements starting at the same address modulo 4 KB as
// fileOffset; returns where in the buffer they start. A buffer only grows, and a new one is made
// at `largest` (the plan's largest request) on huge pages (hugepages.h): then only the first few
// weights allocate, none pays for zeroing a regrown vector, and direct writes go out in large
// requests.
template<typename T>
size_t takePlaced(BufferPool<T> &pool, std::vector<T> &buffer, size_t n, uint64_t fileOffset, size_t largest)
{
    buffer = pool.take(n + kPlaceAlign);
    if (buffer.size() < n + kPlaceAlign) {
        const size_t want = std::max(n, largest) + kPlaceAlign;
        if (buffer.capacity() < want)
            buffer = hugePageVector<T>(want);
        else
            buffer.resize(want);
    }
    return size_t((fileOffset - reinterpret_cast<uintptr_t>(buffer.data())) % kPlaceAlign);
}

struct Buffers
{
    BufferPool<uint8_t> codes; // 4-bit codes, placed (takePlaced)
    BufferPool<uint8_t> bytes;
    BufferPool<int8_t> int8;
    BufferPool<float> floats;
};

// Where the weights are quantized. The GPU is opened on a thread of its own (a CUDA context and
// pinned buffers: 0.35 s on the H200), and until it is ready the weights go to the CPU path, which
// writes the same bytes; an explicit CUDA request that cannot be met fails at the first weight
// after the answer, or at the end.
class Backend
{
public:
    ThreadPool pool;
    std::unique_ptr<CudaQuantizer> gpu;
    int cpuWhileOpening = 0;    // weights quantized on the CPU while the GPU was being opened
    std::string fallbackReason; // Auto: why the GPU is not used
    double openSeconds = 0;

    explicit Backend(unsigned threads) : pool(threads) {}
    ~Backend()
    {
        if (m_opening.valid())
            m_opening.wait();
    }

    void open(DeviceKind kind, int device)
    {
        m_kind = kind;
        try {
            m_opening = std::async(std::launch::async, [this, device] {
                Timed t(openSeconds);
                return CudaQuantizer::create(device);
            });
        } catch (const std::system_error &) { // no thread to be had: open it here
            std::promise<Result<std::unique_ptr<CudaQuantizer>>> now;
            Timed t(openSeconds);
            now.set_value(CudaQuantizer::create(device));
            m_opening = now.get_future();
        }
    }
    // Takes the GPU once it is open (waits for it only with `wait`); the error of an explicit
    // CUDA request that cannot be met.
    Status settle(bool wait)
    {
        if (!m_opening.valid()
            || (!wait && m_opening.wait_for(std::chrono::seconds(0)) != std::future_status::ready))
            return {};
        auto r = m_opening.get();
        if (r) {
            gpu = std::move(*r);
            gpu->setCopyPool(&pool);
            return {};
        }
        if (m_kind == DeviceKind::Cuda)
            return r.error();
        fallbackReason = r.error().message;
        return {};
    }

    // Into caller storage (see cpu::quantize4bit / CudaQuantizer::quantize4bit).
    Status quantize4(const QuantInput &in, QuantType t, uint8_t *packed, float *absmax)
    {
        if (auto s = settle(false); !s)
            return s;
        if (gpu && in.sourceDtype != DType::F64)
            return gpu->quantize4bit(in, t, packed, absmax);
        cpuWhileOpening += m_opening.valid();
        return cpu::quantize4bit(in, t, packed, absmax, pool);
    }
    Status quantize8(const QuantInput &in, int8_t *cb, float *scb)
    {
        if (auto s = settle(false); !s)
            return s;
        if (gpu && in.sourceDtype != DType::F64)
            return gpu->quantize8bit(in, cb, scb);
        cpuWhileOpening += m_opening.valid();
        return cpu::quantize8bit(in, cb, scb, pool);
    }

private:
    DeviceKind m_kind = DeviceKind::Cpu;
    std::future<Result<std::unique_ptr<CudaQuantizer>>> m_opening;
};

} // namespace

bool isCompanionFile(const std::string &name)
{
    if (name.empty() || name[0] == '.')
        return false;
    auto starts = [&](const char *p) { return name.rfind(p, 0) == 0; };
    auto ends = [&](const char *p) {
        const size_t n = std::strlen(p);
        return name.size() >= n && name.compare(name.size() - n, n, p) == 0;
    };
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (starts("tokenizer") || starts("special_tokens_map") || starts("added_tokens") || starts("vocab")
        || starts("merges") || starts("generation_config") || starts("chat_template") || starts("preprocessor_config")
        || ends(".tiktoken") || name == "spiece.model" || name == "sentencepiece.bpe.model")
        return true;
    for (const char *p : {"readme", "license", "licence", "notice", "use_policy", "copying"})
        if (lower.rfind(p, 0) == 0)
            return true;
    return false;
}

Result<QuantizeReport> quantizeCheckpoint(const QuantizeRequest &req, const QuantizeProgressFn &progress)
{
    const auto started = std::chrono::steady_clock::now();
    QuantizeReport report;
    const fs::path in(req.inputDir);
    fs::path out = fs::path(req.outputDir).lexically_normal();
    if (!out.empty() && out.filename().empty())
        out = out.parent_path(); // "dir/" names dir
    if (req.options.mode == QuantMode::None)
        return makeError(QuantErrc::InvalidInput, "no quantization mode given");
    if (out.empty())
        return makeError(QuantErrc::InvalidInput, "no output directory given");
    const std::string outName = out.filename().string();
    if (const char *why = safefs::componentProblem(outName))
        return makeError(QuantErrc::UnsafePath, std::string("the output directory's name ") + why, {}, out.string());
    // Every write, rename and remove below goes through the output's parent as a guarded root:
    // nothing beneath it is reached through a link (the parent itself is the caller's choice).
    const fs::path parent = out.has_parent_path() ? out.parent_path() : fs::current_path();
    const safefs::GuardedRoot parentRoot(parent.string());
    std::error_code ec;
    struct stat outStat {};
    if (parentRoot.stat(outName, &outStat) == 0 && !req.overwrite)
        return makeError(QuantErrc::InvalidInput, "output directory exists (use overwrite)", {}, out.string());

    auto config = readJsonFile(in / "config.json");
    if (!config)
        return config.error();

    // The weights: sharded (index), single file, or nothing we can read.
    std::vector<std::string> weightFiles;
    if (fs::exists(in / "model.safetensors.index.json")) {
        auto idx = readShardIndex((in / "model.safetensors.index.json").string());
        if (!idx)
            return idx.error();
        weightFiles = idx->shardFiles();
    } else if (fs::exists(in / "model.safetensors")) {
        weightFiles = {"model.safetensors"};
    } else {
        for (const auto &e : fs::directory_iterator(in, ec))
            if (e.path().extension() == ".bin" && e.path().filename().string().rfind("pytorch_model", 0) == 0)
                return makeError(QuantErrc::UnsupportedCheckpoint,
                                 "the checkpoint has only PyTorch .bin weights; convert them to safetensors first",
                                 {}, in.string());
        return makeError(QuantErrc::InvalidCheckpoint, "no model.safetensors or model.safetensors.index.json", {},
                         in.string());
    }
    std::vector<std::unique_ptr<SafetensorsFile>> files;
    std::map<std::string, SourceTensor> sources;
    std::vector<TensorInfo> infos;
    for (const auto &wf : weightFiles) {
        auto f = SafetensorsFile::open((in / wf).string());
        if (!f)
            return f.error();
        files.push_back(std::move(*f));
        for (const auto &e : files.back()->header().tensors) {
            if (sources.count(e.name))
                return makeError(QuantErrc::InvalidCheckpoint, "tensor appears in two shards", e.name, wf);
            sources[e.name] = SourceTensor{files.back().get(), &e};
            infos.push_back(TensorInfo{e.name, e.dtype, e.shape});
        }
    }
    std::sort(infos.begin(), infos.end(), [](const TensorInfo &a, const TensorInfo &b) { return a.name < b.name; });
    report.plan = planQuantization(infos, *config, req.options);
    const QuantPlan &plan = report.plan;

    // Device: the GPU opens while the first weights are quantized on the CPU (Backend).
    Backend backend(req.threads);
    if (req.device != DeviceKind::Cpu) {
        backend.open(req.device, req.cudaDevice);
        if (!req.cpuWhileGpuOpens)
            if (auto s = backend.settle(true); !s)
                return s.error();
    }

    // Shards: fill in plan order; all outputs of one source tensor stay together.
    std::vector<Shard> shards;
    for (size_t i = 0; i < plan.tensors.size(); ++i) {
        const auto &tp = plan.tensors[i];
        if (tp.dropped())
            continue;
        if (shards.empty() || (shards.back().bytes > 0 && shards.back().bytes + tp.outputBytes > req.maxShardBytes))
            shards.push_back({});
        shards.back().planIndices.push_back(i);
        shards.back().bytes += tp.outputBytes;
    }
    if (shards.empty())
        return makeError(QuantErrc::InvalidCheckpoint, "the checkpoint has no tensors", {}, in.string());
    for (size_t s = 0; s < shards.size(); ++s) {
        char name[64];
        std::snprintf(name, sizeof name, "model-%05zu-of-%05zu.safetensors", s + 1, shards.size());
        shards[s].fileName = shards.size() == 1 ? std::string("model.safetensors") : std::string(name);
    }

    // Temp dir beside the destination: same filesystem, so the final rename is atomic.
    fs::create_directories(parent, ec);
    std::mt19937_64 rng(std::random_device{}());
    const std::string tmpName = "." + outName + ".partial-" + std::to_string(rng() % 1000000000);
    const fs::path tmp = parent / tmpName;
    if (const int rc = parentRoot.makeDir(tmpName, 0755); rc != 0)
        return fileSystemError(rc, "creating the work directory", tmp.string());
    const safefs::GuardedRoot tmpRoot = parentRoot.sub(tmpName);
    struct TmpGuard
    {
        const safefs::GuardedRoot &root;
        std::string name;
        bool keep = false;
        ~TmpGuard()
        {
            if (!keep)
                root.removeTree(name);
        }
    } guard{parentRoot, tmpName};

    int tensorIndex = 0;
    const int tensorCount = int(plan.tensors.size());
    uint64_t bytesIn = 0, bytesOut = 0;
    ShardIndex index;
    // Writes run on I/O threads, overlapping the next tensors' read and compute; every output has
    // its place in the file from the start, so they may land in any order.
    // - Direct I/O where the file system takes it: whole blocks go from our (reused) buffers to
    //   the disk, so no CPU copies them into fresh page-cache pages (on a 2-core VM that copy cost
    //   more CPU than the quantization). Four threads keep several writes in flight.
    // - Otherwise the page cache, from one thread: ext4 serializes buffered writes to a file on
    //   its inode lock, and a second writer only spun on it (perf: 4 % of a 2-core run).
    const bool direct = SafetensorsWriter::directIoAvailable(tmpRoot);
    Buffers buffers; // declared before the writer: outlives its tasks
    size_t largestCodes = 0; // the largest weight's codes (4-bit packed or int8), in bytes
    for (const auto &tp : plan.tensors)
        if (tp.quantized()) {
            const uint64_t numel = uint64_t(tp.quantShape[0]) * uint64_t(tp.quantShape[1]);
            largestCodes = std::max(largestCodes, size_t(tp.action == TensorAction::Quantize4bit
                                                             ? bnb::packedBytes(numel) : numel));
        }
    AsyncWriter writer(64u << 20, direct ? 4 : 1);
    // The CPU kernels read the input themselves, piece by piece with pread (QuantInput::fd).
    // Mapping the next tensor ahead on another thread (MADV_POPULATE_READ), as before, was
    // measured slower on 2 cores: 0.75-0.78 s against 0.61-0.68 s for a 4 GB checkpoint, the
    // third thread taking CPU from the compute.
    auto failedWrite = [&] { return writer.drain().error(); };
    for (const auto &shard : shards) {
        std::vector<PlannedTensor> planned;
        for (size_t pi : shard.planIndices)
            for (const auto &o : plan.tensors[pi].outputs)
                planned.push_back(PlannedTensor{o.name, o.dtype, o.shape, o.variableSize ? o.maxBytes : 0});
        auto writerR = SafetensorsWriter::create(tmpRoot, shard.fileName, planned, {{"format", "pt"}},
                                                 direct ? WriteMode::Direct : WriteMode::Buffered);
        if (!writerR)
            return writerR.error();
        std::shared_ptr<SafetensorsWriter> w(std::move(*writerR));
        // Queues a write of bytes the task owns (counted against the writer's budget) to their
        // place: `offset` bytes into tensor `name`.
        // Large buffers go in 8 MB slices, so that several I/O threads can write one; the buffer
        // is released when its last slice is written.
        auto writeOwnedAt = [&](const std::string &name, uint64_t offset, auto buffer, size_t bytes) {
            auto holder = std::make_shared<decltype(buffer)>(std::move(buffer));
            constexpr size_t kSlice = 8u << 20;
            size_t at = 0;
            do {
                const size_t n = std::min(kSlice, bytes - at);
                writer.push([w, name, offset, holder, at, n] {
                    return w->writeAt(name, offset + at, reinterpret_cast<const uint8_t *>(holder->data()) + at, n);
                }, n);
                at += n;
            } while (at < bytes);
        };
        auto writeOwned = [&](const std::string &name, auto buffer, size_t bytes) {
            writeOwnedAt(name, 0, std::move(buffer), bytes);
        };
        for (size_t pi : shard.planIndices) {
            const TensorPlan &tp = plan.tensors[pi];
            const SourceTensor &src = sources.at(tp.name);
            const uint8_t *data = src.file->data(*src.entry);
            for (const auto &o : tp.outputs)
                index.weightMap[o.name] = shard.fileName;
            Status st;
            if (tp.passesThrough()) {
                // File to file in the kernel (never mapped here), in pieces that the I/O threads
                // share, whenever no computed output is waiting to be written.
                const int fd = src.file->fd();
                const uint64_t from = src.file->fileOffset(*src.entry), total = src.entry->byteSize();
                constexpr uint64_t kPiece = 32u << 20;
                for (uint64_t off = 0; off < total; off += kPiece) {
                    const size_t len = size_t(std::min(kPiece, total - off));
                    writer.pushBackground([w, name = tp.name, off, fd, from, len] {
                        return w->copyFromFile(name, off, fd, from + off, len);
                    });
                }
            } else if (tp.action == TensorAction::Cast) {
                // Chunked conversion on the pool: never a full copy of the tensor.
                const uint64_t n = src.entry->numel();
                const uint64_t chunk = 8u << 20;
                const size_t inSize = dtypeSize(tp.sourceDtype), outSize = dtypeSize(tp.targetDtype);
                for (uint64_t first = 0; first < n; first += chunk) {
                    const uint64_t cnt = std::min(chunk, n - first);
                    std::vector<uint8_t> buf = buffers.bytes.take(size_t(cnt * outSize));
                    buf.resize(size_t(cnt * outSize)); // every byte is written below
                    backend.pool.parallelFor(size_t(cnt), 1u << 18, [&](size_t b, size_t e) {
                        convertFloats(data + (first + b) * inSize, tp.sourceDtype, buf.data() + b * outSize,
                                      tp.targetDtype, e - b);
                    });
                    writeOwnedAt(tp.name, first * outSize, Recycled(std::move(buf), buffers.bytes), size_t(cnt * outSize));
                }
                src.file->release(*src.entry);
            } else {
                QuantInput qin;
                qin.data = data;
                qin.sourceDtype = tp.sourceDtype;
                qin.targetDtype = tp.targetDtype;
                qin.rows = tp.quantShape[0];
                qin.cols = tp.quantShape[1];
                qin.transposed = tp.transposed;
                qin.name = tp.name;
                qin.fd = src.file->fd();
                qin.fileOffset = src.file->fileOffset(*src.entry);
                if (tp.action == TensorAction::Quantize4bit) {
                    Quant4Result q;
                    const uint64_t numel = uint64_t(qin.rows) * uint64_t(qin.cols);
                    const std::string &w0 = tp.name;
                    const size_t packedBytes = size_t(bnb::packedBytes(numel));
                    // The codes go straight into a buffer placed so that it has the same address
                    // modulo 4 KB as the weight's place in the file: direct writes then send it
                    // without a copy through a bounce buffer.
                    const size_t at = takePlaced(buffers.codes, q.packed, packedBytes, w->fileOffset(w0), largestCodes);
                    q.absmax = buffers.floats.take(size_t(bnb::numBlocks(numel)));
                    q.absmax.resize(size_t(bnb::numBlocks(numel)));
                    {
                        Timed t(report.quantizeSeconds);
                        st = backend.quantize4(qin, req.options.quantType, q.packed.data() + at, q.absmax.data());
                    }
                    src.file->release(*src.entry);
                    if (!st.ok())
                        return st.error();
                    writeOwned(w0, Placed<uint8_t>{Recycled(std::move(q.packed), buffers.codes), at}, packedBytes);
                    float offset = 0.0f;
                    if (req.options.doubleQuant) {
                        NestedResult nested;
                        nested.qabsmax = buffers.bytes.take(q.absmax.size());
                        {
                            Timed t(report.doubleQuantSeconds);
                            doubleQuantize(q.absmax, nested, &backend.pool);
                        }
                        buffers.floats.give(std::move(q.absmax));
                        offset = nested.offset;
                        const size_t nq = nested.qabsmax.size(), nn = nested.nestedAbsmax.size() * 4;
                        writeOwned(w0 + ".absmax", Recycled(std::move(nested.qabsmax), buffers.bytes), nq);
                        writeOwned(w0 + ".nested_absmax", std::move(nested.nestedAbsmax), nn);
                        writeOwned(w0 + ".nested_quant_map", bnb::kDynamicMap, 256 * 4);
                    } else {
                        const size_t na = q.absmax.size() * 4;
                        writeOwned(w0 + ".absmax", Recycled(std::move(q.absmax), buffers.floats), na);
                    }
                    std::array<uint32_t, 16> map{};
                    std::memcpy(map.data(), req.options.quantType == QuantType::NF4 ? bnb::kNf4ValueBits
                                                                                     : bnb::kFp4QuantMapBits, 64);
                    writeOwned(w0 + ".quant_map", map, 64);
                    std::string json = bnb::quantStateJson(req.options.quantType, tp.targetDtype, tp.quantShape,
                                                           req.options.doubleQuant, offset);
                    const std::string key = quantStateKey(w0, req.options.quantType);
                    if (req.options.doubleQuant) {
                        // Only kept by the writer until finish() (the I/O threads never touch it).
                        if (auto s = w->writeDeferred(key, json); !s)
                            return s.error();
                    } else {
                        const size_t nj = json.size();
                        writeOwned(key, std::move(json), nj);
                    }
                } else {
                    Int8Result q;
                    const size_t ncb = size_t(uint64_t(qin.rows) * uint64_t(qin.cols));
                    const size_t at = takePlaced(buffers.int8, q.cb, ncb, w->fileOffset(tp.name), largestCodes); // as above
                    q.scb.resize(size_t(qin.rows));
                    {
                        Timed t(report.quantizeSeconds);
                        st = backend.quantize8(qin, q.cb.data() + at, q.scb.data());
                    }
                    src.file->release(*src.entry);
                    if (!st.ok())
                        return st.error();
                    const std::string module = tp.name.substr(0, tp.name.size() - 7);
                    const size_t nscb = q.scb.size() * 4;
                    writeOwned(tp.name, Placed<int8_t>{Recycled(std::move(q.cb), buffers.int8), at}, ncb);
                    writeOwned(module + ".SCB", std::move(q.scb), nscb);
                    writeOwned(module + ".weight_format", std::array<uint8_t, 1>{0}, 1); // "row"
                }
            }
            if (writer.failed())
                return failedWrite();
            ++tensorIndex;
            bytesIn += tp.inputBytes;
            bytesOut += tp.outputBytes;
            if (progress && !progress(QuantizeProgress{tensorIndex, tensorCount, bytesIn, bytesOut, plan.inputBytes, tp.name}))
                return makeError(QuantErrc::Cancelled, "cancelled");
        }
        Timed flushing(report.flushSeconds);
        if (auto s = writer.drain(); !s)
            return s.error();
        report.writerWaitSeconds = writer.blockedSeconds();
        if (auto s = w->finish(); !s)
            return s.error();
        for (const auto &t : w->tensors()) // tensor bytes (real quant_state sizes), as transformers counts them
            index.totalSize += t.byteSize();
    }
    // An explicit CUDA request that could not be met fails here at the latest, before anything
    // is published.
    if (auto s = backend.settle(true); !s)
        return s.error();
    // Dropped tensors still count as processed.
    for (const auto &tp : plan.tensors)
        if (tp.dropped())
            bytesIn += tp.inputBytes;

    if (shards.size() > 1)
        if (auto s = writeShardIndex(tmpRoot, "model.safetensors.index.json", index); !s)
            return s.error();

    // config.json: the source config plus quantization_config (sorted keys, indent 2, like
    // transformers' to_json_string).
    nlohmann::json cfg = *config;
    cfg["quantization_config"] = bnb::quantizationConfig(req.options, req.options.computeDtype);
    const std::string dtypeName(torchDtypeName(plan.dtype));
    if (cfg.contains("dtype"))
        cfg["dtype"] = dtypeName;
    if (cfg.contains("torch_dtype") || !cfg.contains("dtype"))
        cfg["torch_dtype"] = dtypeName;
    if (auto s = writeTextFile(tmpRoot, "config.json", cfg.dump(2, ' ', true) + "\n"); !s)
        return s.error();

    // Companion files: regular files only. A link (tokenizer.json -> /etc/passwd) is never
    // followed: it is left out and reported.
    const safefs::GuardedRoot inRoot(in.string());
    for (const auto &e : fs::directory_iterator(in, ec)) {
        const std::string name = e.path().filename().string();
        if (!isCompanionFile(name))
            continue;
        const fs::file_type type = e.symlink_status(ec).type();
        if (type == fs::file_type::symlink) {
            report.skippedFiles.push_back(name);
            continue;
        }
        if (type != fs::file_type::regular)
            continue;
        if (auto s = copyCompanion(inRoot, tmpRoot, name); !s)
            return s.error();
    }

    // Publish: the directory appears complete or not at all.
    if (parentRoot.stat(outName, &outStat) == 0) {
        const std::string oldName = "." + outName + ".old-" + std::to_string(rng() % 1000000000);
        if (const int rc = parentRoot.rename(outName, oldName); rc != 0)
            return fileSystemError(rc, "moving the old output aside", out.string());
        if (const int rc = parentRoot.rename(tmpName, outName); rc != 0) {
            parentRoot.rename(oldName, outName);
            return fileSystemError(rc, "publishing", out.string());
        }
        parentRoot.removeTree(oldName);
    } else if (const int rc = parentRoot.rename(tmpName, outName); rc != 0) {
        return fileSystemError(rc, "publishing", out.string());
    }
    parentRoot.syncDir();
    guard.keep = true;

    report.bytesIn = bytesIn;
    for (const auto &e : fs::directory_iterator(out, ec)) {
        report.files.push_back(e.path().filename().string());
        report.bytesOut += uint64_t(e.file_size(ec));
    }
    std::sort(report.files.begin(), report.files.end());
    report.fallbackReason = backend.fallbackReason;
    report.gpuSetupSeconds = backend.openSeconds;
    if (backend.gpu) {
        report.device = "cuda:" + std::to_string(req.cudaDevice) + " (" + backend.gpu->device().name + ")";
        if (backend.cpuWhileOpening > 0)
            report.device += ", " + std::to_string(backend.cpuWhileOpening) + " weights on the CPU while it opened";
        report.peakGpuBytes = backend.gpu->peakUsedBytes();
        report.gpuTimes = backend.gpu->times();
    } else {
        report.device = "cpu (" + std::to_string(backend.pool.size()) + " threads)";
    }
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
}

} // namespace mistudio::quant
