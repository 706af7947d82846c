#pragma once

// The numeric constants of the bitsandbytes formats as plain arrays, so that C++ and CUDA
// sources share one copy (bnblayout.h re-exports them). Values as float32 bits;
// Fn = docs/quantization.md, Format facts n.
#include <cstdint>

namespace mistudio::quant::bnb {

// F3 NF4 code values, code 0..15.
inline constexpr uint32_t kNf4ValueBits[16] = {
    0xbf800000, 0xbf3239b1, 0xbf066b30, 0xbeca32a0, 0xbe91a24d, 0xbe3d353f, 0xbdba7871, 0x00000000,
    0x3da2faff, 0x3e24cae3, 0x3e7c04dd, 0x3ead033a, 0x3ee1a4b8, 0x3f1007ab, 0x3f3913b3, 0x3f800000};
// F3 the 15 thresholds as the CUDA kernel compiled them; code = #{k: y > T_k}.
inline constexpr uint32_t kNf4ThresholdBits[15] = {
    0xbf591cd9, 0xbf1c5270, 0xbeeb8480, 0xbeadea76, 0xbe703cec, 0xbe0d38bc, 0xbd3a7871, 0x3d22faff,
    0x3df64863, 0x3e5067e0, 0x3e9582d4, 0x3ec753f9, 0x3f006d03, 0x3f248daf, 0x3f5c89d9};
// F4 the stored FP4 quant_map (index 8 is +0.0, as bnb stores it).
inline constexpr uint32_t kFp4QuantMapBits[16] = {
    0x00000000, 0x3baaaaab, 0x3f2aaaab, 0x3f800000, 0x3eaaaaab, 0x3f000000, 0x3e2aaaab, 0x3e800000,
    0x00000000, 0xbbaaaaab, 0xbf2aaaab, 0xbf800000, 0xbeaaaaab, 0xbf000000, 0xbe2aaaab, 0xbe800000};
// F4 magnitude thresholds (literals 0.00260417f ... 0.8333333f); rank = #{k: |y| > T_k}.
inline constexpr uint32_t kFp4ThresholdBits[7] = {
    0x3b2aaab9, 0x3db00000, 0x3e555555, 0x3e955555, 0x3ed55556, 0x3f155550, 0x3f555555};
// F4 magnitude rank -> the 3 code bits.
inline constexpr uint8_t kFp4RankBits[8] = {0b000, 0b001, 0b110, 0b111, 0b100, 0b101, 0b010, 0b011};

} // namespace mistudio::quant::bnb
