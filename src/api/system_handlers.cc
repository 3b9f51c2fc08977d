#include "api/system_handlers.h"

#include "api/openapi.h"
#include "http/problem.h"

namespace infrashare::api {

HttpResponse Healthz(const ApiCall& call) {
  if (auto check = call.services.health.Check(); !check) return ProblemResponse(check.error());
  return JsonResponse(200, Json{{"status", "ok"}}.dump());
}

HttpResponse GetOpenApi(const ApiCall&) { return JsonResponse(200, OpenApiText()); }

}  // namespace infrashare::api
