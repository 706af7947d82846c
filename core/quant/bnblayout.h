#pragma once

#include "quant/bnbconstants.h"
#include "quant/dtype.h"
#include "quant/modelrules.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace mistudio::quant::bnb {

// The layout every implementation (reference, CPU, CUDA) shares: constants from
// ../shared/specs/bnb-format.md, bit for bit. Section numbers (§) refer to that spec.

inline constexpr int kBlocksize = 64;        // transformers never passes another (§1.1)
inline constexpr int kNestedBlocksize = 256; // double quantization (§2.1)

inline uint64_t numBlocks(uint64_t n, uint64_t bs = kBlocksize) { return (n + bs - 1) / bs; }
inline uint64_t packedBytes(uint64_t n) { return (n + 1) / 2; } // §1.5: [(n+1)//2, 1] uint8

// The code tables and thresholds: bnbconstants.h (shared with the CUDA sources).

// §2.2: the signed dynamic map used for the nested absmax (copied from the torch build, not
// recomputed: see the spec on linspace's FMAs). Index 127 = 0, 255 = 1.0.
extern const std::array<uint32_t, 256> kDynamicMap;

// Maximum length of Python's repr() of a float32-valued double ("-1.2345678901234567e-05").
inline constexpr size_t kMaxFloatReprLength = 24;

// Python's repr(float): shortest round-trip digits; fixed notation for 1e-4 <= |x| < 1e16,
// otherwise "1e-05" style (mantissa without trailing ".0", two-digit exponent at least).
std::string pythonFloatRepr(double value);

// §4.2: the quant_state JSON bytes, as bnb's pack_dict_to_tensor writes them (json.dumps with
// default separators, insertion order). shape is the 2-D [out, in] shape.
std::string quantStateJson(QuantType type, DType dtype, const std::vector<int64_t> &shape, bool nested,
                           float nestedOffset);

// §4.3: the quantization_config object (rendered sorted, indent 2, with the rest of config.json).
nlohmann::json quantizationConfig(const QuantOptions &options, DType computeDtype);

} // namespace mistudio::quant::bnb
