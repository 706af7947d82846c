// The state-dict pickle rewriter alone (no LibTorch): inputs the fuzzer (tests/fuzz) found, and
// the rewrites they touch. tst_torchstatedict checks the rewritten pickles with LibTorch itself.
#include "check.h"

#include "quant/torch/picklerewriter.h"

#include <string>

using namespace mistudio::quant;

namespace {

// The bytes of a literal, NULs included.
template <size_t N>
std::string bytes(const char (&s)[N])
{
    return std::string(s, N - 1);
}

// A single SETITEM becomes MARK ... SETITEMS (LibTorch 1.13 reads only the batch form), and the
// result needs no second rewrite.
void testSingleSetitem()
{
    const std::string in = bytes("\x80\x02}X\x01\x00\x00\x00" "aK\x01s.");
    const auto out = rewriteStateDictPickle(in);
    CHECK(out.ok());
    if (!out.ok())
        return;
    CHECK_EQ(*out, bytes("\x80\x02}(X\x01\x00\x00\x00" "aK\x01u."));
    const auto again = rewriteStateDictPickle(*out);
    CHECK(again.ok() && *again == *out);
}

// DUP copies the value below it; moved behind the MARK of a rewritten SETITEM it would copy
// nothing (found by fuzz_pickle_rewriter: the rewrite was accepted and its output was malformed).
// Python never writes DUP, so it is refused.
void testDupRefused()
{
    const std::string minimal = bytes("\x80\x02}X\x01\x00\x00\x00" "a2s.");
    const std::string found = bytes("\x80\x04}]\x86\x80\x04" "2\x95\x00\x00\x00\x00\x00\x00\x00}K\x86\x8c\x01n\x86s."
                                    "\x8c\x01.");
    for (const std::string &in : {minimal, found}) {
        const auto out = rewriteStateDictPickle(in);
        CHECK(!out.ok());
        if (!out.ok())
            CHECK(out.error().code == QuantErrc::UnsupportedCheckpoint);
    }
}

} // namespace

int main()
{
    testSingleSetitem();
    testDupRefused();
    return quanttest::finish("tst_quant_picklerewriter");
}
