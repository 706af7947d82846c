#pragma once

// QSettings keys, listed once. Organisation "mistudio", application "mistudio-models".
namespace mistudio::settingskeys {

inline constexpr char kDataDir[] = "storage/dataDir";
inline constexpr char kDatabaseUrl[] = "storage/databaseUrl";
inline constexpr char kHubEndpoint[] = "hub/endpoint";
inline constexpr char kHubProxy[] = "hub/proxy";
inline constexpr char kHubAllowOffLoopbackRedirects[] = "hub/allowOffLoopbackRedirects";
inline constexpr char kMaxConcurrentDownloads[] = "download/maxConcurrent";
inline constexpr char kConnectionsPerFile[] = "download/connectionsPerFile";
inline constexpr char kFilesInParallel[] = "download/filesInParallel";
inline constexpr char kBandwidthCap[] = "download/bandwidthCapBytesPerSec";
inline constexpr char kRunJobs[] = "jobs/runJobs";       // false: this process is a front end only
inline constexpr char kJobLeaseMs[] = "jobs/leaseMs";    // env MISTUDIO_JOB_LEASE_MS wins
inline constexpr char kCpuQuantizeJobs[] = "quantize/cpuJobs";
inline constexpr char kQuantizeDevice[] = "quantize/device"; // auto | cpu | cuda:N
inline constexpr char kServerEnabled[] = "server/enabled";
inline constexpr char kServerHost[] = "server/host";
inline constexpr char kServerPort[] = "server/port";
inline constexpr char kServerAllowedOrigins[] = "server/allowedOrigins";
// The LAN mirror: serve answers the Hub's read-only routes for the catalogue (docs/huggingface.md).
inline constexpr char kServerMirror[] = "server/mirror";
// The Hugging Face cache the library imports from and publishes to (empty: huggingface_hub's
// own lookup), and whether every finished download is published there.
inline constexpr char kHfCacheDir[] = "library/hfCacheDir";
inline constexpr char kPublishDownloads[] = "library/publishDownloads";
inline constexpr char kLanguage[] = "ui/language";
// The original miStudio web frontend's API (docs/remote-frontends.md).
inline constexpr char kCompatPrefix[] = "compat/prefix";
inline constexpr char kCompatAtRoot[] = "compat/atRoot";
inline constexpr char kCompatEmitUrl[] = "compat/emitUrl";
inline constexpr char kCompatEmitToken[] = "compat/emitToken";

} // namespace mistudio::settingskeys
