// Webhook signatures: how a receiver knows that a POST came from infrashare,
// unchanged, and recently.
//
// Every webhook POST carries the header
//
//   Infrashare-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
//
// where <secret> is the webhook's secret (shown once, when it is
// registered), <t> is the time of signing in decimal Unix seconds, <body> is
// the exact bytes of the request body, and the MAC is 64 lower-case hex
// digits. A receiver checks it like this:
//   1. split the value at ',' into key=value items; take `t` and every `v1`
//      (there may be more than one while a secret is being rotated; items
//      with other keys are for future schemes: ignore them);
//   2. compute HMAC-SHA256 with the secret as key over the string "<t>.<body>"
//      (the t value exactly as received, a '.', then the raw body) and compare
//      it with each v1 in constant time (e.g. CRYPTO_memcmp,
//      hmac.compare_digest); no match: reject;
//   3. reject when |now - t| is more than a few minutes (300 s here): a
//      recorded request replayed later fails this step.
// For example, with secret "whsec_test", t = 1700000000 and the body
// {"event_id":1,"type":"report.submitted"}:
//   $ body='{"event_id":1,"type":"report.submitted"}'
//   $ printf '%s' "1700000000.$body" | openssl dgst -sha256 -hmac whsec_test
//   SHA2-256(stdin)= 762e2a29afe73cfd3bef9fc6e10dfd776a79ded5ccfa643875a3d2e0912111ca
// so the header is
//   Infrashare-Signature: t=1700000000,v1=762e2a29afe73cfd3bef9fc6e10dfd776a79ded5ccfa643875a3d2e0912111ca
// A retry is signed anew (a fresh t), so a receiver that was down for hours
// still accepts it; the delivery id header says that it is a repeat.
//
// Thread behaviour: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"

namespace infrashare {

inline constexpr std::string_view kWebhookSignatureHeader = "Infrashare-Signature";
// How far a signature's time may be from the receiver's clock (either way).
inline constexpr int64_t kWebhookSignatureTolerance = 300;

// The Infrashare-Signature value for `body` signed at `unix_seconds`.
std::string SignWebhook(std::string_view secret, int64_t unix_seconds, std::string_view body);

// What a receiver does (see above), for our tests, tools and any Infrashare
// receiving webhooks. Errors, each naming field "Infrashare-Signature":
//  - kInvalidArgument: the value is not of the form above (the message says
//    which part);
//  - kUnauthenticated: no v1 matches (wrong secret or changed body), or t is
//    more than `tolerance_seconds` from `now_unix_seconds` (a replay).
Result<void> VerifyWebhookSignature(std::string_view header, std::string_view secret, std::string_view body,
                                    int64_t now_unix_seconds,
                                    int64_t tolerance_seconds = kWebhookSignatureTolerance);

}  // namespace infrashare
