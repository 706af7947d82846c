#pragma once

#include "common/result.h"

#include <QUrl>

namespace mistudio::hub {

// Our own redirect rules, applied wherever a Hub answer sends us elsewhere (HubClient's requests,
// the resolver HEAD's Location, the download transfers, tree pagination links):
// - only http and https: any other scheme (file:, ftp:, data:...) fails at once, naming the target;
// - from a loopback endpoint (localhost, 127.0.0.0/8, ::1: a local mirror or a test Hub) never to a
//   host off loopback, unless the user allowed it (HubOptions::allowOffLoopbackRedirects);
// - at most kMaxRedirects hops;
// - the token (Authorization) only ever goes to the Hub endpoint's own scheme, host and port
//   (sameOrigin), never to a host a redirect names.
struct RedirectRules
{
    QUrl endpoint;                 // the Hub's base URL
    bool allowOffLoopback = false; // let a loopback endpoint redirect to other hosts
};

inline constexpr int kMaxRedirects = 10;

// Same scheme, host (case-insensitive) and port (the scheme's default when none is given).
bool sameOrigin(const QUrl &a, const QUrl &b);
// localhost (and *.localhost), any 127.0.0.0/8 address, ::1.
bool isLoopback(const QUrl &url);

// Where a redirect from `from` with this Location leads (relative locations resolved against
// `from`), or why it is not followed: invalid_response with details {from, to, reason}, never
// worth a retry.
Result<QUrl> checkRedirect(const QUrl &from, const QByteArray &location, const RedirectRules &rules);
// The same checks for a target URL already resolved (e.g. a CDN URL from a HEAD's Location).
Status checkRedirectTarget(const QUrl &from, const QUrl &target, const RedirectRules &rules);

} // namespace mistudio::hub
