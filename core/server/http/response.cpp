#include "server/http/response.h"

namespace mistudio::http {
namespace {

bool isSafeName(const QByteArray &name)
{
    if (name.isEmpty())
        return false;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok)
            return false;
    }
    return true;
}

bool isSafeValue(const QByteArray &value)
{
    return !value.contains('\r') && !value.contains('\n') && !value.contains('\0');
}

// Framing belongs to the server.
bool isFramingHeader(const QByteArray &name)
{
    return name.compare("Content-Length", Qt::CaseInsensitive) == 0 ||
           name.compare("Transfer-Encoding", Qt::CaseInsensitive) == 0 ||
           name.compare("Connection", Qt::CaseInsensitive) == 0;
}

} // namespace

Response Response::bytes(int status, QByteArray body, const QByteArray &contentType)
{
    Response r;
    r.status = status;
    r.body = std::move(body);
    if (!contentType.isEmpty())
        r.addHeader("Content-Type", contentType);
    return r;
}

Response Response::stream(int status, FileRange file, const QByteArray &contentType)
{
    Response r;
    r.status = status;
    r.file = std::move(file);
    if (!contentType.isEmpty())
        r.addHeader("Content-Type", contentType);
    return r;
}

QByteArray Response::serializeHead(bool keepAlive) const
{
    QByteArray out;
    out.reserve(256 + headers.size() * 64);
    out += "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    for (const auto &[name, value] : headers) {
        if (isSafeName(name) && isSafeValue(value) && !isFramingHeader(name))
            out += name + ": " + value + "\r\n";
    }
    if (allowsBody())
        out += "Content-Length: " + QByteArray::number(bodyLength()) + "\r\n";
    if (!keepAlive)
        out += "Connection: close\r\n";
    out += "\r\n";
    return out;
}

QByteArray Response::reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 101:
        return "Switching Protocols";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 206:
        return "Partial Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 304:
        return "Not Modified";
    case 307:
        return "Temporary Redirect";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 411:
        return "Length Required";
    case 413:
        return "Content Too Large";
    case 415:
        return "Unsupported Media Type";
    case 416:
        return "Range Not Satisfiable";
    case 422:
        return "Unprocessable Content";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    case 507:
        return "Insufficient Storage";
    default:
        return "Status";
    }
}

} // namespace mistudio::http
