#pragma once

#include "common/result.h"
#include "server/http/requesthead.h"

#include <QByteArrayView>

namespace mistudio::http {

// A strict HTTP/1.1 request-head parser for a documented subset (docs/security.md):
//  - request line `METHOD SP origin-form SP HTTP/1.1|HTTP/1.0`, lines end with CRLF only;
//  - header names are tokens with no whitespace before the colon, values hold no control
//    characters, no obs-fold (a line starting with whitespace);
//  - bodies are framed by Content-Length only: a Transfer-Encoding is refused (411, or 400
//    next to a Content-Length), a duplicate or non-decimal Content-Length is 400;
//  - Host, Content-Length, Content-Type, Authorization, Origin and Upgrade at most once;
//    HTTP/1.1 requires Host.
// Errors are typed: malformed_request (400), length_required (411), headers_too_large (431).
class RequestParser final
{
public:
    // The offset just past the empty line that ends a head in `data`, or -1 when it has not
    // arrived yet. Bytes before `from` were scanned already.
    static qsizetype findHeadEnd(QByteArrayView data, qsizetype from = 0);
    // Parses a complete head: the request line, the header lines and the empty line.
    static Result<RequestHead> parse(QByteArrayView head, int maxHeaderCount);
};

} // namespace mistudio::http
