#include "safefs/pathrules.h"

#include <cstdint>

namespace mistudio::safefs {
namespace {

// Decodes one UTF-8 sequence at s[i]; returns its length, or 0 when it is malformed (overlong,
// surrogate, past U+10FFFF, truncated).
std::size_t decodeUtf8(std::string_view s, std::size_t i, char32_t *out)
{
    const auto b = [&](std::size_t k) { return static_cast<std::uint8_t>(s[k]); };
    const std::uint8_t c = b(i);
    std::size_t len = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if (c < 0x80) {
        *out = c;
        return 1;
    }
    if ((c & 0xE0) == 0xC0) {
        len = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4, cp = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (i + len > s.size())
        return 0;
    for (std::size_t k = 1; k < len; ++k) {
        if ((b(i + k) & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (b(i + k) & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    *out = cp;
    return len;
}

} // namespace

bool isBidiOrInvisibleFormat(char32_t c)
{
    return c == 0x061C || (c >= 0x200B && c <= 0x200F) || (c >= 0x2028 && c <= 0x202E)
        || (c >= 0x2060 && c <= 0x2064) || (c >= 0x2066 && c <= 0x206F) || c == 0xFEFF
        || (c >= 0xFFF9 && c <= 0xFFFB);
}

const char *componentProblem(std::string_view name)
{
    if (name.empty())
        return "has an empty component";
    if (name == "." || name == "..")
        return "has a '.' or '..' component";
    if (name.size() > kMaxComponentBytes)
        return "has a component longer than 200 bytes";
    for (std::size_t i = 0; i < name.size();) {
        char32_t cp = 0;
        const std::size_t n = decodeUtf8(name, i, &cp);
        if (n == 0)
            return "is not valid UTF-8";
        if (cp == '/')
            return "has a '/' inside a component";
        if (cp == '\\')
            return "contains a backslash";
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
            return "contains a control character";
        if (isBidiOrInvisibleFormat(cp))
            return "contains a bidirectional or invisible formatting character";
        i += n;
    }
    return nullptr;
}

const char *relativePathProblem(std::string_view rel)
{
    if (rel.empty())
        return "is empty";
    if (rel.size() > kMaxPathBytes)
        return "is longer than 1024 bytes";
    if (rel.front() == '/')
        return "is an absolute path";
    if (rel.size() >= 2 && rel[1] == ':'
        && ((rel[0] >= 'a' && rel[0] <= 'z') || (rel[0] >= 'A' && rel[0] <= 'Z')))
        return "starts with a drive letter";
    std::size_t start = 0;
    for (;;) {
        const std::size_t slash = rel.find('/', start);
        const std::string_view part = rel.substr(start, slash == std::string_view::npos ? rel.npos : slash - start);
        if (const char *why = componentProblem(part))
            return why;
        if (slash == std::string_view::npos)
            return nullptr;
        start = slash + 1;
    }
}

} // namespace mistudio::safefs
