#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace mistudio::quant {

// The element types safetensors files may hold (the names are the safetensors "dtype" strings).
// Anything else in a header is rejected as unsupported.
enum class DType : uint8_t {
    BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64,
};

std::string_view dtypeName(DType t);                 // "BF16"
std::optional<DType> dtypeFromName(std::string_view); // exact safetensors spelling
size_t dtypeSize(DType t);
bool isFloating(DType t); // F16, BF16, F32, F64 (the casts we do); F8 stays as it is
// The torch spelling used by config.json and the quant_state JSON: "bfloat16", "float16", "float32".
std::string_view torchDtypeName(DType t);
std::optional<DType> dtypeFromTorchName(std::string_view name); // "bfloat16", "torch.float16", "fp32"...
// Rank used by safetensors' serializer to order the header (larger alignment first).
int dtypeSortRank(DType t);

// Bit-exact conversions, matching torch's .to(): round to nearest even, overflow to inf,
// NaN stays NaN (quiet).
inline float bitsToFloat(uint32_t b) { float f; std::memcpy(&f, &b, 4); return f; }
inline uint32_t floatToBits(float f) { uint32_t b; std::memcpy(&b, &f, 4); return b; }

inline float bf16ToFloat(uint16_t h) { return bitsToFloat(uint32_t(h) << 16); }
inline uint16_t floatToBf16(float f)
{
    uint32_t b = floatToBits(f);
    if ((b & 0x7fffffffu) > 0x7f800000u)
        return uint16_t((b >> 16) | 0x40); // quiet NaN, sign kept
    b += 0x7fffu + ((b >> 16) & 1u);
    return uint16_t(b >> 16);
}

float halfToFloat(uint16_t h);
uint16_t floatToHalf(float f);

// Reads element i of a buffer of type t (F16/BF16/F32/F64) as float.
inline float loadAsFloat(const uint8_t *p, DType t, size_t i)
{
    switch (t) {
    case DType::F32: { float f; std::memcpy(&f, p + 4 * i, 4); return f; }
    case DType::BF16: { uint16_t h; std::memcpy(&h, p + 2 * i, 2); return bf16ToFloat(h); }
    case DType::F16: { uint16_t h; std::memcpy(&h, p + 2 * i, 2); return halfToFloat(h); }
    case DType::F64: { double d; std::memcpy(&d, p + 8 * i, 8); return float(d); }
    default: return 0.0f;
    }
}

// Converts n floating elements from one type to another (RNE), e.g. the bf16 cast of an fp32
// checkpoint. src and dst may not overlap unless the types are equal.
void convertFloats(const uint8_t *src, DType from, uint8_t *dst, DType to, size_t n);

} // namespace mistudio::quant
