#include "http/problem.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/json.h"

namespace infrashare {
namespace {

std::string_view TitleFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "Invalid argument";
    case ErrorCode::kUnauthenticated:
      return "Authentication required";
    case ErrorCode::kForbidden:
      return "Forbidden";
    case ErrorCode::kNotFound:
      return "Not found";
    case ErrorCode::kConflict:
      return "Conflict";
    case ErrorCode::kTooLarge:
      return "Too large";
    case ErrorCode::kUnavailable:
      return "Service unavailable";
    case ErrorCode::kInternal:
      return "Internal error";
  }
  return "Internal error";
}

// Renders the body shared by every problem response.
HttpResponse Render(int status, std::string_view code, std::string_view title, std::string_view detail,
                    std::string_view field, std::string_view reason = {}) {
  Json doc = {
      {"type", fmt::format("urn:infrashare:problem:{}", code)},
      {"title", title},
      {"status", status},
      {"detail", detail},
  };
  if (!field.empty()) doc["field"] = field;
  doc["code"] = code;
  if (!reason.empty()) doc["reason"] = reason;
  return HttpResponse{.status = status,
                      .content_type = std::string(kProblemContentType),
                      .body = doc.dump(-1, ' ', false, Json::error_handler_t::replace)};
}

}  // namespace

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kForbidden:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kTooLarge:
      return 413;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

HttpResponse ProblemResponse(const Error& error) {
  const bool internal = error.code == ErrorCode::kInternal;
  HttpResponse response =
      Render(HttpStatusFor(error.code), ErrorCodeName(error.code), TitleFor(error.code),
             internal ? std::string_view("internal error") : std::string_view(error.message),
             internal ? std::string_view() : std::string_view(error.field),
             internal ? std::string_view() : std::string_view(error.reason));
  if (error.code == ErrorCode::kUnauthenticated) response.headers.emplace_back("WWW-Authenticate", "Bearer");
  if (error.code == ErrorCode::kUnavailable) response.headers.emplace_back("Retry-After", "1");
  return response;
}

HttpResponse MethodNotAllowedResponse(const std::vector<std::string>& allowed) {
  std::string allow = fmt::format("{}", fmt::join(allowed, ", "));
  HttpResponse response = Render(405, "method_not_allowed", "Method not allowed",
                                 fmt::format("this path accepts only {}", allow), "");
  response.headers.emplace_back("Allow", std::move(allow));
  return response;
}

HttpResponse HeadersTooLargeResponse(size_t limit_bytes) {
  return Render(431, "headers_too_large", "Request header fields too large",
                fmt::format("the request headers exceed the limit of {} bytes", limit_bytes), "");
}

}  // namespace infrashare
