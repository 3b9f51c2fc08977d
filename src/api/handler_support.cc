#include "api/handler_support.h"

namespace infrashare::api {

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

Json Items(Json items) { return Json{{"items", std::move(items)}}; }

Json Page(Json items, const std::optional<std::string>& next_cursor) {
  Json body = Items(std::move(items));
  body["next_cursor"] = next_cursor ? Json(*next_cursor) : Json(nullptr);
  return body;
}

}  // namespace infrashare::api
