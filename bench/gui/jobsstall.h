#pragma once

#include <QString>

// The GUI thread while the app works: the real window over the real service and engines,
// against the project's fake Hub (its own thread) serving generated checkpoints, runs three
// downloads and one quantization at once; a 5 ms heartbeat on the GUI thread records its
// longest gap, and the same heartbeat on an idle thread records what the machine itself
// allows meanwhile.
struct JobsStall
{
    double guiMaxGapMs = -1;  // longest gap between GUI-thread ticks while the jobs ran
    double idleMaxGapMs = -1; // the same on an idle thread (scheduling noise of the machine)
    double wallSeconds = -1;  // from starting the four jobs to the last one's end
    qint64 bytesDownloaded = 0;
    int progressRepaints = 0; // dataChanged batches the table applied meanwhile
    double maxEventCpuMs = -1;  // the longest single event the GUI thread handled, CPU time
    double maxEventWallMs = -1; // the same event's... the longest one in wall time
    QString maxEventWhat;       // receiver class / event type of the longest in CPU time
    bool ok = false;
    QString error;
};

// Writes the fixture repos (three to download, one to quantize) under `dir` once.
bool prepareJobsFixtures(const QString &dir, qint64 downloadBytes, QString *error);
// The weights' bytes of one download and of the checkpoint that is quantized.
qint64 downloadWeightBytes(qint64 downloadBytes);
qint64 quantizeWeightBytes(qint64 downloadBytes);
// In a child process: the measurement itself; prints
// "jobs <gui gap> <idle gap> <wall> <bytes> <repaints> <event cpu> <event wall> <what>".
int runJobsChild(const QString &fixtures, qint64 downloadBytes);
JobsStall spawnJobs(const QString &self, const QString &fixtures, qint64 downloadBytes);
