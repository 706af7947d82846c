// The state-dict pickle rewriter (core/quant/torch/picklerewriter) on hostile bytes: the
// archive/data.pkl of a pytorch_model.bin, before LibTorch's unpickler sees the result. Only the
// byte walk is fuzzed; LibTorch itself is not part of this target.
#include "fuzzcheck.h"

#include "quant/torch/picklerewriter.h"

#include <string>
#include <string_view>

using namespace mistudio::quant;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string_view pickle(reinterpret_cast<const char *>(data), size);
    const auto out = rewriteStateDictPickle(pickle);
    if (!out.ok()) {
        FUZZ_CHECK(out.error().code == QuantErrc::InvalidCheckpoint || out.error().code == QuantErrc::UnsafeCheckpoint
                   || out.error().code == QuantErrc::UnsupportedCheckpoint);
        return 0;
    }
    // The output is a complete pickle that ends with STOP...
    FUZZ_CHECK(!out->empty() && out->back() == '.');
    // ...and already in the form LibTorch reads: nothing is left to rewrite, so a second pass
    // accepts it and changes nothing (no OrderedDict, Parameter, FRAME, MEMOIZE or short LONG1).
    const auto again = rewriteStateDictPickle(*out);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(*again == *out);
    return 0;
}
