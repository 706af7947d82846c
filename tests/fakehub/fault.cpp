#include "fault.h"

#include <QJsonArray>

#include <array>
#include <utility>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::fakehub {

namespace {
const std::array<std::pair<Fault::Kind, QStringView>, 15> kKinds{{
    {Fault::Kind::Status, u"status"},
    {Fault::Kind::RateLimit, u"rate_limit"},
    {Fault::Kind::RetryAfter, u"retry_after"},
    {Fault::Kind::RetryAfterDate, u"retry_after_date"},
    {Fault::Kind::Reset, u"reset"},
    {Fault::Kind::Truncate, u"truncate"},
    {Fault::Kind::Stall, u"stall"},
    {Fault::Kind::IgnoreRange, u"ignore_range"},
    {Fault::Kind::ShortChunked, u"short_chunked"},
    {Fault::Kind::Corrupt, u"corrupt"},
    {Fault::Kind::StripHeaders, u"strip_headers"},
    {Fault::Kind::ExpireUrls, u"expire_urls"},
    {Fault::Kind::MoveBranch, u"move_branch"},
    {Fault::Kind::Throttle, u"throttle"},
    {Fault::Kind::Redirect, u"redirect"},
}};

QString listenerName(Listener l)
{
    switch (l) {
    case Listener::Hub: return u"hub"_s;
    case Listener::Cdn: return u"cdn"_s;
    case Listener::Other: return u"other"_s;
    case Listener::Any: break;
    }
    return u"any"_s;
}
} // namespace

std::optional<Fault::Kind> Fault::kindFromName(QStringView name)
{
    for (const auto &[kind, kname] : kKinds) {
        if (kname == name)
            return kind;
    }
    return std::nullopt;
}

QString Fault::kindName() const
{
    for (const auto &[k, kname] : kKinds) {
        if (k == kind)
            return kname.toString();
    }
    return {};
}

QJsonObject Fault::toJson() const
{
    return QJsonObject{
        {u"kind"_s, kindName()},
        {u"listener"_s, listenerName(listener)},
        {u"method"_s, QString::fromLatin1(method)},
        {u"path"_s, pathContains},
        {u"at_offset"_s, double(atOffset)},
        {u"skip"_s, skip},
        {u"times"_s, times},
        {u"status"_s, status},
        {u"seconds"_s, seconds},
        {u"after_bytes"_s, double(afterBytes)},
        {u"stall_ms"_s, stallMs},
        {u"bytes_per_second"_s, double(bytesPerSecond)},
        {u"burst"_s, double(burst)},
        {u"location"_s, location},
        {u"headers"_s, QJsonArray::fromStringList(headers)},
        {u"repo"_s, repo},
        {u"branch"_s, branch},
        {u"to_ref"_s, toRef},
        {u"seen"_s, seen},
        {u"fired"_s, fired},
    };
}

std::optional<Fault> Fault::fromJson(const QJsonObject &json, QString *error)
{
    Fault f;
    const auto kind = kindFromName(json.value(u"kind"_s).toString());
    if (!kind) {
        if (error)
            *error = u"unknown fault kind: "_s + json.value(u"kind"_s).toString();
        return std::nullopt;
    }
    f.kind = *kind;
    const QString listener = json.value(u"listener"_s).toString(u"any"_s);
    f.listener = listener == u"hub"_s     ? Listener::Hub
                 : listener == u"cdn"_s   ? Listener::Cdn
                 : listener == u"other"_s ? Listener::Other
                                          : Listener::Any;
    f.method = json.value(u"method"_s).toString().toUpper().toLatin1();
    f.pathContains = json.value(u"path"_s).toString();
    f.atOffset = qint64(json.value(u"at_offset"_s).toDouble(-1));
    f.skip = json.value(u"skip"_s).toInt(0);
    f.times = json.value(u"times"_s).toInt(1);
    f.status = json.value(u"status"_s).toInt(503);
    f.seconds = json.value(u"seconds"_s).toInt(2);
    f.afterBytes = qint64(json.value(u"after_bytes"_s).toDouble(0));
    f.stallMs = json.value(u"stall_ms"_s).toInt(60000);
    f.bytesPerSecond = qint64(json.value(u"bytes_per_second"_s).toDouble(0));
    f.burst = qint64(json.value(u"burst"_s).toDouble(-1));
    f.location = json.value(u"location"_s).toString();
    if (f.kind == Kind::Redirect && f.location.isEmpty()) {
        if (error)
            *error = u"a redirect fault needs a location"_s;
        return std::nullopt;
    }
    if (f.kind == Kind::Redirect && !json.contains(u"status"_s))
        f.status = 302;
    const QJsonArray headers = json.value(u"headers"_s).toArray();
    for (const auto &h : headers)
        f.headers.append(h.toString());
    f.repo = json.value(u"repo"_s).toString();
    f.branch = json.value(u"branch"_s).toString(u"main"_s);
    f.toRef = json.value(u"to_ref"_s).toString(u"next"_s);
    return f;
}

} // namespace mistudio::fakehub
