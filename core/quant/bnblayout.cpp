#include "quant/bnblayout.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace mistudio::quant::bnb {

std::string pythonFloatRepr(double value)
{
    if (std::isnan(value))
        return "NaN"; // what json.dumps writes
    if (std::isinf(value))
        return value > 0 ? "Infinity" : "-Infinity";
    if (value == 0.0)
        return std::signbit(value) ? "-0.0" : "0.0";
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
    const std::string sci(buf, r.ptr);
    // "-d.ddde-05" -> sign, digits, exponent
    const size_t epos = sci.find('e');
    std::string mant = sci.substr(0, epos);
    const int exp10 = std::atoi(sci.c_str() + epos + 1);
    std::string sign;
    if (mant[0] == '-') {
        sign = "-";
        mant.erase(0, 1);
    }
    std::string digits;
    for (char c : mant)
        if (c != '.')
            digits += c;
    const int decpt = exp10 + 1; // digits d1 d2 ... with the point after decpt digits
    std::string out = sign;
    if (decpt > -4 && decpt <= 16) {
        if (decpt <= 0) {
            out += "0." + std::string(size_t(-decpt), '0') + digits;
        } else if (size_t(decpt) >= digits.size()) {
            out += digits + std::string(size_t(decpt) - digits.size(), '0') + ".0";
        } else {
            out += digits.substr(0, size_t(decpt)) + "." + digits.substr(size_t(decpt));
        }
    } else {
        out += digits.substr(0, 1);
        if (digits.size() > 1)
            out += "." + digits.substr(1);
        const int e = decpt - 1;
        char eb[16];
        std::snprintf(eb, sizeof eb, "e%c%02d", e < 0 ? '-' : '+', std::abs(e));
        out += eb;
    }
    return out;
}

std::string quantStateJson(QuantType type, DType dtype, const std::vector<int64_t> &shape, bool nested,
                           float nestedOffset)
{
    std::string s = "{\"quant_type\": \"";
    s += type == QuantType::NF4 ? "nf4" : "fp4";
    s += "\", \"blocksize\": " + std::to_string(kBlocksize) + ", \"dtype\": \"" + std::string(torchDtypeName(dtype))
         + "\", \"shape\": [";
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i)
            s += ", ";
        s += std::to_string(shape[i]);
    }
    s += "]";
    if (nested) {
        s += ", \"nested_blocksize\": " + std::to_string(kNestedBlocksize)
             + ", \"nested_dtype\": \"float32\", \"nested_offset\": " + pythonFloatRepr(double(nestedOffset));
    }
    s += "}";
    return s;
}

nlohmann::json quantizationConfig(const QuantOptions &options, DType computeDtype)
{
    const bool four = options.mode == QuantMode::Bnb4bit;
    nlohmann::json q;
    q["_load_in_4bit"] = four;
    q["_load_in_8bit"] = !four;
    // 8-bit leaves the 4-bit fields at transformers' defaults (docs/quantization.md F14).
    q["bnb_4bit_compute_dtype"] = four ? std::string(torchDtypeName(computeDtype)) : std::string("float32");
    q["bnb_4bit_quant_storage"] = "uint8";
    q["bnb_4bit_quant_type"] = four ? (options.quantType == QuantType::NF4 ? "nf4" : "fp4") : "fp4";
    q["bnb_4bit_use_double_quant"] = four && options.doubleQuant;
    q["llm_int8_enable_fp32_cpu_offload"] = false;
    q["llm_int8_has_fp16_weight"] = false;
    if (options.skipModules.empty())
        q["llm_int8_skip_modules"] = nullptr;
    else
        q["llm_int8_skip_modules"] = options.skipModules;
    q["llm_int8_threshold"] = 6.0;
    q["load_in_4bit"] = four;
    q["load_in_8bit"] = !four;
    q["quant_method"] = "bitsandbytes";
    return q;
}

} // namespace mistudio::quant::bnb
