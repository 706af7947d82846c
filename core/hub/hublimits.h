#pragma once

#include <QtGlobal>

namespace mistudio::hub {

// How much a Hub (or anything answering at HF_ENDPOINT) may make us read. Every reply is read as
// it arrives and cut off as soon as it passes its limit, with invalid_response naming the limit;
// nothing is buffered whole first. docs/security.md lists these.
inline constexpr qint64 kMaxApiResponseBytes = 16LL << 20; // model info, one tree page, search results
inline constexpr qint64 kMaxJsonFileBytes = 4LL << 20;     // config.json and other small JSON files
inline constexpr qint64 kMaxIndexFileBytes = 32LL << 20;   // model.safetensors.index.json (big MoE indexes: ~10 MB)
inline constexpr qint64 kMaxErrorBodyBytes = 64LL << 10;   // the body of an error answer (only its message is used)
inline constexpr int kMaxTreePages = 2000;                 // pages of one tree listing
inline constexpr int kMaxTreeEntries = 500'000;            // files of one tree listing
// All safetensors headers of one preview together (each one is at most kMaxSafetensorsHeader).
inline constexpr qint64 kMaxPreviewHeaderBytes = 100'000'000;

} // namespace mistudio::hub
