// quantbench: generates a checkpoint of a given size and times, in the same run, the I/O floor
// (read the input bytes + write the output bytes, no compute), the scalar reference and fast CPU
// kernels on a sample, and the full streaming quantizer on CPU and (when usable) CUDA, each phase
// in a child process so its peak RSS is its own. Prints ratios and appends a markdown section.
#include "quant/bnbkernels.h"
#include "quant/asyncwriter.h"
#include "quant/cudaquantizer.h"
#include "quant/quantizer.h"
#include "quant/hugepages.h"
#include "quant/safetensors.h"
#include "quant/syntheticcheckpoint.h"
#include "quant/threadpool.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <thread>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace mistudio::quant;
namespace fs = std::filesystem;

namespace {

struct PhaseResult
{
    bool ok = false;
    double seconds = 0;
    double extra = 0; // phase-specific (GPU bytes, ...)
    long maxRssKb = 0;
    std::string note;
    double cpuSeconds = 0; // user + system time of the phase's process
};

double now()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

int g_repeat = 1;
size_t g_warm = 0; // bytes touched and freed before every run (see inChildOnce)

PhaseResult inChildOnce(const std::function<PhaseResult()> &fn);

// Runs fn in a child process; fn returns {seconds, extra, note}; the parent gets the child's peak RSS.
PhaseResult inChildOnce(const std::function<PhaseResult()> &fn)
{
    // Untimed, before every run: the same memory state for each phase. This VM's host takes back
    // guest memory that stays free for a while, and the first touch of such a page is slow, so a
    // phase that happens to follow one that freed gigabytes writes through the page cache several
    // times faster than one that does not (measured: the page-cache floor 0.52-0.58 s right after
    // the naive floor, 1.3-2.2 s otherwise). Every phase therefore starts right after g_warm bytes
    // were touched and freed, as on a host without memory reclaim.
    if (g_warm > 0) {
        void *m = ::mmap(nullptr, g_warm, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m != MAP_FAILED) {
            for (size_t i = 0; i < g_warm; i += 4096)
                static_cast<volatile uint8_t *>(m)[i] = 1;
            ::munmap(m, g_warm);
        }
    }
    int fds[2];
    if (::pipe(fds) != 0)
        return {};
    std::fflush(stdout);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(fds[0]);
        const PhaseResult r = fn();
        const std::string msg = std::to_string(r.ok) + " " + std::to_string(r.seconds) + " " + std::to_string(r.extra)
                                + " " + r.note;
        if (::write(fds[1], msg.data(), msg.size()) < 0)
            _exit(2);
        ::close(fds[1]);
        _exit(0);
    }
    ::close(fds[1]);
    std::string msg;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fds[0], buf, sizeof buf)) > 0)
        msg.append(buf, size_t(n));
    ::close(fds[0]);
    int status = 0;
    struct rusage ru{};
    ::wait4(pid, &status, 0, &ru);
    // Untimed, between phases: the file system settles what the phase left (its output's
    // deletion: journal commit and, on a `discard` mount, the trim of 1.5 GB), so that the next
    // phase is not charged for it.
    ::sync();
    PhaseResult r;
    std::istringstream in(msg);
    int ok = 0;
    in >> ok >> r.seconds >> r.extra;
    std::getline(in, r.note);
    if (!r.note.empty() && r.note[0] == ' ')
        r.note.erase(0, 1);
    r.ok = ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    r.maxRssKb = ru.ru_maxrss;
    r.cpuSeconds = double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    return r;
}

// Runs the phases round-robin g_repeat times (A B C A B C ...), each run in its own child, and
// keeps each phase's fastest run: the floor and the pipelines see the same machine conditions
// (this VM's I/O speed drifts over minutes), which back-to-back blocks of repeats do not give.
std::vector<PhaseResult> interleaved(const std::vector<std::function<PhaseResult()>> &fns)
{
    std::vector<PhaseResult> best(fns.size());
    std::vector<long> rss(fns.size(), 0);
    for (int i = 0; i < g_repeat; ++i)
        for (size_t k = 0; k < fns.size(); ++k) {
            const PhaseResult r = inChildOnce(fns[k]);
            rss[k] = std::max(rss[k], r.maxRssKb);
            if (i == 0 || (r.ok && (!best[k].ok || r.seconds < best[k].seconds)))
                best[k] = r;
        }
    for (size_t k = 0; k < fns.size(); ++k)
        best[k].maxRssKb = rss[k];
    return best;
}

// One phase g_repeat times, its fastest run (this machine is shared and noisy); the peak RSS is the
// largest seen.
PhaseResult inChild(const std::function<PhaseResult()> &fn)
{
    return interleaved({fn}).front();
}

std::string arg(int argc, char **argv, const char *name, const char *def)
{
    for (int i = 1; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], name) == 0)
            return argv[i + 1];
    return def;
}
bool flag(int argc, char **argv, const char *name)
{
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], name) == 0)
            return true;
    return false;
}

uint64_t dirBytes(const fs::path &d, const char *ext)
{
    uint64_t t = 0;
    for (const auto &e : fs::directory_iterator(d))
        if (e.path().extension() == ext)
            t += e.file_size();
    return t;
}

} // namespace

int main(int argc, char **argv)
{
    if (flag(argc, argv, "--help")) {
        std::printf("quantbench [--size-gb 1] [--dtype bf16|f16|f32] [--mode nf4|fp4|int8] [--no-double-quant]\n"
                    "           [--threads N] [--dir DIR] [--paths io,kernels,cpu,cuda] [--results FILE] [--label TEXT]\n"
                    "           [--sample-mb 256] [--repeat N (best of N)] [--keep]\n"
                    "           [--reuse (keep DIR/src between runs and use it again: profiling; the\n"
                    "            input is then in the page cache only if it was recently read)]\n"
                    "           [--no-warm (do not touch and free 1.25 x the output before every run)]\n");
        return 0;
    }
    const double sizeGb = std::atof(arg(argc, argv, "--size-gb", "1").c_str());
    g_repeat = std::max(1, std::atoi(arg(argc, argv, "--repeat", "1").c_str()));
    const std::string dtypeArg = arg(argc, argv, "--dtype", "bf16");
    const DType dtype = dtypeArg == "f32" ? DType::F32 : dtypeArg == "f16" ? DType::F16 : DType::BF16;
    const std::string mode = arg(argc, argv, "--mode", "nf4");
    const unsigned threads = unsigned(std::atoi(arg(argc, argv, "--threads", "0").c_str()));
    const std::string paths = arg(argc, argv, "--paths", "io,kernels,cpu,cuda");
    const fs::path dir = arg(argc, argv, "--dir", "/tmp/quantbench");
    const std::string results = arg(argc, argv, "--results", "");
    const std::string label = arg(argc, argv, "--label", "");
    const uint64_t sampleBytes = uint64_t(std::atof(arg(argc, argv, "--sample-mb", "256").c_str()) * 1e6);
    QuantOptions opts;
    opts.mode = mode == "int8" ? QuantMode::Bnb8bit : QuantMode::Bnb4bit;
    opts.quantType = mode == "fp4" ? QuantType::FP4 : QuantType::NF4;
    opts.doubleQuant = !flag(argc, argv, "--no-double-quant");
    opts.dtype = dtype;

    const fs::path src = dir / "src";
    // What the kept input was generated from: reused only for the same size and dtype.
    const std::string made = std::to_string(sizeGb) + " " + dtypeArg + "\n";
    auto madeBefore = [&] {
        std::ifstream m(src / "quantbench-input.txt");
        std::stringstream ss;
        ss << m.rdbuf();
        return ss.str();
    };
    const bool reuse = flag(argc, argv, "--reuse") && fs::exists(src / "model.safetensors") && madeBefore() == made;
    if (reuse) {
        for (const auto &e : fs::directory_iterator(dir))
            if (e.path().filename() != "src")
                fs::remove_all(e.path());
    } else {
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    SyntheticSpec spec = syntheticSpecForSize(uint64_t(sizeGb * 1e9), dtype);
    spec.threads = threads;
    const double g0 = now();
    if (auto s = reuse ? Status{} : writeSyntheticCheckpoint(src.string(), spec); !s) {
        std::fprintf(stderr, "generate: %s\n", s.error().toString().c_str());
        return 1;
    }
    if (!reuse)
        std::ofstream(src / "quantbench-input.txt") << made;
    const uint64_t inBytes = dirBytes(src, ".safetensors");
    uint64_t largest = 0;
    {
        auto f = SafetensorsFile::open((src / "model.safetensors").string());
        for (const auto &t : (*f)->header().tensors)
            largest = std::max(largest, t.byteSize());
    }
    std::printf("checkpoint: llama-like, %d layers, %s, %.3f GB (largest tensor %.1f MB), %s %.1f s\n",
                spec.layers, std::string(dtypeName(dtype)).c_str(), double(inBytes) / 1e9, double(largest) / 1e6,
                reuse ? "reused, checked in" : "generated in", now() - g0);
    const unsigned nThreads = threads ? threads : std::max(1u, std::thread::hardware_concurrency());
    const bool keep = flag(argc, argv, "--keep");

    auto quantizeFn = [&](DeviceKind dev, const std::string &outName) -> std::function<PhaseResult()> {
        return [&, dev, outName] {
            QuantizeRequest req;
            req.inputDir = src.string();
            req.outputDir = (dir / outName).string();
            req.options = opts;
            req.device = dev;
            req.threads = threads;
            req.overwrite = true;
            // An earlier output (--keep) is removed untimed: deleting 1.5 GB is not quantizing.
            fs::remove_all(req.outputDir);
            const double t0 = now();
            auto r = quantizeCheckpoint(req);
            PhaseResult p;
            p.seconds = now() - t0;
            if (!keep) // each phase removes its own output, as the floors do
                fs::remove_all(req.outputDir);
            if (!r) {
                p.note = r.error().toString();
                return p;
            }
            p.ok = true;
            p.extra = double(r->peakGpuBytes);
            p.note = r->device + (r->fallbackReason.empty() ? "" : " [fallback: " + r->fallbackReason + "]");
            // where the time went (seconds on the main loop)
            char parts[256];
            std::snprintf(parts, sizeof parts,
                          "; read+quantize %.2f, double quant %.2f, waiting for the writer %.2f, last writes+fsync %.2f",
                          r->quantizeSeconds, r->doubleQuantSeconds, r->writerWaitSeconds, r->flushSeconds);
            p.note += parts;
            if (dev == DeviceKind::Cuda) {
                const GpuTimes &g = r->gpuTimes;
                std::snprintf(parts, sizeof parts,
                              " (GPU: opening the device %.2f, reading into pinned %.2f, upload waits %.2f, kernels %.2f, downloads %.2f)",
                              r->gpuSetupSeconds, g.stage, g.uploadWait, g.kernel, g.download);
                p.note += parts;
            }
            return p;
        };
    };

    std::ostringstream md;
    char date[64];
    const std::time_t t = std::time(nullptr);
    std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&t));
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    md << "\n## quantbench " << date << (label.empty() ? "" : " — " + label) << "\n\n";
    md << "`quantbench --size-gb " << sizeGb << " --dtype " << dtypeArg << " --mode " << mode
       << (opts.doubleQuant ? "" : " --no-double-quant") << " --threads " << threads << "` on " << nThreads
       << " CPU thread(s), best of " << g_repeat << " run(s) per phase, the floors and pipelines run round-robin (with a sync between runs). Input " << double(inBytes) / 1e9 << " GB (" << spec.layers
       << " llama-7B-shaped layers), largest tensor " << double(largest) / 1e6
       << " MB; input in the page cache (" << (reuse ? "reused" : "just generated") << "). Each phase runs in its own process (its peak RSS).\n\n";
    md << "| phase | seconds | GB/s of input | ratio to I/O floor | CPU s (user+sys) | peak RSS MB | notes |\n"
          "|---|---|---|---|---|---|---|\n";
    std::printf("%-28s %9s %9s %8s %7s %10s  %s\n", "phase", "seconds", "GB/s in", "vs floor", "CPU s", "RSS MB",
                "notes");
    double floorSeconds = 0;
    auto row = [&](const std::string &name, const PhaseResult &p, uint64_t bytes, bool ratio) {
        const double gbs = p.ok && p.seconds > 0 ? double(bytes) / 1e9 / p.seconds : 0;
        const double r = ratio && p.ok && floorSeconds > 0 && p.seconds > 0 ? floorSeconds / p.seconds : 0;
        const std::string rs = r > 0 ? std::to_string(r).substr(0, 5) + "x" : "-";
        std::printf("%-28s %9.2f %9.3f %8s %7.2f %10.0f  %s%s\n", name.c_str(), p.seconds, gbs, rs.c_str(),
                    p.cpuSeconds, double(p.maxRssKb) / 1024, p.ok ? "" : "FAILED ", p.note.c_str());
        char line[512];
        std::snprintf(line, sizeof line, "| %s | %.2f | %.3f | %s | %.2f | %.0f | %s%s |\n", name.c_str(), p.seconds, gbs,
                      rs.c_str(), p.cpuSeconds, double(p.maxRssKb) / 1024, p.ok ? "" : "FAILED ", p.note.c_str());
        md << line;
    };

    // Output bytes the quantizer writes (for the I/O floor): from the plan.
    uint64_t outBytes = 0;
    QuantPlan floorPlan;
    {
        auto f = SafetensorsFile::open((src / "model.safetensors").string());
        std::vector<TensorInfo> infos;
        for (const auto &e : (*f)->header().tensors)
            infos.push_back({e.name, e.dtype, e.shape});
        floorPlan = planQuantization(infos, nlohmann::json{{"model_type", "llama"}, {"tie_word_embeddings", false}}, opts);
        outBytes = floorPlan.estimatedOutputBytes;
    }
    // As much warm memory as a run can take for its output, with room to spare.
    g_warm = flag(argc, argv, "--no-warm") ? 0 : size_t(outBytes + outBytes / 4 + (256u << 20));

    std::function<PhaseResult()> naiveFn;
    std::function<std::function<PhaseResult()>(WriteMode)> sameFn;
    if (paths.find("io") != std::string::npos) {
        // Three floors, and the fastest one is the reference: the time to read the input and
        // write the output bytes with no compute.
        // - naive: one thread maps and touches every input page, writes the output share of each
        //   tensor from a buffer, fsyncs.
        // - same I/O, through the page cache or direct: the quantizer's own I/O with the compute
        //   taken out (below), in either of the writer's modes.
        naiveFn = [&] {
            const double t0 = now();
            auto f = SafetensorsFile::open((src / "model.safetensors").string());
            const int fd = ::open((dir / "iofloor.bin").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            std::vector<uint8_t> out(8u << 20, 0x11);
            uint64_t sum = 0, toWrite = outBytes;
            for (const auto &e : (*f)->header().tensors) {
                const uint8_t *d = (*f)->data(e);
                for (uint64_t i = 0; i < e.byteSize(); i += 4096) // touch every page: the read
                    sum += d[i];
                (*f)->release(e);
                // write the output share of this tensor
                uint64_t share = std::min<uint64_t>(toWrite, uint64_t(double(e.byteSize()) * double(outBytes) / double(inBytes)) + 1);
                toWrite -= share;
                while (share > 0) {
                    const size_t n = size_t(std::min<uint64_t>(share, out.size()));
                    if (::write(fd, out.data(), n) != ssize_t(n))
                        break;
                    share -= n;
                }
            }
            ::fsync(fd);
            ::close(fd);
            PhaseResult r;
            r.ok = true;
            r.seconds = now() - t0;
            r.note = "read " + std::to_string(inBytes / 1000000) + " MB + write " + std::to_string(outBytes / 1000000)
                     + " MB" + (sum == 42 ? " " : "");
            fs::remove(dir / "iofloor.bin");
            return r;
        };
        // The quantizer's own I/O with the compute taken out: the same output file (same tensors,
        // header and places), written through the same SafetensorsWriter and AsyncWriter (same
        // threads, budget, 8 MB slices), unchanged tensors copied with copyFromFile, the other
        // tensors read in 256 KB pieces with pread on a pool of the same size; fsync at the end.
        sameFn = [&](WriteMode writeMode) {
            return [&, writeMode] {
                const double t0 = now();
                auto f = SafetensorsFile::open((src / "model.safetensors").string());
                const fs::path outDir = dir / "iofloor";
                fs::create_directories(outDir);
                const bool direct = writeMode == WriteMode::Direct && SafetensorsWriter::directIoAvailable(outDir.string());
                std::vector<PlannedTensor> planned;
                std::map<std::string, const TensorEntry *> entries;
                for (const auto &e : (*f)->header().tensors)
                    entries[e.name] = &e;
                uint64_t largestOut = 0;
                for (const auto &tp : floorPlan.tensors)
                    for (const auto &o : tp.outputs) {
                        planned.push_back(PlannedTensor{o.name, o.dtype, o.shape, o.variableSize ? o.maxBytes : 0});
                        if (!tp.passesThrough())
                            largestOut = std::max(largestOut, planned.back().byteSize());
                    }
                auto w = SafetensorsWriter::create((outDir / "model.safetensors").string(), planned, {{"format", "pt"}},
                                                   direct ? WriteMode::Direct : WriteMode::Buffered);
                PhaseResult r;
                if (!w) {
                    r.note = w.error().toString();
                    return r;
                }
                std::shared_ptr<SafetensorsWriter> writer(std::move(*w));
                // One output buffer as the pipeline's (huge pages, placed per tensor at the file
                // offset's address modulo 4 KB, so that direct writes need no bounce copy).
                const auto out = std::make_shared<std::vector<uint8_t>>(hugePageVector<uint8_t>(size_t(largestOut) + 4096));
                std::fill(out->begin(), out->end(), uint8_t(0x11));
                AsyncWriter io(64u << 20, direct ? 4 : 1);
                ThreadPool readers(threads);
                std::atomic<bool> readFailed{false};
                for (size_t k = 0; k < floorPlan.tensors.size(); ++k) {
                    const TensorPlan &tp = floorPlan.tensors[k];
                    const TensorEntry &e = *entries.at(tp.name);
                    if (tp.dropped())
                        continue;
                    if (tp.passesThrough()) {
                        const int fd = (*f)->fd();
                        const uint64_t from = (*f)->fileOffset(e);
                        for (uint64_t off = 0; off < e.byteSize(); off += 32u << 20) {
                            const size_t len = size_t(std::min<uint64_t>(32u << 20, e.byteSize() - off));
                            io.pushBackground([writer, name = tp.name, off, fd, from, len] {
                                return writer->copyFromFile(name, off, fd, from + off, len);
                            });
                        }
                        continue;
                    }
                    // the read, as the pipeline's kernels do it: 256 KB pieces read with pread into
                    // each pool thread's buffer
                    const int fd = (*f)->fd();
                    const uint64_t from = (*f)->fileOffset(e), size = e.byteSize();
                    constexpr uint64_t kPiece = 256u << 10;
                    readers.parallelFor(size_t((size + kPiece - 1) / kPiece), 1, [&](size_t p0, size_t p1) {
                        thread_local std::vector<uint8_t> buf(kPiece);
                        for (size_t p = p0; p < p1; ++p) {
                            const uint64_t at = uint64_t(p) * kPiece, n = std::min(kPiece, size - at);
                            if (preadFully(fd, buf.data(), size_t(n), from + at) != n)
                                readFailed = true;
                        }
                    });
                    for (const auto &o : tp.outputs) {
                        const uint64_t bytes = PlannedTensor{o.name, o.dtype, o.shape, 0}.byteSize();
                        if (o.variableSize) {
                            (void)writer->writeDeferred(o.name, std::string(size_t(std::min<uint64_t>(o.maxBytes, 400)), ' '));
                            continue;
                        }
                        const size_t place = size_t((writer->fileOffset(o.name) - reinterpret_cast<uintptr_t>(out->data())) % 4096);
                        for (uint64_t at = 0; at < bytes; at += 8u << 20) {
                            const size_t n = size_t(std::min<uint64_t>(8u << 20, bytes - at));
                            io.push([writer, out, name = o.name, at, n, place] {
                                return writer->writeAt(name, at, out->data() + place + at, n);
                            }, n);
                        }
                    }
                }
                Status st = readFailed ? Status(makeError(QuantErrc::IoError, "read failed")) : io.drain();
                if (st.ok())
                    st = writer->finish();
                r.ok = st.ok();
                r.seconds = now() - t0;
                r.note = st.ok() ? std::string(direct ? "direct" : "page cache") + " writes, as the pipeline's I/O"
                                 : st.error().toString();
                fs::remove_all(outDir);
                return r;
            };
        };
    }
    // The floors and the pipelines, interleaved.
    std::vector<std::function<PhaseResult()>> fns;
    const bool io = paths.find("io") != std::string::npos, cpuPath = paths.find("cpu") != std::string::npos,
               cudaPath = paths.find("cuda") != std::string::npos;
    if (io) {
        fns.push_back(naiveFn);
        fns.push_back(sameFn(WriteMode::Buffered));
        fns.push_back(sameFn(WriteMode::Direct));
    }
    if (cpuPath)
        fns.push_back(quantizeFn(DeviceKind::Cpu, "out-cpu"));
    if (cudaPath)
        fns.push_back(quantizeFn(DeviceKind::Cuda, "out-cuda"));
    const std::vector<PhaseResult> timed = interleaved(fns);
    size_t at = 0;
    if (io) {
        const PhaseResult naive = timed[at++], same = timed[at++], sameDirect = timed[at++];
        row("I/O floor, naive", naive, inBytes, false);
        row("I/O floor, same I/O, cached", same, inBytes, false);
        row("I/O floor, same I/O, direct", sameDirect, inBytes, false);
        for (const PhaseResult *p : {&naive, &same, &sameDirect})
            if (p->ok && (floorSeconds == 0 || p->seconds < floorSeconds))
                floorSeconds = p->seconds;
        std::printf("I/O floor (the fastest of the three): %.2f s\n", floorSeconds);
        md << "| I/O floor = the fastest of the three | " << floorSeconds << " | | | | | |\n";
    }

    if (paths.find("kernels") != std::string::npos) {
        // Compute only, on the first tensors up to sampleBytes: reference vs fast CPU (vs CUDA).
        auto f = SafetensorsFile::open((src / "model.safetensors").string());
        std::vector<const TensorEntry *> sample;
        uint64_t sampled = 0;
        for (const auto &e : (*f)->header().tensors)
            if (e.shape.size() == 2 && e.name.find("layers.") != std::string::npos && sampled < sampleBytes) {
                sample.push_back(&e);
                sampled += e.byteSize();
            }
        auto kernelPhase = [&](int which) {
            return inChild([&] {
                ThreadPool pool(threads);
                std::unique_ptr<CudaQuantizer> gpu;
                if (which == 2) {
                    auto g = CudaQuantizer::create(0);
                    if (!g) {
                        PhaseResult r;
                        r.note = g.error().message;
                        return r;
                    }
                    gpu = std::move(*g);
                    gpu->setCopyPool(&pool);
                }
                double total = 0;
                for (const auto *e : sample) {
                    QuantInput in;
                    in.data = (*f)->data(*e);
                    for (uint64_t i = 0; i < e->byteSize(); i += 4096) // fault the pages in first
                        (void)*(volatile const uint8_t *)(in.data + i);
                    in.sourceDtype = in.targetDtype = e->dtype;
                    in.rows = e->shape[0];
                    in.cols = e->shape[1];
                    in.name = e->name;
                    const double t0 = now();
                    Status s;
                    if (opts.mode == QuantMode::Bnb8bit) {
                        Int8Result q;
                        s = which == 0 ? reference::quantize8bit(in, q) : which == 1 ? cpu::quantize8bit(in, q, pool) : gpu->quantize8bit(in, q);
                    } else {
                        Quant4Result q;
                        s = which == 0 ? reference::quantize4bit(in, opts.quantType, q)
                            : which == 1 ? cpu::quantize4bit(in, opts.quantType, q, pool)
                                         : gpu->quantize4bit(in, opts.quantType, q);
                    }
                    total += now() - t0;
                    if (!s)
                        return PhaseResult{false, total, 0, 0, s.error().toString()};
                }
                return PhaseResult{true, total, 0, 0, which == 2 ? "incl. host<->device copies" : ""};
            });
        };
        const PhaseResult ref = kernelPhase(0);
        row("kernel: reference (1 thread)", ref, sampled, false);
        const PhaseResult fast = kernelPhase(1);
        row("kernel: fast CPU", fast, sampled, false);
        std::printf("fast CPU kernel / reference: %.1fx\n", ref.seconds / std::max(1e-9, fast.seconds));
        md << "| kernel: fast CPU vs reference | | | " << ref.seconds / std::max(1e-9, fast.seconds)
           << "x faster | | | sample " << sampled / 1000000 << " MB |\n";
        // CUDA is never initialised in this (parent) process: a forked child could not use it.
        if (paths.find("cuda") != std::string::npos) {
            const PhaseResult g = kernelPhase(2);
            row("kernel: CUDA", g, sampled, false);
        }
    }

    if (cpuPath) {
        const PhaseResult p = timed[at++];
        row("quantize: CPU pipeline", p, inBytes, true);
        if (!flag(argc, argv, "--keep"))
            fs::remove_all(dir / "out-cpu");
    }
    if (cudaPath) {
        PhaseResult p = timed[at++];
        if (p.ok)
            p.note += ", peak GPU memory in use " + std::to_string(uint64_t(p.extra / 1e6)) + " MB";
        row("quantize: CUDA pipeline", p, inBytes, true);
        if (!flag(argc, argv, "--keep"))
            fs::remove_all(dir / "out-cuda");
    }
    const double bound = (2.0 * double(largest) + 256e6) / 1e6;
    std::printf("memory bound (2 x largest tensor + 256 MB): %.0f MB\n", bound);
    md << "\nMemory bound 2 × largest tensor + 256 MB = " << bound << " MB.";
    if (g_warm > 0)
        md << " Before every run " << g_warm / 1000000 << " MB of memory were touched and freed (untimed: the same memory state for every phase).";
    md << "\n";
    if (!results.empty()) {
        std::ofstream r(results, std::ios::app);
        r << md.str();
    }
    if (flag(argc, argv, "--reuse"))
        for (const auto &e : fs::directory_iterator(dir))
            if (e.path().filename() != "src")
                fs::remove_all(e.path());
    if (!flag(argc, argv, "--keep") && !flag(argc, argv, "--reuse"))
        fs::remove_all(dir);
    return 0;
}
