// The one mapping from an Error to an HTTP response: RFC 9457
// `application/problem+json`. Handlers never pick error status codes; they
// return an Error and call ProblemResponse. The router and the server use the
// same functions for protocol-level refusals (unknown path, wrong method,
// malformed HTTP, oversized body), so every error a client sees has one shape:
//
//   {"type": "urn:infrashare:problem:invalid_argument",
//    "title": "Invalid argument", "status": 400,
//    "detail": "must not be empty", "field": "title",
//    "code": "invalid_argument", "reason": "password_too_short"}
//
// `field` and `reason` (Error::reason, a stable key a client translates)
// appear only when the Error has them. For kInternal the detail is
// always "internal error": a bug's message is logged, never sent.
//
// Thread behaviour: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "http/http.h"

namespace infrashare {

inline constexpr std::string_view kProblemContentType = "application/problem+json";

// kInvalidArgument 400, kUnauthenticated 401, kForbidden 403, kNotFound 404,
// kConflict 409, kTooLarge 413, kUnavailable 503, kInternal 500.
int HttpStatusFor(ErrorCode code);

// The problem+json response for `error`, with the headers its status needs:
// 401 carries `WWW-Authenticate: Bearer`, 503 carries `Retry-After: 1`.
HttpResponse ProblemResponse(const Error& error);

// 405 for a path that exists under other methods; `allowed` becomes the
// Allow header ("GET, POST").
HttpResponse MethodNotAllowedResponse(const std::vector<std::string>& allowed);

// 431 for request headers above the server's limit (a protocol refusal with
// no ErrorCode of its own).
HttpResponse HeadersTooLargeResponse(size_t limit_bytes);

}  // namespace infrashare
