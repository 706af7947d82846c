// The Hub's error answers on hostile bytes: status line, X-Error-Code / X-Error-Message /
// X-Request-Id headers and the JSON (or text) body, as errorFromOutcome() turns them into the
// app's typed error. The input is a raw HTTP response (hubresponse.h).
#include "fuzzcheck.h"
#include "hubresponse.h"

#include "hub/huberror.h"

using namespace mistudio;
using namespace Qt::Literals::StringLiterals;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray raw(reinterpret_cast<const char *>(data), qsizetype(size));
    static const QUrl urls[] = {QUrl(u"http://127.0.0.1:1/api/models/org/model/revision/main"_s),
                                QUrl(u"http://127.0.0.1:1/org/model/resolve/main/config.json"_s),
                                QUrl(u"http://localhost:2/cdn/blob?sig=secret"_s)};
    for (const QUrl &url : urls) {
        hub::HttpOutcome o = fuzz::parseHubResponse(raw, url);
        o.authSent = (size & 1) != 0;
        const Error e = hub::errorFromOutcome(o);
        FUZZ_CHECK(!e.message.isEmpty());
        FUZZ_CHECK(!errorCodeName(e.code).isEmpty());
        // A signed CDN query never reaches a message or the details.
        FUZZ_CHECK(!e.details.value(u"url"_s).toString().contains(u"secret"_s));
        (void)hub::isRetryable(o);
        (void)e.toString();
    }
    return 0;
}
