// The API server's HTTP/1.1 request-head parser (core/server/http/requestparser) on hostile bytes,
// which it reads before any authentication: findHeadEnd over the bytes as they arrive, then
// parse() of the head with the server's header-count limit. What an accepted head promises is
// what the handlers rely on (requestparser.h): a token method, an origin-form target without
// control characters, HTTP/1.0 or 1.1 (1.1 with a Host), token header names and values without
// CR/LF/NUL, no Transfer-Encoding, a decimal Content-Length, and the single-valued headers once.
#include "fuzzcheck.h"
#include "fuzzinput.h"

#include "server/http/limits.h"
#include "server/http/requestparser.h"

using namespace mistudio;
using namespace mistudio::http;
using namespace Qt::Literals::StringLiterals;

namespace {

bool isToken(const QByteArray &s)
{
    if (s.isEmpty())
        return false;
    for (char c : s) {
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && !QByteArrayView("!#$%&'*+-.^_`|~").contains(c))
            return false;
    }
    return true;
}

int count(const RequestHead &r, QByteArrayView name)
{
    int n = 0;
    for (const auto &h : r.headers)
        n += QByteArrayView(h.first).compare(name, Qt::CaseInsensitive) == 0 ? 1 : 0;
    return n;
}

void checkAccepted(const RequestHead &r, int maxHeaders)
{
    FUZZ_CHECK(isToken(r.method) && r.method.size() <= 32);
    FUZZ_CHECK(r.target.startsWith('/'));
    for (char c : r.target)
        FUZZ_CHECK(uchar(c) > 0x20 && uchar(c) < 0x7f && c != '#');
    for (QChar c : r.path)
        FUZZ_CHECK(c.unicode() >= 0x20 && c.unicode() != 0x7f);
    FUZZ_CHECK(r.minorVersion == 0 || r.minorVersion == 1);
    FUZZ_CHECK(r.minorVersion == 0 || count(r, "Host") == 1);
    FUZZ_CHECK(r.headers.size() <= maxHeaders);
    for (const auto &[name, value] : r.headers) {
        FUZZ_CHECK(isToken(name));
        for (char c : value)
            FUZZ_CHECK((uchar(c) >= 0x20 || c == '\t') && uchar(c) != 0x7f);
    }
    for (QByteArrayView once : {"Host", "Content-Length", "Content-Type", "Authorization", "Origin", "Upgrade"})
        FUZZ_CHECK(count(r, once) <= 1);
    FUZZ_CHECK(count(r, "Transfer-Encoding") == 0);
    FUZZ_CHECK(r.contentLength >= 0);
    if (r.hasHeader("Content-Length")) {
        const QByteArray v = r.header("Content-Length");
        FUZZ_CHECK(!v.isEmpty() && v.size() <= 18);
        for (char c : v)
            FUZZ_CHECK(c >= '0' && c <= '9');
        FUZZ_CHECK(r.contentLength == v.toLongLong());
    } else {
        FUZZ_CHECK(r.contentLength == 0);
    }
    FUZZ_CHECK(!r.keepAlive || r.minorVersion == 1);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes = fuzz::inputBytes(data, size);
    const qsizetype end = RequestParser::findHeadEnd(bytes);
    if (end >= 0) {
        FUZZ_CHECK(end >= 4 && end <= bytes.size() && bytes.mid(end - 4, 4) == "\r\n\r\n");
        FUZZ_CHECK(bytes.indexOf("\r\n\r\n") == end - 4);
    }
    // The connection scans each arrival from 3 bytes before the previous end: any split of the
    // same bytes finds the same end.
    for (qsizetype split : {qsizetype(1), bytes.size() / 2, bytes.size() - 1}) {
        if (split <= 0 || split >= bytes.size())
            continue;
        qsizetype found = RequestParser::findHeadEnd(bytes.first(split));
        if (found < 0)
            found = RequestParser::findHeadEnd(bytes, std::max<qsizetype>(0, split - 3));
        FUZZ_CHECK(found == end);
    }
    if (end < 0)
        return 0;

    const int maxHeaders = Limits().maxHeaderCount;
    const auto head = RequestParser::parse(QByteArrayView(bytes).first(end), maxHeaders);
    if (!head.ok()) {
        const ErrorCode c = head.error().code;
        FUZZ_CHECK(c == ErrorCode::MalformedRequest || c == ErrorCode::LengthRequired
                   || c == ErrorCode::HeadersTooLarge);
        return 0;
    }
    checkAccepted(*head, maxHeaders);
    (void)head->header("Authorization");
    return 0;
}
