// Browser sessions at the HTTP level, in one place: reading the session
// cookie, writing it (HttpOnly; SameSite=Strict; Path=/; Secure when the
// server serves TLS), and the CSRF check every state-changing request made
// with the cookie passes — the X-CSRF-Token header must repeat the session's
// token (the page gets it when it signs in, or from GET /api/v1/session). A
// request with an Authorization header is not a browser session and is
// not checked.
//
// Thread behaviour: pure functions.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"
#include "http/http.h"

namespace infrashare {

inline constexpr std::string_view kSessionCookie = "infrashare_session";
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

// The value of the cookie `name`, or nullopt when the request has none; ""
// when it carries the cookie more than once (one may have been planted by a
// sibling site with a narrower Path, which the browser sends first).
std::optional<std::string> CookieValue(const HttpRequest& request, std::string_view name);

// The Set-Cookie value that stores the session `value` for `max_age`, or
// (value "" and max_age 0) deletes it.
std::string SessionCookie(std::string_view value, std::chrono::seconds max_age, bool secure);

// Whether the method may change state (anything but GET, HEAD and OPTIONS).
bool ChangesState(std::string_view method);

// kForbidden, the same for a missing and a wrong token, unless the request's
// X-CSRF-Token header equals `expected` (compared in constant time).
Result<void> CheckCsrf(const HttpRequest& request, std::string_view expected);

}  // namespace infrashare
