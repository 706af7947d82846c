#pragma once

#include "quant/bnbconstants.h"
#include "quant/dtype.h"
#include "quant/modelrules.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace mistudio::quant::bnb {

// The layout every implementation (reference, CPU, CUDA) shares, bit for bit. F1..F14 name the
// numbered "Format facts" of docs/quantization.md.

inline constexpr int kBlocksize = 64;        // transformers never passes another (F1)
inline constexpr int kNestedBlocksize = 256; // double quantization (F7)

inline uint64_t numBlocks(uint64_t n, uint64_t bs = kBlocksize) { return (n + bs - 1) / bs; }
inline uint64_t packedBytes(uint64_t n) { return (n + 1) / 2; } // F5: [(n+1)//2, 1] uint8

// The code tables and thresholds: bnbconstants.h (shared with the CUDA sources).

// F8: the signed dynamic map used for the nested absmax (copied from the torch build, not
// recomputed: torch's linspace uses FMAs). Index 127 = 0, 255 = 1.0.
extern const std::array<uint32_t, 256> kDynamicMap;

// Maximum length of Python's repr() of a float32-valued double ("-1.2345678901234567e-05").
inline constexpr size_t kMaxFloatReprLength = 24;

// Python's repr(float): shortest round-trip digits; fixed notation for 1e-4 <= |x| < 1e16,
// otherwise "1e-05" style (mantissa without trailing ".0", two-digit exponent at least).
std::string pythonFloatRepr(double value);

// F13: the quant_state JSON bytes, as bnb's pack_dict_to_tensor writes them (json.dumps with
// default separators, insertion order). shape is the 2-D [out, in] shape.
std::string quantStateJson(QuantType type, DType dtype, const std::vector<int64_t> &shape, bool nested,
                           float nestedOffset);

// F14: the quantization_config object (rendered sorted, indent 2, with the rest of config.json).
nlohmann::json quantizationConfig(const QuantOptions &options, DType computeDtype);

} // namespace mistudio::quant::bnb
