#include "store/migrations.h"

#include <array>

namespace mistudio {
namespace {

// The base model row (docs/api.md), plus: `quantizing` in the status CHECK, the requested
// revision and resolved commit, the parameter count, the quantized variant's path and the
// download/quantize progress.
constexpr std::array kV1 = {
    "CREATE TABLE models ("
    " id ${UUID} PRIMARY KEY NOT NULL,"
    " name VARCHAR(255) NOT NULL,"
    " repo_id VARCHAR(255) NOT NULL,"
    " revision VARCHAR(255) NOT NULL DEFAULT 'main',"
    " commit_sha VARCHAR(40),"
    " file_path VARCHAR(500),"
    " quantized_path VARCHAR(500),"
    " status VARCHAR(50) NOT NULL DEFAULT 'pending',"
    " architecture ${JSON},"
    " quantization VARCHAR(50) NOT NULL DEFAULT 'none',"
    " size_bytes BIGINT,"
    " params_count BIGINT,"
    " progress DOUBLE PRECISION NOT NULL DEFAULT 0,"
    " error_message TEXT,"
    " created_at ${TIME} NOT NULL DEFAULT ${NOW},"
    " updated_at ${TIME} NOT NULL DEFAULT ${NOW},"
    " CONSTRAINT models_status_check CHECK ("
    "  status IN ('pending', 'downloading', 'quantizing', 'ready', 'failed')),"
    " CONSTRAINT models_quantization_check CHECK ("
    "  quantization IN ('none', 'bnb-4bit', 'bnb-8bit')),"
    " CONSTRAINT models_progress_check CHECK (progress >= 0 AND progress <= 100)"
    ")",
    "CREATE INDEX idx_models_status ON models(status)",
    "CREATE INDEX idx_models_repo_id ON models(repo_id)",
};

// Persisted jobs (docs/jobs.md). A job goes with its model.
constexpr std::array kV2 = {
    "CREATE TABLE jobs ("
    " id ${UUID} PRIMARY KEY NOT NULL,"
    " model_id ${UUID} NOT NULL REFERENCES models(id) ON DELETE CASCADE,"
    " kind VARCHAR(20) NOT NULL,"
    " state VARCHAR(20) NOT NULL DEFAULT 'queued',"
    " params ${JSON},"
    " owner_host VARCHAR(255),"
    " lease_until ${TIME},"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " last_error TEXT,"
    " created_at ${TIME} NOT NULL DEFAULT ${NOW},"
    " updated_at ${TIME} NOT NULL DEFAULT ${NOW},"
    " CONSTRAINT jobs_kind_check CHECK (kind IN ('download', 'quantize')),"
    " CONSTRAINT jobs_state_check CHECK (state IN ('queued', 'running', 'paused', 'needs_token',"
    "  'done', 'failed', 'cancelled'))"
    ")",
    "CREATE INDEX idx_jobs_state ON jobs(state)",
    "CREATE INDEX idx_jobs_model_id ON jobs(model_id)",
};

// Indexes that serve list()'s sort keys, each ending in id (the tie-break) so one index gives
// a page in either direction without sorting the table; (status, created_at, id) serves the
// status filter with the default sort. The name and repo sorts are case-insensitive, hence the
// expression indexes (the ORDER BY must use the same LOWER(...) expression).
constexpr std::array kV3 = {
    "CREATE INDEX idx_models_created_at ON models(created_at, id)",
    "CREATE INDEX idx_models_updated_at ON models(updated_at, id)",
    "CREATE INDEX idx_models_name_lower ON models(LOWER(name), id)",
    "CREATE INDEX idx_models_repo_id_lower ON models(LOWER(repo_id), id)",
    "CREATE INDEX idx_models_status_created_at ON models(status, created_at, id)",
};

// One authority for jobs (docs/jobs.md): process-instance owners with a fence (claim_seq), stop
// requests any process can write, requested and actual device, affinity to the process holding
// a job's token, queue position, the owner's last progress, at most one active job per model,
// the workers registry and the event outbox. Rows left `running` by an older version are
// requeued (that version could not be fenced); duplicate active jobs (never created on purpose)
// keep only the newest.
constexpr std::array kV4 = {
    "ALTER TABLE jobs ADD COLUMN owner_id VARCHAR(255)",
    "ALTER TABLE jobs ADD COLUMN claim_seq BIGINT NOT NULL DEFAULT 0",
    "ALTER TABLE jobs ADD COLUMN requested_stop VARCHAR(20)",
    "ALTER TABLE jobs ADD COLUMN device VARCHAR(50) NOT NULL DEFAULT 'auto'",
    "ALTER TABLE jobs ADD COLUMN run_device VARCHAR(50)",
    "ALTER TABLE jobs ADD COLUMN affinity_id VARCHAR(255)",
    "ALTER TABLE jobs ADD COLUMN position DOUBLE PRECISION NOT NULL DEFAULT 0",
    "ALTER TABLE jobs ADD COLUMN spec_version INTEGER NOT NULL DEFAULT 1",
    "ALTER TABLE jobs ADD COLUMN progress DOUBLE PRECISION NOT NULL DEFAULT 0",
    "ALTER TABLE jobs ADD COLUMN progress_detail ${JSON}",
    "UPDATE jobs SET state = 'queued', owner_host = NULL, lease_until = NULL WHERE state = 'running'",
    "UPDATE jobs SET state = 'cancelled', last_error = 'superseded by a newer job'"
    " WHERE state IN ('queued', 'running', 'paused', 'needs_token') AND EXISTS ("
    "  SELECT 1 FROM jobs newer WHERE newer.model_id = jobs.model_id"
    "  AND newer.state IN ('queued', 'running', 'paused', 'needs_token')"
    "  AND (newer.created_at > jobs.created_at"
    "       OR (newer.created_at = jobs.created_at AND newer.id > jobs.id)))",
    "CREATE UNIQUE INDEX idx_jobs_one_active ON jobs(model_id)"
    " WHERE state IN ('queued', 'running', 'paused', 'needs_token')",
    "CREATE INDEX idx_jobs_claim ON jobs(state, position, created_at)",
    "CREATE INDEX idx_jobs_owner ON jobs(owner_id)",
    "CREATE TABLE workers ("
    " id VARCHAR(255) PRIMARY KEY NOT NULL,"
    " host VARCHAR(255) NOT NULL,"
    " pid BIGINT NOT NULL,"
    " role VARCHAR(40) NOT NULL,"
    " kinds VARCHAR(100) NOT NULL DEFAULT '',"
    " devices VARCHAR(500) NOT NULL DEFAULT '',"
    " version VARCHAR(50) NOT NULL DEFAULT '',"
    " spec_version INTEGER NOT NULL DEFAULT 1,"
    " started_at ${TIME} NOT NULL DEFAULT ${NOW},"
    " heartbeat_at ${TIME} NOT NULL DEFAULT ${NOW}"
    ")",
    "CREATE TABLE events ("
    " seq ${SERIAL},"
    " model_id ${UUID},"
    " type VARCHAR(40) NOT NULL,"
    " payload ${JSON} NOT NULL,"
    " origin_id VARCHAR(255),"
    " created_at ${TIME} NOT NULL DEFAULT ${NOW}"
    ")",
    "CREATE INDEX idx_events_created_at ON events(created_at)",
};

// Quantized variants side by side: each bitsandbytes variant of a model in its own folder
// quantized/<variant>/ with its size (models.quantization/quantized_path stay the latest one,
// the base fields). Existing quantized/ folders are moved into place by the service's
// library upgrade at start (files cannot move in SQL).
constexpr std::array kV5 = {
    "CREATE TABLE model_variants ("
    " model_id ${UUID} NOT NULL REFERENCES models(id) ON DELETE CASCADE,"
    " name VARCHAR(40) NOT NULL,"
    " mode VARCHAR(20) NOT NULL,"
    " quant_type VARCHAR(10),"
    " double_quant INTEGER,"
    " path VARCHAR(500) NOT NULL,"
    " size_bytes BIGINT NOT NULL DEFAULT 0,"
    " device VARCHAR(50),"
    " created_at ${TIME} NOT NULL DEFAULT ${NOW},"
    " PRIMARY KEY (model_id, name),"
    " CONSTRAINT model_variants_mode_check CHECK (mode IN ('bnb-4bit', 'bnb-8bit'))"
    ")",
};

// The files of each download as the Hub described them at the pinned commit (size, sha256 or
// git blob sha1): what verification and upstream-change detection compare with.
constexpr std::array kV6 = {
    "CREATE TABLE model_files ("
    " model_id ${UUID} NOT NULL REFERENCES models(id) ON DELETE CASCADE,"
    " path VARCHAR(1024) NOT NULL,"
    " size BIGINT NOT NULL,"
    " sha256 VARCHAR(64),"
    " git_oid VARCHAR(40),"
    " PRIMARY KEY (model_id, path)"
    ")",
};

// The identity of the data directory a shared catalogue was set up with (one row): processes
// whose data directory carries another identity refuse to run (docs/deploy.md).
constexpr std::array kV7 = {
    "CREATE TABLE catalogue_identity ("
    " id SMALLINT PRIMARY KEY NOT NULL CHECK (id = 1),"
    " data_dir_id VARCHAR(64) NOT NULL,"
    " created_at ${TIME} NOT NULL DEFAULT ${NOW}"
    ")",
};

// What the library keeps beside a download (store/libraryrecord.h): the last verification, the
// upstream access and commit as last seen, and where the model was published in an HF cache.
constexpr std::array kV8 = {
    "CREATE TABLE model_library ("
    " model_id ${UUID} PRIMARY KEY NOT NULL REFERENCES models(id) ON DELETE CASCADE,"
    " verify_state VARCHAR(20),"
    " verified_at ${TIME},"
    " verify_report ${JSON},"
    " access VARCHAR(20),"
    " upstream_commit VARCHAR(40),"
    " checked_at ${TIME},"
    " hf_cache_dir VARCHAR(1024),"
    " published_commit VARCHAR(40),"
    " published_at ${TIME},"
    " CONSTRAINT model_library_verify_check CHECK (verify_state IN ('ok', 'failed')),"
    " CONSTRAINT model_library_access_check CHECK (access IN ('public', 'gated', 'private'))"
    ")",
};

constexpr std::array kMigrations = {
    Migration{1, "models catalogue", kV1},
    Migration{2, "persisted jobs", kV2},
    Migration{3, "list sort indexes", kV3},
    Migration{4, "one authority for jobs: fences, stop requests, workers, event outbox", kV4},
    Migration{5, "quantized variants side by side", kV5},
    Migration{6, "the files of each download", kV6},
    Migration{7, "the identity of the shared data directory", kV7},
    Migration{8, "library state: verification, upstream, HF cache", kV8},
};

} // namespace

std::span<const Migration> migrations()
{
    return kMigrations;
}

} // namespace mistudio
