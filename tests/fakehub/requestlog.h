#pragma once

#include "fault.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace mistudio::fakehub {

// One request the fake Hub received, as tests assert on it.
struct LogEntry
{
    qint64 seq = 0;
    qint64 elapsedMs = 0;    // since the hub started
    Listener listener = Listener::Hub;
    QByteArray host;         // Host header as sent
    QByteArray method;
    QString path;            // decoded
    QString query;           // raw query string
    QByteArray range;        // Range header, empty if none
    bool authorization = false;
    QByteArray token;        // Bearer value, empty if none
    QByteArray userAgent;
    int status = 0;          // 0: connection reset without a response
    qint64 contentLength = 0; // body bytes promised
    qint64 bodyBytes = 0;     // body bytes actually handed to the client
    bool finished = false;
    qint64 lastMs = 0;        // since the hub started: when the response last progressed (or ended)
    QStringList faults;
    QByteArray requestId;
    int connectionId = 0;

    QJsonObject toJson() const;
};

} // namespace mistudio::fakehub
