#pragma once

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

// §1.3: NF4 code values (float32 bits), code 0..15.
inline constexpr std::array<uint32_t, 16> kNf4Values{
    0xbf800000, 0xbf3239b1, 0xbf066b30, 0xbeca32a0, 0xbe91a24d, 0xbe3d353f, 0xbdba7871, 0x00000000,
    0x3da2faff, 0x3e24cae3, 0x3e7c04dd, 0x3ead033a, 0x3ee1a4b8, 0x3f1007ab, 0x3f3913b3, 0x3f800000};
// §1.3: the 15 thresholds as the CUDA kernel compiled them ("CUDA" column); code = #{k: y > T_k}.
inline constexpr std::array<uint32_t, 15> kNf4Thresholds{
    0xbf591cd9, 0xbf1c5270, 0xbeeb8480, 0xbeadea76, 0xbe703cec, 0xbe0d38bc, 0xbd3a7871, 0x3d22faff,
    0x3df64863, 0x3e5067e0, 0x3e9582d4, 0x3ec753f9, 0x3f006d03, 0x3f248daf, 0x3f5c89d9};

// §1.4: the stored FP4 quant_map (index 8 is +0.0, as bnb stores it).
inline constexpr std::array<uint32_t, 16> kFp4QuantMap{
    0x00000000, 0x3baaaaab, 0x3f2aaaab, 0x3f800000, 0x3eaaaaab, 0x3f000000, 0x3e2aaaab, 0x3e800000,
    0x00000000, 0xbbaaaaab, 0xbf2aaaab, 0xbf800000, 0xbeaaaaab, 0xbf000000, 0xbe2aaaab, 0xbe800000};
// §1.4: magnitude thresholds (from the literals 0.00260417f ... 0.8333333f); rank = #{k: |y| > T_k}.
inline constexpr std::array<uint32_t, 7> kFp4Thresholds{
    0x3b2aaab9, 0x3db00000, 0x3e555555, 0x3e955555, 0x3ed55556, 0x3f155550, 0x3f555555};
// §1.4: magnitude rank -> the 3 code bits.
inline constexpr std::array<uint8_t, 8> kFp4RankBits{0b000, 0b001, 0b110, 0b111, 0b100, 0b101, 0b010, 0b011};

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
