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

Json Problem(std::string_view description) {
  return {{"description", description},
          {"content", {{"application/problem+json", {{"schema", schema::Ref(schema::kProblem)}}}}}};
}

// The route's own answers, then the errors its line implies (a body, a path
// or query parameter, a token, a role), then every other error by class.
Json Responses(const ApiRoute& route) {
  Json responses = Json::object();
  for (const ResponseSpec& r : route.responses) {
    Json response{{"description", r.description.empty() ? std::string_view("Success") : r.description}};
    if (!r.schema.empty()) response["content"] = {{r.media_type, {{"schema", schema::Ref(r.schema)}}}};
    responses[std::to_string(r.status)] = std::move(response);
  }
  const bool body = !route.request_schema.empty();
  const bool path_params = route.pattern.find('{') != std::string_view::npos;
  auto add = [&](int status, std::string_view description) {
    const std::string key = std::to_string(status);
    if (!responses.contains(key)) responses[key] = Problem(description);
  };
  if (body || path_params || !route.query.empty())
    add(400, "Bad input: `field` names the field at fault (the body's JSON path, or the parameter)");
  if (route.access.level != Access::Level::kPublic)
    add(401, "No token, or one that is unknown, revoked or malformed");
  if (route.access.level == Access::Level::kRole) add(403, "The caller lacks every role in x-required-role");
  if (path_params) add(404, "Not found, or not visible to the caller (the same answer)");
  if (body) add(413, "The body is larger than 1 MiB");
  responses["4XX"] = Problem("Any other refusal (405, 409, 431, …), as problem+json");
  responses["5XX"] = Problem("503: the database does not answer (Retry-After); 500: an internal error");
  return responses;
}

Json Operation(const ApiRoute& route) {
  Json op{{"operationId", route.handler.name}, {"summary", route.summary}, {"responses", Responses(route)}};
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
      op["x-required-role"] = Json::array();
      for (Role role : route.access.roles()) op["x-required-role"].push_back(NameOf(kRoleNames, role));
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
              {"servers", {{{"url", "/"}, {"description", "The server that serves this document"}}}},
              {"info",
               {{"title", "infrashare API"},
                {"version", "1"},
                {"license",
                 {{"name", "Restricted to the participants of the critical-infrastructure protection plan"}}},
                {"description",
                 "Information sharing of the critical-infrastructure protection plan. Request bodies are "
                 "limited to 1 MiB; report limits: title 300 bytes, text 64 KiB, 1000 indicators, 1000 "
                 "audience entries, facts 16 KiB. Errors are application/problem+json with 'field' naming "
                 "the field at fault. Operations with x-required-role need a token of a principal with "
                 "one of the roles it lists."}}},
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
