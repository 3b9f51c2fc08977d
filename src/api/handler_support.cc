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

std::string PageText(std::span<const std::string> item_texts, const std::optional<std::string>& next_cursor) {
  size_t size = 40;
  for (const auto& t : item_texts) size += t.size() + 1;
  std::string body;
  body.reserve(size);
  body += R"({"items":[)";  // members in Json's (sorted) order, as dump() writes them
  for (size_t i = 0; i < item_texts.size(); ++i) {
    if (i > 0) body += ',';
    body += item_texts[i];
  }
  body += R"(],"next_cursor":)";
  body += next_cursor ? Json(*next_cursor).dump() : "null";
  body += '}';
  return body;
}

}  // namespace infrashare::api
