// What arrives before any body: the request target (path and query string,
// percent-decoded), the report list's query parameters, a Last-Event-ID and
// the Cookie header, through the functions the server uses.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/parse.h"
#include "http/cookie.h"
#include "http/http.h"
#include "service/report_input.h"

using namespace infrashare;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto target = ParseTarget(text)) (void)ParseListQuery(target->query);
  (void)PercentDecode(text, /*plus_is_space=*/true);
  (void)ParseInteger(text, "Last-Event-ID", 0, INT64_MAX);
  HttpRequest request;
  request.method = "POST";
  request.headers["cookie"] = std::string(text);
  request.headers["x-csrf-token"] = std::string(text.substr(0, text.size() / 2));
  (void)CookieValue(request, kSessionCookie);
  (void)CheckCsrf(request, "expected-token");
  return 0;
}
