#include "api/handler_support.h"

namespace infrashare {

HttpResponse WithCaller(Services& services, const HttpRequest& request,
                        const std::function<HttpResponse(const Caller&)>& fn) {
  auto caller = services.auth.Authenticate(request.Header("authorization"));
  if (!caller) return ProblemResponse(caller.error());
  return fn(*caller);
}

std::optional<HttpResponse> WithCachedCaller(Services& services, const HttpRequest& request,
                                             const std::function<HttpResponse(const Caller&)>& fn) {
  auto caller = services.auth.AuthenticateCached(request.Header("authorization"));
  if (!caller) return std::nullopt;
  if (!*caller) return ProblemResponse(caller->error());
  return fn(**caller);
}

HttpResponse WithJsonBody(const HttpRequest& request, const std::function<HttpResponse(const Json&)>& fn) {
  const std::string type = request.Header("content-type");
  if (!type.empty() && type.find("json") == std::string::npos)
    return ProblemResponse(Error{ErrorCode::kInvalidArgument, "the body must be application/json", ""});
  auto doc = ParseJson(request.body);
  if (!doc) return ProblemResponse(doc.error());
  return fn(*doc);
}

HttpResponse Render(int status, const Result<Json>& body) {
  if (!body) return ProblemResponse(body.error());
  return JsonResponse(status, body->dump());
}

}  // namespace infrashare
