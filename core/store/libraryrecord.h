#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QUuid>

#include <optional>

namespace mistudio {

// What the library keeps about a model beside its download (one row of `model_library`):
// the last verification of its files, what the Hub said about the repo when it was last asked
// (access, the revision's commit) and where the model was published in a Hugging Face cache.
struct LibraryRecord
{
    QUuid modelId;
    QString verifyState;      // "" never verified, "ok", "failed" (a file missing, changed, unreadable)
    QDateTime verifiedAt;     // UTC
    QJsonObject verifyReport; // the last report's summary: files, failures, bytes_hashed, elapsed_ms, failed[]
    // The repo upstream, as last seen: "public", "gated", "private"; "" when never asked
    // (an import from the HF cache). The LAN mirror serves models that are not known to be
    // public to token holders only.
    QString access;
    QString upstreamCommit; // the revision's commit on the Hub at the last check
    QDateTime checkedAt;
    QString hfCacheDir;      // the HF cache the model was last published into
    QString publishedCommit; // the commit of that snapshot
    QDateTime publishedAt;

    QJsonObject toJson() const;
};

// A partial update of the row (created when missing): only the fields set are written.
struct LibraryPatch
{
    std::optional<QString> verifyState;
    std::optional<QDateTime> verifiedAt;
    std::optional<QJsonObject> verifyReport;
    std::optional<QString> access;
    std::optional<QString> upstreamCommit;
    std::optional<QDateTime> checkedAt;
    std::optional<QString> hfCacheDir;
    std::optional<QString> publishedCommit;
    std::optional<QDateTime> publishedAt;

    bool isEmpty() const
    {
        return !verifyState && !verifiedAt && !verifyReport && !access && !upstreamCommit
            && !checkedAt && !hfCacheDir && !publishedCommit && !publishedAt;
    }
};

// The values `access` may hold.
bool isKnownAccess(QStringView access);

} // namespace mistudio
