#include "api/api.h"

#include <set>

#include "api/registry_handlers.h"
#include "api/report_handlers.h"
#include "api/severity_handlers.h"

namespace infrashare {

void AddRoutes(Router& router, Services& services, StreamLimits stream_limits) {
  router.Add("GET", "/healthz", "200 when the server can serve (the database answers)",
             [&services](const HttpRequest&) {
               auto r = services.store.Read([](ReadTx& tx) -> Result<void> {
                 auto v = tx.GetMeta("schema_version");
                 if (!v) return std::unexpected(v.error());
                 return {};
               });
               if (!r) return HttpResponse{.status = 503, .body = Json{{"status", "unavailable"}}.dump()};
               return JsonResponse(200, Json{{"status", "ok"}}.dump());
             });
  router.Add("GET", "/api/v1/openapi.json", "This document", [&router](const HttpRequest&) {
    return JsonResponse(200, OpenApiDocument(router).dump());
  });
  AddReportRoutes(router, services);
  AddRegistryRoutes(router, services);
  AddSeverityRoutes(router, services);
  AddAlertRoutes(router, services, stream_limits);
}

Json OpenApiDocument(const Router& router) {
  Json paths = Json::object();
  for (const auto& route : router.routes()) {
    Json op{{"summary", route.summary},
            {"responses",
             {{"default", {{"description", "An RFC 9457 problem (application/problem+json) on error"}}}}}};
    Json params = Json::array();
    size_t pos = 0;
    while ((pos = route.pattern.find('{', pos)) != std::string::npos) {
      const size_t end = route.pattern.find('}', pos);
      params.push_back({{"name", route.pattern.substr(pos + 1, end - pos - 1)},
                        {"in", "path"},
                        {"required", true},
                        {"schema", {{"type", "string"}}}});
      pos = end;
    }
    if (!params.empty()) op["parameters"] = std::move(params);
    static const std::set<std::string_view> kPublic = {"/healthz", "/api/v1/openapi.json",
                                                       "/api/v1/registry/sectors", "/api/v1/registry/ministries",
                                                       "/api/v1/registry/ceptoars", "/api/v1/severity/policies"};
    if (!kPublic.contains(route.pattern)) op["security"] = Json::array({{{"bearer", Json::array()}}});
    std::string method = route.method;
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    paths[route.pattern][method] = std::move(op);
  }
  return Json{{"openapi", "3.1.0"},
              {"info",
               {{"title", "infrashare API"},
                {"version", "1"},
                {"description",
                 "Information sharing of the critical-infrastructure protection plan. Request bodies are "
                 "limited to 1 MiB; report limits: title 300 bytes, text 64 KiB, 1000 indicators, 1000 "
                 "audience entries, facts 16 KiB. Errors are application/problem+json with 'field' naming "
                 "the field at fault."}}},
              {"components",
               {{"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}}}},
              {"paths", std::move(paths)}};
}

}  // namespace infrashare
