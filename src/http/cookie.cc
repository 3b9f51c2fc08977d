#include "http/cookie.h"

#include <fmt/format.h>

#include "common/crypto.h"

namespace infrashare {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::string> CookieValue(const HttpRequest& request, std::string_view name) {
  // Repeated Cookie fields arrive joined with ", " (HttpRequest::headers).
  const std::string all = request.Header("cookie");
  std::string_view rest = all;
  std::optional<std::string> found;
  while (!rest.empty()) {
    const size_t end = rest.find_first_of(";,");
    const std::string_view pair = Trim(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && Trim(pair.substr(0, eq)) == name) {
      if (found) return std::string();
      found = std::string(Trim(pair.substr(eq + 1)));
    }
  }
  return found;
}

std::string SessionCookie(std::string_view value, std::chrono::seconds max_age, bool secure) {
  return fmt::format("{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict{}", kSessionCookie, value,
                     max_age.count(), secure ? "; Secure" : "");
}

bool ChangesState(std::string_view method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

Result<void> CheckCsrf(const HttpRequest& request, std::string_view expected) {
  if (expected.empty() || !ConstantTimeEquals(request.Header(kCsrfHeader), expected))
    return WithReason(
        MakeError(ErrorCode::kForbidden,
                  fmt::format("a change made with the session cookie needs the {} header of the session",
                              kCsrfHeader)),
        "csrf_token_missing");
  return {};
}

}  // namespace infrashare
