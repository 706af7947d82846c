#pragma once

#include <QList>
#include <QString>

namespace mistudio {

// One file of a transfer as it is reported: bytes and where it stands.
struct TransferFile
{
    enum class State { Queued, Downloading, Retrying, Verifying, Done, Failed, Paused };
    QString path;
    qint64 bytesDone = 0;
    qint64 bytesTotal = 0;
    State state = State::Queued;
    QString retryCause; // while Retrying: "http_503", "stall", ...

    static QString stateName(State s); // "queued", "downloading", ...
};

// Download progress as every layer reports it: one snapshot, counters since the job began.
struct TransferProgress
{
    qint64 downloadedBytes = 0;
    qint64 totalBytes = 0;       // 0 while unknown
    double bytesPerSecond = 0.0; // smoothed
    int filesDone = 0;
    int filesTotal = 0;
    QString currentFile;
    QList<TransferFile> files; // per file, when the engine reports them

    // 0..100 (0 while the total is unknown)
    double percent() const;
    // Seconds left at the current speed; -1 when unknown.
    qint64 etaSeconds() const;
};

} // namespace mistudio
