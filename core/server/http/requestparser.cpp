#include "server/http/requestparser.h"

#include <QUrl>

#include <array>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::http {
namespace {

Error malformed(const QString &message)
{
    return Error::make(ErrorCode::MalformedRequest, message);
}

bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

bool isToken(QByteArrayView s)
{
    if (s.isEmpty())
        return false;
    for (char c : s) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

bool isHexDigit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Visible ASCII without '#', with well-formed percent escapes.
bool isValidTarget(QByteArrayView t)
{
    for (qsizetype i = 0; i < t.size(); ++i) {
        const auto c = static_cast<unsigned char>(t[i]);
        if (c <= 0x20 || c >= 0x7f || c == '#')
            return false;
        if (c == '%' && (i + 2 >= t.size() || !isHexDigit(t[i + 1]) || !isHexDigit(t[i + 2])))
            return false;
    }
    return true;
}

// field-value: visible characters, obs-text, spaces and tabs; never CR, LF, NUL or DEL.
bool isValidFieldValue(QByteArrayView v)
{
    for (char ch : v) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return false;
    }
    return true;
}

QByteArrayView trimmedOws(QByteArrayView v)
{
    while (!v.isEmpty() && (v.front() == ' ' || v.front() == '\t'))
        v = v.sliced(1);
    while (!v.isEmpty() && (v.back() == ' ' || v.back() == '\t'))
        v.chop(1);
    return v;
}

// Whether a comma-separated header value lists `token` (case-insensitive).
bool listsToken(QByteArrayView value, QByteArrayView token)
{
    qsizetype start = 0;
    while (start <= value.size()) {
        qsizetype end = value.indexOf(',', start);
        if (end < 0)
            end = value.size();
        if (trimmedOws(value.sliced(start, end - start)).compare(token, Qt::CaseInsensitive) == 0)
            return true;
        start = end + 1;
    }
    return false;
}

// Every value of a header that may repeat, as one comma-separated list.
QByteArray allValues(const RequestHead &r, QByteArrayView name)
{
    QByteArray out;
    for (const auto &[n, v] : r.headers) {
        if (QByteArrayView(n).compare(name, Qt::CaseInsensitive) == 0)
            out += (out.isEmpty() ? QByteArray() : QByteArray(", ")) + v;
    }
    return out;
}

constexpr std::array<QByteArrayView, 6> kSingletons = {
    "Host", "Content-Length", "Content-Type", "Authorization", "Origin", "Upgrade"};

} // namespace

qsizetype RequestParser::findHeadEnd(QByteArrayView data, qsizetype from)
{
    const qsizetype at = data.indexOf("\r\n\r\n", std::max<qsizetype>(0, from));
    return at < 0 ? -1 : at + 4;
}

Result<RequestHead> RequestParser::parse(QByteArrayView head, int maxHeaderCount)
{
    if (!head.endsWith("\r\n\r\n"))
        return malformed(u"The request head does not end with an empty line"_s);
    // Split into lines; a CR or LF anywhere but in a CRLF pair is refused.
    QList<QByteArrayView> lines;
    qsizetype start = 0;
    for (qsizetype i = 0; i < head.size(); ++i) {
        if (head[i] == '\r') {
            if (i + 1 >= head.size() || head[i + 1] != '\n')
                return malformed(u"A bare CR in the request head"_s);
            lines.append(head.sliced(start, i - start));
            start = i + 2;
            ++i;
        } else if (head[i] == '\n') {
            return malformed(u"Lines of the request head must end with CRLF"_s);
        }
    }
    // The last two entries are the last header line (or request line) and the empty line.
    if (lines.size() < 2 || !lines.last().isEmpty())
        return malformed(u"The request head does not end with an empty line"_s);
    lines.removeLast();
    if (lines.size() - 1 > maxHeaderCount)
        return Error::make(ErrorCode::HeadersTooLarge,
                           u"More than %1 header fields"_s.arg(maxHeaderCount),
                           {{u"limit"_s, maxHeaderCount}});

    RequestHead r;
    const QByteArrayView requestLine = lines.first();
    const qsizetype sp1 = requestLine.indexOf(' ');
    const qsizetype sp2 = sp1 < 0 ? -1 : requestLine.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 < 0 || requestLine.indexOf(' ', sp2 + 1) >= 0)
        return malformed(u"The request line must be METHOD SP TARGET SP VERSION"_s);
    const QByteArrayView method = requestLine.first(sp1);
    const QByteArrayView target = requestLine.sliced(sp1 + 1, sp2 - sp1 - 1);
    const QByteArrayView version = requestLine.sliced(sp2 + 1);
    if (!isToken(method) || method.size() > 32)
        return malformed(u"Not a valid method"_s);
    if (version == "HTTP/1.1")
        r.minorVersion = 1;
    else if (version == "HTTP/1.0")
        r.minorVersion = 0;
    else
        return malformed(u"Only HTTP/1.1 and HTTP/1.0 are served"_s);
    if (!target.startsWith('/') || !isValidTarget(target))
        return malformed(u"The request target must be an absolute path with an optional query"_s);
    r.method = method.toByteArray();
    r.target = target.toByteArray();
    const qsizetype q = target.indexOf('?');
    const QByteArrayView rawPath = q < 0 ? target : target.first(q);
    r.path = QUrl::fromPercentEncoding(rawPath.toByteArray());
    for (QChar c : std::as_const(r.path)) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            return malformed(u"The path holds a control character"_s);
    }
    if (q >= 0)
        r.query = QUrlQuery(QString::fromLatin1(target.sliced(q + 1)));

    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArrayView line = lines[i];
        if (line.startsWith(' ') || line.startsWith('\t'))
            return malformed(u"Folded header lines (obs-fold) are not accepted"_s);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return malformed(u"A header line without a name and a colon"_s);
        const QByteArrayView name = line.first(colon);
        if (!isToken(name))
            return malformed(u"Not a valid header name (no whitespace before the colon)"_s);
        const QByteArrayView value = trimmedOws(line.sliced(colon + 1));
        if (!isValidFieldValue(value))
            return malformed(u"A header value holds a control character"_s);
        r.headers.append({name.toByteArray(), value.toByteArray()});
    }
    for (QByteArrayView name : kSingletons) {
        int n = 0;
        for (const auto &h : std::as_const(r.headers))
            n += QByteArrayView(h.first).compare(name, Qt::CaseInsensitive) == 0 ? 1 : 0;
        if (n > 1)
            return malformed(u"The %1 header appears more than once"_s.arg(
                QString::fromLatin1(name.toByteArray())));
    }
    if (r.minorVersion == 1 && !r.hasHeader("Host"))
        return malformed(u"HTTP/1.1 requests need a Host header"_s);

    const bool hasLength = r.hasHeader("Content-Length");
    if (r.hasHeader("Transfer-Encoding")) {
        if (hasLength)
            return malformed(u"Content-Length and Transfer-Encoding together are refused"_s);
        return Error::make(
            ErrorCode::LengthRequired,
            u"Send the body with a Content-Length (Transfer-Encoding is not accepted)"_s);
    }
    if (hasLength) {
        const QByteArray v = r.header("Content-Length");
        bool digits = !v.isEmpty() && v.size() <= 18;
        for (char c : v)
            digits = digits && c >= '0' && c <= '9';
        if (!digits)
            return malformed(u"Content-Length must be a decimal number of bytes"_s);
        r.contentLength = v.toLongLong();
    }

    const QByteArray connection = allValues(r, "Connection");
    r.keepAlive = r.minorVersion == 1 && !listsToken(connection, "close");
    r.webSocketUpgrade =
        listsToken(r.header("Upgrade"), "websocket") && listsToken(connection, "upgrade");
    r.expectContinue =
        r.minorVersion == 1 && r.header("Expect").compare("100-continue", Qt::CaseInsensitive) == 0;
    return r;
}

} // namespace mistudio::http
