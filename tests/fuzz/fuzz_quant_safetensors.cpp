// core/quant's safetensors reader on hostile bytes, in the three ways the product reads a header:
// a whole file (SafetensorsFile::open, the quantizer), a buffer of known file size, and a prefix
// without the size (the preview's Range fetch). The input is the file itself, so a crash input is
// a .safetensors file that reproduces with `mistudio quantize` too.
#include "fuzzcheck.h"

#include "quant/safetensors.h"

#include <cstdint>
#include <set>
#include <string>

#include <sys/mman.h>
#include <unistd.h>

using namespace mistudio::quant;

namespace {

// What every accepted header promises its readers (safetensors.h, parseHeaderJson).
void checkAccepted(const SafetensorsHeader &h, std::optional<uint64_t> fileSize)
{
    uint64_t expected = 0;
    std::set<std::string> names;
    for (const TensorEntry &t : h.tensors) {
        FUZZ_CHECK(names.insert(t.name).second);
        FUZZ_CHECK(t.name != "__metadata__");
        FUZZ_CHECK(t.begin == expected);
        FUZZ_CHECK(t.end >= t.begin);
        uint64_t n = 1;
        for (int64_t d : t.shape) {
            FUZZ_CHECK(d >= 0);
            FUZZ_CHECK(!__builtin_mul_overflow(n, uint64_t(d), &n));
        }
        uint64_t bytes = 0;
        FUZZ_CHECK(!__builtin_mul_overflow(n, uint64_t(dtypeSize(t.dtype)), &bytes));
        FUZZ_CHECK(bytes == t.byteSize());
        FUZZ_CHECK(t.numel() == n);
        FUZZ_CHECK(h.find(t.name) == &t);
        expected = t.end;
    }
    FUZZ_CHECK(h.dataSize == expected);
    if (fileSize)
        FUZZ_CHECK(h.dataOffset() + h.dataSize == *fileSize);
}

// The file as the quantizer opens it: a real file descriptor, mapped. Every tensor's first and
// last byte is read, so a range the parser let past the end of the mapping faults here.
void openAsFile(const uint8_t *data, size_t size, bool acceptedInMemory)
{
    static const int fd = memfd_create("fuzz.safetensors", 0);
    FUZZ_CHECK(fd >= 0);
    FUZZ_CHECK(ftruncate(fd, 0) == 0);
    FUZZ_CHECK(size == 0 || pwrite(fd, data, size, 0) == ssize_t(size));
    auto f = SafetensorsFile::open("/proc/self/fd/" + std::to_string(fd));
    FUZZ_CHECK(f.ok() == acceptedInMemory);
    if (!f.ok())
        return;
    volatile uint8_t sink = 0;
    for (const TensorEntry &t : (*f)->header().tensors) {
        if (t.byteSize() == 0)
            continue;
        FUZZ_CHECK((*f)->fileOffset(t) + t.byteSize() <= (*f)->fileSize());
        sink = sink + (*f)->data(t)[0] + (*f)->data(t)[t.byteSize() - 1];
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const auto whole = parseHeader(data, size, uint64_t(size));
    if (whole.ok())
        checkAccepted(*whole, uint64_t(size));

    // Without the file size the parser can only be more lenient: what a whole file passes, its
    // prefix passes too, with the same tensors.
    const auto prefix = parseHeader(data, size);
    if (prefix.ok())
        checkAccepted(*prefix, std::nullopt);
    if (whole.ok()) {
        FUZZ_CHECK(prefix.ok());
        FUZZ_CHECK(prefix->tensors.size() == whole->tensors.size());
        FUZZ_CHECK(prefix->dataSize == whole->dataSize);
    }

    // The JSON alone, as the preview hands it over after reading the length itself.
    const auto json = parseHeaderJson(data, size);
    if (json.ok())
        checkAccepted(*json, std::nullopt);

    openAsFile(data, size, whole.ok());
    return 0;
}
