#include "quant/dtype.h"

#include <array>
#include <cmath>

namespace mistudio::quant {

namespace {

struct DTypeInfo
{
    DType type;
    std::string_view name;
    size_t size;
    int rank;
};

// rank: the order of safetensors' Dtype enum, which its serializer sorts by (descending).
constexpr std::array<DTypeInfo, 15> kTypes{{
    {DType::BOOL, "BOOL", 1, 0},
    {DType::U8, "U8", 1, 1},
    {DType::I8, "I8", 1, 2},
    {DType::F8_E5M2, "F8_E5M2", 1, 3},
    {DType::F8_E4M3, "F8_E4M3", 1, 4},
    {DType::I16, "I16", 2, 5},
    {DType::U16, "U16", 2, 6},
    {DType::F16, "F16", 2, 7},
    {DType::BF16, "BF16", 2, 8},
    {DType::I32, "I32", 4, 9},
    {DType::U32, "U32", 4, 10},
    {DType::F32, "F32", 4, 11},
    {DType::F64, "F64", 8, 12},
    {DType::I64, "I64", 8, 13},
    {DType::U64, "U64", 8, 14},
}};

const DTypeInfo &info(DType t) { return kTypes[size_t(t)]; }

} // namespace

std::string_view dtypeName(DType t) { return info(t).name; }
size_t dtypeSize(DType t) { return info(t).size; }
int dtypeSortRank(DType t) { return info(t).rank; }

std::optional<DType> dtypeFromName(std::string_view name)
{
    for (const auto &i : kTypes)
        if (i.name == name)
            return i.type;
    return std::nullopt;
}

bool isFloating(DType t)
{
    return t == DType::F16 || t == DType::BF16 || t == DType::F32 || t == DType::F64;
}

std::string_view torchDtypeName(DType t)
{
    switch (t) {
    case DType::F16: return "float16";
    case DType::BF16: return "bfloat16";
    case DType::F32: return "float32";
    case DType::F64: return "float64";
    case DType::I8: return "int8";
    case DType::U8: return "uint8";
    default: return dtypeName(t);
    }
}

std::optional<DType> dtypeFromTorchName(std::string_view n)
{
    if (n.substr(0, 6) == "torch.")
        n.remove_prefix(6);
    if (n == "bfloat16" || n == "bf16")
        return DType::BF16;
    if (n == "float16" || n == "fp16" || n == "half")
        return DType::F16;
    if (n == "float32" || n == "fp32" || n == "float")
        return DType::F32;
    if (n == "float64" || n == "double")
        return DType::F64;
    return std::nullopt;
}

float halfToFloat(uint16_t h)
{
    const uint32_t sign = uint32_t(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu;
    uint32_t mant = h & 0x3ffu;
    if (exp == 0x1f)
        return bitsToFloat(sign | 0x7f800000u | (mant << 13));
    if (exp == 0) {
        if (mant == 0)
            return bitsToFloat(sign);
        // subnormal half: exact in float32
        const float v = std::ldexp(float(mant), -24);
        return (h & 0x8000u) ? -v : v;
    }
    return bitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
}

uint16_t floatToHalf(float f)
{
    const uint32_t b = floatToBits(f);
    const uint16_t sign = uint16_t((b >> 16) & 0x8000u);
    const uint32_t abs = b & 0x7fffffffu;
    if (abs > 0x7f800000u)
        return uint16_t(sign | 0x7e00u | ((abs >> 13) & 0x3ffu));
    if (abs >= 0x477ff000u) // rounds to >= 65520: inf
        return uint16_t(sign | 0x7c00u);
    if (abs < 0x38800000u) { // below the smallest normal half (2^-14): subnormal or zero
        // value in units of 2^-24, rounded to nearest even
        const float a = bitsToFloat(abs);
        const float scaled = a * 16777216.0f; // exact (power of two)
        const float r = std::nearbyint(scaled); // default rounding mode: RNE
        return uint16_t(sign | uint16_t(r));
    }
    uint32_t m = abs + 0xfffu + ((abs >> 13) & 1u);
    m -= 112u << 23;
    return uint16_t(sign | (m >> 13));
}

void convertFloats(const uint8_t *src, DType from, uint8_t *dst, DType to, size_t n)
{
    if (from == to) {
        if (src != dst)
            std::memmove(dst, src, n * dtypeSize(from));
        return;
    }
    // F64 sources go through float first (double rounding); F64 checkpoints are rare and their
    // casts are documented as not bit-exact with torch.
    for (size_t i = 0; i < n; ++i) {
        const float f = loadAsFloat(src, from, i);
        switch (to) {
        case DType::F32: std::memcpy(dst + 4 * i, &f, 4); break;
        case DType::BF16: { const uint16_t h = floatToBf16(f); std::memcpy(dst + 2 * i, &h, 2); break; }
        case DType::F16: { const uint16_t h = floatToHalf(f); std::memcpy(dst + 2 * i, &h, 2); break; }
        case DType::F64: { const double d = f; std::memcpy(dst + 8 * i, &d, 8); break; }
        default: break;
        }
    }
}

} // namespace mistudio::quant
