#include "api/openapi.h"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "api/schemas.h"
#include "domain/registry/principal.h"

namespace infrashare {
namespace {

Json Parameters(const ApiRoute& route) {
  Json params = Json::array();
  const std::string_view pattern = route.pattern;
  for (size_t pos = pattern.find('{'); pos != std::string_view::npos; pos = pattern.find('{', pos + 1)) {
    const size_t end = pattern.find('}', pos);
    params.push_back({{"name", pattern.substr(pos + 1, end - pos - 1)},
                      {"in", "path"},
                      {"required", true},
                      {"schema", schema::IdParam()}});
  }
  for (const QueryParam& q : route.query)
    params.push_back(
        {{"name", q.name}, {"in", "query"}, {"description", q.description}, {"schema", q.schema()}});
  return params;
}

Json Responses(const ApiRoute& route) {
  Json responses = Json::object();
  for (const ResponseSpec& r : route.responses) {
    Json response{{"description", r.description.empty() ? std::string_view("Success") : r.description}};
    if (!r.schema.empty()) response["content"] = {{r.media_type, {{"schema", schema::Ref(r.schema)}}}};
    responses[std::to_string(r.status)] = std::move(response);
  }
  responses["default"] = {
      {"description",
       "An RFC 9457 problem: 400 bad input (field names the field at fault), 401 no or a bad "
       "token, 403 not allowed, 404 not found or not visible, 405, 409, 413, 503"},
      {"content", {{"application/problem+json", {{"schema", schema::Ref(schema::kProblem)}}}}}};
  return responses;
}

Json Operation(const ApiRoute& route) {
  Json op{{"summary", route.summary}, {"responses", Responses(route)}};
  if (Json params = Parameters(route); !params.empty()) op["parameters"] = std::move(params);
  if (!route.request_schema.empty())
    op["requestBody"] = {
        {"required", true},
        {"content", {{"application/json", {{"schema", schema::Ref(route.request_schema)}}}}}};
  switch (route.access.level) {
    case Access::Level::kPublic:
      op["security"] = Json::array();
      break;
    case Access::Level::kRole:
      op["x-required-role"] = NameOf(kRoleNames, route.access.role);
      [[fallthrough]];
    case Access::Level::kToken:
      op["security"] = Json::array({{{"bearer", Json::array()}}});
      break;
  }
  return op;
}

}  // namespace

Json OpenApiDocument(std::span<const ApiRoute> routes) {
  Json paths = Json::object();
  for (const ApiRoute& route : routes) {
    std::string method(route.method);
    std::transform(method.begin(), method.end(), method.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    paths[std::string(route.pattern)][method] = Operation(route);
  }
  return Json{{"openapi", "3.1.0"},
              {"info",
               {{"title", "infrashare API"},
                {"version", "1"},
                {"description",
                 "Information sharing of the critical-infrastructure protection plan. Request bodies are "
                 "limited to 1 MiB; report limits: title 300 bytes, text 64 KiB, 1000 indicators, 1000 "
                 "audience entries, facts 16 KiB. Errors are application/problem+json with 'field' naming "
                 "the field at fault. Operations with x-required-role need a token of a principal with "
                 "that role."}}},
              {"components",
               {{"securitySchemes",
                 {{"bearer",
                   {{"type", "http"}, {"scheme", "bearer"}, {"description", "an API token: tok_….SECRET"}}}}},
                {"schemas", schema::ComponentSchemas()}}},
              {"paths", std::move(paths)}};
}

const std::string& OpenApiText() {
  static const std::string kText = OpenApiDocument(ApiRoutes()).dump();
  return kText;
}

}  // namespace infrashare
