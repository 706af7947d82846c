#pragma once

#include "common/result.h"

#include <QStringList>

namespace mistudio {

// The one policy for names that come from outside: Hub tree entries and siblings, shard index
// entries, file names in API input. A name is a relative, normalized '/'-separated path: not
// empty, no "." or ".." component, not absolute, no drive letter, no backslash, valid UTF-8, no
// control character (C0, DEL, C1, NUL and newline included), no format character (Unicode
// category Cf: bidirectional overrides, zero-width and invisible characters), no line or
// paragraph separator, at most 200 bytes per component and 1024 bytes in all (UTF-8), and not
// ending in ".incomplete" (reserved for partial downloads). The byte-level rules are core/safefs's,
// which the guarded file-system root applies once more to every write.
//
// A violation is ErrorCode::UnsafePath whose message names the entry (escaped, so that a
// newline or an override cannot disguise it) and whose details carry {"path", "reason"}.
Status validateRepoPath(QStringView path);

// Every path as above, and no two that collide where case is ignored: after NFC normalization
// and Unicode case folding, two different names may not give the same file or directory
// ("Tokenizer.json" and "tokenizer.json"), and no file may have the name of another entry's
// directory. Such pairs clobber each other on a case-insensitive file system.
Status validateRepoPaths(const QStringList &paths);

// Display names of models (NewModel::name and renames): at most kMaxDisplayNameLength characters,
// no control, format (bidirectional overrides, zero-width), separator-control or unpaired
// surrogate characters. Empty is allowed (the repo's name is used then). InvalidInput with
// details {"field": "name"}.
inline constexpr qsizetype kMaxDisplayNameLength = 200;
Status validateDisplayName(QStringView name);

// The text with every character that is not printable shown as \uXXXX, for messages.
QString escapeForMessage(QStringView text);

} // namespace mistudio
