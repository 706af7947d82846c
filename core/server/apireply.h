#pragma once

#include "common/error.h"

#include <QByteArray>
#include <QFuture>
#include <QHostAddress>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QUrlQuery>

#include <variant>

namespace mistudio {

// One HTTP request as the routes see it (already authenticated and size-checked).
struct ApiRequest
{
    QByteArray method; // "GET", "POST", ...
    QString path;      // decoded, e.g. "/api/v1/models/…/download"
    QUrlQuery query;
    QByteArray body;
    QByteArray contentType;
    QHostAddress remote;
};

struct ApiReply
{
    int status = 200;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;

    static ApiReply json(int status, const QJsonObject &object);
    // {"error":{"code","message","details"}} with httpStatusFor(error.code).
    static ApiReply error(const Error &error);
    static ApiReply error(ErrorCode code, const QString &message, const QJsonObject &details = {})
    {
        return ApiReply::error(Error::make(code, message, details));
    }
};

// A route answers now or later (network or file work on a worker thread).
using ApiResult = std::variant<ApiReply, QFuture<ApiReply>>;

} // namespace mistudio
