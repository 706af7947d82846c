#pragma once

#include "common/result.h"
#include "store/variantrecord.h"

#include <QDateTime>
#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QUuid>

#include <optional>
#include <vector>

namespace mistudio {

// The base status values (docs/api.md) plus `quantizing`, which the desktop and API show while a
// downloaded model is being converted. The CHECK constraint lists exactly these.
enum class ModelStatus { Pending, Downloading, Quantizing, Ready, Failed };

QString modelStatusName(ModelStatus status); // "pending", ...
std::optional<ModelStatus> modelStatusFromName(QStringView name);

// A model's status is never set by hand: it is derived from the model's facts (files present,
// latest job) by deriveModelStatus (store/modelstatus.h) in the transaction that changes a job.

// Quantization names stored in the catalogue: "none", "bnb-4bit", "bnb-8bit".
bool isKnownQuantization(QStringView name);

// One row of the `models` table (the base model row plus the columns a real catalogue needs).
struct ModelRecord
{
    QUuid id;
    QString name;
    QString repoId;
    QString revision = QStringLiteral("main"); // requested
    QString commitSha;                          // resolved, 40 hex, empty until known
    QString filePath;
    QString quantizedPath;
    ModelStatus status = ModelStatus::Pending;
    QJsonObject architecture; // base architecture keys, empty until extracted
    QString quantization = QStringLiteral("none"); // none | bnb-4bit | bnb-8bit
    std::optional<qint64> sizeBytes;
    std::optional<qint64> paramsCount;
    qint64 variantsSizeBytes = 0; // its quantized variants on disk (read-only, from model_variants)
    // The last verification of its files (read-only, from model_library): "" never, "ok", "failed".
    QString verifyState;
    QDateTime verifiedAt;
    double progress = 0.0; // 0..100
    QString errorMessage;
    QDateTime createdAt; // UTC
    QDateTime updatedAt; // UTC

    // The API's JSON shape (snake_case keys), used by the API and `--json` output. Every key
    // is always present; unknown values are null. Times are ISO 8601 UTC with milliseconds.
    QJsonObject toJson() const;
    // The reverse of toJson() (events read back from the outbox or another process).
    static std::optional<ModelRecord> fromJson(const QJsonObject &o);
    QString shortId() const; // first 8 hex digits of the id, as the CLI prints it
};

struct NewModel
{
    QString name; // defaults to the repo id's name part when empty
    QString repoId;
    QString revision = QStringLiteral("main");
    QString quantization = QStringLiteral("none");
    // Known before any byte is fetched when the record is made from a preview.
    std::optional<qint64> paramsCount;
    QJsonObject architecture;
};

// A partial update: only the fields that are set are written, in one UPDATE statement, so two
// writers that set different fields never lose each other's writes. An empty string clears a
// text column (stored as NULL). Status changes go through ModelStore::transition so that the
// state machine is enforced in one place.
struct ModelPatch
{
    std::optional<QString> name;
    std::optional<QString> commitSha;
    std::optional<QString> filePath;
    std::optional<QString> quantizedPath;
    std::optional<QJsonObject> architecture;
    std::optional<QString> quantization;
    std::optional<std::optional<qint64>> sizeBytes;
    std::optional<std::optional<qint64>> paramsCount;
    std::optional<double> progress;
    std::optional<QString> errorMessage;
    // Records (or replaces, by name) a quantized variant of the model, in the same statement set.
    std::optional<VariantRecord> addVariant;
    // Replaces the recorded files of the model's download.
    std::optional<QList<ModelFileRecord>> files;
};

// How many models are in each status, and the bytes they hold on disk (their downloads).
struct CatalogueStats
{
    qint64 total = 0;
    QMap<ModelStatus, qint64> byStatus;
    qint64 sizeBytes = 0;
};

// (StatusName, not Status: that name is taken by mistudio::Status.)
enum class SortKey { CreatedAt, UpdatedAt, Name, RepoId, StatusName, SizeBytes };
enum class SortOrder { Ascending, Descending };

struct ModelQuery
{
    std::optional<ModelStatus> status;
    QString search; // case-insensitive substring of name or repo id
    SortKey sort = SortKey::CreatedAt;
    SortOrder order = SortOrder::Descending;
    int page = 1;   // 1-based
    int limit = 50; // 1..1000
};

// Sort column names as the CLI and API accept them: created_at, updated_at, name, repo_id,
// status, size_bytes. Rows that tie are ordered by id; NULL sizes sort last in both orders.
QString sortKeyName(SortKey key);
std::optional<SortKey> sortKeyFromName(QStringView name);

struct ModelPage
{
    std::vector<ModelRecord> items;
    qint64 total = 0; // rows matching the filter, over all pages
    int page = 1;
    int limit = 50;

    // {"items": [...], "total": N, "page": P, "limit": L}
    QJsonObject toJson() const;
};

} // namespace mistudio
