#pragma once

#include <cstddef>
#include <string_view>

namespace mistudio::safefs {

// Bytes of UTF-8. A component stays well under NAME_MAX (255) so that the download's longest
// suffix (".journal.incomplete.tmp") still fits; the whole path stays far under PATH_MAX once the
// data directory is put in front of it.
inline constexpr std::size_t kMaxComponentBytes = 200;
inline constexpr std::size_t kMaxPathBytes = 1024;

// The byte-level rules for a relative name that came from outside (a Hub tree entry, a shard index
// entry): not empty, at most kMaxPathBytes, '/'-separated components of 1..kMaxComponentBytes
// bytes, none of them "." or "..", not absolute, no drive letter ("C:"), no backslash, valid UTF-8,
// and no control character (C0, DEL, C1) nor a bidirectional or invisible format character
// (U+061C, U+200B-U+200F, U+2028-U+202E, U+2060-U+2064, U+2066-U+206F, U+FEFF, U+FFF9-U+FFFB).
// Returns why `rel` breaks them (a short English phrase, e.g. "has a '..' component"), or nullptr
// when it does not. core/common's path policy adds the Unicode-aware checks (every format
// character, case-insensitive collisions) on top of these.
const char *relativePathProblem(std::string_view rel);

// The same rules for one component (no '/').
const char *componentProblem(std::string_view name);

// Whether the code point is one of the format characters above.
bool isBidiOrInvisibleFormat(char32_t c);

} // namespace mistudio::safefs
